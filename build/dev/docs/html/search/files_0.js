var searchData=
[
  ['account_2eh_0',['account.h',['../account_8h.html',1,'']]],
  ['autolic_2eh_1',['autolic.h',['../autolic_8h.html',1,'']]]
];
