var searchData=
[
  ['version_0',['version',['../structautolic__account__spec.html#a7c280593bb1ba85f11bf66f57a5915f0',1,'autolic_account_spec::version()'],['../structautolic__account__info.html#a1a831dbe0074345a697b6f9721cc444d',1,'autolic_account_info::version()'],['../structautolic__event.html#adc5715f3aefa092c67372c7ffbf7b6c0',1,'autolic_event::version()'],['../structautolic__db__options.html#ac1551757080bfb3363fcd7512dc1dd44',1,'autolic_db_options::version()'],['../structautolic__storage.html#acc9b07b0457f656d3e44912c3c43ef49',1,'autolic_storage::version()']]]
];
