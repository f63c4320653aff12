#!/usr/bin/env python3
"""The bad-input corpus (issue "Hardening"): hostile files through the real binary. Each must
give a clear error (exit 3, naming the file) or a correct verdict, within bounded time and
memory, and never a crash. Inputs are generated here, so the repository stays small.

usage: test_bad_input.py CERTPLAN SOURCE_ROOT [CASE...]
"""
import base64
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import time

import harness

EXE = pathlib.Path(sys.argv[1]).resolve()
ROOT = pathlib.Path(sys.argv[2]).resolve()
# Under ASan + UBSan (scripts/test.sh's build-san) code runs a few times slower and the peak
# RSS is mostly shadow memory and quarantine: time bounds are stretched and memory bounds are
# asserted by the plain build only. What each case must say is asserted in both.
SANITIZED = bool(os.environ.get("CERTPLAN_SANITIZED"))
TIME_SCALE = 5 if SANITIZED else 1


def certplan(*args, limit_s=120):
    """Exit code, stdout, stderr, seconds and peak RSS (MiB) of one run. A signal is a failure."""
    start = time.monotonic()
    with tempfile.NamedTemporaryFile() as rss_file:
        # /usr/bin/time measures this one process (RUSAGE_CHILDREN keeps the largest ever).
        p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file.name, str(EXE), *map(str, args)],
                           capture_output=True, text=True, timeout=limit_s, errors="replace")
        text = pathlib.Path(rss_file.name).read_text().split()
    took = (time.monotonic() - start) / TIME_SCALE
    assert "signal" not in " ".join(text) and p.returncode < 128, f"killed: {args}\n{p.stderr}\n{text}"
    assert p.returncode in (0, 1, 2, 3), (p.returncode, p.stderr)
    assert "Assertion" not in p.stderr and "terminate called" not in p.stderr, p.stderr
    rss = int(text[-1]) / 1024 if text and text[-1].isdigit() and not SANITIZED else 0.0
    return p.returncode, p.stdout, p.stderr, took, rss


def make_cert(d, name, sans, cn=None, days=90):
    d = pathlib.Path(d)
    # SANs through a config file: 10,000 of them do not fit on a command line.
    conf = d / f"{name}.cnf"
    conf.write_text("[req]\ndistinguished_name = dn\nx509_extensions = ext\n[dn]\n[ext]\n" +
                    ("subjectAltName = @alt\n[alt]\n" + "".join(f"DNS.{i} = {s}\n" for i, s in enumerate(sans, 1)) if sans else ""))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                    d / f"{name}.key", "-out", d / f"{name}.pem", "-days", str(days), "-subj", f"/CN={cn or sans[0]}",
                    "-config", conf], check=True, capture_output=True)
    return d / f"{name}.pem"


def der_of(pem):
    text = pathlib.Path(pem).read_text()
    body = text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(body.split()))


def pem_of(der):
    b = base64.b64encode(der).decode()
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + "\n-----END CERTIFICATE-----\n"



