file(REMOVE_RECURSE
  "libautolic_testsupport.a"
)
