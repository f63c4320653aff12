#!/usr/bin/env python3
"""Issue 13 end to end: hostile subject and tenant values never become code.

usage: test_quoting_cli.py CERTPLAN SOURCE_ROOT [CASE...]
Topologies whose [certificates.subject] and tenant values carry each payload go through
`certplan plan`, `certplan csr` and `certplan tenant add`. Every emitted PowerShell command
is read by a reference tokenizer (single-quoted literals and what lies outside them): no
payload text may lie outside a literal, and the literals hold the payload exactly. The
openssl config must be accepted by `openssl req -config ... -new` and give the subject
certplan's own request has (read with Python's cryptography). Values a topology may not hold
(control characters, X.520 lengths) must be refused with file:line:column and exit 3.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import harness

EXE = pathlib.Path(sys.argv[1]).resolve()
ROOT = pathlib.Path(sys.argv[2]).resolve()
# The hosted example as an enterprise-CA deployment with seed 000's OU, so that every subject
# part reaches the commands (public CAs refuse an OU, R19, which would fail the plan).
HOSTED = (ROOT / "examples" / "hosted.toml").read_text(encoding="utf-8")
HOSTED = re.sub(r'(?m)^authority(\s*)= "public"', r'authority\1= "enterprise"', HOSTED)
HOSTED = re.sub(r'(?m)^  # Seed 000 also sets unit = "IT".*$', '  unit         = "IT"', HOSTED)
assert 'unit         = "IT"' in HOSTED and 'authority           = "enterprise"' in HOSTED

# Each is allowed at load (no control character) and must stay literal.
PAYLOADS = [
    'Contoso"; Start-Process x; "',
    "$(calc)",
    "\u2019; calc; \u2019",
    "\u2018; calc; \u201a\u201b",
    "'; calc; '",
    "a`b`$(calc)",
    "@(calc) | Out-Host; & calc",
    "Contoso, CN=evil.example",          # an RDN smuggled into -SubjectName
    "#x $HOME ${x} \\ \"\"",            # openssl comment, variables, escapes
    "\u201c\u201d\u201e \u2013 \u2014 \u2015",   # double quotes and dashes PowerShell knows
]
BENIGN = "Benign"

PS_QUOTES = "'\u2018\u2019\u201a\u201b"


def run(*args, cwd=None):
    p = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)
    return p.returncode, p.stdout, p.stderr


def ps_tokenize(s):
    """PowerShell's reading of single-quoted strings: a quote is ' or U+2018..U+201B; two in a
    row inside a literal are one (the second kept); one ends it. Returns (literals, outside)."""
    literals, outside, i = [], "", 0
    while i < len(s):
        if s[i] not in PS_QUOTES:
            outside += s[i]
            i += 1
            continue
        i += 1
        lit, closed = "", False
        while i < len(s):
            if s[i] in PS_QUOTES:
                if i + 1 < len(s) and s[i + 1] in PS_QUOTES:
                    lit += s[i + 1]
                    i += 2
                    continue
                i += 1
                closed = True
                break
            lit += s[i]
            i += 1
        assert closed, f"unterminated literal in {s!r}"
        literals.append(lit)
    return literals, outside


def x500_values(dn):
    """CertStrToName's reading of "C=US, O=\"a, b\", CN=x": (key, value) pairs."""
    out, i = [], 0
    while i < len(dn):
        m = re.match(r"\s*([A-Za-z]+)=", dn[i:])
        assert m, (dn, i)
        i += m.end()
        if i < len(dn) and dn[i] == '"':
            i += 1
            v = ""
            while True:
                assert i < len(dn), dn
                if dn[i] == '"':
                    if i + 1 < len(dn) and dn[i + 1] == '"':
                        v += '"'
                        i += 2
                        continue
                    i += 1
                    break
                v += dn[i]
                i += 1
        else:
            j = dn.find(",", i)
            j = len(dn) if j < 0 else j
            v = dn[i:j]
            assert not any(c in v for c in '+="<>#;\n'), (dn, v)
            i = j
        out.append((m.group(1), v))
        if i < len(dn):
            assert dn[i] == ",", (dn, i)
            i += 1
    return out


