#!/usr/bin/env python3
"""CLI tests of `certplan expiry` over files and folders, with certificates made by openssl.

usage: test_expiry_cli.py CERTPLAN SOURCE_ROOT [CASE...]
"""
import datetime
import json
import pathlib
import subprocess
import sys
import tempfile
import time

import harness
import mail_servers
from tls_lab import free_port, oracle, s_server, serve, served_chain

EXE = pathlib.Path(sys.argv[1]).resolve()


def make(d, name, days):
    d = pathlib.Path(d)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", d / f"{name}.key", "-out", d / f"{name}.pem", "-days", str(days), "-subj",
                    f"/CN={name}.contoso.com", "-addext", f"subjectAltName=DNS:{name}.contoso.com"],
                   check=True, capture_output=True)
    (d / f"{name}.key").unlink()
    return d / f"{name}.pem"


def at(days_from_now):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days_from_now)).strftime("%Y-%m-%d")


def expiry(*args):
    p = subprocess.run([str(EXE), "expiry", *map(str, args)], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def case_statuses_and_exit_codes_at_a_fixed_time():
    with tempfile.TemporaryDirectory() as d:
        make(d, "long", 400)
        make(d, "soon", 40)
        code, out, err = expiry(d, "--at", at(1), "--format", "json")
        j = json.loads(out)
        assert j["schema"] == "certplan.expiry/1"
        st = {c["subject_cn"]: c["status"] for c in j["certificates"]}
        assert st == {"long.contoso.com": "ok", "soon.contoso.com": "ok"}, st
        assert code == 0, err
        code, out, _ = expiry(d, "--at", at(15))  # soon: about 25 days left, inside 30
        assert code == 1 and "warning" in out
        code, out, _ = expiry(d, "--at", at(36), "--format", "json")  # about 4 days left
        assert code == 2 and {c["subject_cn"]: c["status"] for c in json.loads(out)["certificates"]}["soon.contoso.com"] == "critical"
        code, out, _ = expiry(d, "--at", at(60), "--format", "json")
        j = json.loads(out)
        soon = [c for c in j["certificates"] if c["subject_cn"] == "soon.contoso.com"][0]
        assert code == 2 and soon["status"] == "expired" and soon["days_left"] < 0, soon
        # Sorted by notAfter; cli.md keys present.
        assert [c["subject_cn"] for c in j["certificates"]] == ["soon.contoso.com", "long.contoso.com"]
        for k in ("source", "subject_cn", "sans", "issuer", "not_before", "not_after", "days_left", "status", "sha256_fingerprint"):
            assert k in j["certificates"][0], k


def case_share_of_lifetime_threshold():
    with tempfile.TemporaryDirectory() as d:
        make(d, "short", 10)
        # 5 of 10 days left: inside a 60% warning window, outside 40%.
        assert expiry(d, "--at", at(5), "--warn", "60%", "--crit", "1")[0] == 1
        assert expiry(d, "--at", at(5), "--warn", "40%", "--crit", "1")[0] == 0
        assert expiry(d, "--warn", "150%")[0] == 3


def case_duplicates_merged_and_garbage_reported():
    with tempfile.TemporaryDirectory() as d:
        dp = pathlib.Path(d)
        pem = make(d, "one", 100)
        (dp / "sub").mkdir()
        (dp / "sub" / "copy.crt").write_bytes(pem.read_bytes())
        (dp / "sub" / "garbage.pem").write_text("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
        code, out, err = expiry(d, "--at", at(1), "--format", "json")
        j = json.loads(out)
        assert len(j["certificates"]) == 1 and len(j["certificates"][0]["sources"]) == 2, j
        assert j["summary"]["unreadable"] == 1 and "garbage.pem:1: certificate block 1: not a DER certificate" in err, err
        assert code == 1
        assert expiry(dp / "sub" / "garbage.pem")[0] == 3  # nothing readable at all


def case_other_formats():
    with tempfile.TemporaryDirectory() as d:
        make(d, "one", 100)
        _, out, _ = expiry(d, "--format", "prometheus")
        assert "# TYPE x509_cert_not_after gauge" in out and 'subject_CN="one.contoso.com"' in out, out
        assert any(line.startswith("x509_cert_not_before{") for line in out.splitlines())
        _, out, _ = expiry(d, "--format", "csv")
        assert out.splitlines()[0].startswith("source,subject_cn,") and "one.contoso.com" in out
        raw = subprocess.run([str(EXE), "expiry", d, "--format", "ics"], capture_output=True).stdout  # bytes: CRLF kept
        assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"BEGIN:VEVENT\r\n" in raw and raw.endswith(b"END:VCALENDAR\r\n"), raw


def case_not_yet_valid_is_its_own_status():
    # A certificate before its notBefore serves no client (R11): never "ok"; it counts as
    # critical for the exit code. openssl cannot backdate, so --at moves time back instead.
    with tempfile.TemporaryDirectory() as d:
        make(d, "future", 100)
        code, out, err = expiry(d, "--at", at(-5), "--format", "json")
        j = json.loads(out)
        c = j["certificates"][0]
        assert c["status"] == "not-yet-valid", c
        assert j["summary"]["not_yet_valid"] == 1 and j["summary"]["ok"] == 0, j["summary"]
        assert code == 2, (code, err)
        code, out, _ = expiry(d, "--at", at(-5))
        assert code == 2 and "not-yet-valid" in out, out
        assert expiry(d, "--at", at(1))[0] == 0  # valid now: ok again


def ca_chain(d):
    """A root, an intermediate it signs (not self-issued: the fast DER walk reads it) and a leaf."""
    d = pathlib.Path(d)
    ca_ext = d / "ca.ext"
    ca_ext.write_text("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
    leaf_ext = d / "leaf.ext"
    leaf_ext.write_text("basicConstraints=CA:FALSE\nsubjectAltName=DNS:mail.contoso.com\nextendedKeyUsage=serverAuth\n")

    def run(*args):
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", d / "root.key",
        "-out", d / "root.pem", "-days", "3650", "-subj", "/CN=Contoso Root", "-addext",
        "basicConstraints=critical,CA:TRUE")
    for name, issuer, days, ext in (("inter", "root", 1825, ca_ext), ("leaf", "inter", 90, leaf_ext)):
        run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            d / f"{name}.key", "-out", d / f"{name}.csr", "-subj", f"/CN=Contoso {name}")
        run("x509", "-req", "-in", d / f"{name}.csr", "-CA", d / f"{issuer}.pem", "-CAkey", d / f"{issuer}.key",
            "-CAcreateserial", "-days", days, "-extfile", ext, "-out", d / f"{name}.pem")
    for f in list(d.iterdir()):
        if f.suffix != ".pem":
            f.unlink()


def case_subscriber_limits_not_applied_to_ca_certificates():
    # R11's SC-081 limits (200/100/47 days) bind subscriber (leaf) certificates; a CA
    # certificate's renewal is not limited by them, so no "(max N d)" on the root or the
    # intermediate, and the leaf keeps its limit.
    with tempfile.TemporaryDirectory() as d:
        ca_chain(d)
        code, out, err = expiry(d, "--at", at(1), "--format", "json")
        j = json.loads(out)
        limits = {c["subject_cn"]: c["max_validity_days_on_renewal"] for c in j["certificates"]}
        assert limits["Contoso inter"] == 0 and limits["Contoso Root"] == 0, limits
        assert limits["Contoso leaf"] > 0, limits
        _, out, _ = expiry(d, "--at", at(1))
        rows = {l.split()[-1].rsplit("/", 1)[-1]: l for l in out.splitlines() if l.strip().endswith(".pem")}
        assert "max" not in rows["inter.pem"] and "max" not in rows["root.pem"], out
        assert "(max " in rows["leaf.pem"], out


def auth_cert(d, name, days):
    d = pathlib.Path(d)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d / f"{name}.key",
                    "-out", d / f"{name}.pem", "-days", str(days), "-subj",
                    "/CN=Microsoft Exchange Server Auth Certificate"], check=True, capture_output=True)
    (d / f"{name}.key").unlink()


