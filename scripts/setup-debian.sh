#!/bin/sh
# Installs every build and test dependency of certplan from Debian's own archive, and Botan 3:
# libbotan-3-dev where Debian packages it (13 and later); on Debian 12, which has only Botan 2,
# scripts/build-botan3.sh builds 3.7.1 from Debian 13's source package into a cache outside
# the clone, once (scripts/botan-env.sh says where; the callers source it for PKG_CONFIG_PATH).
# Idempotent: apt-get skips what is already there, the Botan build what is cached. Needs root
# (or sudo) for apt-get; the Botan build runs as the caller, into the caller's cache.
# dovecot, postfix and nginx are test fixtures: the live tests start them from a private
# configuration (tests/cli/mail_servers.py, tests/cli/tls_lab.py); the system services they
# install are not used.
# pebble and certbot are test fixtures too: tests/cli/test_deploy_cli.py starts pebble on
# loopback and has certbot issue certplan's CSR with the command `certplan deploy` emits.
# make and xz-utils build Botan 3 (configure.py is Python; the orig tarball is .tar.xz).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkgs="g++ meson ninja-build pkg-config libtomlplusplus-dev libcli11-dev \
libfmt-dev catch2 libidn2-dev nlohmann-json3-dev libpugixml-dev robin-map-dev openssl ca-certificates python3 time \
dovecot-imapd dovecot-pop3d postfix nginx-light pebble certbot make xz-utils"
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=""
for p in $pkgs; do
  installed "$p" || missing="$missing $p"
done
. "$here/botan-env.sh"
need_botan=no
if ! installed libbotan-3-dev && { [ ! -f "$botan_pkgconfig/botan-3.pc" ] || [ ! -f "$botan_stamp" ]; }; then
  need_botan=yes
fi
[ -z "$missing" ] && [ $need_botan = no ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
if [ $need_botan = yes ]; then
  # "Candidate: (none)", or no such package at all, on Debian 12.
  candidate=$(apt-cache policy libbotan-3-dev 2>/dev/null | sed -n 's/^ *Candidate: *//p')
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
    missing="$missing libbotan-3-dev"
    need_botan=no
  fi
fi
if [ -n "$missing" ]; then
  echo "setup: installing$missing" >&2
  case " $missing " in
    *" postfix "*)
      # Otherwise debconf asks for a mail setup (or, non-interactive, writes an Internet Site
      # /etc/postfix/main.cf). Only on a first install, so a configured postfix keeps its answer.
      echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
      ;;
  esac
  # env, because sudo drops the caller's environment. With no init system (a CI container) the
  # postinst scripts still succeed: invoke-rc.d finds no runlevel and starts nothing ("No init
  # system and policy-rc.d missing! Defaulting to block").
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
fi
if [ $need_botan = yes ]; then
  "$here/build-botan3.sh"
fi
