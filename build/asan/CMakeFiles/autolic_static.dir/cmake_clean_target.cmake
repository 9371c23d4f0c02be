file(REMOVE_RECURSE
  "libautolic.a"
)
