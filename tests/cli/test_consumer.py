#!/usr/bin/env python3
"""libcertplan as a library (issue 17): `meson install` into a staging folder, a small program
(tests/consumer/consumer.cpp) compiled against the installed tree with nothing but
`pkg-config --cflags --libs certplan`, run against the installed shared library, and its plan
compared with the certplan binary's JSON.

usage: test_consumer.py CERTPLAN SOURCE_ROOT BUILD_ROOT [CASE...]
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
BUILD = pathlib.Path(sys.argv[3]).resolve()


def sh(*args, **kw):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kw)
    assert p.returncode == 0, (args, p.stdout[-2000:], p.stderr[-2000:])
    return p.stdout


def case_installed_library_builds_and_runs_a_consumer():
    with tempfile.TemporaryDirectory() as d:
        stage = pathlib.Path(d) / "stage"
        sh("meson", "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir", stage)
        [pc] = list(stage.rglob("certplan.pc"))
        # Only the public headers are installed, and the configured version header with them.
        [incdir] = [p for p in stage.rglob("include/certplan") if p.is_dir()]
        public = {p.name for p in (ROOT / "include" / "certplan").glob("*.hpp")} | {"version.hpp"}
        assert {p.name for p in incdir.iterdir()} == public, sorted(p.name for p in incdir.iterdir())
        [so] = [p for p in stage.rglob("libcertplan.so.*") if not p.is_symlink()]
        dynamic = sh("readelf", "-d", so)
        assert "Library soname: [libcertplan.so.0]" in dynamic, dynamic
        assert list(stage.rglob("libcertplan.a")), "the static library is installed too"
        # certplan.pc names its private dependencies (Botan 3 among them, for static linking), so
        # pkg-config must find theirs: Botan's is in scripts/botan-env.sh's cache on Debian 12.
        cache = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache"))
        search = [str(pc.parent), str(cache / "certplan" / "botan-3.7.1" / "lib" / "pkgconfig")]
        search += [os.environ["PKG_CONFIG_PATH"]] if os.environ.get("PKG_CONFIG_PATH") else []
        env = dict(os.environ, PKG_CONFIG_PATH=":".join(search), PKG_CONFIG_SYSROOT_DIR=str(stage))
        flags = sh("pkg-config", "--cflags", "--libs", "certplan", env=env).split()
        assert any(f.startswith("-I") and str(stage) in f for f in flags), flags
        prog = pathlib.Path(d) / "consumer"
        sh(os.environ.get("CXX", "c++"), "-std=c++20", ROOT / "tests" / "consumer" / "consumer.cpp", "-o", prog, *flags)
        run_env = dict(os.environ, LD_LIBRARY_PATH=str(so.parent))
        assert str(so.parent) in sh("ldd", prog, env=run_env), "the consumer must bind the installed libcertplan.so"
        version = sh(EXE, "--version").strip()
        for example in sorted((ROOT / "examples").glob("*.toml")):
            out = sh(prog, example, env=run_env).splitlines()
            # plan exits 1 or 2 when it has warnings to read: the JSON is what counts here.
            plan = json.loads(subprocess.run([str(EXE), "plan", str(example), "--format", "json"], capture_output=True,
                                             text=True, timeout=120).stdout)
            want = [version] + [f"{c['id']} CN={c['subject']['cn']}" + "".join(f" {s}" for s in c["sans"])
                                for c in plan["certificates"]]
            assert out == want, (example.name, out, want)


def main():
    return harness.run_cases(globals(), sys.argv[4:])


if __name__ == "__main__":
    sys.exit(main())
