var searchData=
[
  ['clock_0',['clock',['../structautolic__db__options.html#ad2c726bb67b9422ecfb8249570d33430',1,'autolic_db_options']]],
  ['clock_5fctx_1',['clock_ctx',['../structautolic__db__options.html#a1cdf76f7f58a786d1ae3a58e472f35d8',1,'autolic_db_options']]],
  ['commit_2',['commit',['../structautolic__storage.html#a807c73218c4fb65ec0da9c4c1280481a',1,'autolic_storage']]],
  ['created_3',['created',['../structautolic__account__info.html#aadb40fad2e2325f4a73853b41424d6c7',1,'autolic_account_info']]],
  ['ctx_4',['ctx',['../structautolic__allocator.html#a1645b9c4e120ab01109169e7d15c6280',1,'autolic_allocator::ctx()'],['../structautolic__storage.html#afbd125a4abbff62e65ff8e908f75c0b5',1,'autolic_storage::ctx()']]]
];
