#!/usr/bin/env python3
"""Benchmark: `certplan expiry` over 100,000 certificates, against its floor and peers, in the same run.

usage: bench/expiry_bench.py BUILD_DIR [CORPUS_DIR] [N] [--runs R] [--baseline OLD_CERTPLAN] [--no-peers]
  BUILD_DIR   a build configured with -Dbench=true (for der_floor and bench-expiry-full)
  CORPUS_DIR  default /tmp/expiry-corpus, made by bench/expiry_corpus.py when missing
  N           default 100000
  --runs R    rounds of the timed rotation (default 5)
  --baseline  an older certplan binary, timed in the same rotation (before and after)
  --no-peers  leave out the slow peers (cryptography, Botan, openssl)

Before timing, certplan's JSON is checked against Python cryptography's reading of every
certificate (notAfter, subject CN, SANs, fingerprint).

Timed in one rotation, every command once per round, R rounds (whole processes: wall seconds,
the child's peak RSS and CPU seconds; median and range):
  floor     build/bench/der_floor, one process on one thread: `-r TREE` reads every byte of
            every file (the floor of the tree), `BUNDLE` reads the bundle and base64-decodes
            every certificate to DER (the floor of the bundle);
  certplan  `certplan expiry` (text; and JSON) over the tree and over the bundle;
  read      one Python process reading every byte of every file.
Each row's ratio is to the floor of its input. Then, once each unless --no-peers: Python with
`cryptography` reading the fields certplan reports; Botan's full parse of every certificate
(build/bench/bench-expiry-full); a shell loop of `openssl x509` over 1,000 files, scaled to N.
Run on demand on a quiet machine, never as a test (timings are noisy by nature).
"""
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from plan_peer import run  # noqa: E402  (one child process: wall s, peak MiB by GNU time, CPU s)

ARGS = [a for a in sys.argv[1:]]
RUNS, BASELINE, PEERS = 5, None, True
_positional = []
while ARGS:
    _a = ARGS.pop(0)
    if _a == "--runs":
        RUNS = int(ARGS.pop(0))
    elif _a == "--baseline":
        BASELINE = pathlib.Path(ARGS.pop(0)).resolve()
    elif _a == "--no-peers":
        PEERS = False
    elif _a.startswith("-"):
        sys.exit(__doc__)
    else:
        _positional.append(_a)
if not _positional:
    sys.exit(__doc__)
BUILD = pathlib.Path(_positional[0]).resolve()
CORPUS = pathlib.Path(_positional[1] if len(_positional) > 1 else "/tmp/expiry-corpus")
N = int(_positional[2]) if len(_positional) > 2 else 100000
CERTPLAN = BUILD / "src" / "certplan"
FLOOR = BUILD / "bench" / "der_floor"
HERE = pathlib.Path(__file__).resolve().parent

READ = r'''
import os, sys
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for f in sorted(files):
        with open(os.path.join(root, f), "rb") as fh:
            n += len(fh.read())
print(n)
'''

PY_PEER = r'''
import json, os, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

def fields(c):
    cn = c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    try:
        sans = c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        sans = []
    return {"cn": cn[0].value if cn else "", "sans": sans, "not_after": int(c.not_valid_after_utc.timestamp()),
            "issuer": c.issuer.rfc4514_string(), "fp": c.fingerprint(hashes.SHA256()).hex().upper()}

out = {}
path = sys.argv[1]
paths = [path] if os.path.isfile(path) else sorted(os.path.join(r, f) for r, d, fs in os.walk(path) for f in fs)
for p in paths:
    data = open(p, "rb").read()
    certs = x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)]
    for c in certs:
        f = fields(c)
        out[f["fp"]] = f
print(len(out))
if len(sys.argv) > 2:
    json.dump(out, open(sys.argv[2], "w"))
'''


CHECK = r'''
import json, sys, time
py = json.load(open(sys.argv[1]))
cp = json.load(open(sys.argv[2]))["certificates"]
mismatches = 0
for c in cp:
    ref = py.get(c["sha256_fingerprint"].replace(":", ""))
    na = int(time.mktime(time.strptime(c["not_after"], "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone
    if ref is None or ref["cn"] != c["subject_cn"] or ref["sans"] != c["sans"] or ref["not_after"] != na:
        mismatches += 1
print(f"check: certplan {len(cp)} certificates, cryptography {len(py)}, mismatches {mismatches}")
sys.exit(1 if mismatches or len(cp) != len(py) else 0)
'''


