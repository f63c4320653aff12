#!/usr/bin/env python3
"""CLI tests for `certplan tenant add|remove` (issue 3), through the real binary.

usage: test_tenant_cli.py CERTPLAN SOURCE_ROOT
Every case works on a copy of an example in a temporary directory. Prints one line per
case and a final "N passed, N failed"; exit status 0 only if all pass.
"""
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys

import tempfile

import harness

EXE = pathlib.Path(sys.argv[1]).resolve()
ROOT = pathlib.Path(sys.argv[2]).resolve()
EXAMPLES = ROOT / "examples"


def run(*args, cwd=None):
    p = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)
    return p.returncode, p.stdout, p.stderr


def copy_example(tmp, name):
    dst = pathlib.Path(tmp) / name
    shutil.copyfile(EXAMPLES / name, dst)
    return dst


def case_add_prints_runbook_and_appends():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted.toml")
        original = topo.read_bytes()
        code, out, err = run("tenant", "add", topo, "--name", "Contoso", "--domain", "contoso.com",
                             "--domain", "contoso.net", "--webmail", "webmail.contoso.com")
        assert code == 0, (code, err)
        assert err == "", err
        after = topo.read_bytes()
        assert after.startswith(original), "the original text must stay untouched"
        assert after[len(original):] == (b'\n[[tenant]]\nname = "Contoso"\ndomains = ["contoso.com", "contoso.net"]\n'
                                         b'webmail = "webmail.contoso.com"\n'), after[len(original):]
        assert "autodiscover.contoso.com" in out and "autodiscoverredirect.provider.com." in out, out
        assert "CNAME" in out
        assert "New-Organization -Name 'Contoso' -DomainName 'contoso.com'" in out, out
        assert "New-WebBinding -Name 'AutodiscoverRedirect' -IPAddress '203.0.113.51' -Port 80 " \
               "-HostHeader 'autodiscover.contoso.com'" in out, out
        assert "No certificate change" in out, out
        # The edited topology still plans.
        code, _, err = run("plan", topo)
        assert code in (0, 1, 2), (code, err)


def case_adding_twice_is_refused_and_writes_nothing():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted.toml")
        code, _, err = run("tenant", "add", topo, "--name", "Contoso", "--domain", "contoso.com")
        assert code == 0, err
        once = topo.read_bytes()
        mtime = topo.stat().st_mtime_ns
        # The same domain under another name.
        code, out, err = run("tenant", "add", topo, "--name", "Contoso2", "--domain", "CONTOSO.com")
        assert code == 3, (code, out, err)
        assert out == "", out
        assert "already belongs to tenant 'Contoso'" in err and f"(at {topo}:" in err, err
        # The same tenant again.
        code, out, err = run("tenant", "add", topo, "--name", "Contoso", "--domain", "contoso.org")
        assert code == 3, (code, err)
        assert "tenant 'Contoso' already exists" in err, err
        # Another tenant's, a forest's and the provider's domains.
        for domain, owner in (("fabrikam.net", "tenant 'Fabrikam'"), ("provider.com", "forest 'provider'")):
            code, _, err = run("tenant", "add", topo, "--name", "X", "--domain", domain)
            assert code == 3 and owner in err, (domain, code, err)
        assert topo.read_bytes() == once, "a refused add must not change the file"
        assert topo.stat().st_mtime_ns == mtime
        assert [p.name for p in pathlib.Path(tmp).iterdir()] == ["hosted.toml"], "no temporary file left"


def case_remove_restores_the_file_byte_for_byte():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted.toml")
        original = topo.read_bytes()
        os.chmod(topo, 0o640)
        code, _, err = run("tenant", "add", topo, "--name", "Contoso", "--domain", "contoso.com",
                           "--webmail", "webmail.contoso.com")
        assert code == 0, err
        assert stat.S_IMODE(topo.stat().st_mode) == 0o640, "the file keeps its mode"
        code, out, err = run("tenant", "remove", topo, "--name", "Contoso")
        assert code == 0, (code, err)
        assert topo.read_bytes() == original, "remove must restore the original bytes"
        assert "Remove-WebBinding -Name 'AutodiscoverRedirect'" in out, out
        assert "Remove-Organization -Identity 'Contoso'" in out, out
        assert "autodiscover.contoso.com" in out


