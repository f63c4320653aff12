#!/bin/sh
# Installs every build and test dependency of certplan from Debian 12's own archive.
# Idempotent: apt-get skips what is already there. Needs root (or sudo).
# dovecot and postfix are test fixtures: the live STARTTLS tests start them from a private
# configuration (tests/cli/mail_servers.py); the system services they install are not used.
set -eu
pkgs="g++ meson ninja-build pkg-config libbotan-2-dev libtomlplusplus-dev libcli11-dev \
libfmt-dev catch2 libidn2-dev nlohmann-json3-dev openssl ca-certificates python3 time \
dovecot-imapd dovecot-pop3d postfix"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing$missing" >&2
case " $missing " in
  *" postfix "*)
    # Otherwise debconf asks for a mail setup (or, non-interactive, writes an Internet Site
    # /etc/postfix/main.cf). Only on a first install, so a configured postfix keeps its answer.
    echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
    ;;
esac
$SUDO apt-get update -qq
# env, because sudo drops the caller's environment. With no init system (a CI container) the
# postinst scripts still succeed: invoke-rc.d finds no runlevel and starts nothing ("No init
# system and policy-rc.d missing! Defaulting to block").
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
