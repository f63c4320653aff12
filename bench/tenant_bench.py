#!/usr/bin/env python3
"""Benchmark (issue 18): `certplan tenant add` and `tenant remove` on a big hosted topology,
against what merely reading it costs.

usage: bench/tenant_bench.py CERTPLAN [--runs N] [--method redirect|srv|san] [SIZE ...]
                                                   (default: 100000 tenants, 3 runs)

For each size it writes bench/plan_scale.py's hosted topology (two domains and a webmail host
per tenant) and runs, alternately and N times each, whole processes: `tenant add` of one
tenant to a copy of the file, `tenant remove` of it (the copy must come back byte for byte),
and two floors: `certplan plan --format text` of the same file (one load and one plan) and a
fresh `python3` doing `tomllib.load` of it. It prints the median wall time, the range and the
ratios of medians to both floors. Issue 18's goal is `tenant add` under 0.5 s at 100,000
tenants. Run on demand on a quiet machine, never as a test.
"""
import pathlib
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from plan_peer import run  # noqa: E402
from plan_scale import topology  # noqa: E402


def main() -> int:
    args = sys.argv[1:]
    runs, method, sizes, exe = 3, "redirect", [], None
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--method":
            method = args.pop(0)
        elif a.startswith("-"):
            print(__doc__, file=sys.stderr)
            return 3
        elif exe is None:
            exe = str(pathlib.Path(a).resolve())
        else:
            sizes.append(int(a))
    if exe is None or runs < 3:
        print(__doc__, file=sys.stderr)
        return 3
    sizes = sizes or [100000]
    print(f"certplan {exe}; method {method}; {runs} runs each, alternating; python {sys.version.split()[0]}")
    print(f"{'tenants':>8} {'command':<14} {'median s':>9} {'range s':>15} {'/plan':>7} {'/tomllib':>9}")
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            path = pathlib.Path(d) / f"hosted-{n}.toml"
            path.write_text(topology(n, method))
            copy = pathlib.Path(d) / "tenant.toml"
            shutil.copyfile(path, copy)
            out = str(pathlib.Path(d) / "out")
            commands = {
                "tomllib.load": [sys.executable, "-c", "import sys, tomllib\nwith open(sys.argv[1], 'rb') as f: tomllib.load(f)",
                                 str(path)],
                "plan text": [exe, "plan", str(path), "--format", "text", "-o", out],
                "tenant add": [exe, "tenant", "add", str(copy), "--name", "BenchCo", "--domain", "benchco.example",
                               "--webmail", "webmail.benchco.example", "-o", out],
                "tenant remove": [exe, "tenant", "remove", str(copy), "--name", "BenchCo", "-o", out],
            }
            walls = {name: [] for name in commands}
            for _ in range(runs):
                for name, argv in commands.items():  # alternate: every command once per round
                    walls[name].append(run(argv)[0])
                if copy.read_bytes() != path.read_bytes():
                    raise SystemExit("tenant add + remove did not give the file back byte for byte")
            plan = statistics.median(walls["plan text"])
            peer = statistics.median(walls["tomllib.load"])
            for name, ws in walls.items():
                med = statistics.median(ws)
                print(f"{n:>8} {name:<14} {med:>9.3f} {min(ws):>7.3f}-{max(ws):<7.3f} {med / plan:>7.2f} {med / peer:>9.2f}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
