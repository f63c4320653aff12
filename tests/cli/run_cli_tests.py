#!/usr/bin/env python3
"""CLI tests: run the real certplan binary on the examples and on bad input.

usage: run_cli_tests.py CERTPLAN SOURCE_ROOT [CASE...]
Runs every case (or the named ones); exit status 0 only if all pass.
"""
import json
import os
import pathlib
import subprocess
import sys

import tempfile

import harness

EXE = pathlib.Path(sys.argv[1]).resolve()
ROOT = pathlib.Path(sys.argv[2]).resolve()
EXAMPLES = ROOT / "examples"
MODELS = ["consolidated", "proxy-sites", "multisite-single-namespace", "regional", "multi-forest", "hosted"]


def run(*args, cwd=None):
    p = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)
    return p.returncode, p.stdout, p.stderr


def plan_json(name):
    code, out, err = run("plan", EXAMPLES / name, "--format", "json")
    assert code in (0, 1, 2), f"{name}: exit {code}: {err}"
    return code, json.loads(out)


def case_every_example_plans():
    files = sorted(EXAMPLES.glob("*.toml"))
    assert len(files) >= 6, files
    for f in files:
        code, j = plan_json(f.name)
        assert j["schema"] == "certplan.plan/1"
        assert j["namespaces"] and j["certificates"] and j["dns_records"], f.name
        for key in ("fqdn", "services", "site", "scope"):
            assert key in j["namespaces"][0], (f.name, key)
        for c in j["certificates"]:
            assert c["subject"]["cn"] == c["sans"][0], (f.name, c["id"])
            assert c["kind"] in ("san", "wildcard", "single-name")
            assert len(c["sans"]) == len(set(c["sans"])), (f.name, "duplicate SAN")
        worst = j["summary"]["worst"]
        assert code == {"info": 0, "warning": 1, "failure": 2}[worst], (f.name, code, worst)


def case_every_model_has_an_example():
    for m in MODELS:
        found = [f for f in EXAMPLES.glob("*.toml") if plan_json(f.name)[1]["model"] == m]
        assert found, f"no example for model {m}"


def case_consolidated_auto_is_san_with_wm5():
    _, j = plan_json("consolidated.toml")
    assert j["strategy"]["used"] == "san", j["strategy"]
    assert "windows-mobile-5" in j["strategy"]["reason"]
    c = j["certificates"][0]
    assert c["sans"][0] == "mail.contoso.com" and c["sans"][1] == "autodiscover.contoso.com", c["sans"]


def case_wildcard_wm5_fails_r14():
    code, j = plan_json("wildcard-wm5.toml")
    assert code == 2, code
    r14 = [w for w in j["warnings"] if w["rule"] == "R14"]
    assert r14 and r14[0]["severity"] == "failure" and r14[0]["client"] == "windows-mobile-5", r14
    wm5 = [c for c in j["clients"] if c["id"] == "windows-mobile-5"][0]
    assert wm5["status"] == "fail"


def case_regional_one_cert_per_site():
    _, j = plan_json("regional.toml")
    assert j["model"] == "regional"
    sites = [tuple(c["sites"]) for c in j["certificates"]]
    assert len(sites) == len(set(sites)) >= 3, sites
    assert any("legacy.usa.contoso.com" in c["sans"] for c in j["certificates"])


def case_multi_forest_cert_per_forest():
    _, j = plan_json("multi-forest.toml")
    forests = [c["forest"] for c in j["certificates"]]
    assert sorted(set(forests)) == ["contoso", "contosoonline"], forests


def case_hosted_seed000():
    _, j = plan_json("hosted.toml")
    sans = j["certificates"][0]["sans"]
    assert sans[:2] == ["mail.provider.com", "autodiscover.provider.com"], sans
    assert "ex01.provider.com" in sans
    assert not any("tenant.com" in s for c in j["certificates"] for s in c["sans"])
    rec = {(r["name"], r["type"]): r["value"] for r in j["dns_records"]}
    assert rec[("autodiscover.tenant.com", "CNAME")] == "autodiscoverredirect.provider.com."
    assert rec[("webmail.tenant.com", "CNAME")] == "webmailredirect.provider.com."


