#!/bin/sh
# Installs what is missing (Debian 12), builds, and plans an example topology.
# usage: scripts/run-example.sh [TOPOLOGY] [certplan plan options...]
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
# The Botan 3 that setup-debian.sh built, when Debian has no package of it: PKG_CONFIG_PATH,
# and the same path kept in the build directory (-Dpkg_config_path), so that ninja's own
# re-configurations still find it.
. ./scripts/botan-env.sh
botan_opt=""
[ -f "$botan_pkgconfig/botan-3.pc" ] && botan_opt="-Dpkg_config_path=$botan_pkgconfig"
if [ ! -f build/build.ninja ]; then
  meson setup build --wrap-mode=nodownload $botan_opt >/dev/null
elif [ -n "$botan_opt" ]; then
  meson configure build $botan_opt # a build/ set up before the move to Botan 3
fi
ninja -C build >/dev/null
topology=${1:-examples/consolidated.toml}
[ $# -gt 0 ] && shift
exec ./build/src/certplan plan "$topology" "$@"
