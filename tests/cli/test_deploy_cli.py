#!/usr/bin/env python3
"""CLI tests of `certplan deploy` (issue 15): golden outputs per Exchange version and per model,
the cmdlets each version gets, SC-081 renewal numbers at each step, the ICS calendar, and end
to end: certbot issues certplan's CSR from pebble with the emitted command, the emitted openssl
command builds a .pfx that openssl reads back with the passphrase file, and `certplan audit`
of the issued chain is ok.

usage: test_deploy_cli.py CERTPLAN SOURCE_ROOT [CASE...]
CERTPLAN_REGEN=1 rewrites the golden files instead of comparing (then review the diff).
"""
import json
import os
import pathlib
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import ssl

import harness

EXE = pathlib.Path(sys.argv[1]).resolve()
ROOT = pathlib.Path(sys.argv[2]).resolve()
DATA = ROOT / "tests" / "data" / "deploy"
AT = "2027-01-15"

# (golden name, topology, format, extra arguments): per Exchange version (2007, 2010, 2016,
# 2019, SE) and per model (every example and init template), text for all, ps1/json/ics for some.
GOLDEN = [
    ("tom-2007.txt", DATA / "tom-2007.toml", "text", []),
    ("tom-2007.ps1", DATA / "tom-2007.toml", "ps1", []),
    ("tom-2007-server-key.txt", DATA / "tom-2007.toml", "text", ["--key", "server"]),
    ("consolidated-2019-smtp.ps1", DATA / "consolidated-2019-smtp.toml", "ps1", []),
    ("consolidated-se.txt", DATA / "consolidated-se.toml", "text", []),
    ("consolidated-se.json", DATA / "consolidated-se.toml", "json", []),
    ("consolidated-2029.ics", ROOT / "examples" / "consolidated.toml", "ics", ["--at", "2029-04-01"]),
    ("hosted-2010.ps1", ROOT / "examples" / "hosted.toml", "ps1", []),
] + [(f"example-{p.stem}.txt", p, "text", []) for p in sorted((ROOT / "examples").glob("*.toml"))] \
  + [(f"init-{p.stem}.txt", p, "text", []) for p in sorted((ROOT / "templates" / "init").glob("*.toml"))]


def run(*args, cwd=None, env=None):
    # Bytes, decoded without newline translation: the ICS calendar's CRLFs are compared too.
    p = subprocess.run([str(EXE), *map(str, args)], capture_output=True, cwd=cwd, env=env, timeout=300)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def deploy_json(topology, *args, at=AT):
    code, out, err = run("deploy", topology, "--format", "json", "--at", at, *args)
    assert code in (0, 1, 2), (code, err)
    return json.loads(out)


def commands(j):
    """Every PowerShell line of every step, server by server."""
    out = []
    for c in j["certificates"]:
        for s in c["servers"]:
            for st in s["steps"]:
                out += [l for l in st["command"].splitlines() if not l.startswith("#")]
    return out


def case_golden_outputs_byte_for_byte():
    regen = os.environ.get("CERTPLAN_REGEN") == "1"
    for name, topology, fmt, extra in GOLDEN:
        args = ["--at", AT] if "--at" not in extra else []
        # From the source root with a relative path: the JSON names the topology as given, and a
        # golden file must not hold the path of the checkout that wrote it.
        code, out, err = run("deploy", pathlib.Path(topology).relative_to(ROOT), "--format", fmt, *args, *extra, cwd=ROOT)
        assert code in (0, 1, 2), (name, code, err)
        golden = DATA / name
        if regen:
            golden.write_bytes(out.encode("utf-8"))
            continue
        assert golden.exists(), f"{golden} is missing (CERTPLAN_REGEN=1 writes it)"
        want = golden.read_bytes().decode("utf-8")  # bytes: no newline translation
        assert out == want, f"{name} differs from the golden file; first differing line:\n" + next(
            (f"  got:  {a!r}\n  want: {b!r}" for a, b in zip(out.splitlines(), want.splitlines()) if a != b),
            f"  lengths {len(out)} vs {len(want)}")
    # Two runs give the same bytes (nothing reads the clock when --at is given).
    assert run("deploy", DATA / "tom-2007.toml", "--at", AT)[1] == run("deploy", DATA / "tom-2007.toml", "--at", AT)[1]


