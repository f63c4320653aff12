# Sourced (". scripts/botan-env.sh") by the set-up, build and test scripts: where the Botan 3
# that scripts/setup-debian.sh builds lives, and PKG_CONFIG_PATH pointing at it. Outside the
# clone, so fresh clones and later builds reuse it. Where Debian packages libbotan-3-dev
# (13 and later), pkg-config finds that one and this directory is never made.
botan_version=3.7.1
botan_prefix=${XDG_CACHE_HOME:-$HOME/.cache}/certplan/botan-$botan_version
botan_pkgconfig=$botan_prefix/lib/pkgconfig
# Position-independent code, so libcertplan.so can carry it (issue 17), and the CPU-specific
# hash and cipher code (issue 18: SHA-NI and the like): a cache built before either lacks this
# stamp and is rebuilt.
botan_stamp=$botan_prefix/certplan-fpic-isa
if [ -f "$botan_pkgconfig/botan-3.pc" ] && [ -f "$botan_stamp" ]; then
  PKG_CONFIG_PATH=$botan_pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  export PKG_CONFIG_PATH
fi