def case_exchange_auth_certificate_warns_below_60_days():
    # R11: the Exchange Auth certificate's expiry stops OWA and ECP; warn below 60 days (the
    # default warning window is 30) unless a next Auth certificate with 120 days is staged.
    with tempfile.TemporaryDirectory() as d:
        auth_cert(d, "auth", 100)
        code, out, _ = expiry(d, "--at", at(51), "--format", "json")  # about 49 days left
        c = json.loads(out)["certificates"][0]
        assert c["status"] == "warning" and code == 1, (code, c)
        assert "R11" in c["note"] and "60" in c["note"], c
        code, out, _ = expiry(d, "--at", at(51))
        assert code == 1 and "warning" in out and "R11" in out, out
        assert expiry(d, "--at", at(35))[0] == 0  # 65 days left: ok
        # An ordinary certificate with 49 days left stays ok: the 60 days are the Auth certificate's.
        with tempfile.TemporaryDirectory() as other:
            make(other, "web", 100)
            assert expiry(other, "--at", at(51))[0] == 0
        # The next Auth certificate, staged with at least 120 days: the old one is ok.
        auth_cert(d, "next", 200)  # about 149 days left at the same time
        code, out, _ = expiry(d, "--at", at(51), "--format", "json")
        st = sorted((c["days_left"], c["status"]) for c in json.loads(out)["certificates"])
        assert [s for _, s in st] == ["ok", "ok"] and code == 0, (code, st)
        # Staged with less than 120 days: still a warning.
        with tempfile.TemporaryDirectory() as e:
            auth_cert(e, "auth", 100)
            auth_cert(e, "short", 150)  # about 99 days left
            code, out, _ = expiry(e, "--at", at(51), "--format", "json")
            st = {c["days_left"] < 60: c["status"] for c in json.loads(out)["certificates"]}
            assert st[True] == "warning" and code == 1, (code, st)


def tls_pair(d, name):
    d = pathlib.Path(d)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", d / f"{name}.key", "-out", d / f"{name}.pem", "-days", "50", "-subj",
                    f"/CN={name}.contoso.com", "-addext", f"subjectAltName=DNS:{name}.contoso.com"],
                   check=True, capture_output=True)
    return d / f"{name}.pem", d / f"{name}.key"