def case_remove_a_hand_written_tenant():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted.toml")
        original = topo.read_text()
        code, out, err = run("tenant", "remove", topo, "--name", "Fabrikam", "--format", "json")
        assert code == 0, err
        j = json.loads(out)
        assert j["schema"] == "certplan.tenant/1" and j["action"] == "remove", j
        assert j["tenant"]["domains"] == ["fabrikam.com", "fabrikam.net"], j["tenant"]
        # Exactly its table (with its end-of-line comments) and the blank line above it go.
        block = original[original.index('\n[[tenant]]\nname    = "Fabrikam"'):]
        assert block.count("\n") == 4, block
        assert topo.read_text() == original[: len(original) - len(block)]
        code, _, err = run("plan", topo)
        assert code in (0, 1, 2), err


def case_domain_option_takes_one_value():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted.toml")
        # TOPOLOGY after --domain is not a domain.
        code, _, err = run("tenant", "add", "--domain", "a.com", topo, "--name", "A")
        assert code == 0, err
        assert topo.read_text().endswith('name = "A"\ndomains = ["a.com"]\n')


def case_unknown_tenant_remove_is_refused():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted.toml")
        original = topo.read_bytes()
        code, out, err = run("tenant", "remove", topo, "--name", "Nobody")
        assert code == 3, (code, err)
        assert out == ""
        assert "no tenant 'Nobody'" in err and "nothing written" in err, err
        assert topo.read_bytes() == original


def case_hosted_san_needs_a_reissue():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted-san.toml")
        original = topo.read_bytes()
        code, out, err = run("tenant", "add", topo, "--name", "Contoso", "--domain", "contoso.com")
        assert code == 0, err
        assert "re-issue" in out, out
        assert "autodiscover.contoso.com" in out
        code, out, err = run("tenant", "remove", topo, "--name", "Contoso", "--format", "json")
        assert code == 0, err
        j = json.loads(out)
        assert j["certificate_change"] is True, j["certificates"]
        assert topo.read_bytes() == original
        code, out, err = run("tenant", "add", topo, "--name", "Contoso", "--domain", "contoso.com",
                             "--format", "json")
        j = json.loads(out)
        assert j["reissue"] is True and j["certificates"], j


def case_refusals_for_the_wrong_model_and_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "consolidated.toml")
        original = topo.read_bytes()
        code, out, err = run("tenant", "add", topo, "--name", "X", "--domain", "x.com")
        assert code == 3 and out == "", (code, out, err)
        assert str(topo) in err and "hosted" in err, err
        assert topo.read_bytes() == original
        hosted = copy_example(tmp, "hosted-san.toml")
        before = hosted.read_bytes()
        for args in (["--name", "X", "--domain", "not_a_host"], ["--name", "", "--domain", "x.com"],
                     ["--name", "X", "--domain", "x.com", "--format", "yaml"], ["--name", "X"]):
            code, out, err = run("tenant", "add", hosted, *args)
            assert code == 3 and out == "", (args, code, out, err)
        assert hosted.read_bytes() == before
        code, _, _ = run("tenant")
        assert code == 3


def case_output_file_gets_the_runbook():
    with tempfile.TemporaryDirectory() as tmp:
        topo = copy_example(tmp, "hosted.toml")
        out_file = pathlib.Path(tmp) / "runbook.md"
        code, out, err = run("tenant", "add", topo, "--name", "Contoso", "--domain", "contoso.com",
                             "--format", "markdown", "-o", out_file)
        assert code == 0, err
        assert out == ""
        text = out_file.read_text()
        assert text.startswith("# Tenant onboarding: Contoso") and "```powershell" in text, text


def main():
    return harness.run_cases(globals(), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
