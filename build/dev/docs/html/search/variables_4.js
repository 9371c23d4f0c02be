var searchData=
[
  ['email_0',['email',['../structautolic__account__spec.html#a6106bd9e739a3f972365acd87158ab07',1,'autolic_account_spec::email()'],['../structautolic__account__info.html#af4563009ebedf9c884e9d23a9d095fce',1,'autolic_account_info::email()']]],
  ['event_5fctx_1',['event_ctx',['../structautolic__db__options.html#af0d23f7b4569224875af9e1565014c1a',1,'autolic_db_options']]]
];