def toml_basic(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a TOML basic string for these


def with_subject(organization=BENIGN, unit="IT", locality="Los Angeles"):
    text = HOSTED
    text = re.sub(r'(?m)^(\s*organization\s*=\s*)"HostingCompany"', lambda m: m.group(1) + toml_basic(organization), text)
    text = re.sub(r'(?m)^(\s*unit\s*=\s*)"IT"', lambda m: m.group(1) + toml_basic(unit), text)
    text = re.sub(r'(?m)^(\s*locality\s*=\s*)"Los Angeles"', lambda m: m.group(1) + toml_basic(locality), text)
    return text


def check_command(cmd, benign_cmd, payload):
    """`cmd` was made with `payload` where `benign_cmd` had BENIGN: the text outside the
    literals must be the same, and the payload must be inside a literal, not outside."""
    lits, outside = ps_tokenize(cmd)
    blits, boutside = ps_tokenize(benign_cmd)
    assert outside == boutside, f"outside the literals changed by {payload!r}:\n{outside!r}\n{boutside!r}"
    assert len(lits) == len(blits), (lits, blits)
    return lits


def case_plan_commands_keep_subject_values_literal():
    with tempfile.TemporaryDirectory() as d:
        def plan(org):
            t = pathlib.Path(d) / "t.toml"
            t.write_text(with_subject(organization=org, unit=org, locality=org), encoding="utf-8")
            code, out, err = run("plan", t, "--format", "json")
            assert code in (0, 1), (org, code, err)
            return [c["exchange_command"] for c in json.loads(out)["certificates"]]
        benign = plan(BENIGN)
        for p in PAYLOADS:
            for cmd, bcmd in zip(plan(p), benign):
                lits = check_command(cmd, bcmd, p)
                subject = lits[[i for i, b in enumerate(ps_tokenize(bcmd)[0]) if "CN=" in b][0]]
                values = dict(x500_values(subject))
                assert values["O"] == p and values["OU"] == p and values["L"] == p, (p, subject, values)
                assert values["CN"] == "mail.provider.com", values


def case_csr_files_keep_subject_values_literal():
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)

        def csr(org, name):
            t = d / f"{name}.toml"
            t.write_text(with_subject(organization=org, unit=org), encoding="utf-8")
            out = d / name
            code, _, err = run("csr", t, "--out", out, "--key-type", "rsa:2048")  # hosted.toml is Exchange 2010: no ECDSA (R10)
            assert code == 0, (org, err)
            return out
        benign = csr(BENIGN, "benign")
        for n, p in enumerate(PAYLOADS):
            out = csr(p, f"p{n}")
            for ps1 in sorted(out.glob("*.ps1")):
                text = ps1.read_text(encoding="utf-8")
                btext = (benign / ps1.name).read_text(encoding="utf-8")
                lits = check_command(text, btext, p)
                subject = next(lit for lit in lits if "CN=" in lit)
                assert dict(x500_values(subject))["O"] == p, (p, text)
            for cnf in sorted(out.glob("*.cnf")):
                made = d / f"{cnf.stem}-{n}.csr"
                r = subprocess.run(["openssl", "req", "-new", "-config", str(cnf), "-key", str(out / f"{cnf.stem}.key"),
                                    "-out", str(made)], capture_output=True, text=True, timeout=60)
                assert r.returncode == 0, (p, r.stderr, cnf.read_text(encoding="utf-8"))
                theirs = x509.load_pem_x509_csr(made.read_bytes())
                ours = x509.load_pem_x509_csr((out / f"{cnf.stem}.csr").read_bytes())
                for oid in (NameOID.ORGANIZATION_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME):
                    assert theirs.subject.get_attributes_for_oid(oid)[0].value == p, (p, theirs.subject)
                    assert ours.subject.get_attributes_for_oid(oid)[0].value == p, (p, ours.subject)
                assert [(a.oid, a.value) for a in theirs.subject] == [(a.oid, a.value) for a in ours.subject]
                sans = theirs.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
                assert sans.get_values_for_type(x509.DNSName) == \
                    ours.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)


