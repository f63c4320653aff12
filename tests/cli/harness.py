"""The runner the CLI test scripts share: run every `case_*` function (or the named ones),
report each, end with "N passed, N failed", exit non-zero on any failure."""
import sys
import traceback


def run_cases(namespace, names):
    cases = {name[5:]: fn for name, fn in namespace.items() if name.startswith("case_") and callable(fn)}
    names = names or list(cases)
    failed = 0
    for n in names:
        try:
            cases[n]()
            print(f"ok   {n}")
        except Exception:  # one failing case must not hide the others
            failed += 1
            print(f"FAIL {n}")
            traceback.print_exc(file=sys.stdout)
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed or not names else 0
