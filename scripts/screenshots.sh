#!/usr/bin/env bash
# Takes PNG screenshots of the built documentation with a headless Chromium,
# to look at the pages and their figures as a reader sees them:
#
#   scripts/screenshots.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR defaults to build/dev (its docs target is built first); the PNGs go
# to OUT_DIR, by default BUILD_DIR/docs/screenshots: mainpage.png (the main
# page), metering.png (the Flex metering guide, the whole page), and one per
# guide with a diagram (accounts_and_roles.png, operators.png, threads.png,
# storage_backends.png). Needs Debian's chromium: installed with apt-get when
# run as root, otherwise the command is printed. Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
out=${2:-$build/docs/screenshots}

if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  else
    echo "chromium is missing. Install it with:" >&2
    echo "  sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

cmake --build "$build" --target docs
html=$(cd "$build/docs/html" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# shot PAGE NAME WIDTH HEIGHT
shot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$profile" --virtual-time-budget=3000 \
    --window-size="$3,$4" --screenshot="$out/$2.png" "file://$html/$1" \
    >/dev/null 2>&1
  [ -s "$out/$2.png" ] || { echo "screenshots.sh: no screenshot of $1" >&2; exit 1; }
  echo "$out/$2.png"
}

shot index.html mainpage 1280 1000
shot metering.html metering 1280 7400
shot accounts_and_roles.html accounts_and_roles 1280 2200
shot operators.html operators 1280 2600
shot threads.html threads 1280 1800
shot storage_backends.html storage_backends 1280 1400