def case_each_version_gets_its_cmdlets():
    v2007 = commands(deploy_json(DATA / "tom-2007.toml"))
    assert any(l.startswith("$cert = Import-ExchangeCertificate -Path ") for l in v2007), v2007
    assert not any("Import-ExchangeCertificate -Server" in l or "Enable-ExchangeCertificate -Server" in l for l in v2007)
    assert any(l.startswith("Set-ClientAccessServer -Identity 'SERVER01'") for l in v2007)
    assert any(l.startswith("Enable-OutlookAnywhere -Server 'SERVER01' -ExternalHostname 'mail.contoso.com'") for l in v2007)
    # 2007 SP1 replaced -ExternalAuthenticationMethod (its Enable-OutlookAnywhere page, bb123513);
    # its certificate cmdlets take no -Server, in the renewal paths too.
    j2007 = deploy_json(DATA / "tom-2007.toml")
    assert any("-DefaultAuthenticationMethod Basic" in l for l in v2007) and not any(
        "-ExternalAuthenticationMethod" in l for l in v2007), v2007
    for c in j2007["certificates"]:
        acme = c["renewal"]["acme"]["posh_acme"]["command"]
        assert "Enable-ExchangeCertificate -Thumbprint $pa.Thumbprint" in acme and " -Server " not in acme, acme
    assert not any(l.startswith(("Set-EcpVirtualDirectory", "Set-MapiVirtualDirectory", "Set-ClientAccessService"))
                   for l in v2007)
    v2010 = commands(deploy_json(ROOT / "examples" / "hosted.toml"))
    assert any(l.startswith("Set-EcpVirtualDirectory -Identity 'EX01\\ecp (Default Web Site)'") for l in v2010)
    assert any("-DefaultAuthenticationMethod Basic" in l for l in v2010)
    assert not any(l.startswith("Set-MapiVirtualDirectory") for l in v2010)
    # The redirect sites share the secondary IP:80, so each has a host header of its own (IIS
    # starts only one of two sites with the same binding), and the feature is added the way
    # Windows Server 2008 R2 has it (Add-WindowsFeature, an alias from 2012 on).
    sites = [l for srv in deploy_json(ROOT / "examples" / "hosted.toml")["one_time"] for st in srv["steps"]
             for l in st["command"].splitlines() if l.startswith("New-Website ")]
    bindings = [re.search(r"-IPAddress (\S+) -Port (\d+) -HostHeader (\S+)", l).groups() for l in sites]
    assert len(sites) == 2 and len(set(bindings)) == 2, sites
    one_time = "\n".join(st["command"] for srv in deploy_json(ROOT / "examples" / "hosted.toml")["one_time"]
                         for st in srv["steps"])
    lines = one_time.splitlines()
    assert "Add-WindowsFeature Web-Http-Redirect" in lines and not any(l.startswith("Install-WindowsFeature") for l in lines)
    assert any(l.startswith("Set-PopSettings -Server 'EX01' -X509CertificateName 'mail.provider.com'") for l in v2010)
    assert any(l == "Get-Service -ComputerName 'EX01' -Name MSExchangePOP3 | Restart-Service" for l in v2010)
    for topo in (ROOT / "examples" / "consolidated.toml", DATA / "consolidated-se.toml"):  # 2016, SE
        new = commands(deploy_json(topo))
        assert any(l.startswith("Set-ClientAccessService -Identity 'CAS01' -AutoDiscoverServiceInternalUri "
                                "'https://mail.contoso.com/Autodiscover/Autodiscover.xml'") for l in new)
        assert any(l.startswith("Set-MapiVirtualDirectory -Identity 'CAS01\\mapi (Default Web Site)'") for l in new)
        assert any(l.startswith("Set-OutlookAnywhere -Identity 'CAS01\\Rpc (Default Web Site)'") for l in new)
        assert any(l == "Get-Service -ComputerName 'CAS01' -Name MSExchangePOP3, MSExchangePOP3BE | Restart-Service"
                   for l in new)
        assert any(l == "Set-PopSettings -Server 'CAS01' -X509CertificateName 'pop.contoso.com'" for l in new)
    # A wildcard certificate covers the site namespace (R17's matcher), so its URLs are set.
    wild = commands(deploy_json(ROOT / "examples" / "wildcard-wm5.toml"))
    assert any(l.startswith("Set-OwaVirtualDirectory -Identity 'CAS01\\owa (Default Web Site)'") for l in wild), wild
    v2019 = commands(deploy_json(DATA / "consolidated-2019-smtp.toml"))
    assert "$tlsName = \"<I>$($cert.Issuer)<S>$($cert.Subject)\"" in v2019
    assert "Set-ReceiveConnector -Identity 'CAS01\\Client Frontend CAS01' -TlsCertificateName $tlsName" in v2019
    assert any(l.startswith("Enable-ExchangeCertificate -Server 'CAS01' -Thumbprint $thumb -Services 'IIS,POP,IMAP,SMTP'")
               for l in v2019), v2019


