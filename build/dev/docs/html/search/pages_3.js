var searchData=
[
  ['threads_2c_20transactions_20and_20events_0',['Threads, transactions and events',['../threads.html',1,'']]]
];
