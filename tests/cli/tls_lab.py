"""TLS fixtures the live tests share: certificates made by openssl (never by the code under
test), servers started on 127.0.0.1 high ports (openssl s_server, nginx from Debian's package),
and openssl s_client as the oracle a verdict is compared with.

    c = served_chain(d, sans=["mail.contoso.com"])        # root -> inter -> leaf
    with nginx(d, [Vhost(c["leaf"], c["leaf.key"], chain=c["inter"])]) as port: ...
    ok, why = oracle(port, "mail.contoso.com", c["root"])
"""
import contextlib
import dataclasses
import datetime
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _wait_for_port(port, proc, what, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


def serve(args, port):
    """Starts a server and waits (up to 10 s) until its port accepts connections."""
    p = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_port(port, p, args[0])
    return p


def _openssl(*args):
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def served_chain(d, inter_days=1825, leaf_days=90, name="mail.contoso.com", sans=None, prefix=""):
    """root -> inter -> leaf (SANs `sans`, default [name]; CN `name`), openssl-made; returns the
    paths by name. `prefix` keeps several chains apart in one folder."""
    d = pathlib.Path(d)
    sans = sans or [name]
    (d / f"{prefix}ca.ext").write_text("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
    (d / f"{prefix}leaf.ext").write_text("basicConstraints=CA:FALSE\nsubjectAltName=" +
                                         ",".join(f"DNS:{n}" for n in sans) + "\nextendedKeyUsage=serverAuth\n")
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
             d / f"{prefix}root.key", "-out", d / f"{prefix}root.pem", "-days", "3650", "-subj",
             f"/CN=Contoso Test Root{prefix and ' ' + prefix}", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
             "keyUsage=critical,keyCertSign,cRLSign")
    for n, issuer, days, ext in (("inter", "root", inter_days, "ca.ext"), ("leaf", "inter", leaf_days, "leaf.ext")):
        _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                 d / f"{prefix}{n}.key", "-out", d / f"{prefix}{n}.csr", "-subj",
                 f"/CN=Contoso {n}{prefix and ' ' + prefix}" if n == "inter" else f"/CN={name}")
        _openssl("x509", "-req", "-in", d / f"{prefix}{n}.csr", "-CA", d / f"{prefix}{issuer}.pem", "-CAkey",
                 d / f"{prefix}{issuer}.key", "-CAcreateserial", "-days", days, "-extfile", d / f"{prefix}{ext}",
                 "-out", d / f"{prefix}{n}.pem")
    paths = {n: d / f"{prefix}{n}.pem" for n in ("root", "inter", "leaf")} | {"leaf.key": d / f"{prefix}leaf.key"}
    fullchain = d / f"{prefix}fullchain.pem"
    fullchain.write_text(paths["leaf"].read_text() + paths["inter"].read_text())
    return paths | {"fullchain": fullchain}


def self_signed(d, name, days=90):
    d = pathlib.Path(d)
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
             d / f"{name}.key", "-out", d / f"{name}.pem", "-days", days, "-subj", f"/CN={name}", "-addext",
             f"subjectAltName=DNS:{name}", "-addext", "extendedKeyUsage=serverAuth")
    return d / f"{name}.pem", d / f"{name}.key"


def s_server(cert, key, chain=None):
    port = free_port()
    args = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", cert, "-key", key, "-www", "-quiet"]
    if chain:
        args += ["-cert_chain", chain]
    return serve(args, port), port


def unix_time(date):
    """'YYYY-MM-DD' (UTC midnight) as a Unix time, for openssl's -attime."""
    return int(datetime.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc).timestamp())


def oracle(port, name, cafile, at_date=None, sni=True, starttls=None):
    """openssl s_client's verdict on the same server: (accepted, why). `sni=False` connects as a
    client without SNI does (-noservername), still checking the certificate for `name`."""
    args = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-verify_hostname", name, "-CAfile", str(cafile),
            "-verify_return_error"]
    args += ["-servername", name] if sni else ["-noservername"]
    if starttls:
        args += ["-starttls", starttls]
    if at_date:
        args += ["-attime", str(unix_time(at_date))]
    # errors="replace": s_client can echo bytes of the peer that are not UTF-8.
    p = subprocess.run(args, input="", capture_output=True, text=True, errors="replace", timeout=30)
    return p.returncode == 0, p.stdout + p.stderr


def fingerprint(cert):
    """openssl's SHA-256 fingerprint of a PEM certificate, as certplan prints it (AB:CD:...)."""
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"], check=True,
                         capture_output=True, text=True).stdout
    return out.strip().split("=", 1)[1]


@dataclasses.dataclass
class Vhost:
    """One nginx server block: the certificate, its key, the intermediates sent after it, and
    the names it answers (none: the port's default server, what a client without SNI gets)."""
    cert: pathlib.Path
    key: pathlib.Path
    chain: pathlib.Path = None
    names: list = dataclasses.field(default_factory=list)


@contextlib.contextmanager
def nginx(d, vhosts, protocols="TLSv1.2 TLSv1.3", ports=1):
    """Debian's nginx in the foreground on 127.0.0.1 high ports with the given virtual hosts
    (the first is each port's default server), TLS limited to `protocols`; yields the port, or
    the list of them when `ports` > 1 (the bench's 100 endpoints). Its prefix, pid, logs and
    temp paths stay in a folder of its own; nothing of the system's is used."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not pathlib.Path(exe).exists():
        raise AssertionError("nginx is not installed: run scripts/setup-debian.sh (nginx-light)")
    prefix = pathlib.Path(tempfile.mkdtemp(prefix="certplan-nginx-", dir=d))
    chosen = []
    while len(chosen) < ports:
        p = free_port()
        if p not in chosen:
            chosen.append(p)
    blocks = []
    for i, v in enumerate(vhosts):
        served = prefix / f"served{i}.pem"
        served.write_text(pathlib.Path(v.cert).read_text() + (pathlib.Path(v.chain).read_text() if v.chain else ""))
        names = " ".join(v.names) if v.names else '""'
        listens = "\n".join(f"    listen 127.0.0.1:{p} ssl{' default_server' if i == 0 else ''};" for p in chosen)
        blocks.append(f"""  server {{
{listens}
    server_name {names};
    ssl_protocols {protocols};
    ssl_certificate {served};
    ssl_certificate_key {v.key};
    return 200 "ok\\n";
  }}""")
    temp = "\n".join(f"  {k}_temp_path {prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = prefix / "nginx.conf"
    conf.write_text(f"""daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
{temp}
{chr(10).join(blocks)}
}}
""")
    proc = subprocess.Popen([exe, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        try:
            _wait_for_port(chosen[-1], proc, "nginx")
        except AssertionError as e:
            log = (prefix / "error.log").read_text(errors="replace") if (prefix / "error.log").exists() else ""
            raise AssertionError(f"{e}\n{log}\n{proc.stderr.read().decode(errors='replace') if proc.poll() is not None else ''}")
        yield chosen[0] if ports == 1 else chosen
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
