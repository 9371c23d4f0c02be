var searchData=
[
  ['realloc_5ffn_0',['realloc_fn',['../structautolic__allocator.html#abac33e9035a1f336ce69de357252683a',1,'autolic_allocator']]],
  ['recipient_1',['recipient',['../structautolic__event.html#a46921336d4e0f7479e38a23c96ceb904',1,'autolic_event']]],
  ['release_2',['release',['../structautolic__storage.html#a6267e8ff903c36eb27185f874643648b',1,'autolic_storage']]],
  ['rollback_3',['rollback',['../structautolic__storage.html#adddec71456269cd6703f7dac4280f06a',1,'autolic_storage']]],
  ['rollback_5fto_4',['rollback_to',['../structautolic__storage.html#ad08953029cef16be228f3e6f2dd34400',1,'autolic_storage']]],
  ['rule_5',['rule',['../structautolic__event.html#af25d7dbeffe90ffa4733403c5023473c',1,'autolic_event']]]
];
