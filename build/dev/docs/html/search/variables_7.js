var searchData=
[
  ['id_0',['id',['../structautolic__account__info.html#a84384fa389d35d8cf5c96baecfaa2862',1,'autolic_account_info']]],
  ['invitation_5fexpires_1',['invitation_expires',['../structautolic__account__info.html#a9a5fa492484ef3b7a8997d7e9256f48e',1,'autolic_account_info']]],
  ['invited_5fby_2',['invited_by',['../structautolic__account__info.html#ab1a47c2447d2bb576a6d6af5494a7cde',1,'autolic_account_info']]]
];
