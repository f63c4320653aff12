#!/usr/bin/env python3
"""CLI tests of `audit --server-export` and `expiry --server-export` (issue 16) on the
CSS-Exchange HealthChecker exports in tests/data/css-exchange. The oracles are Python's own
XML and base64 readers and `openssl x509 -fingerprint`, never the code under test.

usage: test_server_export_cli.py CERTPLAN SOURCE_ROOT [CASE...]
"""
import base64
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import harness

EXE = pathlib.Path(sys.argv[1]).resolve()
ROOT = pathlib.Path(sys.argv[2]).resolve()
DATA = ROOT / "tests" / "data" / "css-exchange"
E16 = DATA / "Tests" / "DataCollection" / "E16" / "Exchange"
E19 = DATA / "Tests" / "DataCollection" / "E19" / "Exchange"
NS = "{http://schemas.microsoft.com/powershell/2004/04}"
AT = "2022-06-01"

TOPOLOGY = """schema = 1
[organization]
name = "Solo"
exchange = "2019"
model = "consolidated"
[[forest]]
name = "solo"
smtp_domains = ["solo.com"]
[[site]]
name = "Main"
namespace = "mail.solo.com"
  [[site.server]]
  name = "SOLO-E19A"
  fqdn = "solo-e19a.solo.com"
  roles = ["mailbox"]
[clients]
supported = ["outlook-2016", "ios-mail"]
"""


def run(*args):
    p = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def unescape(s):
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s or "")


def objects(path):
    """Top-level <Obj> elements of a CLIXML file, with the MS/Props values by name."""
    root = ET.fromstring(path.read_bytes().decode("utf-8-sig"))
    out = []
    for obj in root.findall(f"{NS}Obj"):
        props = {}
        for group in (f"{NS}Props", f"{NS}MS"):
            for e in obj.findall(group + "/*"):
                props[unescape(e.get("N"))] = e
        out.append(props)
    return out


def openssl_sha1(der):
    p = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-fingerprint", "-sha1"], input=der,
                       capture_output=True, check=True)
    return p.stdout.decode().strip().split("=", 1)[1].replace(":", "")


def raw_certificates(folder):
    ders = []
    for f in sorted(folder.rglob("*.xml")):
        for o in objects(f):
            if "RawData" in o and o["RawData"].tag == f"{NS}BA":
                ders.append(base64.b64decode(o["RawData"].text))
    return ders


def binding_hashes(folder):
    out = set()
    for o in objects(folder / "IIS" / "GetWebBinding.xml"):
        if o["protocol"].text == "https" and o["certificateHash"].text:
            out.add(o["certificateHash"].text.upper())
    return out


def copy(src, dst):
    shutil.copytree(src, dst)
    for p in dst.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    return dst


def case_expiry_thumbprints_are_openssls_sha1():
    for folder in (E16, E19):
        code, out, err = run("expiry", "--server-export", folder, "--at", AT, "--format", "json")
        assert code in (0, 1, 2), (code, err)
        got = set()
        for c in json.loads(out)["certificates"]:
            for s in c["sources"] if "sources" in c else [c["source"]]:
                got.add(s.rsplit(" ", 1)[1])
        want = {openssl_sha1(d) for d in raw_certificates(folder)}
        assert len(want) >= 3, want
        assert got == want, (folder, got, want)


def case_bindings_to_certificates_not_on_the_server():
    with tempfile.TemporaryDirectory() as d:
        topo = pathlib.Path(d) / "solo.toml"
        topo.write_text(TOPOLOGY)
        code, out, err = run("audit", topo, "--server-export", E16, "--server-export", E19, "--at", AT, "--format", "json")
        assert code == 2, (code, err)
        findings = json.loads(out)["findings"]
        for folder in (E16, E19):
            on_server = {openssl_sha1(x) for x in raw_certificates(folder)}
            missing = binding_hashes(folder) - on_server
            assert missing, f"{folder}: the data set is expected to be inconsistent"
            for h in missing:
                hits = [f for f in findings if f["rule"] == "installed" and str(folder) in f["message"] and h in f["message"]
                        and "not on the server" in f["message"]]
                assert hits and all(f["severity"] == "failure" for f in hits), (folder, h, findings)
        # Nothing serves IIS at the site (the bound certificate is missing): R1 fails every cell.
        results = json.loads(out)["results"]
        iis = [r for r in results if r["service"] == "iis"]
        assert iis and all(r["status"] == "fail" for r in iis), iis
        # The plan's namespace is not where E19's URLs point.
        assert any("solo-e19a.solo.com is none of the plan's namespaces" in f["message"] for f in findings), findings
        code, text, err = run("audit", topo, "--server-export", E19, "--at", AT)
        assert code == 2 and "installed failure" in text and "12FD38FA8F58C8A74B3039962882DEFE4199D453" in text, (code, text, err)


