#!/usr/bin/env python3
"""CLI tests of `certplan audit` and `certplan match`, with certificates made here by openssl
and a throw-away test CA (never by the code under test).

usage: test_audit_cli.py CERTPLAN SOURCE_ROOT [CASE...]
"""
import datetime
import json
import os
import pathlib
import subprocess
import sys

import tempfile

import harness

EXE = pathlib.Path(sys.argv[1]).resolve()
ROOT = pathlib.Path(sys.argv[2]).resolve()
# A day after the certificates below are made: openssl 3.0's `x509 -req` starts validity now
# and cannot backdate, so a fixed date here breaks as soon as the calendar passes it.
AT = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%d")

TOPOLOGY = """schema = 1
[organization]
name = "Contoso"
exchange = "2016"
model = "consolidated"
[[forest]]
name = "contoso"
smtp_domains = ["contoso.com"]
[[site]]
name = "Redmond"
namespace = "mail.contoso.com"
[clients]
supported = ["outlook-2016", "ios-mail", "windows-mobile-5", "windows-mobile-6"]
"""
GOOD = "DNS:mail.contoso.com,DNS:autodiscover.contoso.com"


def sh(*args, **kw):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, **kw)
    assert p.returncode == 0, (args, p.stderr)
    return p


class Lab:
    """A test CA and leaves, in a temporary directory."""

    def __init__(self, d):
        self.d = pathlib.Path(d)
        (self.d / "t.toml").write_text(TOPOLOGY)
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.d / "ca.key", "-out",
           self.d / "ca.pem", "-days", "3650", "-subj", "/CN=certplan test root", "-addext",
           "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def leaf(self, name, sans=GOOD, cn="mail.contoso.com", days=90, key="rsa:2048", md="-sha256", ca="ca"):
        d = self.d
        sh("openssl", "req", "-new", "-newkey", key, "-nodes", "-keyout", d / f"{name}.key", "-out", d / f"{name}.csr",
           "-subj", f"/CN={cn}")
        ext = "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n" + (f"subjectAltName={sans}\n" if sans else "")
        (d / f"{name}.ext").write_text(ext)
        sh("openssl", "x509", "-req", "-in", d / f"{name}.csr", "-CA", d / f"{ca}.pem", "-CAkey", d / f"{ca}.key",
           "-CAcreateserial", "-days", str(days), md, "-extfile", d / f"{name}.ext", "-out", d / f"{name}.pem")
        return d / f"{name}.pem"

    def audit(self, *args):
        p = subprocess.run([str(EXE), "audit", str(self.d / "t.toml"), *map(str, args), "--trust", str(self.d / "ca.pem"),
                            "--at", AT, "--format", "json"], capture_output=True, text=True, timeout=120)
        return p.returncode, (json.loads(p.stdout) if p.stdout else None), p.stderr


def verdict(j, endpoint, client):
    return [r for r in j["results"] if r["endpoint"] == endpoint and r["client"] == client][0]


def case_covering_certificate_passes():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        code, j, err = lab.audit(lab.leaf("good"))
        assert j["schema"] == "certplan.audit/1"
        assert verdict(j, "mail.contoso.com", "outlook-2016")["status"] == "ok", j
        assert verdict(j, "autodiscover.contoso.com", "ios-mail")["status"] == "ok"
        assert j["summary"]["fail"] == 0, j["summary"]
        assert code == 1  # windows-mobile-5/6: SHA-256 support UNVERIFIED (warning)
        assert all(r["certificate"] and ":" in r["certificate"] for r in j["results"])


def case_missing_name_fails_with_r17():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        code, j, _ = lab.audit(lab.leaf("missing", sans="DNS:mail.contoso.com"))
        assert code == 2
        v = verdict(j, "autodiscover.contoso.com", "outlook-2016")
        assert v["status"] == "fail" and any(r.startswith("R17") for r in v["reasons"]), v


def case_wildcard_fails_wm5_passes_wm6():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        code, j, _ = lab.audit(lab.leaf("wild", sans="DNS:*.contoso.com", cn="*.contoso.com"))
        wm5 = verdict(j, "mail.contoso.com", "windows-mobile-5")
        assert wm5["status"] == "fail" and any(r.startswith("R14") for r in wm5["reasons"]), wm5
        assert verdict(j, "mail.contoso.com", "windows-mobile-6")["status"] != "fail"
        assert code == 2


