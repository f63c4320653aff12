#!/usr/bin/env python3
"""Generates the expiry benchmark corpus: N certificates (mixed RSA/ECDSA keys, 1-50 SANs,
spread validities) as one PEM file each in a tree of folders, one DER file in twenty, and
the same certificates as one PEM bundle.

usage: expiry_corpus.py OUT_DIR [N]     (default N = 100000; skips work already done)
Needs python3-cryptography (Debian package). Deterministic names and dates; keys are random.
"""
import datetime
import os
import pathlib
import random
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


def main():
    out = pathlib.Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    out.mkdir(parents=True, exist_ok=True)
    done = out / f".done-{n}"
    if done.exists():
        return
    rng = random.Random(20261122)
    # A handful of keys, reused: key generation is not what is being measured.
    subject_keys = [rsa.generate_private_key(65537, 2048) for _ in range(4)] + \
                   [ec.generate_private_key(ec.SECP256R1()) for _ in range(4)] + \
                   [ec.generate_private_key(ec.SECP384R1()) for _ in range(2)]
    cas = []
    for name, key in (("Bench RSA CA", rsa.generate_private_key(65537, 2048)),
                      ("Bench ECDSA CA", ec.generate_private_key(ec.SECP256R1()))):
        cas.append((x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certplan bench"),
                               x509.NameAttribute(NameOID.COMMON_NAME, name)]), key))
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    tree = out / "tree"
    bundle_path = out / "bundle.pem"
    with open(bundle_path, "wb") as bundle:
        for i in range(n):
            ca_name, ca_key = cas[i % 2]
            key = subject_keys[rng.randrange(len(subject_keys))]
            host = f"mail{i}.tenant{i % 997}.example"
            sans = [host] + [f"n{k}.tenant{i % 997}.example" for k in range(rng.randint(0, 49))]
            start = base + datetime.timedelta(days=rng.randint(0, 365), seconds=rng.randint(0, 86399))
            cert = (x509.CertificateBuilder()
                    .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
                    .issuer_name(ca_name)
                    .public_key(key.public_key())
                    .serial_number(rng.getrandbits(120) | 1 << 120)
                    .not_valid_before(start)
                    .not_valid_after(start + datetime.timedelta(days=rng.choice([47, 90, 200, 398, 825])))
                    .add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
                    .sign(ca_key, hashes.SHA256()))
            folder = tree / f"{i // 1000:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            pem = cert.public_bytes(serialization.Encoding.PEM)
            if i % 20 == 19:
                (folder / f"{i:06d}.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))
            else:
                (folder / f"{i:06d}.pem").write_bytes(pem)
            bundle.write(pem)
    done.touch()


if __name__ == "__main__":
    main()