def issued_pair(d, name, days=50):
    """A leaf for NAME.contoso.com (SAN, serverAuth) issued by one test root per folder, which
    the tests pass as --trust: Botan 3.7's path validation does not take a self-signed leaf as
    its own trust anchor (openssl s_client -CAfile does)."""
    d = pathlib.Path(d)
    root, root_key = d / "test-root.pem", d / "test-root.key"
    if not root.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", root_key, "-out", root, "-days", "3650", "-subj", "/CN=certplan test root",
                        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
                       check=True, capture_output=True)
    ext = d / f"{name}.ext"
    ext.write_text(f"basicConstraints=CA:FALSE\nsubjectAltName=DNS:{name}.contoso.com\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", d / f"{name}.key", "-out", d / f"{name}.csr", "-subj", f"/CN={name}.contoso.com"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", d / f"{name}.csr", "-CA", root, "-CAkey", root_key,
                    "-CAcreateserial", "-days", str(days), "-extfile", ext, "-out", d / f"{name}.pem"],
                   check=True, capture_output=True)
    return d / f"{name}.pem", d / f"{name}.key", root


def case_live_endpoints_https_tls13_and_dead():
    # One openssl s_server limited to TLS 1.2, one to TLS 1.3 (Botan 3 speaks both; Botan 2
    # stopped at 1.2 and reported the second as protocol_version), each with its own
    # certificate so that both appear in the report (duplicates are merged).
    with tempfile.TemporaryDirectory() as d:
        cert12, key12, root = issued_pair(d, "web")
        cert13, key13, _ = issued_pair(d, "web13")
        p12, p13, dead = free_port(), free_port(), free_port()
        servers = [serve(["openssl", "s_server", "-accept", f"127.0.0.1:{p12}", "-cert", cert12, "-key", key12, "-tls1_2",
                          "-www", "-quiet"], p12),
                   serve(["openssl", "s_server", "-accept", f"127.0.0.1:{p13}", "-cert", cert13, "-key", key13, "-tls1_3",
                          "-www", "-quiet"], p13)]
        try:
            for port, cn in ((p12, "web.contoso.com"), (p13, "web13.contoso.com")):
                code, out, err = expiry(f"127.0.0.1:{port}", "--sni", cn, "--trust", root, "--format", "json", "--at", at(1))
                j = json.loads(out)
                assert code == 0 and j["problems"] == [], (port, code, out, err)
                assert j["certificates"][0]["subject_cn"] == cn, (port, out)
                assert j["certificates"][0]["source"] == f"127.0.0.1:{port}"
            # Dates only: one --sni cannot name both servers (verification has its own cases).
            code, out, err = expiry(f"127.0.0.1:{p12}", f"127.0.0.1:{p13}", f"127.0.0.1:{dead}", "--timeout", "3",
                                    "--no-verify", "--format", "json", "--at", at(1))
            j = json.loads(out)
            assert code == 2, code  # a dead endpoint counts as critical; the live ones are still reported
            assert sorted(c["subject_cn"] for c in j["certificates"]) == ["web.contoso.com", "web13.contoso.com"], out
            msgs = {p["source"]: p["message"] for p in j["problems"]}
            assert list(msgs) == [f"127.0.0.1:{dead}"], msgs  # the TLS 1.3-only server was read
            assert "refused" in msgs[f"127.0.0.1:{dead}"].lower(), msgs
            assert f"127.0.0.1:{dead}" in err
            # A dead endpoint alone is critical (2), with the report, not "unusable input" (3).
            code, out, err = expiry(f"127.0.0.1:{dead}", "--timeout", "3", "--format", "json")
            j = json.loads(out)
            assert code == 2 and j["certificates"] == [] and j["problems"][0]["source"] == f"127.0.0.1:{dead}", (code, out)
        finally:
            for s in servers:
                s.kill()


def case_live_starttls_smtp_imap_pop3():
    here = pathlib.Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as d:
        cert, key, root = issued_pair(d, "mx")
        servers, sources = [], []
        try:
            for proto in ("smtp", "imap", "pop3"):
                port = free_port()
                servers.append(serve([sys.executable, here / "fake_starttls.py", proto, port, cert, key], port))
                code, out, err = expiry(f"127.0.0.1:{port}", "--starttls", proto, "--format", "json", "--at", at(1),
                                        "--timeout", "5", "--sni", "mx.contoso.com", "--trust", root)
                assert code == 0, (proto, err)
                assert json.loads(out)["certificates"][0]["subject_cn"] == "mx.contoso.com", proto
        finally:
            for s in servers:
                s.kill()


def starttls_probe(port, *args):
    code, out, err = expiry(f"127.0.0.1:{port}", *args, "--format", "json", "--timeout", "5")
    return code, json.loads(out), err


def assert_presented(port, proto, cn, root):
    """The real server's certificate (50 days) judged a day from now and again 45 days on,
    verified for its name against the test root."""
    code, j, err = starttls_probe(port, "--starttls", proto, "--at", at(1), "--sni", cn, "--trust", root)
    assert code == 0 and not j["problems"], (proto, code, err)
    [c] = j["certificates"]
    assert (c["subject_cn"], c["source"], c["status"]) == (cn, f"127.0.0.1:{port}", "ok"), (proto, c)
    assert 48 <= c["days_left"] <= 49, (proto, c["days_left"])
    code, j, err = starttls_probe(port, "--starttls", proto, "--at", at(45), "--sni", cn, "--trust", root)
    [c] = j["certificates"]
    assert code == 2 and c["status"] == "critical" and 3 <= c["days_left"] <= 5, (proto, code, c)


