#!/usr/bin/env bash
# Usage: run.sh SOURCE_DIR BUILD_DIR [TOOLS]
# TOOLS ON: the command-line programs and their man pages are installed too.
set -euo pipefail
src=$1
bin=$2
tools=${3:-OFF}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$bin" --prefix "$work/prefix" >/dev/null
here=$(cd "$(dirname "$0")" && pwd)

# find_package(autolic), C and C++
cmake -S "$here" -B "$work/cm" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cm" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib" "$work/cm/consumer_c"
cxx_msg=""
if [ -x "$work/cm/consumer_cxx" ]; then
  LD_LIBRARY_PATH="$work/prefix/lib" "$work/cm/consumer_cxx"
  cxx_msg=" and C++"
fi

# pkg-config
libdir=$(ls -d "$work/prefix"/lib*/pkgconfig | head -n1)
export PKG_CONFIG_PATH=$libdir
cc -std=c99 -Wall -Wextra -Werror "$here/consumer.c" -o "$work/pc" $(pkg-config --cflags --libs autolic)
LD_LIBRARY_PATH="$work/prefix/lib" "$work/pc"
# static, through pkg-config --static
cc -std=c99 -Wall -Wextra -Werror -DAUTOLIC_STATIC "$here/consumer.c" -o "$work/pcs" \
  $(pkg-config --cflags autolic) "$work/prefix/lib/libautolic.a" -lpthread
"$work/pcs"

# the shared library exports only autolic_* symbols, and its SONAME carries the major
nm -D --defined-only "$work/prefix/lib/libautolic.so" | awk '{print $3}' | grep -v '^autolic_' \
  | grep -v '^LIBAUTOLIC' && { echo "non-autolic symbol exported" >&2; exit 1; }
soname=$(objdump -p "$work/prefix/lib/libautolic.so" | awk '/SONAME/{print $2}')
case "$soname" in libautolic.so.[0-9]*) ;; *) echo "bad SONAME $soname$sqlite_msg" >&2; exit 1 ;; esac
# the optional SQLite backend, when it was built: a consumer through
# pkg-config, its exports, and the core library still free of libsqlite3
sqlite_msg=""
if [ -f "$libdir/autolic-sqlite.pc" ]; then
  cc -std=c99 -Wall -Wextra -Werror "$here/consumer_sqlite.c" -o "$work/pcsql" \
    $(pkg-config --cflags --libs autolic-sqlite)
  LD_LIBRARY_PATH="$work/prefix/lib" "$work/pcsql" "$work/consumer.db"
  nm -D --defined-only "$work/prefix/lib/libautolic-sqlite.so" | awk '{print $3}' \
    | grep -vE '^(autolic_sqlite_|autolic_store_sqlite_|LIBAUTOLIC_SQLITE)' \
    && { echo "libautolic-sqlite exports a foreign symbol" >&2; exit 1; }
  objdump -p "$work/prefix/lib/libautolic.so" | grep -q 'NEEDED.*sqlite' \
    && { echo "libautolic depends on libsqlite3" >&2; exit 1; }
  sqlite_msg="; libautolic-sqlite through pkg-config"
fi
# the optional PostgreSQL backend, when it was built: a consumer through
# pkg-config run against a throw-away server, its exports, and the core
# library still free of libpq
pg_msg=""
if [ -f "$libdir/autolic-pg.pc" ]; then
  cc -std=c99 -Wall -Wextra -Werror "$here/consumer_pg.c" -o "$work/pcpg" \
    $(pkg-config --cflags --libs autolic-pg)
  if "$src/tests/pg_server.sh" bindir >/dev/null 2>&1 || [ "${CI:-}" = true ]; then
    "$src/tests/pg_server.sh" run env LD_LIBRARY_PATH="$work/prefix/lib" "$work/pcpg"
    pg_msg="; libautolic-pg through pkg-config, run against a server"
  else
    pg_msg="; libautolic-pg through pkg-config (built; no PostgreSQL server binaries to run it)"
  fi
  nm -D --defined-only "$work/prefix/lib/libautolic-pg.so" | awk '{print $3}' \
    | grep -vE '^(autolic_pg_|autolic_store_pg_|LIBAUTOLIC_PG)' \
    && { echo "libautolic-pg exports a foreign symbol" >&2; exit 1; }
  objdump -p "$work/prefix/lib/libautolic.so" | grep -q 'NEEDED.*libpq' \
    && { echo "libautolic depends on libpq" >&2; exit 1; }
fi
# the command-line programs: in bin/, running from the prefix as installed
# (they find the library through their RPATH), each with its man page
tools_msg=""
case "$tools" in
ON | on | 1 | TRUE | true)
  for t in autolic_admin autolic_flex autolic_ops; do
    [ -x "$work/prefix/bin/$t" ] || { echo "bin/$t not installed" >&2; exit 1; }
    env -u LD_LIBRARY_PATH "$work/prefix/bin/$t" --help | grep -q "^usage: $t " \
      || { echo "bin/$t --help does not run from the prefix" >&2; exit 1; }
    page="$work/prefix/share/man/man1/$t.1"
    [ -f "$page" ] || { echo "share/man/man1/$t.1 not installed" >&2; exit 1; }
    grep -q "^\.TH \"$(tr a-z A-Z <<<"$t")\" 1 " "$page" && grep -q "^$t \\\\- ." "$page" \
      && grep -q '^\.SH SYNOPSIS' "$page" && grep -qF -- '--store PATH' "$page" \
      || { echo "share/man/man1/$t.1 is not its man page" >&2; exit 1; }
    if command -v man >/dev/null; then
      MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q "$t" || { echo "man cannot read $t.1" >&2; exit 1; }
    fi
  done
  tools_msg="; bin/autolic_{admin,flex,ops} and their man pages"
  ;;
esac
echo "consumers built and ran: find_package C$cxx_msg, pkg-config shared/static; SONAME $soname$sqlite_msg$pg_msg$tools_msg"
