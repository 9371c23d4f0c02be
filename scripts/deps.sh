#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demonstration need.
# As root it runs apt-get; otherwise it prints the exact command and stops.
# libsqlite3-dev builds the optional libautolic-sqlite backend; with CI=true the
# configure step fails without it, so its tests are never skipped silently in CI.
# libpq-dev builds the optional libautolic-pg backend and postgresql provides the
# server binaries (initdb, pg_ctl) its tests start a throw-away server with; with
# CI=true the configure step fails without either. graphviz draws the diagrams of
# the documentation (scripts/figures.sh). mypy checks the Python binding's
# annotations (ctest python_mypy). clang-format-14 is the formatter of
# scripts/format.sh (ctest format).
set -euo pipefail
pkgs=(build-essential cmake pkg-config python3 mypy libcmocka-dev doxygen graphviz valgrind abigail-tools libsqlite3-dev
      libpq-dev postgresql
      clang-14 libclang-rt-14-dev clang-format-14
      lcov)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Missing Debian packages. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