def case_hosted_san_splits_r9():
    _, j = plan_json("hosted-san.toml")
    certs = j["certificates"]
    assert len(certs) > 1, certs
    assert any(w["rule"] == "R9" for w in j["warnings"])
    everything = [s for c in certs for s in c["sans"]]
    assert len(everything) == len(set(everything))
    assert certs[0]["sans"][0] == "mail.provider.com"


def case_bad_input_exit_3_with_position():
    with tempfile.TemporaryDirectory() as d:
        bad = pathlib.Path(d) / "bad.toml"
        text = (EXAMPLES / "consolidated.toml").read_text()
        text = text.replace("[organization]", "[organization]\nnmae = \"x\"", 1)
        bad.write_text(text)
        out_file = pathlib.Path(d) / "plan.json"
        code, out, err = run("plan", bad, "-o", out_file)
        assert code == 3, code
        assert out == "", out
        line = text.splitlines().index('nmae = "x"') + 1
        assert f"bad.toml:{line}:1: error: unknown key 'nmae' in [organization]" in err, err
        # The line itself, with a caret under the column (issue 17).
        assert f" {line} | nmae = \"x\"\n {' ' * len(str(line))} | ^\n" in err, err
        assert not out_file.exists()
        broken = pathlib.Path(d) / "broken.toml"
        broken.write_text("schema = 1\n[organization\n")
        code, out, err = run("plan", broken)
        assert code == 3 and "broken.toml:2:14:" in err and " 2 | [organization\n   |              ^\n" in err, err
        code, out, err = run("plan", pathlib.Path(d) / "missing.toml")
        assert code == 3 and out == "" and "missing.toml" in err, err


def case_usage_errors_exit_3():
    code, _, err = run("frobnicate")
    assert code == 3 and 'unknown command "frobnicate"' in err and "plan, csr, deploy, audit" in err, err
    code, _, err = run("init", "--model", "bogus")
    assert code == 3 and "--model" in err and "regional" in err, err
    assert run("plan")[0] == 3
    code, _, err = run("plan", EXAMPLES / "consolidated.toml", "--format", "yaml")
    assert code == 3 and "--format" in err, err
    code, _, err = run("plan", EXAMPLES / "consolidated.toml", "--at", "tomorrow")
    assert code == 3, code
    # --compact is the plan's JSON without indentation: with any other format, a usage error.
    code, out, err = run("plan", EXAMPLES / "consolidated.toml", "--compact")
    assert code == 3 and out == "" and "--compact" in err, (code, err)
    code, out, _ = run("plan", EXAMPLES / "consolidated.toml", "--format", "json", "--compact")
    assert code in (0, 1, 2) and out.count("\n") == 1 and json.loads(out) == json.loads(
        run("plan", EXAMPLES / "consolidated.toml", "--format", "json")[1]), code
    assert run("--help")[0] == 0
    code, out, _ = run("plan", "--help")
    assert code == 0 and "EXIT STATUS" in out
    # Each command's help shows its own examples, not the plan's.
    code, out, _ = run("audit", "--help")
    assert code == 0 and "certplan audit contoso.toml --live" in out and "certplan clients" not in out, out


