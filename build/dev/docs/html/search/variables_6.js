var searchData=
[
  ['get_0',['get',['../structautolic__storage.html#ab519705b68e666daffb19e34e4b0da3e',1,'autolic_storage']]]
];
