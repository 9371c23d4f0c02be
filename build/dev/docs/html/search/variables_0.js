var searchData=
[
  ['allocator_0',['allocator',['../structautolic__db__options.html#a46b6caa9137b01c2a0c4ce26bffccb85',1,'autolic_db_options']]]
];
