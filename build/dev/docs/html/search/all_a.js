var searchData=
[
  ['object_0',['object',['../structautolic__event.html#ae87283636c08274aedcac008c7c1a8a3',1,'autolic_event']]],
  ['on_5fevent_1',['on_event',['../structautolic__db__options.html#ac653c4298d772e46ab18f5f12a767992',1,'autolic_db_options']]]
];
