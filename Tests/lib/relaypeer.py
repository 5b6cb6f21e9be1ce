#!/usr/bin/env python3
"""Peers for the relay suite (Tests/EndToEnd/50-relays.sh). Loopback only;
every wait is bounded.

  relaypeer.py serve-count ADDR PORT
      A threaded TCP server: reads each connection to its end of data, then
      answers "got N" and closes. Shows that a half-close crosses the relay
      and that more than one buffer's worth of data goes through.
  relaypeer.py send-count ADDR PORT N       (ADDR may be unix:PATH)
      Sends N bytes, shuts down its sending side, prints the answer.
  relaypeer.py resets ADDR PORT COUNT
      COUNT connections, each closed with a reset (SO_LINGER 0) after a few
      bytes; prints how many connected.
  relaypeer.py hold ADDR PORT COUNT SECONDS
      Opens COUNT connections at once, holds them SECONDS, prints how many
      the kernel accepted (connected) in that time.
"""
import socket
import struct
import sys
import threading
import time


def connect(addr, port, timeout=5):
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr[5:])
        return s
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((addr, int(port)))
    return s


def serve_count(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, int(port)))
    srv.listen(512)

    def handle(conn):
        conn.settimeout(30)
        total = 0
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                total += len(data)
            conn.sendall(b"got %d\n" % total)
        except OSError:
            pass
        finally:
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def send_count(addr, port, n):
    s = connect(addr, port, timeout=10)
    chunk = b"x" * 65536
    left = int(n)
    while left > 0:
        sent = s.send(chunk[: min(left, len(chunk))])
        left -= sent
    s.shutdown(socket.SHUT_WR)
    answer = b""
    while True:
        data = s.recv(4096)
        if not data:
            break
        answer += data
    print(answer.decode().strip())


def resets(addr, port, count):
    ok = 0
    for _ in range(int(count)):
        try:
            s = connect(addr, port, timeout=2)
            s.send(b"GET / HTTP/1.1\r\n")
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
            ok += 1
        except OSError:
            pass
    print(ok)


def hold(addr, port, count, seconds):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    socks = []
    for _ in range(int(count)):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect((addr, int(port)))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            continue
        socks.append(s)
    time.sleep(float(seconds))
    connected = 0
    for s in socks:
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            try:
                s.getpeername()
                connected += 1
            except OSError:
                pass
        s.close()
    print(connected)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"serve-count": serve_count, "send-count": send_count, "resets": resets, "hold": hold}[mode](*args)