def row(name, results, floor=None):
    walls = [w for w, _, _ in results]
    med = statistics.median(walls)
    ratio = f"{med / floor:.2f}x" if floor else "-"
    span = f"{min(walls):.2f}-{max(walls):.2f}" if len(walls) > 1 else "(1 run)"
    print(f"{name:42} {med:8.2f} {span:>11} {max(m for _, m, _ in results):9.1f} "
          f"{statistics.median(c for _, _, c in results):7.2f} {ratio:>8}")


def main():
    if not (CORPUS / f".done-{N}").exists():
        print(f"making the corpus in {CORPUS} (once; a few minutes)", file=sys.stderr)
        subprocess.run([sys.executable, HERE / "expiry_corpus.py", CORPUS, str(N)], check=True)
    tree, bundle = CORPUS / "tree", CORPUS / "bundle.pem"
    out = CORPUS / "out"
    out.mkdir(exist_ok=True)

    # Correctness first: certplan must report what cryptography reads. In a child process, so
    # that this one stays small: a child's peak RSS counts the image it was forked from.
    subprocess.run([sys.executable, "-c", PY_PEER, tree, out / "py.json"], check=True, capture_output=True)
    subprocess.run([CERTPLAN, "expiry", tree, "--format", "json", "--at", "2026-06-01", "-o", out / "cp.json"],
                   capture_output=True, text=True)
    if subprocess.run([sys.executable, "-c", CHECK, out / "py.json", out / "cp.json"]).returncode != 0:
        sys.exit("certplan disagrees with cryptography")

    at = ["--at", "2026-06-01"]
    # (name, argv, input): input names the floor the row is compared with.
    commands = [("der_floor -r tree (read every byte)", [FLOOR, "-r", tree], "tree"),
                ("certplan expiry tree (text)", [CERTPLAN, "expiry", tree, *at, "-o", out / "t.txt"], "tree"),
                ("certplan expiry tree (json)", [CERTPLAN, "expiry", tree, *at, "--format", "json", "-o", out / "t.json"], "tree"),
                ("der_floor bundle (read, base64 to DER)", [FLOOR, bundle], "bundle"),
                ("certplan expiry bundle (text)", [CERTPLAN, "expiry", bundle, *at, "-o", out / "b.txt"], "bundle"),
                ("certplan expiry bundle (json)", [CERTPLAN, "expiry", bundle, *at, "--format", "json", "-o", out / "b.json"],
                 "bundle"),
                ("python read tree (one process)", [sys.executable, "-c", READ, tree], "tree")]
    if BASELINE:
        for name, argv, what in list(commands):
            if argv[0] == CERTPLAN:
                commands.append(("baseline " + name[len("certplan "):], [BASELINE, *argv[1:]], what))
    results = {name: [] for name, _, _ in commands}
    for _ in range(RUNS):
        for name, argv, _ in commands:  # alternate: every command once per round
            results[name].append(run(argv))
    floors = {what: statistics.median(w for w, _, _ in results[name]) for name, _, what in commands if name.startswith("der_floor")}
    print(f"{RUNS} runs each, alternating; ratios of medians to the floor of the same input")
    print(f"{'':42} {'median s':>8} {'range s':>11} {'peak MiB':>9} {'cpu s':>7} {'/floor':>8}")
    for name, _, what in commands:
        row(name, results[name], floors[what])
    if not PEERS:
        return
    row("python cryptography tree", [run([sys.executable, "-c", PY_PEER, tree])], floors["tree"])
    row("python cryptography bundle", [run([sys.executable, "-c", PY_PEER, bundle])], floors["bundle"])
    full = BUILD / "bench" / "bench-expiry-full"
    if full.exists():
        row("botan full parse tree (1 core)", [run([full, tree])], floors["tree"])
    files = sorted(tree.rglob("*.pem"))[:1000]
    t = time.perf_counter()
    for f in files:
        subprocess.run(["openssl", "x509", "-in", f, "-noout", "-subject", "-enddate", "-fingerprint", "-sha256", "-ext",
                        "subjectAltName"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    row(f"openssl x509 loop (1,000 files x {N // 1000})", [((time.perf_counter() - t) * N / 1000, float("nan"), float("nan"))],
        floors["tree"])

if __name__ == "__main__":
    main()
