"""The runner the CLI test scripts share: run every `case_*` function (or the named ones),
report each, end with "N passed, N failed", exit non-zero on any failure. A case may raise
Skip when this machine cannot run it; if every case run was skipped the exit code is 77, so
meson reports SKIP instead of a pass that tested nothing."""
import sys
import traceback


class Skip(Exception):
    pass


def run_cases(namespace, names):
    cases = {name[5:]: fn for name, fn in namespace.items() if name.startswith("case_") and callable(fn)}
    names = names or list(cases)
    failed = skipped = 0
    for n in names:
        try:
            cases[n]()
            print(f"ok   {n}")
        except Skip as e:
            skipped += 1
            print(f"skip {n}: {e}")
        except Exception:  # one failing case must not hide the others
            failed += 1
            print(f"FAIL {n}")
            traceback.print_exc(file=sys.stdout)
    print(f"{len(names) - failed - skipped} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    if failed or not names:
        return 1
    return 77 if skipped == len(names) else 0