def case_steps_in_order_and_cited():
    j = deploy_json(ROOT / "examples" / "consolidated.toml")
    steps = j["certificates"][0]["servers"][0]["steps"]
    ids = [s["id"] for s in steps]
    assert ids[:2] == ["import", "enable"] and ids[-2:] == ["iisreset", "remove-replaced"], ids
    assert ids.index("owa-urls") < ids.index("autodiscover-scp") < ids.index("pop"), ids
    for s in steps + j["certificates"][0]["prepare"]:
        assert s["cites"].startswith("https://"), s
    # Hosted: the redirect sites on the secondary IP, the Default Web Site's 443 on the primary.
    h = deploy_json(ROOT / "examples" / "hosted.toml")
    one = [s["id"] for s in h["one_time"][0]["steps"]]
    assert one == ["default-site-ip", "AutodiscoverRedirect-site", "WebmailRedirect-site"], one
    text = "\n".join(s["command"] for s in h["one_time"][0]["steps"])
    assert "-Value '203.0.113.50'" in text and "-IPAddress '203.0.113.51' -Port 80" in text
    assert "destination = 'https://autodiscover.provider.com/autodiscover/autodiscover.xml'" in text
    assert "httpResponseStatus = 'Found'" in text
    # A request made on the server: import the .cer there, no .pfx to build.
    s = deploy_json(DATA / "tom-2007.toml", "--key", "server")["certificates"][0]
    assert s["prepare"] == [] and "-Path 'C:\\certplan\\default-first-site-name.cer'" in s["servers"][0]["steps"][0]["command"]


def case_renewal_at_each_sc081_step():
    topo = ROOT / "examples" / "consolidated.toml"
    want = {"2026-01-10": (398, 398, 3), "2026-04-01": (200, 200, 2), "2027-04-01": (100, 100, 1),
            "2029-04-01": (47, 10, 0)}
    for at, (days, dcv, phases) in want.items():
        r = deploy_json(topo, at=at)["certificates"][0]["renewal"]
        assert (r["today"]["max_validity_days"], r["today"]["dcv_reuse_days"], len(r["next_phases"])) == (days, dcv, phases), (at, r["today"])
        assert r["lifetime_days"] == days and r["renew_after_days"] == days * 2 // 3, (at, r)
        assert r["margin_days"] == days - days * 2 // 3 and r["margin_percent"] >= 33, (at, r)
        assert r["every_renewal_revalidates"] == (dcv < days * 2 // 3), (at, r)
    r = deploy_json(topo, at="2029-04-01")["certificates"][0]["renewal"]
    assert r["renewals_first_year"] == 12, r["renewals_first_year"]  # every 31 days
    assert r["fresh_validation"] == ["mail.contoso.com", "autodiscover.contoso.com", "pop.contoso.com",
                                     "autodiscover.contoso.co.uk"], r["fresh_validation"]
    # Across a step, each renewal is issued under the limit in force on its own date.
    cal = deploy_json(topo, at="2027-01-15")["certificates"][0]["renewal"]["calendar"]
    assert cal[0] == {"date": "2027-01-15", "what": "issue (at most 200 days)"}, cal[0]
    assert cal[2]["what"] == "issue (at most 100 days)", cal[2]
    acme = deploy_json(topo)["certificates"][0]["renewal"]["acme"]
    assert "--host 'mail.contoso.com,autodiscover.contoso.com,pop.contoso.com,autodiscover.contoso.co.uk'" in acme["win_acme"]["command"]
    assert "-Domain 'mail.contoso.com', 'autodiscover.contoso.com', 'pop.contoso.com', 'autodiscover.contoso.co.uk'" in acme["posh_acme"]["command"]


def case_ics_calendar_is_well_formed():
    code, out, err = run("deploy", ROOT / "examples" / "hosted.toml", "--format", "ics", "--at", "2029-04-01")
    assert code in (0, 1), err
    raw = out.encode("utf-8")
    lines = raw.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b"", lines[-3:]
    assert all(len(l) <= 75 for l in lines), max(lines, key=len)
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare line feed"
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    events = [l for l in unfolded if l == "BEGIN:VEVENT"]
    assert len(events) == sum(1 for l in unfolded if l == "END:VEVENT") == 12, len(events)
    assert "DTSTART;VALUE=DATE:20290502" in unfolded, unfolded[:20]
    uids = [l for l in unfolded if l.startswith("UID:")]
    assert len(uids) == len(set(uids)), uids


def case_usage_errors_exit_3():
    for args in (["--cert", "nope"], ["--server", "NOPE"], ["--format", "markdown"], ["--key", "hsm"]):
        code, out, err = run("deploy", ROOT / "examples" / "consolidated.toml", *args)
        assert code == 3 and out == "", (args, code, out, err)
    code, out, _ = run("deploy", ROOT / "examples" / "regional.toml", "--server", "NOPE-NOT-THERE")
    assert code == 3
    # --server narrows the steps to that server.
    j = deploy_json(ROOT / "examples" / "regional.toml")
    servers = sorted({s["server"] for c in j["certificates"] for s in c["servers"]})
    assert len(servers) >= 2, servers
    one = deploy_json(ROOT / "examples" / "regional.toml", "--server", servers[0])
    assert {s["server"] for c in one["certificates"] for s in c["servers"]} == {servers[0]}


def sh(*args, **kw):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=180, **kw)
    assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


