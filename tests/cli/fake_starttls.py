#!/usr/bin/env python3
"""A minimal STARTTLS server for tests: greets, answers the STARTTLS exchange of SMTP,
IMAP or POP3 as RFC 3207 / RFC 2595 describe, then does a real TLS handshake (Python's ssl).

usage: fake_starttls.py smtp|imap|pop3 PORT CERT KEY     (prints "ready" once listening)
"""
import socket
import ssl
import sys

proto, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(8)
print("ready", flush=True)
while True:
    conn, _ = srv.accept()
    f = conn.makefile("rb")
    try:
        if proto == "smtp":
            conn.sendall(b"220 fake ESMTP\r\n")
            f.readline()  # EHLO
            conn.sendall(b"250-fake\r\n250 STARTTLS\r\n")
            f.readline()  # STARTTLS
            conn.sendall(b"220 go ahead\r\n")
        elif proto == "imap":
            conn.sendall(b"* OK fake IMAP4rev1\r\n")
            f.readline()  # a1 STARTTLS
            conn.sendall(b"a1 OK begin TLS\r\n")
        else:
            conn.sendall(b"+OK fake POP3\r\n")
            f.readline()  # STLS
            conn.sendall(b"+OK begin TLS\r\n")
        tls = ctx.wrap_socket(conn, server_side=True)
        tls.close()
    except (OSError, ssl.SSLError):
        conn.close()
