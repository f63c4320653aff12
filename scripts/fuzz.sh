#!/bin/sh
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a set time.
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (default 60 s; targets: topology
#        certificate scan hostname request quote). Targets run side by side, one per core.
# Each starts from its seed corpus (tests/fuzz/corpus/TARGET and the project files listed in
# tests/fuzz/meson.build); what it finds goes to build-fuzz/corpus/TARGET, crashes to
# build-fuzz/artifacts/, the log to build-fuzz/logs/TARGET.log. Exit 1 if any target failed.
# To keep an input as a regression seed, copy it into tests/fuzz/corpus/TARGET/.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-topology certificate scan hostname request quote}

./scripts/setup-debian.sh
# The Botan 3 that setup-debian.sh built, when Debian has no package of it: PKG_CONFIG_PATH,
# and the same path kept in the build directory (-Dpkg_config_path), so that ninja's own
# re-configurations still find it.
. ./scripts/botan-env.sh
botan_opt=""
[ -f "$botan_pkgconfig/botan-3.pc" ] && botan_opt="-Dpkg_config_path=$botan_pkgconfig"
missing=""
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
fi

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ meson setup build-fuzz --wrap-mode=nodownload $botan_opt -Dfuzz=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dcpp_args=-fno-sanitize-recover=all >/dev/null
fi
ninja -C build-fuzz >/dev/null
mkdir -p build-fuzz/corpus build-fuzz/artifacts build-fuzz/logs

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
jobs=${FUZZ_JOBS:-$(nproc)} # targets at once (default: one per core)
running=0
for t in $targets; do
  [ -x build-fuzz/tests/fuzz/fuzz-$t ] || { echo "fuzz: no target $t" >&2; exit 3; }
  mkdir -p build-fuzz/corpus/$t
  # Seed folders, -max_len and -dict come from tests/fuzz/meson.build's table.
  # shellcheck disable=SC2046
  build-fuzz/tests/fuzz/fuzz-$t build-fuzz/corpus/$t $(cat build-fuzz/tests/fuzz/fuzz-$t.args) \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=build-fuzz/artifacts/$t- -print_final_stats=1 >build-fuzz/logs/$t.log 2>&1 &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then
    wait; running=0
  fi
done
wait
status=0
for t in $targets; do
  log=build-fuzz/logs/$t.log
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' $log | tail -1)
  corpus=$(ls build-fuzz/corpus/$t | wc -l)
  if grep -q "^Done [0-9]* runs" $log && ! grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz invariant broken" $log; then
    echo "fuzz $t: ok, ${runs:-?} runs in ${seconds} s, corpus $corpus new inputs (+ seeds)"
  else
    echo "fuzz $t: FAILED, see $log and build-fuzz/artifacts/" >&2
    status=1
  fi
done
exit $status
