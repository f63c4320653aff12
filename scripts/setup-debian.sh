#!/bin/sh
# Installs every build and test dependency of certplan from Debian 12's own archive.
# Idempotent: apt-get skips what is already there. Needs root (or sudo).
set -eu
pkgs="g++ meson ninja-build pkg-config libbotan-2-dev libtomlplusplus-dev libcli11-dev \
libfmt-dev catch2 libidn2-dev nlohmann-json3-dev openssl ca-certificates python3"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