def case_at_must_be_a_real_calendar_time():
    # cli.md: --at is YYYY-MM-DD[THH:MM:SSZ]; a date that is not on the calendar is a usage
    # error (exit 3), never rolled over by timegm into the next month or day.
    for bad in ("2026-13-01", "2026-02-30", "2027-00-10", "2026-12-01T24:00:00Z", "2026-00-00",
                "2025-02-29", "2026-04-31", "2026-12-01T23:60:00Z", "2026-12-01T23:59:60Z"):
        code, out, err = run("deploy", EXAMPLES / "consolidated.toml", "--at", bad)
        assert code == 3 and out == "" and "--at" in err, (bad, code, err)
    # The edges that are real times stay accepted: a leap day, the last second of a year.
    for good in ("2028-02-29", "2000-02-29", "2026-12-31T23:59:59Z", "2026-01-01T00:00:00Z"):
        code, _, err = run("deploy", EXAMPLES / "consolidated.toml", "--at", good)
        assert code in (0, 1, 2), (good, code, err)
    # Only where it applies (issue 17): init makes no time-dependent statement at all.
    code, out, err = run("init", "--model", "regional", "--at", "2026-01-01")
    assert code == 3 and out == "" and "--at" in err, (code, err)
    code, out, err = run("init", "--model", "regional", "--max-certs", "5")
    assert code == 3 and "--max-certs" in err, (code, err)


def case_plan_at_states_renewal():
    """Issue 15: `plan --at` states each certificate's renewal that day -- the SC-081 limit
    and DCV reuse, the margin, the calendar, the ACME paths -- exactly as `deploy` does; without
    --at the plan is what it was (time-independent)."""
    topo = EXAMPLES / "consolidated.toml"
    plain = json.loads(run("plan", topo, "--format", "json")[1])
    assert "renewal" not in plain
    for at, days, reuse in (("2026-12-02", 200, 200), ("2027-06-01", 100, 100), ("2029-04-01", 47, 10)):
        code, out, err = run("plan", topo, "--format", "json", "--at", at)
        assert code in (0, 1, 2), (at, code, err)
        j = json.loads(out)
        renewal = j.pop("renewal")
        assert j == plain, f"--at {at} changed the plan itself"
        assert renewal["at"] == at
        deploy = json.loads(run("deploy", topo, "--format", "json", "--at", at)[1])
        assert [c["id"] for c in renewal["certificates"]] == [c["id"] for c in deploy["certificates"]]
        for mine, theirs in zip(renewal["certificates"], deploy["certificates"]):
            assert mine["renewal"] == theirs["renewal"], (at, mine["id"])
            r = mine["renewal"]
            assert r["lifetime_days"] == days and r["today"]["dcv_reuse_days"] == reuse, (at, r["today"])
            assert 0 < r["margin_days"] < days and "\ncertbot certonly --csr " in r["acme"]["certbot"]["command"], r
        text = run("plan", topo, "--at", at)[1]
        assert text.startswith(run("plan", topo)[1]) and f"Renewal (at {at})" in text and "renew after" in text
        assert f"## Renewal (at {at})" in run("plan", topo, "--format", "markdown", "--at", at)[1]
    code, _, err = run("plan", EXAMPLES / "hosted.toml", "--compare-autodiscover", "--at", "2029-04-01")
    assert code == 3 and "--at" in err, err


def case_output_file_is_atomic_and_identical():
    with tempfile.TemporaryDirectory() as d:
        target = pathlib.Path(d) / "plan.md"
        code, out, _ = run("plan", EXAMPLES / "regional.toml", "--format", "markdown", "-o", target)
        assert out == ""
        _, again, _ = run("plan", EXAMPLES / "regional.toml", "--format", "markdown")
        assert target.read_text() == again
        assert sorted(os.listdir(d)) == ["plan.md"], os.listdir(d)