def a_day_after_now():
    """A reference time inside the validity of certificates made now (openssl cannot backdate,
    and a --at before their notBefore is "not-yet-valid")."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))

def case_truncated_and_bit_flipped_certificates():
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as d:
        der = der_of(make_cert(d, "ok", ["mail.contoso.com", "autodiscover.contoso.com"]))
        bad = pathlib.Path(d) / "bad"
        bad.mkdir()
        samples = []
        for n in sorted(rng.sample(range(1, len(der)), 25)):
            samples.append((f"trunc{n}.der", der[:n]))
            samples.append((f"trunc{n}.pem", pem_of(der[:n]).encode()))
        pem_text = pem_of(der)
        samples.append(("cut-pem.pem", pem_text[: len(pem_text) // 2].encode()))
        for k in range(60):
            flipped = bytearray(der)
            i = rng.randrange(len(der))
            flipped[i] ^= 1 << rng.randrange(8)
            samples.append((f"flip{k}.der", bytes(flipped)))
        for name, data in samples:
            (bad / name).write_bytes(data)
            for args in (["match", bad / name, "mail.contoso.com"], ["expiry", bad / name, "--at", a_day_after_now()],
                         ["audit", "--topology", ROOT / "examples" / "consolidated.toml", "--cert", bad / name]):
                code, out, err, took, _ = certplan(*args)
                assert took < 10, (name, args, took)
                if code == 3:
                    assert str(bad / name) in err or "error" in err, (name, args, err)
        # The whole folder at once: every file reported or read, and the scan finishes.
        code, out, err, took, _ = certplan("expiry", bad, "--format", "json", "--at", a_day_after_now())
        j = json.loads(out) if code != 3 else {"certificates": [], "problems": []}
        assert len(j["problems"]) + sum(len(c["sources"]) for c in j["certificates"]) >= len(samples) or code == 3, (code, err)


def case_garbage_between_pem_blocks():
    with tempfile.TemporaryDirectory() as d:
        a = make_cert(d, "a", ["a.contoso.com"]).read_text()
        b = make_cert(d, "b", ["b.contoso.com"]).read_text()
        junk = "".join(chr(c) for c in range(1, 127)) + "\n-----BEGIN NOTHING-----\nxyz\n-----END NOTHING-----\n"
        bundle = pathlib.Path(d) / "bundle.pem"
        bundle.write_text(junk + a + junk + "\x00\x01\x02" + b + junk)
        code, out, err, _, _ = certplan("expiry", bundle, "--format", "json", "--at", a_day_after_now())
        assert code == 0 and sorted(c["subject_cn"] for c in json.loads(out)["certificates"]) == ["a.contoso.com", "b.contoso.com"], (code, out, err)
        code, out, err, _, _ = certplan("match", bundle, "a.contoso.com")
        assert code == 0, (out, err)


def case_fifty_megabyte_files():
    with tempfile.TemporaryDirectory() as d:
        big = pathlib.Path(d) / "big.bin"
        with open(big, "wb") as fh:
            fh.write(b"0\x82" + os.urandom(50 * 1024 * 1024))  # looks like the start of DER
        code, out, err, took, rss = certplan("expiry", big)
        assert code == 3 and "big.bin" in err and took < 20, (code, err, took)
        assert rss < 200, rss
        text = pathlib.Path(d) / "big.toml"
        with open(text, "w") as fh:
            fh.write("schema = 1\n" + "# filler\n" * (50 * 1024 * 1024 // 9))
        code, out, err, took, rss = certplan("plan", text)
        assert code == 3 and "big.toml" in err and took < 30, (code, err, took)
        code, out, err, took, rss = certplan("plan", text, "--max-file-size", "1048576")
        assert code == 3 and "more than the limit of 1048576 (--max-file-size)" in err and took < 2, (err, took)
        # A PEM-looking file of 50 MB without a certificate streams through in flat memory.
        pemish = pathlib.Path(d) / "text.pem"
        with open(pemish, "w") as fh:
            fh.write("-----BEGIN CERTIFICATE-----\n" + ("A" * 63 + "\n") * (50 * 1024 * 1024 // 64))
        code, out, err, took, rss = certplan("expiry", pemish)
        assert code == 3 and "--max-block-size" in err and rss < 100, (code, err, rss)


def case_ten_thousand_sans():
    with tempfile.TemporaryDirectory() as d:
        sans = [f"h{i}.contoso.com" for i in range(10000)]
        cert = make_cert(d, "many", sans)
        code, out, err, took, _ = certplan("match", cert, "h9999.contoso.com", "h10000.contoso.com", "--format", "json")
        j = json.loads(out)
        assert [r["covered"] for r in j["results"]] == [True, False] and code == 2 and took < 10, (out, took)
        code, out, err, took, _ = certplan("expiry", cert, "--format", "json", "--at", a_day_after_now())
        assert code == 0 and len(json.loads(out)["certificates"][0]["sans"]) == 10000 and took < 10


def nul_cert(d, field):
    """A certificate whose SAN or CN reads mail.contoso.com\\0.evil.com: the bytes of an
    ordinary one with one byte changed (its signature no longer verifies; names are judged)."""
    name = "mail.contoso.comX.evil.com"
    sans = [name] if field == "san" else []
    der = bytearray(der_of(make_cert(d, f"nul-{field}", sans, cn=name)))
    i = der.find(name.encode()) if field == "cn" else der.rfind(name.encode())
    der[i + len("mail.contoso.com")] = 0
    p = pathlib.Path(d) / f"nul-{field}.pem"
    p.write_text(pem_of(bytes(der)))
    return p


def case_embedded_nul_in_cn_and_san():
    with tempfile.TemporaryDirectory() as d:
        san = nul_cert(d, "san")
        for host in ("mail.contoso.com", "mail.contoso.com.evil.com", "evil.com"):
            code, out, err, _, _ = certplan("match", san, host, "--format", "json")
            assert code in (2, 3) and (code == 3 or not json.loads(out)["results"][0]["covered"]), (host, out, err)
        cn = nul_cert(d, "cn")
        for client in ("windows-mobile-6", "owa-browser"):
            code, out, err, _, _ = certplan("match", cn, "mail.contoso.com", "--client", client, "--format", "json")
            assert code in (2, 3) and (code == 3 or not json.loads(out)["results"][0]["covered"]), (client, out, err)
        # The same trick in a topology: TOML's \u0000 with a non-ASCII label went through libidn2
        # as a C string and planned mail.contoso.com (found by tests/fuzz/fuzz_hostname.cpp).
        for ns in ("mail.contoso.com\\u0000.\u00e9vil.com", "mail.contoso.com\\u0000.evil.com"):
            t = pathlib.Path(d) / "nul.toml"
            t.write_text(topology_with_namespace(ns), encoding="utf-8")
            code, out, err, _, _ = certplan("plan", t)
            assert code == 3 and out == "" and "nul.toml:" in err and "control character" in err, (ns, code, out[:200], err)


def case_der_file_over_the_limit():
    # A DER file that fits in one read obeys --max-file-size too: the limit was checked only
    # before a second read (seen while writing tests/fuzz/fuzz_scan.cpp, whose small reads
    # would have reported such a file differently).
    with tempfile.TemporaryDirectory() as d:
        pem = make_cert(d, "c", [f"host{i}.contoso.com" for i in range(60)]).read_text()  # over 1 KiB, the least limit
        der = pathlib.Path(d) / "c.der"
        der.write_bytes(base64.b64decode("".join(pem.split("-----")[2].split())))
        size = der.stat().st_size
        code, out, err, _, _ = certplan("expiry", der, "--max-file-size", str(size), "--format", "json")
        assert code == 0 and len(json.loads(out)["certificates"]) == 1, (code, err)
        code, out, err, _, _ = certplan("expiry", der, "--max-file-size", str(size - 1), "--format", "json")
        assert code == 3 and f"larger than {size - 1} bytes" in err and "--max-file-size" in err, (code, out, err)


def topology_with_namespace(ns):
    import re
    base = (ROOT / "examples" / "consolidated.toml").read_text()
    changed, n = re.subn(r'^namespace\s*=\s*"mail\.contoso\.com"', lambda _: f'namespace = "{ns}"', base, count=1, flags=re.M)
    assert n == 1
    return changed


def case_overlong_labels_and_names():
    with tempfile.TemporaryDirectory() as d:
        for ns in ("a" * 64 + ".contoso.com", ".".join(["abcdefghi"] * 26) + ".com", "mail..contoso.com"):
            t = pathlib.Path(d) / "t.toml"
            t.write_text(topology_with_namespace(ns))
            code, out, err, _, _ = certplan("plan", t)
            assert code == 3 and "t.toml:" in err and out == "", (ns, code, err)
        cert = make_cert(d, "ok", ["mail.contoso.com"])
        code, out, err, _, _ = certplan("match", cert, "a" * 64 + ".contoso.com")
        assert code in (2, 3), (code, out)


def case_wildcard_in_every_position():
    with tempfile.TemporaryDirectory() as d:
        patterns = ["*", "*.*.contoso.com", "mail.*.com", "m*.contoso.com", "*mail.contoso.com", "mail.contoso.*", "*.com",
                    "**.contoso.com", "*.mail.contoso.com"]
        for k, pat in enumerate(patterns):
            cert = make_cert(d, f"w{k}", [pat], cn="x.example")
            code, out, err, _, _ = certplan("match", cert, "mail.contoso.com", "--format", "json")
            assert code == 2 and not json.loads(out)["results"][0]["covered"], (pat, out, err)
        ok = make_cert(d, "good", ["*.contoso.com"])
        code, out, _, _, _ = certplan("match", ok, "mail.contoso.com", "a.b.contoso.com", "--format", "json")
        assert [r["covered"] for r in json.loads(out)["results"]] == [True, False], out
        t = pathlib.Path(d) / "t.toml"
        t.write_text(topology_with_namespace("*.contoso.com"))
        code, out, err, _, _ = certplan("plan", t)
        assert code == 3 and "t.toml:" in err, err


def case_unicode_confusables():
    with tempfile.TemporaryDirectory() as d:
        t = pathlib.Path(d) / "t.toml"
        t.write_text(topology_with_namespace("m\u0430il.contoso.com"))  # Cyrillic a
        code, out, err, _, _ = certplan("plan", t, "--format", "json")
        if code != 3:
            names = [n["fqdn"] for n in json.loads(out)["namespaces"]]
            assert "mail.contoso.com" not in names and any(n.startswith("xn--") for n in names), names
        cert = make_cert(d, "ok", ["mail.contoso.com"])
        code, out, err, _, _ = certplan("match", cert, "m\u0430il.contoso.com", "--format", "json")
        assert code in (2, 3) and (code == 3 or not json.loads(out)["results"][0]["covered"]), (out, err)


def case_a_million_tenants():
    with tempfile.TemporaryDirectory() as d:
        base = (ROOT / "examples" / "hosted.toml").read_text()
        t = pathlib.Path(d) / "million.toml"
        with open(t, "w") as fh:
            fh.write(base)
            for i in range(1_000_000):
                fh.write(f'[[tenant]]\nname = "T{i}"\ndomains = ["t{i}.example"]\n')
        code, out, err, took, rss = certplan("plan", t, "-o", pathlib.Path(d) / "plan.txt")
        # Over the default --max-tenants (250,000): refused before parsing, at the first tenant
        # too many, in bounded time and memory, nothing written.
        assert code == 3 and "million.toml:" in err and "--max-tenants" in err and took < 10 and rss < 300, (code, err, took, rss)
        assert not (pathlib.Path(d) / "plan.txt").exists()


def case_deeply_nested_toml():
    with tempfile.TemporaryDirectory() as d:
        for name, text in (("arrays", "schema = 1\nx = " + "[" * 100000 + "]" * 100000 + "\n"),
                           ("inline", "schema = 1\nx = " + "{a = " * 50000 + "1" + "}" * 50000 + "\n"),
                           ("dotted", "schema = 1\n[" + ".".join(["a"] * 50000) + "]\n")):
            t = pathlib.Path(d) / f"{name}.toml"
            t.write_text(text)
            code, out, err, took, rss = certplan("plan", t)
            assert code == 3 and f"{name}.toml:" in err and took < 10, (name, code, err[:300], took)


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
