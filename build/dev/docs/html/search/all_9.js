var searchData=
[
  ['malloc_5ffn_0',['malloc_fn',['../structautolic__allocator.html#a96ad309d1c676bbee77c3b8fb9e16174',1,'autolic_allocator']]],
  ['max_5fretries_1',['max_retries',['../structautolic__db__options.html#a5cd0851daa81a9ebb5dc5244150fac30',1,'autolic_db_options']]]
];
