var searchData=
[
  ['stored_20records_20and_20keys_0',['Stored records and keys',['../record_format.html',1,'']]]
];