def assert_plain_tls_fails_fast(port, proto, cert):
    """TLS straight away on a STARTTLS port meets a plaintext greeting: a problem, named at once.
    The certificate file is there too because with no certificate at all expiry exits 3."""
    t = time.monotonic()
    code, j, err = starttls_probe(port, cert, "--at", at(1))
    elapsed = time.monotonic() - t
    assert code == 2 and [c["source"] for c in j["certificates"]] == [str(cert)], (proto, code, j)
    [p] = j["problems"]
    assert p["source"] == f"127.0.0.1:{port}", p
    assert "sent plaintext" in p["message"] and f"--starttls {proto}" in p["message"], p
    assert f"127.0.0.1:{port}" in err, err
    assert elapsed < 4, f"{proto}: {elapsed:.1f} s, as if it waited for the 5 s timeout instead of reading the greeting"


def case_live_starttls_dovecot_imap_pop3():
    with tempfile.TemporaryDirectory() as d:
        cert, key, root = issued_pair(d, "mail")
        imap, pop3 = free_port(), free_port()
        while pop3 == imap:
            pop3 = free_port()
        with mail_servers.dovecot(cert, key, imap, pop3):
            assert_presented(imap, "imap", "mail.contoso.com", root)
            assert_presented(pop3, "pop3", "mail.contoso.com", root)
            assert_plain_tls_fails_fast(imap, "imap", cert)
            assert_plain_tls_fails_fast(pop3, "pop3", cert)


def case_live_starttls_postfix_smtp():
    with tempfile.TemporaryDirectory() as d:
        cert, key, root = issued_pair(d, "smtp")
        port = free_port()
        with mail_servers.postfix(cert, key, port):
            assert_presented(port, "smtp", "smtp.contoso.com", root)
            assert_plain_tls_fails_fast(port, "smtp", cert)


def case_topology_probes_every_planned_endpoint_with_sni():
    """--topology probes each planned name with SNI = the name; --connect-to sends every probe
    to one local openssl s_server, which answers mail.contoso.com's SNI with its own certificate."""
    with tempfile.TemporaryDirectory() as d:
        default_cert, default_key, root = issued_pair(d, "default")
        mail_cert, mail_key, _ = issued_pair(d, "mail")
        port = free_port()
        server = serve(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", default_cert, "-key", default_key,
                        "-servername", "mail.contoso.com", "-cert2", mail_cert, "-key2", mail_key, "-www", "-quiet"], port)
        topo = pathlib.Path(d) / "t.toml"
        topo.write_text((pathlib.Path(sys.argv[2]) / "examples" / "consolidated.toml").read_text())
        try:
            code, out, err = expiry("--topology", topo, "--connect-to", f"::127.0.0.1:{port}", "--starttls", "none",
                                    "--trust", root, "--format", "json", "--at", at(1))
            j = json.loads(out)
            by_source = {s: c["subject_cn"] for c in j["certificates"] for s in c["sources"]}
            assert by_source.get("mail.contoso.com:443") == "mail.contoso.com", (by_source, err)
            assert by_source.get("autodiscover.contoso.com:443") == "default.contoso.com", by_source
            assert by_source.get("autodiscover.contoso.co.uk:443") == "default.contoso.com", by_source
            assert "pop.contoso.com:995" in by_source, by_source
            assert j["problems"] == [], err
            # The planned name is checked: the default certificate, served for autodiscover,
            # covers none of the names it is served for (issue 14 part 3), the mail one does.
            status = {c["subject_cn"]: (c["status"], c["note"]) for c in j["certificates"]}
            assert status["mail.contoso.com"] == ("ok", ""), status
            assert status["default.contoso.com"][0] == "critical", status
            assert "autodiscover.contoso.com:443: wrong name: the leaf does not cover autodiscover.contoso.com" in \
                status["default.contoso.com"][1], status
            assert code == 2, (code, err)
            code, out, err = expiry("--topology", topo, "--connect-to", f"::127.0.0.1:{port}", "--starttls", "none",
                                    "--no-verify", "--format", "json", "--at", at(1))
            assert code == 0 and json.loads(out)["problems"] == [], (code, err)
            # Without --connect-to the planned names do not resolve here: each is a problem,
            # named, and the run is critical.
            code, out, err = expiry("--topology", topo, "--timeout", "2", "--format", "json")
            j = json.loads(out)
            assert code == 2 and {p["source"] for p in j["problems"]} >= {"mail.contoso.com:443", "pop.contoso.com:995"}, (code, out)
            code, _, err = expiry("--topology", topo, "--connect-to", "bad")
            assert code == 3 and "connect-to" in err and "HOST1:PORT1:HOST2:PORT2" in err, err
        finally:
            server.kill()


