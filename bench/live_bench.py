#!/usr/bin/env python3
"""Benchmark: 100 live endpoints, certplan against its peers in the same run (issue 14).

usage: bench/live_bench.py CERTPLAN [-n ENDPOINTS] [-r ROUNDS]     (defaults: 100, 3)

One nginx (Debian's package) listens on ENDPOINTS loopback ports with one chain
(root -> inter -> leaf for mail.contoso.com). Each round runs, alternately:

  certplan expiry   every endpoint in one command, name and chain verified (--trust), --jobs 16
  certplan expiry   the same with --jobs 1 (one probe at a time, as the loops below)
  openssl s_client  a shell loop, one process per endpoint, -verify_hostname -CAfile
  check_ssl_cert    the Nagios plugin (monitoring-plugins-contrib, which needs `host` from
                    bind9-host), one run per endpoint
  certplan audit    --live on a regional topology of ENDPOINTS sites (mailN.contoso.com), every
                    name --connect-to its own port

and prints the median and range of each, and the ratios to certplan expiry --jobs 16. Every
tool must accept every endpoint (exit 0) or the bench stops: a fast wrong answer is no answer.
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "cli"))
import tls_lab  # noqa: E402

CHECK_SSL_CERT = "/usr/lib/nagios/plugins/check_ssl_cert"


def timed(cmd, **kw):
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit(f"{cmd[0] if isinstance(cmd, list) else cmd}: exit {p.returncode}\n{p.stdout[-800:]}\n{p.stderr[-800:]}")
    return elapsed


def main():
    args = sys.argv[1:]
    n, rounds = 100, 3
    for flag in ("-n", "-r"):
        if flag in args:
            i = args.index(flag)
            value = int(args[i + 1])
            del args[i:i + 2]
            n, rounds = (value, rounds) if flag == "-n" else (n, value)
    if len(args) != 1:
        raise SystemExit(__doc__)
    certplan = str(pathlib.Path(args[0]).resolve())
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        c = tls_lab.served_chain(d, sans=["mail.contoso.com", "autodiscover.contoso.com"] + [f"mail{i}.contoso.com" for i in range(n)])
        with tls_lab.nginx(d, [tls_lab.Vhost(c["leaf"], c["leaf.key"], c["inter"])], ports=n) as ports:
            targets = [f"127.0.0.1:{p}" for p in ports]
            root = c["root"]
            loop = d / "s_client_loop.sh"
            loop.write_text("set -e\nfor p in " + " ".join(map(str, ports)) + "; do\n"
                            f"  openssl s_client -connect 127.0.0.1:$p -servername mail.contoso.com "
                            f"-verify_hostname mail.contoso.com -CAfile {root} -verify_return_error </dev/null "
                            ">/dev/null 2>&1\ndone\n")
            check_loop = d / "check_ssl_cert_loop.sh"
            check_loop.write_text("set -e\nfor p in " + " ".join(map(str, ports)) + "; do\n"
                                  f"  {CHECK_SSL_CERT} -H 127.0.0.1 -p $p --sni mail.contoso.com -m mail.contoso.com "
                                  f"--rootcert-file {root} --ignore-ocsp --ignore-sct -w 10 -c 5 "
                                  ">/dev/null 2>&1\ndone\n")
            # A regional topology of n sites, one namespace each: n planned HTTPS endpoints.
            topo = d / "regional.toml"
            sites = "\n".join(f'[[site]]\nname = "S{i}"\nnamespace = "mail{i}.contoso.com"\n' for i in range(n))
            topo.write_text(f"""schema = 1
[organization]
name = "Contoso"
exchange = "2019"
model = "regional"
[[forest]]
name = "contoso"
smtp_domains = ["contoso.com"]
{sites}
[clients]
supported = ["outlook-2016"]
""")
            connect = []
            for i, p in enumerate(ports):
                connect += ["--connect-to", f"mail{i}.contoso.com:443:127.0.0.1:{p}"]
            connect += ["--connect-to", f"::127.0.0.1:{ports[0]}"]
            runs = {
                "certplan expiry --jobs 16": [certplan, "expiry", *targets, "--sni", "mail.contoso.com", "--trust",
                                              str(root), "--format", "json", "--jobs", "16"],
                "certplan expiry --jobs 1": [certplan, "expiry", *targets, "--sni", "mail.contoso.com", "--trust",
                                             str(root), "--format", "json", "--jobs", "1"],
                "openssl s_client loop": ["sh", str(loop)],
            }
            if os.access(CHECK_SSL_CERT, os.X_OK):
                runs["check_ssl_cert loop"] = ["sh", str(check_loop)]
            else:
                print(f"({CHECK_SSL_CERT} not installed: apt-get install monitoring-plugins-contrib)")
            runs["certplan audit --live"] = [certplan, "audit", str(topo), "--live", "--trust", str(root),
                                                      "--format", "json", *connect]
            # The topology must really give n webmail endpoints and audit must accept them all.
            out = subprocess.run(runs["certplan audit --live"], capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"audit --live: exit {out.returncode}\n{out.stdout[-1500:]}\n{out.stderr[-800:]}")
            probed = {r["endpoint"] for r in json.loads(out.stdout)["results"] if r["status"] == "ok"}
            if len(probed) != n + 1:  # the n sites' names and autodiscover
                raise SystemExit(f"audit --live judged {len(probed)} endpoints ok, not {n + 1}")
            times = {k: [] for k in runs}
            for _ in range(rounds):
                for k, cmd in runs.items():
                    times[k].append(timed(cmd))
            base = statistics.median(times["certplan expiry --jobs 16"])
            print(f"{n} live endpoints (TLS 1.3, name and chain verified), {rounds} rounds, alternated")
            for k, t in times.items():
                med = statistics.median(t)
                print(f"  {k:34s} median {med:7.3f} s  range {min(t):.3f}-{max(t):.3f}  "
                      f"{med / base:6.2f}x certplan expiry --jobs 16")


if __name__ == "__main__":
    main()
