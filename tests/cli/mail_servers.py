"""Real dovecot (IMAP, POP3) and postfix (SMTP) for the live STARTTLS tests, from Debian's packages.

Each runs in the foreground from a configuration generated in its own temporary directory, on
127.0.0.1 and the ports it is given, and presents the certificate and key it is given. Queue,
state, sockets and logs stay in that directory: nothing under /etc or /var is written, and no
system service is involved.

    with dovecot(cert, key, imap_port, pop3_port): ...
    with postfix(cert, key, smtp_port): ...

Both yield a Server (its log path); on leaving, the whole process group is stopped, also when
the body raised, and then the server's log is printed so a failure explains itself.
"""
import contextlib
import dataclasses
import grp
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import harness

POSTFIX_MASTER = "/usr/lib/postfix/sbin/master"


@dataclasses.dataclass
class Server:
    name: str
    directory: pathlib.Path
    log: pathlib.Path


def _log_tail(path, lines=40):
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_for_greeting(proc, port, server, timeout=15):
    # A greeting, not merely an accepted connection: the master accepts before its login
    # processes have their configuration, and stopping it then leaves them blocked for seconds.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{server.name} exited with {proc.returncode} before greeting on {port}:\n"
                                 f"{_log_tail(server.log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.settimeout(2)  # short, so a server that died meanwhile is noticed
                if s.makefile("rb").readline().endswith(b"\n"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{server.name} did not greet on 127.0.0.1:{port} within {timeout} s:\n{_log_tail(server.log)}")


def _stop(proc):
    # The whole group, not only the master: dovecot's master waits up to 6 s for children that
    # are still starting up, and postfix's master signals its group itself anyway.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@contextlib.contextmanager
def _running(server, argv, ports, **popen):
    with open(server.directory / "stderr.log", "wb") as stderr:
        # Own session: postfix's master answers SIGTERM by signalling its whole process group,
        # which without this would be the test runner's.
        proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=stderr, start_new_session=True, **popen)
    body_failed = False
    try:
        for port in ports:
            _wait_for_greeting(proc, port, server)
        try:
            yield server
        except BaseException:
            body_failed = True
            raise
    finally:
        _stop(proc)
        if body_failed:  # after the stop, so the log is complete
            print(f"--- {server.name} log ({server.log}):\n{_log_tail(server.log)}\n"
                  f"--- {server.name} stderr:\n{_log_tail(server.directory / 'stderr.log')}")


def _account(root_user):
    """The account a server runs as: its package's unprivileged user under root, else ourselves."""
    if os.geteuid() == 0:
        pw = pwd.getpwnam(root_user)
    else:
        pw = pwd.getpwuid(os.getuid())
    return pw.pw_name, grp.getgrgid(pw.pw_gid).gr_name, pw.pw_uid, pw.pw_gid


def _private_dir(prefix):
    # Its own directory under the system temp dir, not inside the test's: an unprivileged server
    # must be able to reach it, and the test's own temporary directory is mode 0700.
    d = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


def _copy_pem(src, dst, uid, gid, mode):
    shutil.copyfile(src, dst)
    os.chmod(dst, mode)
    os.chown(dst, uid, gid)
    return dst


@contextlib.contextmanager
def dovecot(cert, key, imap_port, pop3_port):
    """dovecot -F with imap and pop3 on plain ports that offer STARTTLS / STLS, and no logins."""
    if shutil.which("dovecot") is None:
        raise AssertionError("dovecot is not installed: run scripts/setup-debian.sh (dovecot-imapd, dovecot-pop3d)")
    user, group, uid, gid = _account("dovecot")
    d = _private_dir("certplan-dovecot-")
    try:
        for sub in ("run", "state"):
            (d / sub).mkdir()
        (d / "users").write_text("")  # passwd-file with no one in it: every login fails
        _copy_pem(cert, d / "cert.pem", uid, gid, 0o644)
        _copy_pem(key, d / "key.pem", uid, gid, 0o600)
        conf = d / "dovecot.conf"
        # Every account setting names the one unprivileged user, and no service chroots: that is
        # what lets dovecot run without root at all (and as that user when the test is root).
        conf.write_text(f"""\
protocols = imap pop3
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
# Without a stats process to answer, each login process waits 5 s for one at shutdown.
stats_writer_socket_path =
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
passdb {{
  driver = passwd-file
  args = {d}/users
}}
userdb {{
  driver = passwd-file
  args = {d}/users
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3_port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
""")
        for p in [d, *d.rglob("*")]:
            os.chown(p, uid, gid)
        server = Server("dovecot", d, d / "dovecot.log")
        drop = {"user": uid, "group": gid, "extra_groups": []} if os.geteuid() == 0 else {}
        with _running(server, ["dovecot", "-F", "-c", conf], [imap_port, pop3_port], **drop) as s:
            yield s
    finally:
        shutil.rmtree(d, ignore_errors=True)


@contextlib.contextmanager
def postfix(cert, key, smtp_port):
    """postfix's master in the foreground (-d) with one smtpd on 127.0.0.1:smtp_port, TLS "may"."""
    if not os.path.exists(POSTFIX_MASTER):
        raise AssertionError("postfix is not installed: run scripts/setup-debian.sh")
    if os.geteuid() != 0:
        # master(8) exits at once with "the master command is reserved for the superuser";
        # there is no unprivileged mode. CI runs as root.
        raise harness.Skip("postfix's master runs only as root; this test needs root")
    # master stays root (it must); smtpd, the only process a client talks to, runs as mail_owner.
    _, _, uid, _ = _account("postfix")
    d = _private_dir("certplan-postfix-")
    try:
        # What `postfix start` would create with post-install: queue directories for the pid
        # file and for the sockets of the unprivileged services, a data directory for the lock.
        for sub, owner, mode in (("queue", 0, 0o755), ("queue/pid", 0, 0o755), ("queue/private", uid, 0o700),
                                 ("queue/public", uid, 0o710), ("data", uid, 0o700)):
            (d / sub).mkdir()
            os.chown(d / sub, owner, 0)
            (d / sub).chmod(mode)
        # Root-only key, as in /etc/ssl/private: smtpd reads it before dropping privileges.
        _copy_pem(cert, d / "cert.pem", 0, 0, 0o644)
        _copy_pem(key, d / "key.pem", 0, 0, 0o600)
        (d / "main.cf").write_text(f"""\
compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
myhostname = certplan-test.invalid
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
smtpd_tls_cert_file = {d}/cert.pem
smtpd_tls_key_file = {d}/key.pem
smtpd_tls_security_level = may
""")
        # No chroot (a private queue directory has no copy of /etc and libraries in it); the
        # "-" in the unprivileged column makes each of these setuid to mail_owner.
        (d / "master.cf").write_text(f"""\
127.0.0.1:{smtp_port} inet n - n - - smtpd
anvil     unix       -  - n - 1 anvil
tlsmgr    unix       -  - n 1000? 1 tlsmgr
postlog   unix-dgram n  - n - 1 postlogd
""")
        # Postfix will not read a table changed within the last second or two (it may still be
        # being edited) and polls until it has aged: backdating saves those seconds.
        past = time.time() - 60
        for cf in ("main.cf", "master.cf"):
            os.utime(d / cf, (past, past))
        server = Server("postfix", d, d / "postfix.log")
        # master -d is what `postfix start-fg` ends in, without postfix-script's checks first:
        # they take a second and warn about the ownership of a queue directory like this one.
        with _running(server, [POSTFIX_MASTER, "-c", d, "-d"], [smtp_port]) as s:
            yield s
    finally:
        shutil.rmtree(d, ignore_errors=True)