def case_output_to_a_pipe_or_device_is_written_in_place():
    # -o onto what is not a regular file (a FIFO, /dev/null) writes into it: renaming a temporary
    # file over it would replace the pipe or the device (as root, /dev/null itself).
    import stat
    import threading
    _, expected, _ = run("plan", EXAMPLES / "regional.toml", "--format", "markdown")
    with tempfile.TemporaryDirectory() as d:
        fifo = pathlib.Path(d) / "plan.fifo"
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
        reader.start()
        code, out, err = run("plan", EXAMPLES / "regional.toml", "--format", "markdown", "-o", fifo)
        reader.join(timeout=60)
        assert code in (0, 1, 2), err
        assert got == [expected], (got[:1], err)
        assert stat.S_ISFIFO(fifo.stat().st_mode)
        assert sorted(os.listdir(d)) == ["plan.fifo"], os.listdir(d)
    null_before = os.stat("/dev/null")
    code, out, err = run("plan", EXAMPLES / "regional.toml", "-o", "/dev/null")
    assert code in (0, 1, 2) and out == "", err
    null_after = os.stat("/dev/null")
    assert stat.S_ISCHR(null_after.st_mode) and null_after.st_rdev == null_before.st_rdev


def case_deterministic_output():
    for f in sorted(EXAMPLES.glob("*.toml")):
        for fmt in ("text", "json", "markdown"):
            a = run("plan", f, "--format", fmt)
            b = run("plan", f, "--format", fmt, cwd="/")
            assert a == b, (f.name, fmt)


def case_init_templates_load_and_plan():
    with tempfile.TemporaryDirectory() as d:
        for m in MODELS:
            code, out, err = run("init", "--model", m)
            assert code == 0, err
            p = pathlib.Path(d) / f"{m}.toml"
            p.write_text(out)
            code, pj, err = run("plan", p, "--format", "json")
            assert code in (0, 1, 2), (m, err)
            assert json.loads(pj)["model"] == m
        assert run("init", "--model", "galactic")[0] == 3


def case_clients_lists_profiles():
    code, out, _ = run("clients", "--format", "json")
    assert code == 0
    j = json.loads(out)
    assert j["schema"] == "certplan.clients/1"
    ids = [c["id"] for c in j["clients"]]
    assert "windows-mobile-5" in ids and ids == sorted(ids)
    wm5 = [c for c in j["clients"] if c["id"] == "windows-mobile-5"][0]
    assert wm5["wildcard"] == "none"
    code, out, _ = run("clients")
    assert code == 0 and "windows-mobile-5" in out


def case_trace_each_option():
    code, out, err = run("trace", "john@tenant.com", EXAMPLES / "hosted.toml", "--client", "outlook-2016", "--format", "json")
    assert code == 1, (code, err)  # lands after the redirect prompt
    t = json.loads(out)["traces"][0]
    assert [s["method"] for s in t["steps"]][-2:] == ["http-redirect", "redirect-target"], t["steps"]
    assert t["result"]["prompted"] and t["result"]["landed"]
    # cli.md order (topology first) works too, with the same bytes.
    assert run("trace", EXAMPLES / "hosted.toml", "john@tenant.com", "--client", "outlook-2016", "--format", "json")[1] == out
    # hosted-san is Exchange 2010, which selects by SNI only on Server 2012 (R12): the tenant's
    # own certificate is met with SNI, the provider's without; both ways judged, so a warning.
    code, out, _ = run("trace", "kim@fabrikam.com", EXAMPLES / "hosted-san.toml", "--client", "ios-mail")
    assert code == 1 and "lands at https://autodiscover.fabrikam.com" in out and "UNVERIFIED" in out, out
    code, _, err = run("trace", "nobody", EXAMPLES / "hosted.toml")
    assert code == 3 and "USER@DOMAIN" in err, err
    # OWA does not use autodiscover: not applicable, not a failure (R2).
    code, out, err = run("trace", "kim@fabrikam.com", EXAMPLES / "hosted.toml", "--client", "owa-browser", "--format", "json")
    assert code == 0 and json.loads(out)["traces"][0]["result"]["status"] == "n/a", (code, out, err)
    # A domain the topology does not serve is named at once, nothing walked.
    code, out, err = run("trace", "kim@example.org", EXAMPLES / "hosted.toml", "--client", "outlook-2016")
    assert code == 3 and out == "" and "example.org is not a domain of this topology" in err, (code, out, err)
    # Outlook 2016+ asks Microsoft 365 first (R2, KB3211279).
    code, out, _ = run("trace", "john@tenant.com", EXAMPLES / "hosted.toml", "--client", "outlook-2016", "--format", "json")
    assert json.loads(out)["traces"][0]["steps"][0]["method"] == "microsoft365", out


