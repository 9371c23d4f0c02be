var searchData=
[
  ['del_0',['del',['../structautolic__storage.html#add617e2e04ff1715bd091a46049f074b',1,'autolic_storage']]]
];
