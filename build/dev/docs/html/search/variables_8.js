var searchData=
[
  ['language_0',['language',['../structautolic__account__spec.html#a2e7810f9801a9c60bef5445caaad8708',1,'autolic_account_spec::language()'],['../structautolic__account__info.html#a93565879a2b43d9213882b330f021fb4',1,'autolic_account_info::language()']]],
  ['last_5fname_1',['last_name',['../structautolic__account__spec.html#a1c0274e529dda091e92e9a4df1b321c4',1,'autolic_account_spec::last_name()'],['../structautolic__account__info.html#ab6404ba63dc017a8e88e878589ca3b34',1,'autolic_account_info::last_name()']]]
];
