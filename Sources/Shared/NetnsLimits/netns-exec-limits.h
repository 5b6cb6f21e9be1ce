// The limits netns-exec applies, in one place for every program that must
// agree on them: the launcher (Embedded Swift, through NetnsPolicy and
// NetnsLauncher), netns-jail (its checks of /etc/netns/NAME warn about
// what the launcher would refuse) and the C reference launcher
// (bench/ref-launcher.c). Swift imports each as a constant; plain integer
// literals, so that every compiler reads them the same way.
//
// A launch is refused, never cut short, when one of them is exceeded.
#ifndef NETNS_EXEC_LIMITS_H
#define NETNS_EXEC_LIMITS_H

// A namespace name: [A-Za-z0-9][A-Za-z0-9_.-]{0,63} (NamespaceName).
#define NX_NAMESPACE_NAME_MAX 64

// The policy file, /etc/netns-exec.conf: 256 KiB.
#define NX_POLICY_MAX_BYTES 262144

// /etc/netns/NAME: at most 64 files of at most 64 KiB each. The tmpfs
// layer they are copied into holds exactly that much (64 x 64 KiB).
#define NX_ETC_FILES_MAX 64
#define NX_ETC_FILE_MAX_BYTES 65536

// Entries of the host's /run (or of a directory in it) the jail's own
// /run view binds.
#define NX_RUN_ENTRIES_MAX 1024

// The launcher's /proc/self/mountinfo, read to find every other place the
// host's /run, /proc and /sys are mounted: 1 MiB (about 8,000 mounts).
#define NX_MOUNTINFO_MAX_BYTES 1048576

// The caller's environment as /proc/self/environ gives it: 4 MiB.
#define NX_ENVIRON_MAX_BYTES 4194304

#endif