def case_utf16le_copy_reads_the_same():
    with tempfile.TemporaryDirectory() as d:
        a = copy(E19, pathlib.Path(d) / "a")
        b = copy(E19, pathlib.Path(d) / "b")
        for p in b.rglob("*.xml"):
            # Windows PowerShell 5.1's Export-Clixml default: UTF-16LE with a BOM.
            p.write_bytes(p.read_bytes().decode("utf-8-sig").encode("utf-16"))
            assert p.read_bytes()[:2] == b"\xff\xfe"
        outs = []
        for folder in (a, b):
            code, out, err = run("expiry", "--server-export", folder, "--at", AT, "--format", "json")
            assert code in (0, 1, 2), err
            outs.append(out.replace(str(folder), "DIR"))
        assert outs[0] == outs[1]
        assert len(json.loads(outs[0])["certificates"]) == len({openssl_sha1(x) for x in raw_certificates(E19)}) == 4


def to_json_objects(path, byte_array):
    """What ConvertTo-Json (Windows PowerShell 5.1) writes for the objects this test needs."""
    out = []
    for o in objects(path):
        if "RawData" in o:
            der = base64.b64decode(o["RawData"].text)
            out.append({"RawData": list(der) if byte_array else base64.b64encode(der).decode(),
                        "Thumbprint": openssl_sha1(der), "Services": 8, "Status": 1})
        elif "bindingInformation" in o:
            out.append({k: (o[k].text or "") for k in ("protocol", "bindingInformation", "certificateHash", "ItemXPath")}
                       | {"sslFlags": int(o["sslFlags"].text or 0)})
        elif "CurrentCertificateThumbprint" in o:
            out.append({"CurrentCertificateThumbprint": o["CurrentCertificateThumbprint"].text,
                        "NextCertificateThumbprint": "", "NextCertificateEffectiveDate": "\\/Date(1700000000000)\\/"})
        elif "InternalUrl" in o:
            url = lambda e: None if e.tag == f"{NS}Nil" else e.text
            out.append({"Name": o["Name"].text, "InternalUrl": url(o["InternalUrl"]), "ExternalUrl": url(o["ExternalUrl"])})
    return out


