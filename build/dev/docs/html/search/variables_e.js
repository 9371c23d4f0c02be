var searchData=
[
  ['team_0',['team',['../structautolic__event.html#ab8ebe8fa40e952c7ec53c4713ee7800e',1,'autolic_event']]],
  ['text_1',['text',['../structautolic__event.html#a037380132d8b143444aeb50aa1eb8c68',1,'autolic_event']]],
  ['time_2',['time',['../structautolic__event.html#ad97acc995ce8469b52cfd3a9f209b24d',1,'autolic_event']]],
  ['type_3',['type',['../structautolic__event.html#abb154298d8a201c1293ea96cb5d5b2a6',1,'autolic_event']]]
];