def case_trace_installed_certificates():
    # An installed certificate without the tenant's autodiscover name: the SAN option's
    # https step meets a name mismatch that the planned certificate would not have.
    with tempfile.TemporaryDirectory() as d:
        dp = pathlib.Path(d)
        r = openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", dp / "k.pem", "-out", dp / "mail.pem", "-days", "30", "-subj", "/CN=mail.provider.com",
                    "-addext", "subjectAltName=DNS:mail.provider.com,DNS:autodiscover.provider.com")
        assert r.returncode == 0, r.stderr
        topo = (EXAMPLES / "hosted-san.toml").read_text() + '\n[[installed]]\nfile = "mail.pem"\nservices = ["iis"]\n'
        (dp / "t.toml").write_text(topo)
        code, out, err = run("trace", "kim@fabrikam.com", dp / "t.toml", "--client", "outlook-2016", "--format", "json")
        # planned: the name is on a certificate (a warning only for Exchange 2010's unverified SNI, R12)
        assert code == 1 and json.loads(out)["traces"][0]["result"]["landed"], err
        code, out, err = run("trace", "kim@fabrikam.com", dp / "t.toml", "--client", "outlook-2016", "--installed",
                             "--format", "json")
        steps = json.loads(out)["traces"][0]["steps"]
        https = [s for s in steps if s["method"] == "https-autodiscover"][0]
        assert https["outcome"] == "warning" and https["certificate"].startswith("mail.pem"), https
        assert code in (1, 2), code


def case_compare_autodiscover():
    code, out, err = run("plan", EXAMPLES / "hosted.toml", "--compare-autodiscover", "--format", "json")
    assert code == 0, err
    j = json.loads(out)
    assert j["schema"] == "certplan.compare/1"
    assert [o["method"] for o in j["options"]] == ["redirect", "srv", "san"]
    assert j["options"][2]["reissue_on_tenant_change"] is True
    code, _, err = run("plan", EXAMPLES / "regional.toml", "--compare-autodiscover")
    assert code == 3 and "hosted" in err, err


def openssl(*args, **kw):
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=120, **kw)


def der_subject(csr):
    """The subject Name of a PKCS#10 request, as DER bytes, found by openssl asn1parse."""
    import re
    der = subprocess.run(["openssl", "req", "-in", str(csr), "-outform", "DER"], capture_output=True, check=True).stdout
    parsed = subprocess.run(["openssl", "asn1parse", "-inform", "DER"], input=der, capture_output=True, check=True)
    for line in parsed.stdout.decode().splitlines():
        m = re.match(r"\s*(\d+):d=2\s+hl=(\d+)\s+l=\s*(\d+)\s+cons: SEQUENCE", line)
        if m:
            at, head, length = map(int, m.groups())
            return der[at:at + head + length]
    raise AssertionError(f"no subject in {csr}")


