#!/usr/bin/env python3
"""Benchmark: how `certplan plan` scales with the number of hosted tenants.

usage: bench/plan_scale.py CERTPLAN [N ...]      (default N: 1000 10000 100000)

For each N and each autodiscover option (redirect, srv, san with max_names = 100) it
writes a hosted topology with N tenants of two domains each, runs `certplan plan --format
json` (stdout discarded) a few times and prints the best wall time, the time per tenant
and the plan's size. Linear scaling shows as a flat "us/tenant" column. Run on demand,
never from the test suite (timed unit tests are flaky by nature).
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import time

HEAD = """schema = 1
[organization]
name = "HostingCompany"
exchange = "2019"
model = "hosted"
[[forest]]
name = "provider"
smtp_domains = ["provider.com"]
[[site]]
name = "DC1"
namespace = "mail.provider.com"
  [[site.server]]
  name = "EX01"
  fqdn = "ex01.provider.com"
  ip = "192.0.2.10"
  secondary_ip = "192.0.2.11"
[clients]
supported = ["outlook-2016", "owa-browser", "ios-mail", "android-eas"]
[certificates]
max_names = 100
[hosting]
provider_domain = "provider.com"
autodiscover = "{method}"
webmail_redirect_host = "webmailredirect.provider.com"
"""


def topology(n: int, method: str) -> str:
    parts = [HEAD.format(method=method)]
    for i in range(n):
        parts.append(f'[[tenant]]\nname = "Tenant{i}"\ndomains = ["tenant{i}.com", "tenant{i}.net"]\n'
                     f'webmail = "webmail.tenant{i}.com"\n')
    return "".join(parts)


def main() -> int:
    exe = pathlib.Path(sys.argv[1]).resolve()
    sizes = [int(x) for x in sys.argv[2:]] or [1000, 10000, 100000]
    print(f"{'tenants':>8} {'method':>8} {'best s':>8} {'us/tenant':>10} {'certs':>6} {'dns':>8} {'json MB':>8}")
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            for method in ("redirect", "srv", "san"):
                path = pathlib.Path(d) / f"hosted-{n}-{method}.toml"
                path.write_text(topology(n, method))
                best = float("inf")
                out_path = pathlib.Path(d) / "plan.json"
                for _ in range(3 if n <= 10000 else 1):
                    t0 = time.perf_counter()
                    # -o: the output goes to a file, so no pipe or Python parsing is timed.
                    p = subprocess.run([str(exe), "plan", str(path), "--format", "json", "-o", str(out_path)],
                                       capture_output=True)
                    best = min(best, time.perf_counter() - t0)
                    if p.returncode not in (0, 1, 2):
                        print(p.stderr.decode(), file=sys.stderr)
                        return 1
                size = out_path.stat().st_size
                with open(out_path, "rb") as fh:  # "summary" is the document's last key
                    fh.seek(max(0, size - 4096))
                    tail = fh.read().decode()
                summary = json.loads(tail[tail.rindex('"summary"') + 10:].rstrip().rstrip("}"))
                print(f"{n:>8} {method:>8} {best:>8.3f} {best / n * 1e6:>10.1f} {summary['certificates']:>6} "
                      f"{summary['dns_records']:>8} {size / 1e6:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