def case_colour_on_a_terminal_and_progress():
    """Statuses are coloured only when stdout is a terminal (a pty here), never with --no-color
    or NO_COLOR; the progress line appears on stderr with --progress, never in the report."""
    import os
    import pty
    with tempfile.TemporaryDirectory() as d:
        make(d, "soon", 10)

        def on_tty(*args, env=None):
            leader, follower = pty.openpty()
            p = subprocess.run([str(EXE), "expiry", d, "--at", at(1), *args], stdout=follower, stderr=subprocess.PIPE,
                               env=env, timeout=60)
            os.close(follower)
            chunks = []
            while True:
                try:
                    data = os.read(leader, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            os.close(leader)
            return p.returncode, b"".join(chunks).decode(), p.stderr.decode()

        code, out, _ = on_tty()
        assert code == 1 and "\x1b[33mwarning\x1b[0m" in out, repr(out)
        _, out, _ = on_tty("--no-color")
        assert "\x1b[" not in out and "warning" in out, repr(out)
        _, out, _ = on_tty(env={**os.environ, "NO_COLOR": "1"})
        assert "\x1b[" not in out, repr(out)
        code, out, err = expiry(d, "--at", at(1))  # a pipe: no colour
        assert "\x1b[" not in out and code == 1
        code, out, err = expiry(d, "--at", at(1), "--progress")
        assert "scanned 1 files" in err and "scanned" not in out, (out, err)


HOSTILE_PEER = r"""
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(8)
while True:
    c, _ = srv.accept()
    try:
        if mode == "garbage":
            c.sendall(bytes(range(256)) * 64)
        elif mode == "drip":  # an SMTP greeting that never ends, a byte at a time
            while True:
                c.sendall(b"2")
                time.sleep(0.2)
        elif mode == "stall":
            time.sleep(60)
    except OSError:
        pass
"""


def case_hostile_peers_are_bounded():
    """A peer that sends garbage, stalls, drips a byte at a time, or sends a 1 MB chain: each is
    reported as what it is, within --timeout, and the run is critical (2)."""
    import time
    with tempfile.TemporaryDirectory() as d:
        dp = pathlib.Path(d)
        peers, ports = [], {}
        for mode in ("garbage", "drip", "stall"):
            ports[mode] = free_port()
            peers.append(serve([sys.executable, "-c", HOSTILE_PEER, mode, str(ports[mode])], ports[mode]))
        # A leaf with 500 SANs (about 14 KB), sent 100 times over: a 1 MB chain.
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", dp / "big.key", "-out", dp / "big.pem", "-days", "90", "-subj", "/CN=big.contoso.com",
                        "-addext", "subjectAltName=" + ",".join(f"DNS:n{i}.big.contoso.com" for i in range(500))],
                       check=True, capture_output=True)
        (dp / "chain.pem").write_bytes((dp / "big.pem").read_bytes() * 100)
        assert (dp / "chain.pem").stat().st_size > 1_000_000
        ports["chain"] = free_port()
        peers.append(serve(["openssl", "s_server", "-accept", f"127.0.0.1:{ports['chain']}", "-cert", dp / "big.pem",
                            "-key", dp / "big.key", "-cert_chain", dp / "chain.pem", "-www", "-quiet"], ports["chain"]))
        try:
            start = time.monotonic()
            code, out, err = expiry(*(f"127.0.0.1:{p}" for p in ports.values()), "--timeout", "3", "--starttls", "none",
                                    "--format", "json")
            took = time.monotonic() - start
            j = json.loads(out)
            msgs = {p["source"].split(":")[1]: p["message"] for p in j["problems"]}
            assert code == 2 and j["certificates"] == [], (code, out)
            assert "TLS" in msgs[str(ports["garbage"])] or "plaintext" in msgs[str(ports["garbage"])], msgs
            assert "timed out" in msgs[str(ports["stall"])], msgs
            assert "more than the limit of 16 (--max-chain)" in msgs[str(ports["chain"])], msgs
            assert took < 10, took  # probes run concurrently, each within its 3 s
            # The drip as an SMTP server: a greeting that never completes is cut at the deadline.
            start = time.monotonic()
            code, out, err = expiry(f"127.0.0.1:{ports['drip']}", "--starttls", "smtp", "--timeout", "2", "--format", "json")
            assert code == 2 and "timed out" in json.loads(out)["problems"][0]["message"], out
            assert time.monotonic() - start < 6
            # A longer --max-chain reads the 1 MB chain; the leaf is what is reported.
            code, out, err = expiry(f"127.0.0.1:{ports['chain']}", "--max-chain", "200", "--no-verify", "--format", "json",
                                    "--at", at(1))
            assert code == 0 and json.loads(out)["certificates"][0]["subject_cn"] == "big.contoso.com", (code, err)
        finally:
            for p in peers:
                p.kill()


def live(port, name, trust, *args):
    code, out, err = expiry(f"127.0.0.1:{port}", "--sni", name, "--trust", trust, "--format", "json", "--timeout", "5", *args)
    j = json.loads(out)
    return code, j, err


