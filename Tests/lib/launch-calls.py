#!/usr/bin/env python3
"""launch-calls.py TRACE: the system calls of one launch that decide what
it does, from `strace [-f] -o TRACE`, one a line, in a form in which
netns-exec and bench/ref-launcher.c can be compared
(Tests/Integration/80-reference-calls.sh).

From the end of glibc's start-up (rseq) to the exec of the command (or
the end of a refused launch). Kept: every call that opens, mounts,
enters, drops, confines or execs, with its arguments; left out: reads,
writes, stat, close, memory and the like, where the two programs differ
for no reason that matters (the Swift standard library reads in other
sizes; glibc calls fstat as newfstatat in one and fstat in the other).
Descriptor numbers, addresses, numbers, return values and the scratch
directory's name are left out of the arguments; so is syslog's text, which
names the program.
"""
import re
import sys

KEPT = {"open", "openat", "mkdirat", "mount", "umount2", "move_mount", "open_tree", "fsopen", "fsconfig",
        "fsmount", "mount_setattr", "symlinkat", "setns", "unshare", "capset", "capget", "prctl", "setgroups",
        "setresuid", "setresgid", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
        "seccomp", "umask", "socket", "connect", "sendto", "chdir", "fchdir", "fchown", "fchmod",
        "execve", "exit_group"}

try:
    lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
except (IndexError, OSError) as e:
    print(f"launch-calls: {e}", file=sys.stderr)
    sys.exit(2)

started, execs, launcher = False, 0, None
for line in lines:
    # "PID call(...)" under strace -f; "call(...)" when only the launcher
    # itself is traced (80-reference-calls.sh: a first launch forks the
    # jail's session bus, which never exits).
    m = re.match(r"^(?:(\d+)\s+)?([a-z0-9_]+)\((.*)$", line)
    if not m:
        continue
    pid, call, args = m.groups()
    pid = pid or "launcher"
    # The launcher's own process only (it execs the command in place); a
    # refusal's desktop notice runs in a child of its own.
    launcher = launcher or pid
    if pid != launcher:
        continue
    args = re.sub(r"\s*<unfinished \.\.\.>$", "", args)
    if call == "execve":
        execs += 1
        if execs == 1:
            continue  # the launcher's own
    if call == "rseq":
        started = True
        continue
    if not started or call not in KEPT:
        continue
    args = re.sub(r"\)\s+=\s.*$", "", args)
    args = re.sub(r"/var/tmp/[^/\"]+", "SCRATCH", args)
    args = re.sub(r"0x[0-9a-f]+", "X", args)
    args = re.sub(r"\b\d+\b", "N", args)
    if call in ("sendto", "execve"):
        args = ""  # syslog's text names the program; the command is the test's
    print(f"{call} {args}".rstrip())
    if call == "execve":
        break
