#!/bin/sh
# Installs what is missing (Debian 12), builds, and plans an example topology.
# usage: scripts/run-example.sh [TOPOLOGY] [certplan plan options...]
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
if [ ! -f build/build.ninja ]; then
  meson setup build --wrap-mode=nodownload >/dev/null
fi
ninja -C build >/dev/null
topology=${1:-examples/consolidated.toml}
[ $# -gt 0 ] && shift
exec ./build/src/certplan plan "$topology" "$@"
