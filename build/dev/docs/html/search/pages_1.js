var searchData=
[
  ['libautolic_0',['libautolic',['../index.html',1,'']]]
];
