#!/usr/bin/env python3
"""Regenerates the certificates on which the fast DER walk must agree with Botan's full parse
(tests/unit/test_x509.cpp, [agreement]). Committed output; run again only to change the set.

usage: make.py  (writes *.pem beside itself; needs python3-cryptography and openssl)
"""
import datetime
import ipaddress
import pathlib
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

HERE = pathlib.Path(__file__).resolve().parent
T0 = datetime.datetime(2025, 3, 1, 12, 30, 45, tzinfo=datetime.timezone.utc)
ca_key = ec.generate_private_key(ec.SECP256R1())
CA = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Agreement"), x509.NameAttribute(NameOID.COMMON_NAME, "Agreement CA")])


def cert(name, subject, *, issuer=CA, key=None, sign=ca_key, sans=None, ips=(), days=90, start=T0, serial=0x1234567,
         critical_san=False, extra=()):
    key = key or ec.generate_private_key(ec.SECP256R1())
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
         .serial_number(serial).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days)))
    general = [x509.DNSName(s) for s in (sans or [])] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if general:
        b = b.add_extension(x509.SubjectAlternativeName(general), critical=critical_san)
    for ext, crit in extra:
        b = b.add_extension(ext, critical=crit)
    c = b.sign(sign, hashes.SHA256())
    (HERE / f"{name}.pem").write_bytes(c.public_bytes(serialization.Encoding.PEM))


def cn(value, t=None):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, value, _type=t) if t else x509.NameAttribute(NameOID.COMMON_NAME, value)])


cert("rsa-sans-ips", cn("mail.contoso.com"), key=rsa.generate_private_key(65537, 2048),
     sans=["mail.contoso.com", "autodiscover.contoso.com", "owa.contoso.com"], ips=["192.0.2.7", "2001:db8::25"])
cert("ec-cn-only", cn("legacy.contoso.com"))
cert("generalized-time", cn("far.contoso.com"), sans=["far.contoso.com"], start=datetime.datetime(2049, 6, 1, tzinfo=datetime.timezone.utc), days=1000)
cert("issuer-without-cn", cn("noissuercn.contoso.com"), issuer=x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "No CN Issuer")]),
     sans=["noissuercn.contoso.com"])
cert("bmp-cn", cn("bmp.contoso.com", _ASN1Type.BMPString), sans=["bmp.contoso.com"])
cert("printable-cn", cn("printable.contoso.com", _ASN1Type.PrintableString), sans=["printable.contoso.com"])
cert("utf8-cn", cn("mäil.contoso.com"), sans=["xn--mil-sna.contoso.com"])
cert("two-cns", x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "first.contoso.com"),
                           x509.NameAttribute(NameOID.COMMON_NAME, "second.contoso.com")]), sans=["first.contoso.com"])
cert("multi-valued-rdn", x509.Name([x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso"),
                                                                      x509.NameAttribute(NameOID.COMMON_NAME, "rdn.contoso.com")])]),
     sans=["rdn.contoso.com"])
cert("no-cn", x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso")]), sans=["nocn.contoso.com"])
cert("big-serial", cn("serial.contoso.com"), sans=["serial.contoso.com"], serial=(1 << 158) | 0xABCDEF)
cert("high-bit-serial", cn("highbit.contoso.com"), sans=["highbit.contoso.com"], serial=0x80FF)
cert("critical-san", cn("crit.contoso.com"), sans=["crit.contoso.com"], critical_san=True,
     extra=[(x509.BasicConstraints(ca=False, path_length=None), True),
            (x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)])
cert("wildcard", cn("*.contoso.com"), sans=["*.contoso.com", "contoso.com"])
cert("many-sans", cn("n0.contoso.com"), sans=[f"n{i}.contoso.com" for i in range(300)])
key = ec.generate_private_key(ec.SECP384R1())
name = cn("self.contoso.com")
cert("self-signed", name, issuer=name, key=key, sign=key, sans=["self.contoso.com"])
cert("before-1970", cn("old.contoso.com"), sans=["old.contoso.com"], start=datetime.datetime(1965, 1, 1, tzinfo=datetime.timezone.utc), days=40000)

# A version 1 certificate (no extensions at all), as old appliances still present.
with tempfile.TemporaryDirectory() as d:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", f"{d}/k", "-out", f"{d}/c", "-days", "30", "-subj", "/CN=v1.contoso.com"], check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-new", "-key", f"{d}/k", "-out", f"{d}/r", "-subj", "/CN=v1.contoso.com"], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", f"{d}/r", "-signkey", f"{d}/k", "-out", HERE / "v1.pem", "-days", "30"],
                   check=True, capture_output=True)

# RFC 5280 4.1.2.5: "no well-defined expiration date" is 99991231235959Z.
cert("no-expiry-9999", cn("forever.contoso.com"), sans=["forever.contoso.com"], start=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
     days=(datetime.datetime(9999, 12, 31, 23, 59, 59) - datetime.datetime(2025, 1, 1)).days)
