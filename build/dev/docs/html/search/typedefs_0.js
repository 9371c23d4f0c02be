var searchData=
[
  ['autolic_5faccount_5finfo_0',['autolic_account_info',['../account_8h.html#ab8a28de09dafd34ce51cee654b295b3a',1,'account.h']]],
  ['autolic_5faccount_5fspec_1',['autolic_account_spec',['../account_8h.html#a2ea897ba6bf6fc14375e1fdf8d785343',1,'account.h']]],
  ['autolic_5faccount_5fstate_2',['autolic_account_state',['../account_8h.html#a6546b952ad3c6fc3a37112ba30a6893e',1,'account.h']]],
  ['autolic_5fallocator_3',['autolic_allocator',['../common_8h.html#ab65f4d2559f8fa196c1ebbb6f2307729',1,'common.h']]],
  ['autolic_5fclock_5ffn_4',['autolic_clock_fn',['../db_8h.html#a1cf379bfa1405c12b87b81f9aed491ba',1,'db.h']]],
  ['autolic_5fdb_5',['autolic_db',['../db_8h.html#ad386f1d7e81e4d5e4ea6fe4b947a44f0',1,'db.h']]],
  ['autolic_5fdb_5foptions_6',['autolic_db_options',['../db_8h.html#add949cdb6f989884193843015957e934',1,'db.h']]],
  ['autolic_5ferror_7',['autolic_error',['../common_8h.html#a789133d9fa2ad2c409d85f1805cd82a5',1,'common.h']]],
  ['autolic_5fevent_8',['autolic_event',['../db_8h.html#a3561c548cca18a2d663a27aa709f0f74',1,'db.h']]],
  ['autolic_5fevent_5ffn_9',['autolic_event_fn',['../db_8h.html#aff0e9eabf0dd162d24f4b70935106be9',1,'db.h']]],
  ['autolic_5fevent_5ftype_10',['autolic_event_type',['../db_8h.html#ac98f5ec7a091d006577ef71e46f0c5c8',1,'db.h']]],
  ['autolic_5fid_11',['autolic_id',['../common_8h.html#a6d0aca07275a7506fd5533bb0955e054',1,'common.h']]],
  ['autolic_5fstorage_12',['autolic_storage',['../storage_8h.html#aa2f46cef3aab8287f06fcd584760f2e8',1,'storage.h']]],
  ['autolic_5fstorage_5fscan_5fcb_13',['autolic_storage_scan_cb',['../storage_8h.html#a5f3afd98523bd92f2d6629a5f7aaf729',1,'storage.h']]],
  ['autolic_5ftime_14',['autolic_time',['../common_8h.html#acf16d5816e2475155d08d8449a399dcf',1,'common.h']]]
];
