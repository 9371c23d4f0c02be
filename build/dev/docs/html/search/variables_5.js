var searchData=
[
  ['first_5fname_0',['first_name',['../structautolic__account__spec.html#aee7c94be7c76f2b5f13f9972d4c5669d',1,'autolic_account_spec::first_name()'],['../structautolic__account__info.html#af6dd065ae7ed48e64d1c315b2957ea6c',1,'autolic_account_info::first_name()']]],
  ['free_1',['free',['../structautolic__storage.html#a9de5b1c853f01f2e57d9550473f45f5a',1,'autolic_storage']]],
  ['free_5ffn_2',['free_fn',['../structautolic__allocator.html#a98ad8d51939ecd261ff4cf6927561395',1,'autolic_allocator']]]
];
