var searchData=
[
  ['db_2eh_0',['db.h',['../db_8h.html',1,'']]]
];