def case_live_verifies_name_and_chain_like_openssl():
    """Issue 14 part 3: wrong name, self-signed and incomplete chain are critical with the
    reason; a good chain is ok; each verdict agrees with openssl s_client -verify_hostname."""
    with tempfile.TemporaryDirectory() as d:
        c = served_chain(d)
        self_cert, self_key = tls_pair(d, "mail")  # self-signed mail.contoso.com
        good, good_port = s_server(c["leaf"], c["leaf.key"], c["inter"])
        leaf_only, leaf_only_port = s_server(c["leaf"], c["leaf.key"])
        selfs, self_port = s_server(self_cert, self_key)
        try:
            code, j, err = live(good_port, "mail.contoso.com", c["root"], "--at", at(1))
            [cert] = j["certificates"]
            assert code == 0 and cert["status"] == "ok" and cert["note"] == "", (code, cert, err)
            assert cert["subject_cn"] == "mail.contoso.com"
            assert oracle(good_port, "mail.contoso.com", c["root"])[0]
            # The system store does not hold the test root: untrusted.
            code, out, err = expiry(f"127.0.0.1:{good_port}", "--sni", "mail.contoso.com", "--format", "json", "--at", at(1))
            [cert] = json.loads(out)["certificates"]
            assert code == 2 and cert["status"] == "critical" and "the issuer of CN=Contoso inter" in cert["note"], cert

            cases = [  # (port, name, what the note must say)
                (good_port, "owa.contoso.com", "wrong name: the leaf does not cover owa.contoso.com"),
                (self_port, "mail.contoso.com", "self-signed"),
                (leaf_only_port, "mail.contoso.com", "incomplete chain: the issuer of CN=mail.contoso.com"),
            ]
            for port, name, why in cases:
                code, j, err = live(port, name, c["root"], "--at", at(1))
                [cert] = j["certificates"]
                assert code == 2 and cert["status"] == "critical" and why in cert["note"], (name, code, cert)
                assert why in err, err
                accepted, said = oracle(port, name, c["root"])
                assert not accepted, (port, name, said)
                # --no-verify keeps the dates only: ok again.
                code, j, _ = live(port, name, c["root"], "--at", at(1), "--no-verify")
                assert code == 0 and j["certificates"][0]["status"] == "ok", (name, code, j)
        finally:
            for p in (good, leaf_only, selfs):
                p.kill()


def case_live_earliest_expiry_in_the_chain_and_not_yet_valid():
    """An intermediate served with 4 days left makes the endpoint critical, and the report
    names it; before notBefore (--at) the chain is not-yet-valid, as openssl -attime says."""
    with tempfile.TemporaryDirectory() as d:
        c = served_chain(d, inter_days=4, leaf_days=90)
        server, port = s_server(c["leaf"], c["leaf.key"], c["inter"])
        try:
            code, j, err = live(port, "mail.contoso.com", c["root"], "--at", at(1))
            [cert] = j["certificates"]
            assert code == 2 and cert["status"] == "critical" and cert["subject_cn"] == "Contoso inter", (code, cert)
            assert cert["days_left"] <= 3 and "certificate 2 of 2" in cert["note"], cert
            assert "CN=mail.contoso.com" in cert["note"] and "expires before" in cert["note"], cert
            assert oracle(port, "mail.contoso.com", c["root"], at(1))[0]  # trusted: only its date is critical
            # Six days on the intermediate has expired: certplan says expired, openssl refuses.
            code, j, err = live(port, "mail.contoso.com", c["root"], "--at", at(6))
            [cert] = j["certificates"]
            assert code == 2 and cert["status"] == "expired" and cert["subject_cn"] == "Contoso inter", (code, cert)
            accepted, said = oracle(port, "mail.contoso.com", c["root"], at(6))
            assert not accepted and "expired" in said, said
            # Before notBefore: not-yet-valid, its own status, not "untrusted".
            code, j, err = live(port, "mail.contoso.com", c["root"], "--at", at(-5))
            [cert] = j["certificates"]
            assert code == 2 and cert["status"] == "not-yet-valid", (code, cert)
            assert "untrusted" not in cert["note"], cert
            assert j["summary"]["not_yet_valid"] == 1, j["summary"]
            accepted, said = oracle(port, "mail.contoso.com", c["root"], at(-5))
            assert not accepted and "not yet valid" in said, said
            # --no-verify: the dates still count, the earliest in the chain included.
            code, j, _ = live(port, "mail.contoso.com", c["root"], "--at", at(1), "--no-verify")
            assert code == 2 and j["certificates"][0]["subject_cn"] == "Contoso inter", j
        finally:
            server.kill()


NAGIOS_LINE = r"^CERTPLAN (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]*( \| .*)?$"
# 'label'=value;warn;crit;min;max (Monitoring Plugins Development Guidelines, "Performance data").
PERFDATA = r"'(?:[^'=]|'')+'=-?\d+;\d+:;\d+:;;"


def perfdata(line):
    import re
    assert re.match(NAGIOS_LINE, line), line
    if " | " not in line:
        return {}
    perf = line.split(" | ", 1)[1]
    assert re.fullmatch(f"{PERFDATA}( {PERFDATA})*", perf), perf
    return {label.replace("''", "'"): rest.split(";") for label, rest in re.findall(r"'((?:[^']|'')+)'=(\S+)", perf)}


