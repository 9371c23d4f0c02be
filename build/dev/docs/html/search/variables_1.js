var searchData=
[
  ['begin_0',['begin',['../structautolic__storage.html#a26f59985a82f4c5e201c8ce089d79fad',1,'autolic_storage']]]
];