def case_self_signed_fails_activesync():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        ss = lab.d / "ss.pem"
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", lab.d / "ss.key", "-out", ss, "-days", "90",
           "-subj", "/CN=mail.contoso.com", "-addext", "subjectAltName=" + GOOD)
        code, j, _ = lab.audit(ss)
        v = verdict(j, "mail.contoso.com", "ios-mail")
        assert v["status"] == "fail" and any(r.startswith("R15") for r in v["reasons"]), v


def case_weak_keys_and_sha1_fail_r10():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        for name, kw in (("sha1", {"md": "-sha1"}), ("rsa1024", {"key": "rsa:1024"})):
            code, j, _ = lab.audit(lab.leaf(name, **kw))
            v = verdict(j, "mail.contoso.com", "outlook-2016")
            assert code == 2 and v["status"] == "fail" and any(r.startswith("R10") for r in v["reasons"]), (name, v)


def case_expired_at_reference_time():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        pem = lab.leaf("short", days=1)
        p = subprocess.run([str(EXE), "audit", str(lab.d / "t.toml"), str(pem), "--trust", str(lab.d / "ca.pem"),
                            "--at", "2040-01-01", "--format", "json"], capture_output=True, text=True)
        v = verdict(json.loads(p.stdout), "mail.contoso.com", "outlook-2016")
        assert p.returncode == 2 and any("expired" in r for r in v["reasons"]), v


def case_untrusted_root_is_judged_per_client():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        pem = lab.leaf("good")
        p = subprocess.run([str(EXE), "audit", str(lab.d / "t.toml"), str(pem), "--at", AT, "--format", "json"],
                           capture_output=True, text=True)  # system store: the test root is unknown there
        v = verdict(json.loads(p.stdout), "mail.contoso.com", "outlook-2016")
        assert v["status"] == "warning" and any("not trusted" in r for r in v["reasons"]), v


def case_cn_only_certificate():
    # No SAN: strict clients (iOS, RFC 9525) fail; a CN-reading client (windows-mobile-6) passes.
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        code, j, _ = lab.audit(lab.leaf("cnonly", sans=""))
        assert verdict(j, "mail.contoso.com", "ios-mail")["status"] == "fail"
        assert verdict(j, "mail.contoso.com", "windows-mobile-6")["status"] != "fail"


def case_renewal_that_drops_autodiscover():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        old = lab.leaf("old")
        new = lab.leaf("new", sans="DNS:mail.contoso.com")
        code, j, _ = lab.audit(new, "--replacing", old)
        assert code == 2
        drops = j["renewal_regressions"]
        assert drops and all(r["endpoint"] == "autodiscover.contoso.com" for r in drops), drops


def tampered(pem, out):
    """`pem` with the last byte of its signature flipped: the same issuer, a signature that fails."""
    sh("openssl", "x509", "-in", pem, "-outform", "DER", "-out", out)
    der = bytearray(out.read_bytes())
    der[-1] ^= 0x01
    out.write_bytes(der)
    return out


def case_shared_issuer_each_signature_checked():
    # Issue 18: verdicts of chains already validated in a run are reused. Two files of the same
    # CA both come out trusted; a third whose signature is wrong, read after a good chain of the
    # same issuer (and given twice, so its verdict is also met again), is still refused.
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        mail = lab.leaf("mail", sans="DNS:mail.contoso.com")
        auto = lab.leaf("auto", sans="DNS:autodiscover.contoso.com", cn="autodiscover.contoso.com")
        code, j, err = lab.audit(mail, auto)
        assert j, err
        for host in ("mail.contoso.com", "autodiscover.contoso.com"):
            v = verdict(j, host, "outlook-2016")
            assert v["status"] == "ok" and not any("not trusted" in r for r in v["reasons"]), v
        assert verdict(j, "mail.contoso.com", "outlook-2016")["certificate"] != \
            verdict(j, "autodiscover.contoso.com", "outlook-2016")["certificate"]
        bad = tampered(auto, lab.d / "bad.der")
        code, j, err = lab.audit(mail, bad, bad)
        assert verdict(j, "mail.contoso.com", "outlook-2016")["status"] == "ok"
        v = verdict(j, "autodiscover.contoso.com", "outlook-2016")
        assert v["status"] != "ok" and any("chain not trusted (Signature error)" in r for r in v["reasons"]), v