def case_nagios_format_status_line_perfdata_and_exit_codes():
    """Issue 14 part 4: the first line is CERTPLAN STATE - summary | perfdata, one perfdata item
    per certificate source with days left and the windows as ranges; exit 0/1/2/3."""
    with tempfile.TemporaryDirectory() as d:
        make(d, "long", 400)
        soon = make(d, "soon", 40)
        code, out, err = expiry(d, "--format", "nagios", "--at", at(1))
        lines = out.splitlines()
        assert code == 0 and lines[0].startswith("CERTPLAN OK - 2 certificates: 2 ok | "), (code, out, err)
        perf = perfdata(lines[0])
        assert set(perf) == {str(pathlib.Path(d) / "long.pem"), str(soon)}, perf
        assert perf[str(soon)][1:3] == ["30:", "7:"] and 37 <= int(perf[str(soon)][0]) <= 39, perf
        code, out, _ = expiry(d, "--format", "nagios", "--at", at(15))
        assert code == 1 and out.startswith("CERTPLAN WARNING - 2 certificates: 1 warning, 1 ok; "), out
        assert "soon.contoso.com" in out.splitlines()[0], out
        code, out, _ = expiry(d, "--format", "nagios", "--at", at(60))
        assert code == 2 and out.startswith("CERTPLAN CRITICAL - 2 certificates: 1 expired, 1 ok"), out
        assert int(perfdata(out.splitlines()[0])[str(soon)][0]) < 0
        # Lifetime shares become days per certificate.
        code, out, _ = expiry(soon, "--format", "nagios", "--at", at(1), "--warn", "50%", "--crit", "25%")
        assert perfdata(out.splitlines()[0])[str(soon)][1:3] == ["20:", "10:"], out
        # Nothing readable: UNKNOWN, exit 3, on the status line.
        (pathlib.Path(d) / "bad.pem").write_text("no certificate here\n")
        code, out, err = expiry(pathlib.Path(d) / "bad.pem", "--format", "nagios")
        assert code == 3 and out.startswith("CERTPLAN UNKNOWN - ") and len(out.splitlines()) == 1, (code, out)
        # A hostile file name cannot break the line or the label.
        odd = pathlib.Path(d) / "x'y=z|w.pem"
        odd.write_bytes(soon.read_bytes())
        code, out, _ = expiry(odd, "--format", "nagios", "--at", at(1))
        assert code == 0 and str(odd).replace("=", "_").replace("|", "_") in perfdata(out.splitlines()[0]), out
        # A dead endpoint is CRITICAL, named after the status line's summary.
        dead = free_port()
        code, out, _ = expiry(soon, f"127.0.0.1:{dead}", "--format", "nagios", "--at", at(1), "--timeout", "2")
        assert code == 2 and out.startswith("CERTPLAN CRITICAL - 1 certificate: 1 ok, 1 endpoint down; down: "), out


def case_prometheus_probe_success_per_endpoint():
    """One probe_success series per probed endpoint (blackbox_exporter's), 0 for a dead one
    and for a chain that does not verify; the x509_cert_* series stay."""
    with tempfile.TemporaryDirectory() as d:
        c = served_chain(d)
        self_cert, self_key = tls_pair(d, "mail")
        good, good_port = s_server(c["leaf"], c["leaf.key"], c["inter"])
        selfs, self_port = s_server(self_cert, self_key)
        dead = free_port()
        try:
            code, out, err = expiry(f"127.0.0.1:{good_port}", f"127.0.0.1:{self_port}", f"127.0.0.1:{dead}", "--sni",
                                    "mail.contoso.com", "--trust", c["root"], "--format", "prometheus", "--at", at(1),
                                    "--timeout", "3")
            assert code == 2, (code, err)
            lines = out.splitlines()
            assert "# TYPE probe_success gauge" in lines and "# TYPE x509_cert_not_after gauge" in lines, out
            probes = {l for l in lines if l.startswith("probe_success{")}
            assert probes == {f'probe_success{{target="127.0.0.1:{good_port}"}} 1',
                              f'probe_success{{target="127.0.0.1:{self_port}"}} 0',
                              f'probe_success{{target="127.0.0.1:{dead}"}} 0'}, probes
            assert any(l.startswith(f'x509_cert_not_after{{filepath="127.0.0.1:{good_port}",subject_CN="mail.contoso.com"')
                       for l in lines), out
            assert sum(l.startswith("probe_ssl_earliest_cert_expiry{") for l in lines) == 2, out
            # Files only: no probe series at all.
            _, out, _ = expiry(c["leaf"], "--format", "prometheus")
            assert "probe_success" not in out
        finally:
            good.kill()
            selfs.kill()


