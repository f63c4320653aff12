#!/bin/sh
# Installs what is missing (Debian 12), builds with warnings as errors and runs every test,
# twice: in build/ as shipped, and in build-san/ with AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer. This is the README's test command; .ci/run calls exactly this.
# It ends with the one line CI reads: "N passed, N failed" over both runs.
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
  meson setup build -Dwerror=true --wrap-mode=nodownload $botan_opt
else
  # build/ may come from run-example.sh, set up without -Dwerror: tests always use it.
  meson configure build -Dwerror=true $botan_opt
fi
if [ ! -f build-san/build.ninja ]; then
  # -fno-sanitize-recover: undefined behaviour stops the process instead of printing and going on.
  # -Wno-maybe-uninitialized: GCC 12 warns falsely inside libstdc++'s <regex> once sanitizers
  # instrument it (GCC's manual warns of such false positives); build/ keeps the warning.
  # -O0 (buildtype debug): instrumented -O2 took 15 minutes to build here, -O0 a third of that.
  meson setup build-san -Dbuildtype=debug -Dwerror=true --wrap-mode=nodownload $botan_opt -Db_sanitize=address,undefined \
    -Dcpp_args="-fno-sanitize-recover=all -Wno-maybe-uninitialized"
elif [ -n "$botan_opt" ]; then
  meson configure build-san $botan_opt # a build-san/ set up before the move to Botan 3
fi
ninja -C build
ninja -C build-san

set +e
meson test -C build --print-errorlogs
status=$?
# Reports go to files as well as aborting the process, so one is seen even where a test only
# looks at an exit code; every report file counts as a failure below.
logs=$(pwd)/build-san/sanitizer-logs
rm -rf "$logs" && mkdir -p "$logs"
CERTPLAN_SANITIZED=1 \
ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:log_path=$logs/asan" \
UBSAN_OPTIONS="abort_on_error=1:halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan" \
  meson test -C build-san --print-errorlogs
[ $? -eq 0 ] || status=1
set -e

python3 - build/meson-logs/testlog.json build-san/meson-logs/testlog.json "$logs" <<'PY' || status=1
import json, pathlib, sys
passed = failed = 0
for log, label in ((sys.argv[1], "build"), (sys.argv[2], "build-san (ASan + UBSan)")):
    p = f = 0
    with open(log) as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("result") in ("OK", "EXPECTEDFAIL"):
                p += 1
            else:
                f += 1
    print(f"{label}: {p} passed, {f} failed")
    passed += p
    failed += f
for report in sorted(pathlib.Path(sys.argv[3]).iterdir()):
    print(f"sanitizer report {report.name}:\n{report.read_text(errors='replace')}")
    failed += 1
# The one summary line CI reads.
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
exit $status
