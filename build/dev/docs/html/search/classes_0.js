var searchData=
[
  ['autolic_5faccount_5finfo_0',['autolic_account_info',['../structautolic__account__info.html',1,'']]],
  ['autolic_5faccount_5fspec_1',['autolic_account_spec',['../structautolic__account__spec.html',1,'']]],
  ['autolic_5fallocator_2',['autolic_allocator',['../structautolic__allocator.html',1,'']]],
  ['autolic_5fdb_5foptions_3',['autolic_db_options',['../structautolic__db__options.html',1,'']]],
  ['autolic_5fevent_4',['autolic_event',['../structautolic__event.html',1,'']]],
  ['autolic_5fstorage_5',['autolic_storage',['../structautolic__storage.html',1,'']]]
];
