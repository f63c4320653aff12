#!/usr/bin/env python3
"""Live audit (issue 14): `certplan audit TOPOLOGY --live` and `audit TOPOLOGY HOST:PORT`
against real servers started here on 127.0.0.1 high ports -- nginx (TLS 1.2, TLS 1.3 only, SNI
virtual hosts with another default certificate) and dovecot (IMAP and POP3 STARTTLS) from
Debian's packages -- with certificates made by openssl. Every verdict is compared with
`openssl s_client -verify_hostname` on the same server, as that client connects (with SNI or
without), at the same time.

usage: test_live_audit.py CERTPLAN SOURCE_ROOT [CASE...]
"""
import datetime
import json
import pathlib
import subprocess
import sys
import tempfile

import harness
import mail_servers
from tls_lab import Vhost, fingerprint, free_port, nginx, oracle, self_signed, served_chain

EXE = pathlib.Path(sys.argv[1]).resolve()

# outlook-2016 sends SNI; owa-ie-xp (IE on Windows XP) sends none; thunderbird reads IMAP/POP.
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
[services]
imap4 = true
pop3 = true
[clients]
supported = ["outlook-2016", "owa-ie-xp", "thunderbird"]
"""
NAMES = ["mail.contoso.com", "autodiscover.contoso.com"]


def day(offset):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=offset)).strftime("%Y-%m-%d")


AT = day(1)  # openssl cannot backdate: the certificates start now, the audit looks a day on


def audit(topology, *args):
    p = subprocess.run([str(EXE), "audit", str(topology), "--format", "json", "--timeout", "5", *map(str, args)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode in (0, 1, 2), (p.returncode, p.stderr)
    return p.returncode, json.loads(p.stdout)


def cells(j):
    return {(r["endpoint"], r["service"], r["client"]): r for r in j["results"]}


def lab(d):
    d = pathlib.Path(d)
    (d / "t.toml").write_text(TOPOLOGY)
    return d / "t.toml"


def case_sni_virtual_hosts_over_tls12_and_tls13_only():
    """A client with SNI meets the virtual host naming it; one without meets the default
    server's certificate and fails (R12), as openssl -noservername does; over TLS 1.2 and over a
    server that speaks only TLS 1.3."""
    with tempfile.TemporaryDirectory() as d:
        topo = lab(d)
        good = served_chain(d, sans=NAMES)
        other = served_chain(d, name="default.example.net", prefix="other-")
        # One trust file with both roots: only the name decides.
        trust = pathlib.Path(d) / "roots.pem"
        trust.write_text(good["root"].read_text() + other["root"].read_text())
        for protocols in ("TLSv1.2", "TLSv1.3"):
            vhosts = [Vhost(other["leaf"], other["leaf.key"], other["inter"]),
                      Vhost(good["leaf"], good["leaf.key"], good["inter"], NAMES)]
            with nginx(d, vhosts, protocols) as port:
                if protocols == "TLSv1.3":
                    p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2"], input="",
                                       capture_output=True, text=True, errors="replace", timeout=30)
                    assert p.returncode != 0, "the TLS 1.3-only server accepted TLS 1.2"
                code, j = audit(topo, "--live", "--connect-to", f"::127.0.0.1:{port}", "--trust", trust, "--at", AT,
                                "mail.contoso.com:443", "autodiscover.contoso.com:443")
                c = cells(j)
                for host in NAMES:
                    with_sni, why = oracle(port, host, trust, AT)
                    without, why_not = oracle(port, host, trust, AT, sni=False)
                    assert with_sni and not without, (protocols, host, why, why_not)
                    ok = c[(host, "iis", "outlook-2016")]
                    assert ok["status"] == "ok" and ok["certificate"] == fingerprint(good["leaf"]), (protocols, ok)
                    if host == "mail.contoso.com":  # IE on XP reads OWA there, not autodiscover
                        xp = c[(host, "iis", "owa-ie-xp")]
                        assert xp["status"] == "fail" and xp["certificate"] == fingerprint(other["leaf"]), (protocols, xp)
                        assert any(r.startswith("R12 failure: owa-ie-xp sends no SNI") for r in xp["reasons"]), xp
                        assert any(r.startswith("R17 failure") for r in xp["reasons"]), xp
                assert code == 2, (protocols, code)
                # Only the endpoints asked for were probed.
                assert {k[:2] for k in c} == {(h, "iis") for h in NAMES}, c.keys()


def case_misconfigurations_agree_with_openssl():
    """Wrong name, self-signed, incomplete chain, an intermediate that expires in days, not yet
    valid, expired: the SNI client's verdict (outlook-2016) is openssl's, at each time asked."""
    with tempfile.TemporaryDirectory() as d:
        topo = lab(d)
        good = served_chain(d, sans=NAMES)
        wrong = served_chain(d, name="www.contoso.com", prefix="wrong-")
        short = served_chain(d, sans=NAMES, inter_days=3, prefix="short-")
        own_pem, own_key = self_signed(d, "mail.contoso.com")
        trust = pathlib.Path(d) / "roots.pem"
        trust.write_text("".join(c["root"].read_text() for c in (good, wrong, short)))
        cases = [  # (label, vhost, at, certplan must accept)
            ("good", Vhost(good["leaf"], good["leaf.key"], good["inter"]), AT, True),
            ("wrong name", Vhost(wrong["leaf"], wrong["leaf.key"], wrong["inter"]), AT, False),
            ("self-signed", Vhost(own_pem, own_key), AT, False),
            ("incomplete chain", Vhost(good["leaf"], good["leaf.key"]), AT, False),
            ("intermediate good for 3 days, today", Vhost(short["leaf"], short["leaf.key"], short["inter"]), AT, True),
            ("intermediate good for 3 days, in 5", Vhost(short["leaf"], short["leaf.key"], short["inter"]), day(5), False),
            ("not yet valid", Vhost(good["leaf"], good["leaf.key"], good["inter"]), day(-2), False),
            ("expired", Vhost(good["leaf"], good["leaf.key"], good["inter"]), day(95), False),
        ]
        for label, vhost, at, accepted in cases:
            with nginx(d, [vhost]) as port:
                code, j = audit(topo, "mail.contoso.com:443", "--connect-to", f"::127.0.0.1:{port}", "--trust", trust,
                                "--at", at)
                cell = cells(j)[("mail.contoso.com", "iis", "outlook-2016")]
                theirs, why = oracle(port, "mail.contoso.com", trust, at)
                assert theirs == accepted, (label, "openssl disagrees with the test's premise", why[-600:])
                assert (cell["status"] != "fail") == accepted, (label, cell)
                assert cell["certificate"] == fingerprint(vhost.cert), (label, cell)
                if label.startswith("intermediate") and not accepted:
                    assert any("R11 failure: certificate 2 of the chain (CN=Contoso inter short-) expired on" in r
                               for r in cell["reasons"]), cell
                if label == "incomplete chain":
                    assert any("the server does not send the intermediate" in r for r in cell["reasons"]), cell
                # IE on XP fails here whatever is served (ECDSA, R10): only a failure must say 2.
                assert accepted or code == 2, (label, code)


def case_dovecot_starttls_imap_and_pop3():
    """IMAP on 143 and POP3 on 110 through STARTTLS/STLS, as thunderbird reads them: a good
    certificate is ok and a wrong-name one fails, as openssl -starttls says."""
    with tempfile.TemporaryDirectory() as d:
        topo = lab(d)
        good = served_chain(d, sans=NAMES)
        wrong = served_chain(d, name="www.contoso.com", prefix="wrong-")
        trust = pathlib.Path(d) / "roots.pem"
        trust.write_text(good["root"].read_text() + wrong["root"].read_text())
        for c, accepted in ((good, True), (wrong, False)):
            imap, pop3 = free_port(), free_port()
            while pop3 == imap:
                pop3 = free_port()
            with mail_servers.dovecot(c["fullchain"], c["leaf.key"], imap, pop3):
                code, j = audit(topo, "mail.contoso.com:143", "mail.contoso.com:110", "--connect-to",
                                f"mail.contoso.com:143:127.0.0.1:{imap}", "--connect-to",
                                f"mail.contoso.com:110:127.0.0.1:{pop3}", "--trust", trust, "--at", AT)
                got = cells(j)
                for service, port, proto in (("imap", imap, "imap"), ("pop", pop3, "pop3")):
                    cell = got[("mail.contoso.com", service, "thunderbird")]
                    theirs, why = oracle(port, "mail.contoso.com", trust, AT, starttls=proto)
                    assert theirs == accepted, (service, why[-600:])
                    assert (cell["status"] == "ok") == accepted and cell["certificate"] == fingerprint(c["leaf"]), cell
                assert {k[1] for k in got} == {"imap", "pop"}, got.keys()
                assert code == (0 if accepted else 2), code


def case_postfix_starttls_smtp():
    """SMTP on 25 through STARTTLS, as a partner's MTA reads it: what postfix serves is judged
    and agrees with openssl -starttls smtp, for a good certificate and a wrong-name one."""
    with tempfile.TemporaryDirectory() as d:
        topo = pathlib.Path(d) / "t.toml"
        topo.write_text(TOPOLOGY.replace("pop3 = true", "smtp = true").replace(
            '"outlook-2016", "owa-ie-xp", "thunderbird"', '"outlook-2016", "smtp-partner"'))
        good = served_chain(d, sans=NAMES)
        wrong = served_chain(d, name="www.contoso.com", prefix="wrong-")
        trust = pathlib.Path(d) / "roots.pem"
        trust.write_text(good["root"].read_text() + wrong["root"].read_text())
        for c, accepted in ((good, True), (wrong, False)):
            port = free_port()
            with mail_servers.postfix(c["fullchain"], c["leaf.key"], port):
                code, j = audit(topo, "mail.contoso.com:25", "--connect-to", f"mail.contoso.com:25:127.0.0.1:{port}",
                                "--trust", trust, "--at", AT)
                cell = cells(j)[("mail.contoso.com", "smtp", "smtp-partner")]
                theirs, why = oracle(port, "mail.contoso.com", trust, AT, starttls="smtp")
                assert theirs == accepted, why[-600:]
                assert (cell["status"] != "fail") == accepted and cell["certificate"] == fingerprint(c["leaf"]), cell
                assert {k[1] for k in cells(j)} == {"smtp"}, cells(j).keys()
                assert accepted or code == 2, code


def case_dead_endpoint_fails_and_unplanned_host_is_refused():
    with tempfile.TemporaryDirectory() as d:
        topo = lab(d)
        port = free_port()  # nothing listens there
        code, j = audit(topo, "--live", "--connect-to", f"::127.0.0.1:{port}", "--at", AT)
        assert code == 2, code
        mail = cells(j)[("mail.contoso.com", "iis", "outlook-2016")]
        assert mail["status"] == "fail" and mail["certificate"] is None, mail
        assert any(f"127.0.0.1:{port}" in r and "served no certificate" in r for r in mail["reasons"]), mail
        # Every planned endpoint was probed: both names' HTTPS, and IMAP and POP3 on mail.
        assert {k[:2] for k in cells(j)} == {("mail.contoso.com", "iis"), ("autodiscover.contoso.com", "iis"),
                                             ("mail.contoso.com", "imap"), ("mail.contoso.com", "pop")}, cells(j).keys()
        p = subprocess.run([str(EXE), "audit", str(topo), "www.fabrikam.com:443"], capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 3 and "plans no HTTPS endpoint named www.fabrikam.com" in p.stderr, (p.returncode, p.stderr)
        assert p.stdout == "", p.stdout


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