def case_letsencrypt_live_folder_skips_keys_and_readme():
    """A /etc/letsencrypt/live-like tree: cert.pem, chain.pem, fullchain.pem, privkey.pem and
    README. Keys and READMEs are skipped, not unreadable: exit 0 when every certificate is fine."""
    with tempfile.TemporaryDirectory() as d:
        c = served_chain(d)
        live_dir = pathlib.Path(d) / "live"
        site = live_dir / "mail.contoso.com"
        site.mkdir(parents=True)
        (site / "cert.pem").write_bytes(c["leaf"].read_bytes())
        (site / "chain.pem").write_bytes(c["inter"].read_bytes())
        (site / "fullchain.pem").write_bytes(c["leaf"].read_bytes() + c["inter"].read_bytes())
        (site / "privkey.pem").write_bytes(c["leaf.key"].read_bytes())
        (site / "README").write_text("This directory contains your keys and certificates.\n")
        (live_dir / "README").write_text("This directory contains your keys and certificates.\n")
        subprocess.run(["openssl", "req", "-new", "-key", c["leaf.key"], "-subj", "/CN=mail.contoso.com", "-out",
                        site / "request.csr"], check=True, capture_output=True)
        code, out, err = expiry(live_dir, "--format", "json", "--at", at(1))
        j = json.loads(out)
        assert code == 0 and j["problems"] == [] and err == "", (code, j["problems"], err)
        assert j["summary"]["skipped"] == 4 and j["summary"]["unreadable"] == 0, j["summary"]
        assert sorted(pathlib.Path(s).name for s in j["skipped"]) == ["README", "README", "privkey.pem", "request.csr"], j
        assert len(j["certificates"]) == 2, j  # the leaf and the intermediate, each in two files
        code, out, _ = expiry(live_dir, "--at", at(1))
        assert code == 0 and "skipped 4 files holding no certificate" in out, out
        code, out, _ = expiry(live_dir, "--at", at(1), "--format", "nagios")
        assert code == 0 and out.startswith("CERTPLAN OK - 2 certificates: 2 ok, 4 skipped | "), out
        # Named on the command line, a file with no certificate is still a problem.
        code, out, err = expiry(site / "cert.pem", site / "privkey.pem", "--at", at(1), "--format", "json")
        assert code == 1 and json.loads(out)["summary"]["unreadable"] == 1, (code, out)


def case_jobs_bounds_concurrent_probes():
    """Issue 14 part 5: at most --jobs probes at once. Two peers that stall: with --jobs 1 the
    second waits for the first's timeout, with --jobs 2 they time out together."""
    peers, ports = [], []
    for _ in range(2):
        port = free_port()
        ports.append(port)
        peers.append(serve([sys.executable, "-c", HOSTILE_PEER, "stall", str(port)], port))
    try:
        def run(jobs):
            start = time.monotonic()
            code, out, _ = expiry(*(f"127.0.0.1:{p}" for p in ports), "--timeout", "2", "--starttls", "none",
                                  "--jobs", jobs, "--format", "json")
            assert code == 2 and len(json.loads(out)["problems"]) == 2, (code, out)
            return time.monotonic() - start
        assert run("1") >= 3.8
        assert run("2") < 3.8
        assert expiry("127.0.0.1:1", "--jobs", "0")[0] == 3
    finally:
        for p in peers:
            p.kill()


def case_folder_walk_order_and_links():
    """The walk (stepped by whichever reader thread finds its queue short) lists every folder
    depth first in sorted order, across many queue groups: a merged certificate's sources and the
    skipped files come in that order, every run. A link to a file is read; a link to a folder is
    not followed, nor is a dangling one reported."""
    with tempfile.TemporaryDirectory() as d:
        src = pathlib.Path(d) / "src"
        src.mkdir()
        x, y, z = (make(src, name, days).read_bytes() for name, days in (("x", 100), ("y", 200), ("z", 300)))
        tree = pathlib.Path(d) / "tree"
        (tree / "a").mkdir(parents=True)
        (tree / "c").mkdir()
        (tree / "b.pem").write_bytes(x)
        (tree / "a" / "z.pem").write_bytes(x)
        (tree / "a" / "y.pem").write_bytes(y)
        (tree / "c" / "x.pem").write_bytes(x)
        (tree / "d.pem").symlink_to(tree / "a" / "y.pem")
        (tree / "link-to-a").symlink_to(tree / "a", target_is_directory=True)
        (tree / "dangling").symlink_to(tree / "nowhere")
        (tree / "empty.txt").write_text("")
        many = tree / "many"
        many.mkdir()
        expected_z = []
        for i in range(70):  # more than two groups of 32 files, with a folder among them
            if i == 35:
                (many / "f35").mkdir()
                (many / "f35" / "inner.pem").write_bytes(z)
                expected_z.append(f"{tree}/many/f35/inner.pem")
            else:
                (many / f"f{i:02d}.pem").write_bytes(z)
                expected_z.append(f"{tree}/many/f{i:02d}.pem")
        code, out, err = expiry(f"{tree}/", tree / "b.pem", "--at", at(1), "--format", "json")
        assert code == 0 and err == "", (code, err)
        j = json.loads(out)
        sources = {c["subject_cn"]: c["sources"] for c in j["certificates"]}
        assert sources["x.contoso.com"] == [f"{tree}/a/z.pem", f"{tree}/b.pem", f"{tree}/c/x.pem", str(tree / "b.pem")], sources
        assert sources["y.contoso.com"] == [f"{tree}/a/y.pem", f"{tree}/d.pem"], sources
        assert sources["z.contoso.com"] == expected_z, sources["z.contoso.com"]
        assert j["skipped"] == [f"{tree}/empty.txt"] and j["problems"] == [], j
        for _ in range(3):
            assert expiry(f"{tree}/", tree / "b.pem", "--at", at(1), "--format", "json")[1] == out


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
