"""Moves things across directories the way desktop programs do, and prints
one NAME=ok|ERRNO line per step.

qBittorrent makes its IPC socket under a temporary name and renames it into
its profile; download managers rename part files into the download folder.
Under a Landlock ruleset that handles a filesystem right without granting
LANDLOCK_ACCESS_FS_REFER, each of these fails with EXDEV.

usage: crossdir.py [--old-ruleset] DIR
  --old-ruleset  first put ourselves in the ruleset netns-exec used before
                 (handles MAKE_BLOCK only): the control that shows the EXDEV.
"""
import ctypes
import errno
import os
import socket
import sys

SYS_CREATE_RULESET, SYS_RESTRICT_SELF = 444, 446  # x86_64 and aarch64 alike
PR_SET_NO_NEW_PRIVS = 38
ACCESS_FS_MAKE_BLOCK = 1 << 11


def enter_old_ruleset():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    attr = ctypes.c_uint64(ACCESS_FS_MAKE_BLOCK)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        sys.exit("prctl: " + os.strerror(ctypes.get_errno()))
    fd = libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if fd < 0 or libc.syscall(SYS_RESTRICT_SELF, fd, 0) != 0:
        sys.exit("landlock: " + os.strerror(ctypes.get_errno()))


def attempt(name, step):
    try:
        step()
        print(name + "=ok")
    except OSError as e:
        print(name + "=" + errno.errorcode.get(e.errno, str(e.errno)))


def main():
    args = sys.argv[1:]
    if args and args[0] == "--old-ruleset":
        enter_old_ruleset()
        args = args[1:]
    base = args[0]
    a, b = os.path.join(base, "a"), os.path.join(base, "b")
    os.makedirs(a)
    os.makedirs(b)
    for name in ("f", "h"):
        with open(os.path.join(a, name), "w") as f:
            f.write("x")
    attempt("rename", lambda: os.rename(os.path.join(a, "f"), os.path.join(b, "f")))
    attempt("link", lambda: os.link(os.path.join(a, "h"), os.path.join(b, "h")))
    server = socket.socket(socket.AF_UNIX)
    server.bind(os.path.join(a, "ipc-socket.tmp"))
    server.listen(1)
    attempt("socket-rename", lambda: os.rename(os.path.join(a, "ipc-socket.tmp"),
                                               os.path.join(b, "ipc-socket")))
    client = socket.socket(socket.AF_UNIX)
    attempt("socket-connect", lambda: client.connect(os.path.join(b, "ipc-socket")))


main()