def case_json_export_reads_like_clixml():
    files = ["GetExchangeCertificate.xml", "IIS/GetWebBinding.xml", "GetAuthConfig.xml", "GetOwaVirtualDirectory.xml"]
    with tempfile.TemporaryDirectory() as d:
        x = pathlib.Path(d) / "xml"
        j = pathlib.Path(d) / "json"
        for i, f in enumerate(files):
            (x / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(E19 / f, x / f)
            (j / f).parent.mkdir(parents=True, exist_ok=True)
            # A JSON text with "\/" as ConvertTo-Json escapes it; odd files RawData as byte arrays.
            text = json.dumps(to_json_objects(E19 / f, i % 2 == 0), indent=2).replace("\\\\/", "\\/")
            (j / f).with_suffix(".json").write_text(text)
        topo = pathlib.Path(d) / "solo.toml"
        topo.write_text(TOPOLOGY)
        outs = []
        for folder in (x, j):
            code, out, err = run("audit", topo, "--server-export", folder, "--at", AT, "--format", "json")
            assert code == 2, (code, err)
            outs.append(sorted(f["message"].replace(str(folder), "DIR") for f in json.loads(out)["findings"]))
        assert outs[0] == outs[1], outs
        assert any("not on the server" in m for m in outs[1]), outs[1]
        for folder in (x, j):
            code, out, err = run("expiry", "--server-export", folder, "--at", AT, "--format", "json")
            assert sorted(c["sha256_fingerprint"] for c in json.loads(out)["certificates"]) == sorted(
                c["sha256_fingerprint"] for c in json.loads(run("expiry", "--server-export", x, "--at", AT, "--format", "json")[1])["certificates"])


def case_bad_export_exit_3_with_position():
    with tempfile.TemporaryDirectory() as d:
        folder = pathlib.Path(d) / "srv"
        folder.mkdir()
        text = (E19 / "GetAuthConfig.xml").read_text(encoding="utf-8-sig")
        lines = text.splitlines(keepends=True)
        (folder / "auth.xml").write_text("".join(lines[:20]) + "<S N=\"x\">broken</Obj>\n")
        code, out, err = run("expiry", "--server-export", folder, "--at", AT)
        assert code == 3 and out == "", (code, out, err)
        assert re.search(r"auth\.xml:21:\d+: error: not well-formed XML", err), err
        # A folder with nothing certplan reads is an input error for audit.
        (folder / "auth.xml").write_text("hello\n")
        topo = pathlib.Path(d) / "solo.toml"
        topo.write_text(TOPOLOGY)
        code, out, err = run("audit", topo, "--server-export", folder, "--at", AT)
        assert code == 3 and "no export of a certificate" in err, (code, err)
        code, out, err = run("audit", topo, "--server-export", folder / "nope", "--at", AT)
        assert code == 3 and "not a folder" in err, (code, err)


def case_auth_certificate_not_on_the_server_fails_r11():
    v = DATA / "DataCollection" / "ExchangeInformation" / "Tests" / "DataCollection"
    with tempfile.TemporaryDirectory() as d:
        folder = pathlib.Path(d) / "srv"
        folder.mkdir()
        shutil.copy(v / "GetExchangeCertificateWithoutAuth.xml", folder)
        shutil.copy(v / "GetAuthConfig.xml", folder)
        topo = pathlib.Path(d) / "solo.toml"
        topo.write_text(TOPOLOGY)
        current = objects(v / "GetAuthConfig.xml")[0]["CurrentCertificateThumbprint"].text
        assert current not in {openssl_sha1(x) for x in raw_certificates(folder)}
        code, out, err = run("audit", topo, "--server-export", folder, "--at", AT, "--format", "json")
        assert code == 2, (code, err)
        r11 = [f for f in json.loads(out)["findings"] if f["rule"] == "R11"]
        assert r11 and current in r11[0]["message"] and r11[0]["severity"] == "failure", r11


def case_collect_writes_what_server_export_reads():
    """`certplan collect`: every kind of export the readers take is made, under the name
    HealthChecker's data uses; nothing but Get-* cmdlets touches Exchange or IIS; the folder
    given stays one PowerShell literal however hostile."""
    hostile = "C:\\it's $(Remove-Item C:\\ -Recurse) `n"
    p = subprocess.run([str(EXE), "collect", "--dir", hostile], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    script = p.stdout
    made = set(re.findall(r"'(Get\w+\.xml)'", script))
    made |= {f"Get{k}VirtualDirectory.xml" for k in re.findall(r"'(\w+)'", script.split("foreach ($kind in", 1)[1].split(")", 1)[0])}
    # Every export kind in the test data (the variants aside) is among those the script makes.
    kinds = {f.name for f in DATA.rglob("*.xml") if re.fullmatch(r"Get(ExchangeCertificate|AuthConfig|ExchangeServer|"
                                                                 r"AcceptedDomain|\w+VirtualDirectory|WebBinding|"
                                                                 r"ReceiveConnector|SendConnector)\.xml", f.name)}
    assert kinds and kinds <= made, (sorted(kinds - made), sorted(made))
    # Nothing that changes the server: the cmdlets called are reads, or the script's own plumbing.
    called = set(re.findall(r"^\s*(?:&\s*)?([A-Z][a-z]+-[A-Za-z]+)", "\n".join(
        l for l in script.splitlines() if not l.lstrip().startswith("#")), flags=re.M))
    called |= set(re.findall(r"'(Get-[A-Za-z]+)'", script))
    allowed = {"Export-State", "New-Item", "Import-Module", "Write-Host", "Join-Path"}
    assert all(c.startswith("Get-") or c in allowed for c in called), sorted(called)
    # The folder: one single-quoted literal, quotes doubled, the rest as typed.
    [line] = [l for l in script.splitlines() if l.startswith("$dir = Join-Path ")]
    literal = line[len("$dir = Join-Path "):line.rindex(" $server")]
    assert literal.startswith("'") and literal.endswith("'"), line
    assert literal[1:-1].replace("''", "'") == hostile and "'" not in literal[1:-1].replace("''", ""), line


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
