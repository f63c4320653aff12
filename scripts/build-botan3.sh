#!/bin/sh
# Builds Botan 3.7.1 from Debian 13 (trixie)'s botan3 source package into the cache of
# scripts/botan-env.sh, for Debian 12, which packages only Botan 2 (EOL 2024-12-31). Called by
# scripts/setup-debian.sh; does nothing when the cache is complete.
# - The source comes through a temporary source list (-o Dir::Etc::sourcelist, sourceparts,
#   State::Lists, Cache): the machine's apt configuration, lists and caches are not touched.
#   Its deb-src line reuses the archive this machine's apt already uses, read at run time.
# - Only the orig tarball is used: Debian's one patch (readdir_hurd) is for GNU/Hurd
#   (shared/deps.md section 8), so neither dpkg-source nor dpkg-dev is needed.
# - --minimized-build with the modules src/x509 uses, a static library (fewer shared
#   libraries bound at start-up) of position-independent code (it is linked into
#   libcertplan.so as well as into the static library and the binary), installed under a temporary directory next to the cache and
#   renamed into place: an interrupted build never leaves a half cache.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/botan-env.sh"
[ -f "$botan_pkgconfig/botan-3.pc" ] && [ -f "$botan_stamp" ] && exit 0

# The archive URI of the machine's own release (not -security, not -updates): deb822 files
# first (Debian 12's default), then one-line lists.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
uri=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  uri=$(awk -v cn="$codename" 'BEGIN { RS = "" }
    {
      uris = ""; suites = ""; off = 0
      n = split($0, line, "\n")
      for (i = 1; i <= n; i++) {
        l = line[i]
        if (l ~ /^[ \t]*#/) continue
        key = tolower(l); sub(/:.*/, "", key)
        val = l; sub(/^[^:]*:[ \t]*/, "", val)
        if (key == "uris") uris = val
        else if (key == "suites") suites = " " val " "
        else if (key == "enabled" && tolower(val) ~ /^no/) off = 1
      }
      if (!off && uris != "" && index(suites, " " cn " ")) { split(uris, u, " "); print u[1]; exit }
    }' "$f")
  [ -n "$uri" ] && break
done
if [ -z "$uri" ]; then
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v cn="$codename" '$1 == "deb" || $1 == "deb-src" {
        i = 2
        if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == cn) { print $i; exit }
      }' "$f")
    [ -n "$uri" ] && break
  done
fi
if [ -z "$uri" ]; then
  echo "setup: no Debian archive for \"$codename\" in /etc/apt/sources.list{,.d}: cannot fetch botan3's source" >&2
  exit 1
fi
uri=${uri%/}

# Fetched and built under $TMPDIR (which apt's _apt download user can reach, unlike a home
# directory), installed into a stage next to the cache, then renamed.
parent=$(dirname "$botan_prefix")
mkdir -p "$parent"
work=$(mktemp -d "${TMPDIR:-/tmp}/certplan-botan.XXXXXX")
stage=$(mktemp -d "$parent/.botan-$botan_version.XXXXXX")
trap 'rm -rf "$work" "$stage"' EXIT
trap 'exit 130' INT TERM HUP # through the EXIT trap: no stage or half cache left
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
chmod 755 "$work" "$work/apt" "$work/src"
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
  chown -R _apt "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
fi
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie main" >"$work/apt/sources.list"
apt_tmp="-o Dir::Etc::sourcelist=$work/apt/sources.list -o Dir::Etc::sourceparts=- \
-o Dir::State::Lists=$work/apt/lists -o Dir::Cache=$work/apt/cache"

echo "setup: building Botan $botan_version from Debian 13's botan3 source into $botan_prefix (a few minutes, once)" >&2
# shellcheck disable=SC2086
apt-get $apt_tmp -qq update
# shellcheck disable=SC2086
(cd "$work/src" && apt-get $apt_tmp -qq source --download-only botan3 >/dev/null)
orig=$(ls "$work/src"/botan3_"$botan_version"+dfsg.orig.tar.* 2>/dev/null | head -1)
if [ -z "$orig" ]; then
  echo "setup: trixie's botan3 is not $botan_version (got: $(ls "$work/src"))" >&2
  exit 1
fi
tar -xf "$orig" -C "$work/src"
cd "$work/src/botan3-$botan_version+dfsg"

# The modules src/x509 uses, and the algorithms the certificates and servers it reads use:
# - certificates, requests, path validation, stores: x509, pem, base64, hex, certstor_system
#   (on Linux, the bundle given by --system-cert-bundle), certstor_flatfile (--trust FILE);
# - keys: rsa, ecdsa (P-256, P-384, P-521: the curves of the CA/B BRs, through pcurves_*),
#   ed25519; signature paddings PKCS#1 v1.5 and PSS (TLS 1.3 signs with PSS), eme_pkcs1 (RSA
#   key exchange of old TLS 1.2 servers);
# - hashes: sha1 (judged, not trusted: R10), sha2_32, sha2_64;
# - encrypted PKCS#8 keys: pbes2, pbkdf2, aes, cbc (what certplan writes and openssl 3 writes
#   by default), scrypt (PBES2's other KDF);
# - TLS client: tls12, tls13, ecdh, x25519, dh (ffdhe groups), gcm, chacha20poly1305, cbc and
#   hmac (TLS 1.2 CBC suites), prf_tls, hkdf;
# - auto_rng, system_rng;
# - the CPU-specific code of those hashes and ciphers (issue 18: without it SHA-256, which
#   keys every certificate certplan reads, ran Botan's portable code, a quarter of expiry's
#   CPU). --minimized-build leaves these submodules out; a full build loads them. Botan picks
#   among them at run time (cpuid), and configure.py skips those of another architecture:
#   SHA-NI, BMI2, SSE2/SSSE3 (x86), ARMv8 crypto (arm64), AES-NI, vperm, CLMUL and its
#   fallbacks for GHASH (GCM), simd for ChaCha20.
modules=x509,pem,base64,hex,certstor_system,certstor_flatfile,\
rsa,ecdsa,ed25519,pcurves_secp256r1,pcurves_secp384r1,pcurves_secp521r1,\
emsa_pkcs1,emsa_pssr,eme_pkcs1,sha1,sha2_32,sha2_64,\
pbes2,pbkdf2,aes,cbc,scrypt,\
tls12,tls13,ecdh,x25519,dh,gcm,chacha20poly1305,hmac,prf_tls,hkdf,\
auto_rng,system_rng,\
sha1_x86,sha1_sse2,sha1_armv8,sha2_32_x86,sha2_32_bmi2,sha2_32_armv8,sha2_64_bmi2,sha2_64_armv8,\
aes_ni,aes_vperm,aes_armv8,ghash_cpu,ghash_vperm,chacha_simd32,chacha_avx2
python3 configure.py --minimized-build --enable-modules="$modules" --build-targets=static \
  --prefix="$botan_prefix" --without-documentation --extra-cxxflags=-fPIC \
  --system-cert-bundle=/etc/ssl/certs/ca-certificates.crt >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; exit 1; }
make -j"$(nproc)" libs >"$work/make.log" 2>&1 || { tail -50 "$work/make.log" >&2; exit 1; }
make install DESTDIR="$stage" >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; exit 1; }
# Same file system as the cache: the rename is atomic. (A directory without botan-3.pc is
# not a cache: nothing of ours finished there.)
touch "$stage$botan_prefix/$(basename "$botan_stamp")"
rm -rf "$botan_prefix"
mv "$stage$botan_prefix" "$botan_prefix"
echo "setup: Botan $botan_version installed in $botan_prefix" >&2