E2E_TOPOLOGY = """schema = 1
[organization]
name = "Contoso"
exchange = "2019"
model = "consolidated"
[[forest]]
name = "contoso"
smtp_domains = ["contoso.com"]
[[site]]
name = "Redmond"
internet_facing = true
namespace = "mail.contoso.com"
  [[site.server]]
  name = "EX01"
  roles = ["mailbox"]
[clients]
supported = ["outlook-2016", "owa-browser"]
"""


def emitted(j, key):
    c = j["certificates"][0]
    step = c["renewal"]["acme"]["certbot"] if key == "certbot" else c["prepare"][0]
    return [l for l in step["command"].splitlines() if not l.startswith("#")][-1]


def case_pfx_from_the_emitted_openssl_command():
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        (d / "t.toml").write_text(E2E_TOPOLOGY)
        (d / "keypass").write_text("key pass phrase\n")
        code, _, err = run("csr", d / "t.toml", "--out", d, "--passphrase-file", d / "keypass")
        assert code == 0, err
        # A throw-away CA issues the request (openssl, not certplan).
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d / "ca.key", "-out", d / "ca.pem",
           "-days", "30", "-subj", "/CN=deploy test root")
        (d / "ext").write_text("subjectAltName=DNS:mail.contoso.com,DNS:autodiscover.contoso.com\n")
        sh("openssl", "x509", "-req", "-in", d / "redmond.csr", "-CA", d / "ca.pem", "-CAkey", d / "ca.key",
           "-CAcreateserial", "-days", "20", "-extfile", d / "ext", "-out", d / "redmond.cer")
        shutil.copy(d / "ca.pem", d / "redmond.chain.pem")
        (d / "redmond.pfx.pass").write_text("pfx pass 'with' $(quotes)\n")
        j = deploy_json(d / "t.toml", "--key-passphrase-file", "keypass")
        cmd = emitted(j, "openssl")
        argv = shlex.split(cmd)
        assert "pass phrase" not in cmd and "-passout" in argv and argv[argv.index("-passout") + 1] == "file:redmond.pfx.pass"
        assert argv[argv.index("-passin") + 1] == "file:keypass", argv
        sh(*argv, cwd=d)
        info = sh("openssl", "pkcs12", "-info", "-in", d / "redmond.pfx", "-passin", "file:" + str(d / "redmond.pfx.pass"),
                  "-nodes")
        assert "BEGIN PRIVATE KEY" in info.stdout and info.stdout.count("BEGIN CERTIFICATE") == 2, info.stdout[:300]
        assert "pbeWithSHA1And3-KeyTripleDES-CBC" in info.stderr, info.stderr
        wrong = subprocess.run(["openssl", "pkcs12", "-info", "-in", str(d / "redmond.pfx"), "-passin", "pass:wrong",
                                "-noout"], capture_output=True, text=True)
        assert wrong.returncode != 0, "a wrong passphrase must not open the .pfx"


