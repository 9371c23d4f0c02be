var searchData=
[
  ['savepoint_0',['savepoint',['../structautolic__storage.html#a83caad6e47ab67591ab6ce08eeddca01',1,'autolic_storage']]],
  ['scan_1',['scan',['../structautolic__storage.html#abef445c2d25c30d4c7e7dd52b716c859',1,'autolic_storage']]],
  ['state_2',['state',['../structautolic__account__info.html#adf8010391552ce183ef2236defe1faf5',1,'autolic_account_info']]],
  ['storage_3',['storage',['../structautolic__db__options.html#aeb530c67f34147fa4597f3c5e1ca677b',1,'autolic_db_options']]]
];
