#!/usr/bin/env python3
"""Benchmark: 100 key + request pairs, certplan against its peers, in the same run.

usage: bench/csr_bench.py CERTPLAN [N]          (default N: 100)

- certplan: one `certplan csr` process over a topology with N planned certificates
  (hosted, single-name strategy), all cores (--jobs default);
- openssl: a shell loop of N `openssl req -new -newkey ... -nodes` processes;
- python: one Python process with `cryptography` making N keys and requests (skipped when the
  module is missing).
Each for ECDSA P-256 and RSA-2048; best of 3 for P-256, one run for RSA (it is slow).
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

PY_PEER = r'''
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
n, kind, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for i in range(n):
    key = ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, 2048)
    name = f"autodiscover.t{i}.com"
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
           .sign(key, hashes.SHA256()))
    open(f"{out}/{i}.key", "wb").write(key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    open(f"{out}/{i}.csr", "wb").write(csr.public_bytes(serialization.Encoding.PEM))
'''


def topology(n: int) -> str:
    t = ['schema = 1\n[organization]\nname = "H"\nmodel = "hosted"\n[[forest]]\nname = "p"\n'
         'smtp_domains = ["provider.com"]\n[[site]]\nname = "DC1"\nnamespace = "mail.provider.com"\n'
         '[certificates]\nstrategy = "single-name"\n[hosting]\nprovider_domain = "provider.com"\nautodiscover = "san"\n']
    for i in range(n - 2):  # + mail.provider.com and autodiscover.provider.com
        t.append(f'[[tenant]]\nname = "T{i}"\ndomains = ["t{i}.com"]\n')
    return "".join(t)


def timed(cmd, **kw):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - t0


def main() -> int:
    exe = pathlib.Path(sys.argv[1]).resolve()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    python = shutil.which("python3")
    has_crypto = subprocess.run([python, "-c", "import cryptography"], capture_output=True).returncode == 0
    print(f"{n} key+request pairs; {os.cpu_count()} cores; openssl {subprocess.run(['openssl', 'version'], capture_output=True, text=True).stdout.split()[1]}")
    print(f"{'key':<10} {'certplan s':>11} {'openssl s':>10} {'python s':>9} {'openssl/certplan':>17}")
    with tempfile.TemporaryDirectory() as d:
        topo = pathlib.Path(d) / "t.toml"
        topo.write_text(topology(n))
        for key, osl, py, reps in (("ecdsa:p256", "ec -pkeyopt ec_paramgen_curve:P-256", "ec", 3),
                                   ("rsa:2048", "rsa:2048", "rsa", 1)):
            best = {"certplan": 1e9, "openssl": 1e9, "python": 1e9}
            for r in range(reps):
                out = pathlib.Path(d) / f"c-{key}-{r}"
                best["certplan"] = min(best["certplan"], timed([exe, "csr", topo, "--out", out, "--key-type", key]))
                od = pathlib.Path(d) / f"o-{key}-{r}"
                od.mkdir()
                loop = (f'for i in $(seq {n}); do openssl req -new -newkey {osl} -nodes -keyout {od}/$i.key '
                        f'-out {od}/$i.csr -subj /CN=autodiscover.t$i.com -addext subjectAltName=DNS:autodiscover.t$i.com '
                        f'2>/dev/null; done')
                best["openssl"] = min(best["openssl"], timed(["sh", "-c", loop]))
                if has_crypto:
                    pd = pathlib.Path(d) / f"p-{key}-{r}"
                    pd.mkdir()
                    best["python"] = min(best["python"], timed([python, "-c", PY_PEER, str(n), py, str(pd)]))
            pys = f"{best['python']:.3f}" if has_crypto else "n/a"
            print(f"{key:<10} {best['certplan']:>11.3f} {best['openssl']:>10.3f} {pys:>9} "
                  f"{best['openssl'] / best['certplan']:>16.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
