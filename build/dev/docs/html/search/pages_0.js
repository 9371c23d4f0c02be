var searchData=
[
  ['errors_0',['Errors',['../errors.html',1,'']]]
];