def case_csr_says_which_path_is_which():
    """Issue 15 part 3: ID.key + ID.csr and ID.ps1 are alternatives, said in the files and the
    manifest; the .cnf's suggested command writes a key of its own, never over ID.key."""
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        (d / "t.toml").write_text(E2E_TOPOLOGY)
        code, out, err = run("csr", d / "t.toml", "--out", d / "out")
        assert code == 0, err
        assert "Two alternatives per certificate" in out, out
        m = json.loads((d / "out" / "manifest.json").read_text())
        paths = m["certificates"][0]["paths"]
        assert [p["path"] for p in paths] == ["certplan-key", "server-request"], paths
        assert paths[0]["files"] == ["redmond.key", "redmond.csr"] and paths[1]["files"] == ["redmond.ps1"], paths
        assert paths[1]["deploy"].endswith("--key server"), paths
        ps1 = (d / "out" / "redmond.ps1").read_text().splitlines()
        assert ps1[0].startswith("# Request for certificate redmond made ON the Exchange server"), ps1[0]
        assert ps1[-1].startswith("New-ExchangeCertificate -GenerateRequest"), ps1[-1]
        cnf = (d / "out" / "redmond.cnf").read_text()
        line = next(l for l in cnf.splitlines() if "openssl req -new -config" in l and "-keyout" in l)
        argv = shlex.split(line.lstrip("# "))
        assert argv[argv.index("-keyout") + 1] == "redmond.openssl.key", argv
        key = (d / "out" / "redmond.key").read_bytes()
        sh(*argv, cwd=d / "out")
        assert (d / "out" / "redmond.key").read_bytes() == key, "the .cnf's command overwrote certplan's key"
        assert (d / "out" / "redmond.openssl.key").exists() and (d / "out" / "redmond.openssl.csr").exists()


def case_pebble_certbot_end_to_end():
    if not shutil.which("pebble") or not shutil.which("certbot"):
        raise harness.Skip("pebble and certbot are not installed (apt-get install pebble certbot)")
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        (d / "t.toml").write_text(E2E_TOPOLOGY)
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d / "pebble.key", "-out",
           d / "pebble.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        acme, mgmt, http01 = free_port(), free_port(), free_port()
        (d / "pebble.json").write_text(json.dumps({"pebble": {
            "listenAddress": f"127.0.0.1:{acme}", "managementListenAddress": f"127.0.0.1:{mgmt}",
            "certificate": str(d / "pebble.pem"), "privateKey": str(d / "pebble.key"), "httpPort": http01,
            "tlsPort": free_port(), "ocspResponderURL": "", "externalAccountBindingRequired": False,
            "certificateValidityPeriod": 90 * 86400}}))
        env = dict(os.environ, PEBBLE_VA_ALWAYS_VALID="1", PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0")
        pebble = subprocess.Popen(["pebble", "-config", str(d / "pebble.json")], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            ctx = ssl.create_default_context(cafile=str(d / "pebble.pem"))
            for _ in range(100):
                try:
                    root = urllib.request.urlopen(f"https://127.0.0.1:{mgmt}/roots/0", context=ctx, timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise AssertionError("pebble did not start")
            (d / "root.pem").write_bytes(root)
            code, _, err = run("csr", d / "t.toml", "--out", d)
            assert code == 0, err
            j = deploy_json(d / "t.toml")
            argv = shlex.split(emitted(j, "certbot"))
            assert argv[:4] == ["certbot", "certonly", "--csr", "redmond.csr"], argv
            # Pointed at pebble: its directory, its http-01 port, state in the temporary directory.
            argv += ["--server", f"https://127.0.0.1:{acme}/dir", "--http-01-port", str(http01),
                     "--register-unsafely-without-email", "--config-dir", str(d / "cb"), "--work-dir", str(d / "cb"),
                     "--logs-dir", str(d / "cb")]
            sh(*argv, cwd=d, env=dict(os.environ, REQUESTS_CA_BUNDLE=str(d / "pebble.pem")))
            for f in ("redmond.cer", "redmond.chain.pem", "redmond.fullchain.pem"):
                assert (d / f).exists(), f
            (d / "redmond.pfx.pass").write_text("a pfx passphrase\n")
            sh(*shlex.split(emitted(j, "openssl")), cwd=d)
            sh("openssl", "pkcs12", "-info", "-in", d / "redmond.pfx", "-passin", "file:" + str(d / "redmond.pfx.pass"),
               "-noout")
            code, out, err = run("audit", d / "t.toml", d / "redmond.fullchain.pem", "--trust", d / "root.pem",
                                 "--format", "json")
            assert code == 0, (code, out, err)
            a = json.loads(out)
            assert a["summary"]["fail"] == 0 and a["summary"]["ok"] > 0, a["summary"]
            # The issued certificate carries the planned names in the planned order.
            x = sh("openssl", "x509", "-in", d / "redmond.cer", "-noout", "-ext", "subjectAltName").stdout
            assert "DNS:mail.contoso.com, DNS:autodiscover.contoso.com" in x, x
        finally:
            pebble.terminate()
            pebble.wait(timeout=10)


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