def case_csr_cnf_gives_the_same_der_subject():
    """Issue 15 part 3: the .cnf's request (openssl with certplan's key) carries the same DER
    subject as certplan's own -- the same string types, PrintableString where the value fits,
    else UTF8String -- for an ASCII and a non-ASCII subject."""
    with tempfile.TemporaryDirectory() as d:
        for locality in ("Redmond", "Zürich"):
            topo = pathlib.Path(d) / "t.toml"
            topo.write_text('schema = 1\n[organization]\nname = "Contoso"\nexchange = "2016"\nmodel = "consolidated"\n'
                            '[[forest]]\nname = "contoso"\nsmtp_domains = ["contoso.com"]\n'
                            '[[site]]\nname = "Redmond"\nnamespace = "mail.contoso.com"\n'
                            '[certificates.subject]\ncountry = "US"\nstate = "Washington"\n'
                            f'locality = "{locality}"\norganization = "Contoso Ltd"\n', encoding="utf-8")
            out = pathlib.Path(d) / locality
            code, _, err = run("csr", topo, "--out", out)
            assert code == 0, err
            for cnf in out.glob("*.cnf"):
                ident = cnf.stem
                theirs = out / f"{ident}.openssl-same-key.csr"
                subprocess.run(["openssl", "req", "-new", "-config", str(cnf), "-key", str(out / f"{ident}.key"),
                                "-out", str(theirs)], check=True, capture_output=True)
                assert der_subject(theirs) == der_subject(out / f"{ident}.csr"), (locality, ident)


def case_csr_openssl_verifies_planned_order():
    with tempfile.TemporaryDirectory() as d:
        for example in ("regional.toml", "hosted-san.toml", "wildcard-wm5.toml"):
            out = pathlib.Path(d) / example
            code, _, err = run("csr", EXAMPLES / example, "--out", out)
            assert code == 0, err
            _, plan = plan_json(example)
            manifest = json.loads((out / "manifest.json").read_text())
            assert manifest["schema"] == "certplan.csr/1"
            assert [c["id"] for c in manifest["certificates"]] == [c["id"] for c in plan["certificates"]]
            for c in plan["certificates"]:
                csr = out / f"{c['id']}.csr"
                v = openssl("req", "-in", csr, "-verify", "-noout")
                assert v.returncode == 0 and "verify OK" in (v.stdout + v.stderr), v.stderr
                text = openssl("req", "-in", csr, "-noout", "-text").stdout
                san_line = text.split("X509v3 Subject Alternative Name:")[1].strip().splitlines()[0]
                assert [n.strip()[4:] for n in san_line.split(",")] == c["sans"], (san_line, c["sans"])
                assert f"CN = {c['subject']['cn']}" in text
                assert (out / f"{c['id']}.key").stat().st_mode & 0o777 == 0o600
                # The openssl config makes the same request.
                o = openssl("req", "-new", "-config", out / f"{c['id']}.cnf", "-key", out / f"{c['id']}.key",
                            "-out", pathlib.Path(d) / "same.csr")
                assert o.returncode == 0, o.stderr
                code, _, err = run("csr", "--check", pathlib.Path(d) / "same.csr", EXAMPLES / example)
                assert code == 0, err


