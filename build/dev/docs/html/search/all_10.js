var searchData=
[
  ['writing_20a_20storage_20backend_0',['Writing a storage backend',['../storage_backends.html',1,'']]]
];
