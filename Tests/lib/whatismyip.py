#!/usr/bin/python3
"""The "what is my IP" server of the end-to-end topology.

Listens on [::]:PORT (IPv4 too, as ::ffff:a.b.c.d), answers every GET with
the source address of the request, and appends "SOURCE PATH" to LOG, one
line per request, flushed at once so a test can read it while we run.

usage: whatismyip.py PORT LOG
"""
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
LOG = open(sys.argv[2], "a", buffering=1)
LOCK = threading.Lock()


def plain(address):
    # An IPv4 client reaches a dual-stack socket as ::ffff:a.b.c.d.
    return address[7:] if address.startswith("::ffff:") else address


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        source = plain(self.client_address[0])
        with LOCK:
            LOG.write(f"{source} {self.path}\n")
        body = (source + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class DualStackServer(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


DualStackServer(("::", PORT), Handler).serve_forever()
