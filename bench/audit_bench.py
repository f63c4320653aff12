#!/usr/bin/env python3
"""Benchmark: `certplan audit` of N hosted endpoints x N/100 certificate files (issue 18: 100,000 x
1,001), and 2N x 2N/100, against `openssl verify` of the same files in one process.

usage: bench/audit_bench.py CERTPLAN [--runs N] [--baseline OLD_CERTPLAN] [--corpus DIR] [N]
                                     (default N = 100000; 3 runs each)

The corpus, per size: a hosted topology (autodiscover = "san", max_names = 100, N tenants with one
domain each, one client, outlook-2016, as bench/bench_audit.cpp); one PEM file per certificate that
`certplan plan` gives it (the CN and up to 100 SANs of the plan), every one issued by ONE test CA
that openssl makes here (RSA 2048, SHA-256; one leaf key shared, key generation is not what is
measured); the CA is given as --trust. With --corpus the
files are kept there and reused (a stamp per size); the reference time (--at) is the day after the
corpus was made, so the 90-day leaves stay valid whatever day the bench runs.

Then, alternately and N times each (whole processes, so start-up counts on every side):
`certplan audit TOPO --trust CA FILES... --format json -o OUT` and `--format text`, the same with
--baseline's binary, and the floor: one `openssl verify -CAfile CA FILES...` process, which reads
every file and checks each leaf's signature once (no endpoint is judged: it is the cost of loading
and verifying alone). With --baseline the JSON and text outputs of both binaries must be equal
byte for byte.

It prints per command the median wall time, the range (min-max), the median peak memory (GNU
time's maximum resident set size), the ratio of medians to the floor and the growth of the median from N to 2N
(the doubling ratio: 2.00x is linear), then the CPU time (user + system). Run on demand on a quiet
machine, never as a test (timings are noisy by nature).
"""
import datetime
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from plan_peer import run  # noqa: E402  (one child process: wall s, peak MiB by GNU time, CPU s)

HEAD = """schema = 1
[organization]
name = "HostingCompany"
exchange = "2019"
model = "hosted"
[[forest]]
name = "provider"
smtp_domains = ["provider.com"]
[[site]]
name = "DC1"
namespace = "mail.provider.com"
[clients]
supported = ["outlook-2016"]
[certificates]
max_names = 100
[hosting]
provider_domain = "provider.com"
autodiscover = "san"
"""


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def corpus(exe: str, root: pathlib.Path, n: int):
    """The topology, the CA and the certificate files of size n (made once per directory), and the
    --at date."""
    d = root / f"size-{n}"
    stamp = d / ".done"
    topo = d / "hosted.toml"
    ca = root / "ca.pem"
    if not (root / "ca.key").exists():
        root.mkdir(parents=True, exist_ok=True)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650", "-keyout",
                str(root / "ca.key"), "-out", str(ca), "-subj", "/O=certplan bench/CN=Bench Audit CA",
                "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(root / "leaf.key"))
        (root / "made").write_text(datetime.date.today().isoformat())
    d.mkdir(parents=True, exist_ok=True)
    topo.write_text(HEAD + "".join(f'[[tenant]]\nname = "T{i}"\ndomains = ["t{i}.com"]\n' for i in range(n)))
    if not stamp.exists():
        plan = d / "plan.json"
        subprocess.run([exe, "plan", str(topo), "--format", "json", "-o", str(plan)], check=False)
        certificates = json.loads(plan.read_text())["certificates"]
        for k, c in enumerate(certificates):
            openssl("req", "-new", "-x509", "-key", str(root / "leaf.key"), "-CA", str(ca), "-CAkey",
                    str(root / "ca.key"), "-sha256", "-days", "90", "-set_serial", str(1000 + k), "-subj",
                    f"/CN={c['subject']['cn']}", "-addext", "subjectAltName=" + ",".join(f"DNS:{s}" for s in c["sans"]),
                    "-addext", "basicConstraints=critical,CA:false", "-addext",
                    "keyUsage=critical,digitalSignature,keyEncipherment", "-addext", "extendedKeyUsage=serverAuth",
                    "-out", str(d / f"c{k:05d}.pem"))
        stamp.write_text(str(len(certificates)))
    files = sorted(str(p) for p in d.glob("c*.pem"))
    made = datetime.date.fromisoformat((root / "made").read_text())
    return topo, ca, files, (made + datetime.timedelta(days=1)).isoformat()


def main() -> int:
    args = sys.argv[1:]
    runs, baseline, keep, n = 3, None, None, 100000
    exe = None
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--baseline":
            baseline = str(pathlib.Path(args.pop(0)).resolve())
        elif a == "--corpus":
            keep = pathlib.Path(args.pop(0)).resolve()
        elif a.startswith("-") or (exe is not None and not a.isdigit()):
            print(__doc__, file=sys.stderr)
            return 3
        elif exe is None:
            exe = str(pathlib.Path(a).resolve())
        else:
            n = int(a)
    if exe is None:
        print(__doc__, file=sys.stderr)
        return 3
    print(f"certplan {exe}; {runs} runs each, alternating; floor: one `openssl verify -CAfile` process "
          f"({subprocess.run(['openssl', 'version'], capture_output=True, text=True).stdout.strip()})")
    print(f"{'tenants':>9} {'files':>5} {'command':<14} {'median s':>9} {'range s':>15} {'peak MiB':>9} "
          f"{'/floor':>7} {'growth':>7} {'cpu s':>7} {'cpu/fl':>7} {'cpu growth':>10}")
    previous = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = keep or pathlib.Path(tmp) / "corpus"
        for size in (n, 2 * n):
            topo, ca, files, at = corpus(exe, root, size)
            outs = pathlib.Path(tmp)
            audit = ["audit", str(topo), "--trust", str(ca), *files, "--at", at]
            commands = {"openssl verify": ["openssl", "verify", "-CAfile", str(ca), *files]}
            binaries = {"audit": exe, **({"baseline": baseline} if baseline else {})}
            for label, binary in binaries.items():
                for fmt in ("json", "text"):
                    commands[f"{label} {fmt}"] = [binary, *audit, "--format", fmt, "-o", str(outs / f"{label}.{fmt}")]
            results = {name: [] for name in commands}
            for _ in range(runs):
                for name, argv in commands.items():  # alternate: every command once per round
                    results[name].append(run(argv))
                for fmt in ("json", "text") if baseline else ():
                    if (outs / f"audit.{fmt}").read_bytes() != (outs / f"baseline.{fmt}").read_bytes():
                        raise SystemExit(f"{size}: the {fmt} audits of the two binaries differ")
            floor = statistics.median(w for w, _, _ in results["openssl verify"])
            floor_cpu = statistics.median(c for _, _, c in results["openssl verify"])
            for name, rs in results.items():
                walls = [w for w, _, _ in rs]
                med = statistics.median(walls)
                cpu = statistics.median(c for _, _, c in rs)
                growth = f"{med / previous[name][0]:.2f}x" if name in previous else "-"
                cpu_growth = f"{cpu / previous[name][1]:.2f}x" if name in previous else "-"
                print(f"{size:>9} {len(files):>5} {name:<14} {med:>9.3f} {min(walls):>7.3f}-{max(walls):<7.3f} "
                      f"{statistics.median(m for _, m, _ in rs):>9.0f} {med / floor:>7.2f} {growth:>7}"
                      f" {cpu:>7.3f} {cpu / floor_cpu:>7.2f} {cpu_growth:>10}")
                previous[name] = (med, cpu)
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
