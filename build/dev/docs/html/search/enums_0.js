var searchData=
[
  ['autolic_5faccount_5fstate_0',['autolic_account_state',['../account_8h.html#a30e10e48cb545e717770ac20f00dd2e7',1,'account.h']]],
  ['autolic_5ferror_1',['autolic_error',['../common_8h.html#abb77fe200a87fc91c61b54bdb959bd50',1,'common.h']]],
  ['autolic_5fevent_5ftype_2',['autolic_event_type',['../db_8h.html#a4ae74f2f1efbdc4788c5593ef2b33845',1,'db.h']]]
];
