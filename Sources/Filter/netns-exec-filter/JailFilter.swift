import CSeccomp
import Glibc

/// The jail's seccomp rules. This program runs at build time; the launcher
/// loads the BPF made of them last before execve (after it, the launcher
/// makes no call the filter has to allow; this is bubblewrap's rule).
///
/// The default is allow: the jail is a network boundary, not a general
/// sandbox, and a deny-list of the ways *out* keeps ordinary programs
/// working. The allow covers the calls that were reviewed; a number above
/// them, a call of a newer kernel, gets ENOSYS (UnknownCalls.swift). Each rule fails the call with an errno instead of killing the
/// process, so a program sees an ordinary error. Every rule is installed
/// for every ABI this kernel runs: on x86_64 that is x86_64, i386 and x32,
/// because a 64-bit process can enter the kernel through `int $0x80` or the
/// x32 bit and a filter that knew only x86_64 would not see those calls.
/// Which ABIs are named is decided on the machine that builds the filter;
/// an ABI left out is not open, because libseccomp's default for an
/// architecture the filter does not name is to kill the caller.
/// SECURITY.md lists each rule with its reason.
enum JailFilter {
    /// A libseccomp context holding every rule. The caller exports and
    /// releases it.
    ///
    /// `permitsUserNamespaces` builds the variant for namespaces that allow
    /// user namespaces (the default; the other variant is `userns=deny`), so
    /// that self-sandboxing programs keep their sandbox: `unshare` and
    /// `clone` may then create namespaces, and `chroot` is allowed, which
    /// that sandbox does inside its user namespace. Everything else is the
    /// same; `setns` and every mount call stay refused. Without a user
    /// namespace the kernel itself refuses the other kinds and chroot to a
    /// process without capabilities, so the variant opens exactly the user
    /// namespace and what is done inside it (SECURITY.md).
    static func build(permitsUserNamespaces: Bool = false) throws(FilterError) -> scmp_filter_ctx {
        guard let ctx = seccomp_init(cs_act_allow()) else {
            throw FilterError(call: "seccomp_init", what: nil, errno: ENOMEM)
        }
        do throws(FilterError) {
            // A binary tree of syscall numbers instead of a list: fewer BPF
            // steps for the calls that have rules (ioctl, socket, clone run
            // the filter every time), and for the kernel, which runs the
            // program once per syscall number when it is loaded to find the
            // calls it may allow without running it at all.
            try check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2), "seccomp_attr_set", "optimize")
            try addRules(ctx, permitsUserNamespaces: permitsUserNamespaces)
        } catch {
            seccomp_release(ctx)
            throw error
        }
        return ctx
    }

    static func addRules(_ ctx: scmp_filter_ctx, permitsUserNamespaces: Bool) throws(FilterError) {
        #if arch(x86_64)
        try check(seccomp_arch_add(ctx, cs_arch_x86()), "seccomp_arch_add", "x86")
        try check(seccomp_arch_add(ctx, cs_arch_x32()), "seccomp_arch_add", "x32")
        #elseif arch(arm64)
        // The 32-bit ARM ABI exists only where the CPU supports it.
        let rc = seccomp_arch_add(ctx, cs_arch_arm())
        if rc != 0 && rc != -EINVAL { try check(rc, "seccomp_arch_add", "arm") }
        #endif

        let eperm = cs_act_errno(EPERM)

        // Leaving the network namespace, or building a new one of any kind
        // (a user namespace is how an unprivileged process regains
        // CAP_SYS_ADMIN-like powers, and a large kernel attack surface).
        try rule(ctx, eperm, cs_sys_setns(), "setns")
        if !permitsUserNamespaces {
            for flag in namespaceFlags + [cs_clone_newtime()] {
                try rule(ctx, eperm, cs_sys_unshare(), "unshare", [masked(arg: 0, flag, equals: flag)])
            }
            for flag in namespaceFlags {
                try rule(ctx, eperm, cs_sys_clone(), "clone", [masked(arg: 0, flag, equals: flag)])
            }
        }
        // clone3 passes its flags in memory, where seccomp cannot look.
        // ENOSYS makes the C library fall back to clone, which is checked.
        try rule(ctx, cs_act_errno(ENOSYS), cs_sys_clone3(), "clone3")

        // Pushing input into the user's terminal. The kernel reads the
        // ioctl request as 32 bits but seccomp compares 64, so an exact
        // match would let TIOCSTI | 1 << 32 through: compare the low half.
        try rule(ctx, eperm, cs_sys_ioctl(), "ioctl TIOCSTI", [masked(arg: 1, 0xFFFF_FFFF, equals: cs_tiocsti())])
        try rule(ctx, eperm, cs_sys_ioctl(), "ioctl TIOCLINUX", [masked(arg: 1, 0xFFFF_FFFF, equals: cs_tioclinux())])
        // Reading it. A jailed program in the background is stopped
        // (SIGTTIN) when it reads the terminal, unless it first makes
        // itself the foreground process group: then it gets the next line
        // typed into the user's own shell, a sudo or ssh password. The cost
        // is job control in a jailed interactive shell (bash says "no job
        // control in this shell"; Ctrl-C still works). Switching the line
        // discipline can kill the user's terminal and has no use in the
        // programs people jail.
        try rule(ctx, eperm, cs_sys_ioctl(), "ioctl TIOCSPGRP", [masked(arg: 1, 0xFFFF_FFFF, equals: cs_tiocspgrp())])
        try rule(ctx, eperm, cs_sys_ioctl(), "ioctl TIOCSETD", [masked(arg: 1, 0xFFFF_FFFF, equals: cs_tiocsetd())])

        // Socket families: an allow-list. A network namespace isolates only
        // the families the kernel namespaces; AF_VSOCK, for one, reaches the
        // hypervisor's host from any namespace of a virtual machine, and other
        // families are either not namespaced or rarely used kernel surface
        // (AF_ALG, AF_BLUETOOTH, ...). So only Unix, IPv4, IPv6 and netlink
        // sockets can be made; everything else fails as if the family were
        // not built into the kernel (EAFNOSUPPORT), which programs that probe
        // optional families already handle. socketpair(2) creates its two
        // sockets through the family's own create code before asking the
        // family for a pair (AF_VSOCK's ran, then said EOPNOTSUPP), so its
        // first argument gets the same list.
        for (call, name) in [(cs_sys_socket(), "socket"), (cs_sys_socketpair(), "socketpair")] {
            try denySocketFamilies(ctx, call, name, except: allowedFamilies)
        }
        // io_uring runs its operations inside the kernel, where no seccomp
        // filter sees them: IORING_OP_SOCKET (Linux 5.19) made an AF_VSOCK
        // socket in the jail although the rule above denies socket(2)
        // (Tests/Escape, 10-abis.sh). Without a ring there is no such
        // path. EPERM is what the kernel itself answers when io_uring is
        // disabled by sysctl, so programs already fall back to epoll.
        try rule(ctx, eperm, cs_sys_io_uring_setup(), "io_uring_setup")
        // A ring made outside the jail can still be handed in (inherited,
        // or passed over a Unix socket). Submitting to it, or registering
        // files and buffers with it, goes through these two calls; refusing
        // them leaves such a ring unusable except for a kernel-polled
        // (SQPOLL) ring while its poller is awake (SECURITY.md, "The seccomp
        // filter", io_uring_enter).
        try rule(ctx, eperm, cs_sys_io_uring_enter(), "io_uring_enter")
        try rule(ctx, eperm, cs_sys_io_uring_register(), "io_uring_register")

        // The kernel's key retention service. Keyrings are not namespaced,
        // and request_key(2) makes the kernel run a helper as root in the
        // initial namespaces: with keyutils installed, a jailed
        // `keyctl request2 dns_resolver NAME` had the host resolve NAME
        // through its own uplink and hand the answer into the jail. The
        // user's session keyring is also shared with the programs outside.
        // Docker's and flatpak's default filters refuse these calls too.
        for (call, name) in [(cs_sys_add_key(), "add_key"), (cs_sys_request_key(), "request_key"),
                             (cs_sys_keyctl(), "keyctl")] {
            try rule(ctx, eperm, call, name)
        }

        // Setting a resource limit on another process. The user's
        // processes outside share the program's uid, which is all the
        // kernel asks for, and Landlock does not cover it: RLIMIT_CPU set
        // on one made the kernel kill it. setrlimit(2) in glibc and every
        // program's own limits use pid 0, and reading another process's
        // limits (new_limit NULL) stays allowed. Any nonzero bit in the pid
        // is refused, so no upper-bit pattern reaches another process.
        try rule(ctx, eperm, cs_sys_prlimit64(), "prlimit64 on another process",
                 [scmp_arg_cmp(arg: 0, op: SCMP_CMP_NE, datum_a: 0, datum_b: 0),
                  scmp_arg_cmp(arg: 2, op: SCMP_CMP_NE, datum_a: 0, datum_b: 0)])

        // The other calls that name a process by PID and ask only for the
        // same uid: the scheduling policy, CPU affinity, nice value and I/O
        // priority of the user's processes outside. Only the caller itself
        // (pid or who 0) stays allowed; a process group or a user as the
        // target of setpriority or ioprio_set would reach outside processes
        // too (a jailed command's pipeline partners share its group). Cost:
        // setting these for another thread by its id fails (SECURITY.md).
        let notSelf = scmp_arg_cmp(arg: 0, op: SCMP_CMP_NE, datum_a: 0, datum_b: 0)
        for (call, name) in [(cs_sys_sched_setaffinity(), "sched_setaffinity"),
                             (cs_sys_sched_setscheduler(), "sched_setscheduler"),
                             (cs_sys_sched_setparam(), "sched_setparam"),
                             (cs_sys_sched_setattr(), "sched_setattr")] {
            try rule(ctx, eperm, call, name + " on another process", [notSelf])
        }
        let notSelfWho = scmp_arg_cmp(arg: 1, op: SCMP_CMP_NE, datum_a: 0, datum_b: 0)
        try rule(ctx, eperm, cs_sys_setpriority(), "setpriority of a group or user",
                 [scmp_arg_cmp(arg: 0, op: SCMP_CMP_NE, datum_a: UInt64(PRIO_PROCESS.rawValue), datum_b: 0)])
        try rule(ctx, eperm, cs_sys_setpriority(), "setpriority of another process", [notSelfWho])
        try rule(ctx, eperm, cs_sys_ioprio_set(), "ioprio_set of a group or user",
                 [scmp_arg_cmp(arg: 0, op: SCMP_CMP_NE, datum_a: 1 /* IOPRIO_WHO_PROCESS */, datum_b: 0)])
        try rule(ctx, eperm, cs_sys_ioprio_set(), "ioprio_set of another process", [notSelfWho])

        // Changing the mount view (both mount APIs). Without capabilities
        // these fail already; the rules keep it so where a user namespace
        // is allowed (the default, not userns=deny), and make the errno predictable. chroot
        // is the one left to that variant: Chromium's sandbox chroots its
        // renderers into an empty directory inside their user namespace.
        // open_tree_attr (Linux 6.15) is above the reviewed table and gets
        // ENOSYS from UnknownCalls; the rule keeps it refused when the table
        // grows. A libseccomp that cannot name it gives __NR_SCMP_ERROR, and
        // then UnknownCalls' table ends below it.
        for (call, name) in [(cs_sys_mount(), "mount"), (cs_sys_umount(), "umount"),
                             (cs_sys_umount2(), "umount2"), (cs_sys_pivot_root(), "pivot_root"),
                             (cs_sys_chroot(), "chroot"), (cs_sys_open_tree(), "open_tree"),
                             (cs_sys_move_mount(), "move_mount"), (cs_sys_fsopen(), "fsopen"),
                             (cs_sys_fsconfig(), "fsconfig"), (cs_sys_fsmount(), "fsmount"),
                             (cs_sys_fspick(), "fspick"), (cs_sys_mount_setattr(), "mount_setattr"),
                             (cs_sys_open_tree_attr(), "open_tree_attr")]
        where !(permitsUserNamespaces && name == "chroot") && call != __NR_SCMP_ERROR {
            try rule(ctx, eperm, call, name)
        }

    }

    static var allowedFamilies: [UInt64] {
        [UInt64(cs_af_unix()), UInt64(cs_af_inet()), UInt64(cs_af_inet6()), UInt64(cs_af_netlink())]
    }

    /// The kernel reads the domain of socket(2) and socketpair(2) as a
    /// 32-bit int. Each family below
    /// the highest allowed one that is not allowed gets a rule on the low 32
    /// bits, so no upper-bit pattern can slip past it; everything from the
    /// highest allowed family + 1 up is refused by one comparison on all 64
    /// bits, which also refuses (harmlessly) any allowed family with upper
    /// bits set. libseccomp translates the rules to i386, where `socketcall`
    /// hides its arguments in memory: SYS_SOCKET and SYS_SOCKETPAIR through
    /// it are therefore refused for every family (SECURITY.md).
    static func denySocketFamilies(_ ctx: scmp_filter_ctx, _ call: Int32, _ name: String,
                                   except allowed: [UInt64]) throws(FilterError) {
        let refuse = cs_act_errno(EAFNOSUPPORT)
        let highest = allowed.max()!
        for family in 0..<highest where !allowed.contains(family) {
            try rule(ctx, refuse, call, "\(name) family \(family)",
                     [masked(arg: 0, 0xFFFF_FFFF, equals: family)])
        }
        try rule(ctx, refuse, call, "\(name) family > \(highest)",
                 [scmp_arg_cmp(arg: 0, op: SCMP_CMP_GE, datum_a: highest + 1, datum_b: 0)])
    }

    /// CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
    /// (CLONE_NEWTIME shares its bit with CSIGNAL in clone, so it is only
    /// checked for unshare.)
    static let namespaceFlags: [UInt64] = [
        UInt64(CLONE_NEWNS), UInt64(CLONE_NEWCGROUP), UInt64(CLONE_NEWUTS), UInt64(CLONE_NEWIPC),
        UInt64(CLONE_NEWUSER), UInt64(CLONE_NEWPID), UInt64(CLONE_NEWNET),
    ]

    static func masked(arg: UInt32, _ mask: UInt64, equals value: UInt64) -> scmp_arg_cmp {
        scmp_arg_cmp(arg: arg, op: SCMP_CMP_MASKED_EQ, datum_a: mask, datum_b: value)
    }

    static func rule(_ ctx: scmp_filter_ctx, _ action: UInt32, _ call: Int32, _ name: String,
                     _ conditions: [scmp_arg_cmp] = []) throws(FilterError) {
        let rc = conditions.withUnsafeBufferPointer {
            seccomp_rule_add_array(ctx, action, call, UInt32($0.count), $0.baseAddress)
        }
        try check(rc, "seccomp_rule_add", name)
    }

    /// libseccomp returns -errno and leaves errno alone.
    static func check(_ rc: Int32, _ call: String, _ what: String?) throws(FilterError) {
        guard rc == 0 else { throw FilterError(call: call, what: what, errno: -rc) }
    }
}