def case_private_key_must_match():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        pem = lab.leaf("good")
        lab.leaf("other")
        assert lab.audit(pem, "--key", lab.d / "good.key")[1]["summary"]["fail"] == 0
        code, j, _ = lab.audit(pem, "--key", lab.d / "other.key")
        assert code == 2 and any("--key" in r for v in j["results"] for r in v["reasons"])


def case_garbage_file_exit_3():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        (lab.d / "junk.pem").write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        code, j, err = lab.audit(lab.d / "junk.pem")
        assert code == 3 and j is None and "junk.pem" in err, (code, err)


def case_first_bad_file_in_order_is_the_error():
    # Issue 18: the files are read by two threads. The error said is still the first failing
    # file's in argument order, even when a later one fails sooner: slow.pem fails only at its
    # 201st block, fast.pem at once.
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        good = lab.leaf("good")
        junk = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
        (lab.d / "slow.pem").write_text(good.read_text() * 200 + junk)
        (lab.d / "fast.pem").write_text(junk)
        code, j, err = lab.audit(good, lab.d / "slow.pem", lab.d / "fast.pem", good)
        assert code == 3 and j is None, (code, err)
        assert "slow.pem: PEM block 201 of 201" in err and "fast.pem" not in err, err
        code, j, err = lab.audit(good, lab.d / "fast.pem", lab.d / "slow.pem")
        assert code == 3 and "fast.pem" in err and "slow.pem" not in err, err


def case_match_per_client():
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        wild = lab.leaf("wild", sans="DNS:*.contoso.com", cn="*.contoso.com")
        p = subprocess.run([str(EXE), "match", str(wild), "mail.contoso.com", "contoso.com"], capture_output=True, text=True)
        assert p.returncode == 2 and "NOT covered" in p.stdout and "covered" in p.stdout, p.stdout
        p = subprocess.run([str(EXE), "match", str(wild), "mail.contoso.com"], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout
        p = subprocess.run([str(EXE), "match", str(wild), "mail.contoso.com", "--client", "windows-mobile-5"],
                           capture_output=True, text=True)
        assert p.returncode == 2 and "R14" in p.stdout, p.stdout
        p = subprocess.run([str(EXE), "match", str(lab.d / "nothing.pem"), "mail.contoso.com"], capture_output=True, text=True)
        assert p.returncode == 3


def case_match_explains_each_deciding_name():
    # match names the SAN that decided: an IP SAN is not "a wildcard SAN" (R17: IP addresses
    # match only IP SANs), and a CN-only client covered by the CN says so.
    with tempfile.TemporaryDirectory() as d:
        lab = Lab(d)
        cert = lab.leaf("mixed", sans="DNS:mail.contoso.com,DNS:*.contoso.com,IP:192.0.2.10,IP:2001:db8::10",
                        cn="mail.contoso.com")

        def reasons(*hosts, client=None):
            args = [str(EXE), "match", str(cert), *hosts, "--format", "json"] + (["--client", client] if client else [])
            p = subprocess.run(args, capture_output=True, text=True)
            assert p.returncode in (0, 2), p.stderr
            return {r["host"]: r["reason"] for r in json.loads(p.stdout)["results"]}

        r = reasons("192.0.2.10", "2001:DB8:0:0:0:0:0:10", "mail.contoso.com", "owa.contoso.com", "192.0.2.11",
                    "a.b.contoso.com")
        assert r["192.0.2.10"] == "R17: an IP SAN names it", r
        assert r["2001:DB8:0:0:0:0:0:10"] == "R17: an IP SAN names it", r
        assert r["mail.contoso.com"] == "R17: a SAN names it", r
        assert r["owa.contoso.com"] == "R17: a wildcard SAN covers it (one label)", r
        assert r["192.0.2.11"].startswith("R17: no IP SAN names it"), r
        assert r["a.b.contoso.com"] == "R17: no SAN names it", r
        r = reasons("owa.contoso.com", client="windows-mobile-5")
        assert r["owa.contoso.com"].startswith("R14:"), r


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