def case_csr_encrypted_keys_and_secrets():
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, KEYPASS="correct horse")
        p = subprocess.run([str(EXE), "csr", str(EXAMPLES / "consolidated.toml"), "--out", d, "--passphrase-env", "KEYPASS",
                            "--key-type", "ecdsa:p256"], capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
        key = pathlib.Path(d) / "redmond.key"
        assert key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        o = openssl("pkey", "-in", key, "-passin", "env:KEYPASS", "-noout", env=env)
        assert o.returncode == 0, o.stderr
        assert openssl("pkey", "-in", key, "-passin", "pass:wrong", "-noout").returncode != 0
        everything = p.stdout + p.stderr + (pathlib.Path(d) / "manifest.json").read_text()
        assert "correct horse" not in everything
        pf = pathlib.Path(d) / "pass.txt"
        pf.write_text("from a file\n")
        code, _, err = run("csr", EXAMPLES / "consolidated.toml", "--out", pathlib.Path(d) / "f", "--passphrase-file", pf)
        assert code == 0, err
        assert openssl("pkey", "-in", pathlib.Path(d) / "f" / "redmond.key", "-passin", "pass:from a file", "-noout").returncode == 0


def case_csr_never_overwrites_a_key():
    with tempfile.TemporaryDirectory() as d:
        assert run("csr", EXAMPLES / "regional.toml", "--out", d)[0] == 0
        before = {f: (pathlib.Path(d) / f).read_bytes() for f in os.listdir(d)}
        code, out, err = run("csr", EXAMPLES / "regional.toml", "--out", d)
        assert code == 3 and out == "" and "never overwrites" in err, (code, err)
        assert {f: (pathlib.Path(d) / f).read_bytes() for f in os.listdir(d)} == before
        code, _, err = run("csr", EXAMPLES / "regional.toml", "--out", d, "--force", "--at", "2026-11-22")
        assert code == 0, err
        assert (pathlib.Path(d) / "newyork.key.20261122").read_bytes() == before["newyork.key"]
        assert (pathlib.Path(d) / "newyork.key").read_bytes() != before["newyork.key"]


def case_csr_failure_half_way_changes_nothing():
    # manifest.json is placed last; a directory of that name makes the last rename fail
    # after every key and request was already placed: all of them must be taken back.
    with tempfile.TemporaryDirectory() as d:
        (pathlib.Path(d) / "manifest.json").mkdir()
        (pathlib.Path(d) / "manifest.json" / "keep").write_text("x")
        code, out, err = run("csr", EXAMPLES / "regional.toml", "--out", d)
        assert code == 3 and "nothing was changed" in err, (code, err)
        assert sorted(os.listdir(d)) == ["manifest.json"], os.listdir(d)


def case_csr_check_finds_differences():
    with tempfile.TemporaryDirectory() as d:
        dp = pathlib.Path(d)
        key = dp / "k.pem"
        # RSA: regional.toml is Exchange 2010, which cannot use an ECDSA certificate (R10).
        assert openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key).returncode == 0

        def req(cn, sans, name):
            r = openssl("req", "-new", "-key", key, "-subj", f"/C=US/O=Contoso Ltd/CN={cn}",
                        "-addext", "subjectAltName=" + ",".join("DNS:" + s for s in sans), "-out", dp / name)
            assert r.returncode == 0, r.stderr
            return dp / name

        good = ["mail.usa.contoso.com", "autodiscover.contoso.com", "legacy.usa.contoso.com"]
        assert run("csr", "--check", req("mail.usa.contoso.com", good, "good.csr"), EXAMPLES / "regional.toml")[0] == 0
        code, out, _ = run("csr", "--check", req("mail.usa.contoso.com", good[:2], "missing.csr"), EXAMPLES / "regional.toml")
        assert code == 2 and "missing: legacy.usa.contoso.com" in out, out
        code, out, _ = run("csr", "--check", req("mail.usa.contoso.com", good + ["extra.contoso.com"], "extra.csr"),
                           EXAMPLES / "regional.toml")
        assert code == 2 and "not planned: extra.contoso.com" in out, out
        code, out, _ = run("csr", "--check", req("autodiscover.contoso.com", good, "cn.csr"), EXAMPLES / "regional.toml")
        assert code == 2 and "CN is" in out, out
        code, out, _ = run("csr", "--check", req("mail.usa.contoso.com", [good[1], good[0], good[2]], "order.csr"),
                           EXAMPLES / "regional.toml")
        assert code == 1 and "another order" in out, out
        (dp / "junk.csr").write_text("not a request")
        code, _, err = run("csr", "--check", dp / "junk.csr", EXAMPLES / "regional.toml")
        assert code == 3 and "junk.csr" in err, err


