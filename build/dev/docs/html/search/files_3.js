var searchData=
[
  ['storage_2eh_0',['storage.h',['../storage_8h.html',1,'']]]
];
