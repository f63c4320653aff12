#!/bin/sh
# Installs what is missing (Debian 12), builds with warnings as errors and runs every test.
# This is the README's test command; .ci/run calls exactly this.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
if [ ! -f build/build.ninja ]; then
  meson setup build -Dwerror=true --wrap-mode=nodownload
else
  # build/ may come from run-example.sh, set up without -Dwerror: tests always use it.
  meson configure build -Dwerror=true
fi
ninja -C build
set +e
meson test -C build --print-errorlogs
status=$?
set -e
# The one summary line CI reads, from Meson's own log.
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = 0
with open(sys.argv[1]) as fh:
    for line in fh:
        r = json.loads(line)
        if r.get("result") in ("OK", "EXPECTEDFAIL"):
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed")
PY
exit $status