def case_tenant_runbook_keeps_names_literal():
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)

        def add(name, n):
            t = d / f"{n}.toml"
            t.write_text(HOSTED, encoding="utf-8")
            code, out, err = run("tenant", "add", t, "--name", name, "--domain", "acme.example", "--domain",
                                 "acme2.example", "--webmail", "webmail.acme.example", "--format", "json")
            assert code == 0, (name, code, err)
            return t, json.loads(out)
        _, benign = add(BENIGN, "benign")
        for n, p in enumerate(PAYLOADS):
            t, rb = add(p, f"p{n}")
            assert len(rb["exchange_commands"]) == len(benign["exchange_commands"]) == 2
            for cmd, bcmd in zip(rb["exchange_commands"], benign["exchange_commands"]):
                lits = check_command(cmd, bcmd, p)
                # Exchange 2010 hosting mode: New-Organization -Name, New-AcceptedDomain -Organization.
                assert p in lits, (cmd, lits)
            for b, bb in zip(rb["bindings"], benign["bindings"]):
                check_command(b["command"], bb["command"], p)
            # The editor's TOML quoting: the file loads, plans, and the tenant goes back out.
            code, out, err = run("plan", t, "--format", "json")
            assert code in (0, 1), (p, err)
            code, out, err = run("tenant", "remove", t, "--name", p, "--format", "json")
            assert code == 0, (p, err)
            assert t.read_text(encoding="utf-8") == HOSTED


def case_load_refuses_control_characters_with_a_position():
    with tempfile.TemporaryDirectory() as d:
        t = pathlib.Path(d) / "bad.toml"
        line = next(i for i, l in enumerate(HOSTED.splitlines(), 1) if re.match(r"\s*organization\s*=", l))
        for esc in ("\\n", "\\r", "\\u0000", "\\u001b", "\\t", "\\u007f", "\\u0085", "\\u009f", "\\u2028", "\\u2029"):
            text = HOSTED.replace('organization = "HostingCompany"', f'organization = "Contoso{esc}[ req ]"', 1)
            t.write_text(text, encoding="utf-8")
            for args in (["plan", t], ["csr", t, "--out", pathlib.Path(d) / "out"]):
                code, out, err = run(*args)
                assert code == 3 and out == "", (esc, code, out, err)
                assert re.match(rf"certplan: {re.escape(str(t))}:{line}:\d+: error: .*control character U\+", err), (esc, err)
            assert not (pathlib.Path(d) / "out").exists()
        # A tenant name in the file, and a table key.
        for text, what in ((HOSTED.replace('name    = "Fabrikam"', 'name    = "Fab\\u2028rikam"', 1), "tenant"),
                           (HOSTED + '\n[hosting."a\\nb"]\n', "key")):
            t.write_text(text, encoding="utf-8")
            code, out, err = run("plan", t)
            assert code == 3 and out == "" and re.match(r"certplan: .*bad\.toml:\d+:\d+: error: .*control character", err), (what, err)


def case_load_refuses_subject_values_over_x520_bounds():
    with tempfile.TemporaryDirectory() as d:
        t = pathlib.Path(d) / "long.toml"
        for key, bound in (("organization", 64), ("unit", 64), ("locality", 128), ("state", 128)):
            line = next(i for i, l in enumerate(HOSTED.splitlines(), 1) if re.match(rf"\s*{key}\s*=", l))
            for n, ok in ((bound, True), (bound + 1, False)):
                value = "\u00e9" * n  # characters, not bytes: 2 bytes each
                text = re.sub(rf'(?m)^(\s*{key}\s*=\s*)"[^"]*"', lambda m: m.group(1) + f'"{value}"', HOSTED, count=1)
                t.write_text(text, encoding="utf-8")
                code, out, err = run("plan", t)
                if ok:
                    assert code in (0, 1), (key, n, err)
                else:
                    assert code == 3 and out == "", (key, n, code, err)
                    assert re.match(rf"certplan: .*long\.toml:{line}:\d+: error: '{key}' is {n} characters long; "
                                    rf"X\.520 allows at most {bound}", err), (key, err)
        text = HOSTED.replace('country      = "US"', 'country      = "USA"', 1)
        t.write_text(text, encoding="utf-8")
        code, _, err = run("plan", t)
        assert code == 3 and "long.toml:" in err and "'country'" in err, err


