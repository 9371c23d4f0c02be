var searchData=
[
  ['product_0',['product',['../structautolic__event.html#a4a8c8b8ea0e0d434f57fef65bbe2305c',1,'autolic_event']]],
  ['put_1',['put',['../structautolic__storage.html#a2bd2f9bb2aecd1e39a70873d81a97942',1,'autolic_storage']]]
];
