#!/usr/bin/env python3
"""Benchmark: start-up, `certplan --help` against `openssl version`, in the same run.

usage: bench/startup.py CERTPLAN [OTHER_CERTPLAN...] [-n N]     (default N: 50)

Each command runs N times in a row, three rounds interleaved (so a busy machine slows each
alike); the best round counts. Also prints how many shared libraries each certplan binds
(`ldd | wc -l`): the static Botan 3 of scripts/build-botan3.sh took that from 17 to 10, and
start-up from 2.4x `openssl version` to about 1x (issue 14).
"""
import subprocess
import sys
import time


def per_run_ms(cmd, n):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # page cache warm
    start = time.perf_counter()
    for _ in range(n):
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) / n * 1000


def main():
    args = sys.argv[1:]
    n = 50
    if "-n" in args:
        i = args.index("-n")
        n = int(args[i + 1])
        del args[i:i + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 3
    cmds = {"openssl version": ["openssl", "version"]}
    for exe in args:
        cmds[f"{exe} --help"] = [exe, "--help"]
    rounds = {k: [] for k in cmds}
    for _ in range(3):
        for label, cmd in cmds.items():
            rounds[label].append(per_run_ms(cmd, n))
    base = min(rounds["openssl version"])
    for label, ms in rounds.items():
        libs = ""
        if label != "openssl version":
            out = subprocess.run(["ldd", cmds[label][0]], capture_output=True, text=True).stdout
            libs = f", ldd: {len(out.splitlines())} lines"
        print(f"{label}: {min(ms):.2f} ms a run (best of 3 x {n}), {min(ms) / base:.2f}x openssl version{libs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
