var searchData=
[
  ['common_2eh_0',['common.h',['../common_8h.html',1,'']]]
];
