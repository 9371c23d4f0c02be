var searchData=
[
  ['db_2eh_0',['db.h',['../db_8h.html',1,'']]],
  ['del_1',['del',['../structautolic__storage.html#add617e2e04ff1715bd091a46049f074b',1,'autolic_storage']]]
];
