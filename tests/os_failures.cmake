# test_os_failures: the library's own system calls (mutex and condition
# variable creation, getrandom, fstat, fcntl locks, open of a directory) fail
# on demand. The test program's wrappers stand in for them through the
# linker's --wrap, for the static library linked into it only.
if(TARGET test_os_failures)
  target_link_options(test_os_failures PRIVATE
    "LINKER:--wrap=pthread_mutex_init,--wrap=pthread_cond_init,--wrap=getrandom"
    "LINKER:--wrap=fstat,--wrap=fcntl,--wrap=open")
endif()
