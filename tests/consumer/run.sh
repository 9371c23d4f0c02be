#!/usr/bin/env bash
# Usage: run.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
bin=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$bin" --prefix "$work/prefix" >/dev/null
here=$(cd "$(dirname "$0")" && pwd)

# find_package(autolic), C and C++
cmake -S "$here" -B "$work/cm" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cm" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib" "$work/cm/consumer_c"
LD_LIBRARY_PATH="$work/prefix/lib" "$work/cm/consumer_cxx"

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
case "$soname" in libautolic.so.[0-9]*) ;; *) echo "bad SONAME $soname" >&2; exit 1 ;; esac
echo "consumers built and ran: find_package C/C++, pkg-config shared/static; SONAME $soname"