def server_name(value):
    # topology/sections.cpp: at most 15 bytes, none of . space \ / : * ? " < > |
    return value if len(value.encode("utf-8")) <= 15 and not any(c in value for c in ". \\/:*?\"<>|") else "EX01"


def deploy_topology(value):
    """HOSTED with `value` as the site's and the organization's name, and the server's where a
    NetBIOS name can hold it (at most 15 characters, no dot)."""
    server = server_name(value)
    text, n1 = re.subn(r'(?m)^(\s*name\s*=\s*)"EX01"', lambda m: m.group(1) + toml_basic(server), HOSTED, count=1)
    text, n2 = re.subn(r'(?m)^(\s*name\s*=\s*)"Default"', lambda m: m.group(1) + toml_basic(value + " site"), text, count=1)
    text, n3 = re.subn(r'(?m)^(name\s*=\s*)"HostingCompany"', lambda m: m.group(1) + toml_basic(value + " org"), text, count=1)
    assert (n1, n2, n3) == (1, 1, 1), value
    return text


def code_lines(ps1):
    """The PowerShell a script runs: its lines that are not comments."""
    return "\n".join(l for l in ps1.splitlines() if not l.lstrip().startswith("#"))


def case_deploy_ps1_keeps_names_literal():
    """Issue 15: a server, site or organization name and --files-dir holding a payload stay data in
    every command `deploy --format ps1` emits; --key-passphrase-file stays one shell word in the
    openssl command; a value with a line break is refused (exit 3), never spliced."""
    import shlex
    assert sum(server_name(p) != "EX01" for p in PAYLOADS) >= 2, "no payload reaches a server name"
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)

        def deploy(value, n, *extra):
            t = d / f"{n}.toml"
            t.write_text(deploy_topology(value), encoding="utf-8")
            code, out, err = run("deploy", t, "--format", "ps1", "--at", "2027-01-15", "--files-dir", "C:\\" + value,
                                 "--key-passphrase-file", value, *extra)
            assert code in (0, 1), (value, code, err)
            j = run("deploy", t, "--format", "json", "--at", "2027-01-15", "--key-passphrase-file", value, *extra)
            return out, json.loads(j[1])
        benign, bj = deploy(BENIGN, "benign")
        bserver, _ = deploy(BENIGN, "benign-server", "--key", "server")
        for n, p in enumerate(PAYLOADS):
            for extra, bench in (((), benign), (("--key", "server"), bserver)):
                out, jj = deploy(p, f"p{n}", *extra)
                j = jj if not extra else j
                lits = check_command(code_lines(out), code_lines(bench), p)
                assert server_name(p) == "EX01" or any(lit == p for lit in lits), (p, "the server name is one literal", lits)
                assert len(out.splitlines()) == len(bench.splitlines()), (p, "a name added a line")
                assert any(lit.startswith("C:\\" + p + "\\") and lit.endswith((".pfx", ".cer")) for lit in lits), (p, lits)
            # The shell command: the passphrase file is one word, "file:" + the payload.
            line = [l for l in j["certificates"][0]["prepare"][0]["command"].splitlines() if not l.startswith("#")][0]
            bline = [l for l in bj["certificates"][0]["prepare"][0]["command"].splitlines() if not l.startswith("#")][0]
            argv, bargv = shlex.split(line), shlex.split(bline)
            assert len(argv) == len(bargv) and argv[argv.index("-passin") + 1] == "file:" + p, (p, argv)
        # Line breaks: refused at load in a name, refused by deploy in --files-dir and the shell path.
        t = d / "benign.toml"
        for extra in (["--files-dir", "C:\\x\n$(calc)"], ["--key-passphrase-file", "x\nrm -rf ~"]):
            for fmt in ("ps1", "text", "json"):
                code, out, err = run("deploy", t, "--format", fmt, *extra)
                assert code == 3 and out == "", (extra, fmt, code, out, err)
                assert "control character" in err, err
        t.write_text(HOSTED.replace('name         = "EX01"', 'name         = "EX01\\n$(calc)"', 1), encoding="utf-8")
        code, out, err = run("deploy", t, "--format", "ps1")
        assert code == 3 and out == "" and re.search(r":\d+:\d+: error: .*control character", err), (code, err)


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
