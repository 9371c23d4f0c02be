var searchData=
[
  ['autolic_5faccount_5finfo_5fversion_0',['AUTOLIC_ACCOUNT_INFO_VERSION',['../account_8h.html#adcc2302be83181df9e154967b67699ba',1,'account.h']]],
  ['autolic_5faccount_5fspec_5finit_1',['AUTOLIC_ACCOUNT_SPEC_INIT',['../account_8h.html#aed8a3e53c0531647889c77eb90ad868c',1,'account.h']]],
  ['autolic_5faccount_5fspec_5fversion_2',['AUTOLIC_ACCOUNT_SPEC_VERSION',['../account_8h.html#af1d479ccfbb4e3b22ab980d546a378f5',1,'account.h']]],
  ['autolic_5fdb_5foptions_5finit_3',['AUTOLIC_DB_OPTIONS_INIT',['../db_8h.html#a3a47b554073f760e7a664fce472a3f11',1,'db.h']]],
  ['autolic_5fdb_5foptions_5fversion_4',['AUTOLIC_DB_OPTIONS_VERSION',['../db_8h.html#a409d4f757e37857c4617086be427426d',1,'db.h']]],
  ['autolic_5femail_5fmax_5',['AUTOLIC_EMAIL_MAX',['../account_8h.html#a9e3e283d989d5a6f3fe22629ca83ac64',1,'account.h']]],
  ['autolic_5fevent_5fversion_6',['AUTOLIC_EVENT_VERSION',['../db_8h.html#a3f722e38491d2ebba44f84b7d72784b5',1,'db.h']]],
  ['autolic_5flanguage_5fmax_7',['AUTOLIC_LANGUAGE_MAX',['../account_8h.html#aa25676a96138123a24a2a082066861ae',1,'account.h']]],
  ['autolic_5fname_5fmax_8',['AUTOLIC_NAME_MAX',['../account_8h.html#ab5a879006a16b34ed07c8924e07f3219',1,'account.h']]],
  ['autolic_5fstorage_5fversion_9',['AUTOLIC_STORAGE_VERSION',['../storage_8h.html#a9cff5dbc9fa81e670ad91add35d56bfd',1,'storage.h']]],
  ['autolic_5fversion_5fmajor_10',['AUTOLIC_VERSION_MAJOR',['../common_8h.html#a7bf4656030915056fd1e1daf993719f6',1,'common.h']]],
  ['autolic_5fversion_5fminor_11',['AUTOLIC_VERSION_MINOR',['../common_8h.html#a65bb583f27db8564c33bcfdf382c67dd',1,'common.h']]],
  ['autolic_5fversion_5fnumber_12',['AUTOLIC_VERSION_NUMBER',['../common_8h.html#a7d024a8e8f208a40330caca89ff120b7',1,'common.h']]],
  ['autolic_5fversion_5fpatch_13',['AUTOLIC_VERSION_PATCH',['../common_8h.html#a7f71ffbb9a9139cdc3a896aded19bbf3',1,'common.h']]]
];
