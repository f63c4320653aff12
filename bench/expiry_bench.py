#!/usr/bin/env python3
"""Benchmark: `certplan expiry` over 100,000 certificates, against its peers, in the same run.

usage: bench/expiry_bench.py BUILD_DIR [CORPUS_DIR] [N]
  BUILD_DIR   a build configured with -Dbench=true (for bench-expiry-full)
  CORPUS_DIR  default /tmp/expiry-corpus, made by bench/expiry_corpus.py when missing
  N           default 100000

Measured, each the median of 3 warm runs (wall seconds and peak RSS of the process):
  read      one Python process reading every byte of every file (the floor);
  certplan  `certplan expiry TREE -o FILE` (text; and JSON), and over the one-file bundle;
  python    one Python process with `cryptography` reading the fields certplan reports;
  botan     Botan's full parse of every certificate (build/bench/bench-expiry-full);
  openssl   a shell loop of `openssl x509` over 1,000 files, scaled to N (one run).
Before timing, certplan's JSON is checked against Python cryptography's reading of every
certificate (notAfter, subject CN, SANs, fingerprint).
"""
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

BUILD = pathlib.Path(sys.argv[1]).resolve()
CORPUS = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/expiry-corpus")
N = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
CERTPLAN = BUILD / "src" / "certplan"
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


def measured(cmd, runs=3):
    """Median wall time and peak RSS, each run in its own /usr/bin/time wrapper."""
    walls, rss = [], []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        walls.append(time.perf_counter() - t)
        rss.append(int(p.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(walls), max(rss)


def main():
    if not (CORPUS / f".done-{N}").exists():
        print(f"making the corpus in {CORPUS} (once; a few minutes)", file=sys.stderr)
        subprocess.run([sys.executable, HERE / "expiry_corpus.py", CORPUS, str(N)], check=True)
    tree, bundle = CORPUS / "tree", CORPUS / "bundle.pem"
    out = CORPUS / "out"
    out.mkdir(exist_ok=True)

    # Correctness first: certplan must report what cryptography reads.
    subprocess.run([sys.executable, "-c", PY_PEER, tree, out / "py.json"], check=True, capture_output=True)
    py = json.load(open(out / "py.json"))
    p = subprocess.run([CERTPLAN, "expiry", tree, "--format", "json", "--at", "2026-06-01", "-o", out / "cp.json"],
                       capture_output=True, text=True)
    cp = json.load(open(out / "cp.json"))["certificates"]
    mismatches = 0
    for c in cp:
        ref = py.get(c["sha256_fingerprint"].replace(":", ""))
        na = int(time.mktime(time.strptime(c["not_after"], "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone
        if ref is None or ref["cn"] != c["subject_cn"] or ref["sans"] != c["sans"] or ref["not_after"] != na:
            mismatches += 1
    print(f"check: certplan {len(cp)} certificates, cryptography {len(py)}, mismatches {mismatches}")
    if mismatches or len(cp) != len(py):
        sys.exit("certplan disagrees with cryptography")

    rows = []
    rows.append(("read every byte (python, one process)", *measured([sys.executable, "-c", READ, tree])))
    rows.append(("certplan expiry tree (text)", *measured([CERTPLAN, "expiry", tree, "--at", "2026-06-01", "-o", out / "t.txt"])))
    rows.append(("certplan expiry tree (json)", *measured([CERTPLAN, "expiry", tree, "--at", "2026-06-01", "--format", "json", "-o", out / "t.json"])))
    rows.append(("certplan expiry bundle (text)", *measured([CERTPLAN, "expiry", bundle, "--at", "2026-06-01", "-o", out / "b.txt"])))
    rows.append(("python cryptography tree", *measured([sys.executable, "-c", PY_PEER, tree])))
    rows.append(("python cryptography bundle", *measured([sys.executable, "-c", PY_PEER, bundle], runs=1)))
    full = BUILD / "bench" / "bench-expiry-full"
    if full.exists():
        rows.append(("botan full parse tree (1 core)", *measured([full, tree], runs=1)))
    files = sorted(tree.rglob("*.pem"))[:1000]
    t = time.perf_counter()
    for f in files:
        subprocess.run(["openssl", "x509", "-in", f, "-noout", "-subject", "-enddate", "-fingerprint", "-sha256", "-ext",
                        "subjectAltName"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows.append((f"openssl x509 loop (1,000 files x {N // 1000})", (time.perf_counter() - t) * N / 1000, float("nan")))

    base = rows[1][1]
    print(f"{'':40} {'seconds':>9} {'peak MiB':>9} {'x certplan':>11}")
    for name, wall, rss in rows:
        print(f"{name:40} {wall:9.2f} {rss:9.1f} {wall / base:11.2f}")


if __name__ == "__main__":
    main()
