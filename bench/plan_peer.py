#!/usr/bin/env python3
"""Benchmark: `certplan plan` of a hosted topology against Python's `tomllib.load` of the same file.

usage: bench/plan_peer.py CERTPLAN [--runs N] [--method redirect|srv|san] [--baseline OLD_CERTPLAN]
                          [--tenant] [SIZE ...]          (default sizes: 10000 50000 100000 200000)

For each size it writes the hosted topology of bench/plan_scale.py (two domains and a webmail
host per tenant), then runs, alternately and N times each (default 5): `certplan plan --format
json -o FILE`, `--format text -o FILE`, and a fresh `python3` doing `tomllib.load` of the file
(whole processes, so start-up counts on both sides). With --baseline, an older certplan binary
runs in the same rotation (JSON and text, and tenant add/remove). With --tenant, `tenant add` then `tenant remove` of one
tenant run on a copy of the file (the file must come back byte for byte).

It prints per command the median wall time, the range (min-max), the median peak memory (the
child's ru_maxrss), the ratio of medians to tomllib, and the growth of the median from one size to
the next; then the same for the CPU time (user + system). Run on demand on a quiet machine, never as a test (timings are noisy by nature).
"""
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from plan_scale import topology  # noqa: E402


def run(argv):
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one child process, whose
    exit status must be 0, 1 or 2. CPU time is printed too: on a shared machine the wall time also
    counts the waits for a core that other work holds. The peak is GNU time's: a child's own
    ru_maxrss starts at the RSS of the Python it was forked from (15 MiB, or 400 MiB once a
    benchmark has read a large plan). Shared by audit_bench.py and expiry_bench.py."""
    t0 = time.perf_counter()
    with tempfile.NamedTemporaryFile("r") as rss:
        p = subprocess.Popen(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, *map(str, argv)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)  # GNU time's usage includes the command it waited for
        wall = time.perf_counter() - t0
        peak = int(rss.read().split()[-1]) / 1024
    err = p.stderr.read().decode()
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        raise SystemExit(f"{argv[:3]} exited {code}: {err}")
    return wall, peak, usage.ru_utime + usage.ru_stime


def main() -> int:
    args = sys.argv[1:]
    runs, method, baseline, tenant = 5, "redirect", None, False
    sizes = []
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--method":
            method = args.pop(0)
        elif a == "--baseline":
            baseline = str(pathlib.Path(args.pop(0)).resolve())
        elif a == "--tenant":
            tenant = True
        elif a.startswith("-"):
            print(__doc__, file=sys.stderr)
            return 3
        elif not sizes and not a.isdigit():
            exe = str(pathlib.Path(a).resolve())
        else:
            sizes.append(int(a))
    sizes = sizes or [10000, 50000, 100000, 200000]
    print(f"certplan {exe}; method {method}; {runs} runs each, alternating; python {sys.version.split()[0]}")
    print(f"{'tenants':>8} {'command':<18} {'median s':>9} {'range s':>15} {'peak MiB':>9} {'/tomllib':>9} {'growth':>7}"
          f" {'cpu s':>7} {'cpu/tl':>7} {'cpu growth':>10}")
    previous = {}
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            path = pathlib.Path(d) / f"hosted-{n}.toml"
            path.write_text(topology(n, method))
            out = str(pathlib.Path(d) / "plan.out")
            commands = {
                "tomllib.load": [sys.executable, "-c", "import sys, tomllib\nwith open(sys.argv[1], 'rb') as f: tomllib.load(f)",
                                 str(path)],
                "plan json": [exe, "plan", str(path), "--format", "json", "-o", out],
                "plan text": [exe, "plan", str(path), "--format", "text", "-o", out],
                "plan json compact": [exe, "plan", str(path), "--format", "json", "--compact", "-o", out],
            }
            if baseline:
                commands["baseline json"] = [baseline, "plan", str(path), "--format", "json", "-o", out]
                commands["baseline text"] = [baseline, "plan", str(path), "--format", "text", "-o", out]
            copy = pathlib.Path(d) / "tenant.toml"
            if tenant:
                shutil.copyfile(path, copy)
                commands["tenant add"] = [exe, "tenant", "add", str(copy), "--name", "BenchCo", "--domain",
                                          "benchco.example", "--webmail", "webmail.benchco.example", "-o", out]
                commands["tenant remove"] = [exe, "tenant", "remove", str(copy), "--name", "BenchCo", "-o", out]
                if baseline:
                    commands["baseline add"] = [baseline] + commands["tenant add"][1:]
                    commands["baseline remove"] = [baseline] + commands["tenant remove"][1:]
            results = {name: [] for name in commands}
            for _ in range(runs):
                for name, argv in commands.items():  # alternate: every command once per round
                    results[name].append(run(argv))
                if tenant and copy.read_bytes() != path.read_bytes():
                    raise SystemExit("tenant add + remove did not give the file back byte for byte")
            peer = statistics.median(w for w, _, _ in results["tomllib.load"])
            peer_cpu = statistics.median(c for _, _, c in results["tomllib.load"])
            for name, rs in results.items():
                walls = [w for w, _, _ in rs]
                med = statistics.median(walls)
                cpu = statistics.median(c for _, _, c in rs)
                growth = f"{med / previous[name][0]:.2f}x" if name in previous else "-"
                cpu_growth = f"{cpu / previous[name][1]:.2f}x" if name in previous else "-"
                print(f"{n:>8} {name:<18} {med:>9.3f} {min(walls):>7.3f}-{max(walls):<7.3f} "
                      f"{statistics.median(m for _, m, _ in rs):>9.0f} {med / peer:>9.2f} {growth:>7}"
                      f" {cpu:>7.3f} {cpu / peer_cpu:>7.2f} {cpu_growth:>10}")
                previous[name] = (med, cpu)
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