def case_csr_check_judges_keys_signatures_and_name_case():
    # regional.toml plans newyork: CN mail.usa.contoso.com, then autodiscover and legacy (R7).
    good = ["mail.usa.contoso.com", "autodiscover.contoso.com", "legacy.usa.contoso.com"]
    with tempfile.TemporaryDirectory() as d:
        dp = pathlib.Path(d)

        def req(name, cn="mail.usa.contoso.com", sans=good, newkey="rsa:2048", md="-sha256", outform="PEM"):
            r = openssl("req", "-new", "-newkey", newkey, "-nodes", "-keyout", dp / (name + ".key"), md,
                        "-subj", f"/C=US/O=Contoso Ltd/CN={cn}",
                        "-addext", "subjectAltName=" + ",".join("DNS:" + s for s in sans),
                        "-outform", outform, "-out", dp / name)
            assert r.returncode == 0, r.stderr
            return dp / name

        # DNS names are case-insensitive (RFC 4343): upper case in the request is the planned name.
        code, out, err = run("csr", "--check", req("upper.csr", "MAIL.usa.Contoso.com",
                                                    ["MAIL.usa.Contoso.com", "AUTODISCOVER.contoso.com", good[2]]),
                             EXAMPLES / "regional.toml")
        assert code == 0, (code, out, err)
        # R10 on the request: RSA-1024 and SHA-1 fail, a judged request (exit 2), not unusable input.
        code, out, err = run("csr", "--check", req("rsa1024.csr", newkey="rsa:1024"), EXAMPLES / "regional.toml")
        assert code == 2 and "R10" in out and "1024" in out, (code, out, err)
        code, out, err = run("csr", "--check", req("sha1.csr", md="-sha1"), EXAMPLES / "regional.toml")
        assert code == 2 and "R10" in out and "sha1" in out.lower(), (code, out, err)
        code, out, err = run("csr", "--check", req("sha1.csr", md="-sha1"), EXAMPLES / "regional.toml",
                             "--format", "json")
        assert code == 2 and json.loads(out)["status"] == "fail", (code, out, err)
        # A request altered after signing (one SAN byte flipped): cli.md's 0/1/2 for a judged
        # request, so exit 2 with the reason, not exit 3.
        der = bytearray(req("good.der", outform="DER").read_bytes())
        at = der.find(b"legacy.usa")
        der[at] ^= 0x01
        (dp / "altered.der").write_bytes(bytes(der))
        code, out, err = run("csr", "--check", dp / "altered.der", EXAMPLES / "regional.toml")
        assert code == 2 and "signature does not verify" in out, (code, out, err)
        code, out, err = run("csr", "--check", dp / "altered.der", EXAMPLES / "regional.toml", "--format", "json")
        assert code == 2, (code, out, err)
        j = json.loads(out)
        assert j["signature_valid"] is False and j["status"] == "fail", j


def case_csr_refuses_a_key_the_server_cannot_use():
    # regional.toml is Exchange 2010, which cannot serve an ECDSA certificate (R10; plan calls
    # it a failure). A demanding admin wants no key and request that can only fail: csr
    # refuses, exit 3, names R10 and what to use instead, and writes nothing.
    with tempfile.TemporaryDirectory() as d:
        out_dir = pathlib.Path(d) / "out"
        code, out, err = run("csr", EXAMPLES / "regional.toml", "--out", out_dir, "--key-type", "ecdsa:p256")
        assert code == 3 and out == "", (code, out, err)
        assert "R10" in err and "ECDSA" in err and "rsa:2048" in err, err
        assert not out_dir.exists() or not any(out_dir.iterdir()), list(out_dir.iterdir())
        # Exchange 2016 takes ECDSA: the same request is made there.
        code, _, err = run("csr", EXAMPLES / "consolidated.toml", "--out", pathlib.Path(d) / "ok", "--key-type",
                           "ecdsa:p256")
        assert code == 0, err


def case_botan_only_in_the_adapter():
    # style.md 4.5: a move to Botan 3 must touch src/x509 alone.
    offenders, adapter = [], 0
    for top in ("src", "include", "tests", "bench"):
        for f in (ROOT / top).rglob("*"):
            if f.suffix in (".cpp", ".hpp", ".h") and "<botan/" in f.read_text(errors="replace"):
                if f.parent == ROOT / "src" / "x509":
                    adapter += 1
                else:
                    offenders.append(str(f.relative_to(ROOT)))
    assert not offenders, offenders
    assert adapter >= 2, adapter  # the check must have looked at something


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
