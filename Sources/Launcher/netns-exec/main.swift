// netns-exec: run a command inside a network namespace (a VPN jail) as the
// calling user. The binary carries the file capability CAP_SYS_ADMIN and
// is never setuid. The launch is the numbered steps of SECURITY.md ("The
// launch, step by step"), marked below in the order they run; any failure
// prints one line, logs it, and exits 125 without running anything.
//
// Each step is marked `// N. Name` (with an optional `: detail`), Name as
// SECURITY.md, docs/DESIGN.md and bench/ref-launcher.c name it; the docs
// suite (Tests/Integration/05-docs.sh) compares those lists with these
// marks, so a step added here fails it until the docs say so too.
import CLinux
import NetnsLauncher
import NetnsPolicy

// argv as the kernel gave it (see cl_startup); never converted as a whole.
let argc = Int(cl_saved_argc())
let argv = cl_saved_argv()!

// 1. Arguments
let invocation = step { () throws(Refusal) in
    do throws(Invocation.UsageError) {
        return try Invocation.parse(count: argc) { String(cString: argv[$0]!) }
    } catch { throw Refusal.denied(error.message) }
}
switch invocation {
case .help:
    Console.out(Usage.text)
case .version:
    Console.out("netns-exec \(netnsExecVersion)\n")
case .list:
    // Listing needs no privilege at all, so none is kept for it.
    step(Privileges.dropAll)
    let caller = step(Caller.fromKernel)
    Listing.print(step(PolicyFile.load), for: caller)
case .launch(let namespace, let commandIndex):
    launch(namespace, commandIndex: commandIndex)
}

/// Runs one step; a refusal ends the process (exit 125) before anything
/// further happens. This is the only error path of the launch. (Closures
/// here spell out `throws(Refusal)`: Embedded Swift has no untyped
/// `any Error`, and Swift does not yet infer a closure's thrown type.)
func step<T: ~Copyable>(log: AuditLog? = nil, _ body: () throws(Refusal) -> T) -> T {
    do throws(Refusal) { return try body() } catch {
        Console.refuse(error, log: log)
    }
}

func launch(_ namespace: NamespaceName, commandIndex: Int) -> Never {
    step(Privileges.stayUndumpable)                                               // 1. Arguments: not dumpable
    let caller = step(Caller.fromKernel)                                          // 2. Who is asking
    let log = AuditLog(caller: caller, namespace: namespace)
    step(log: log, caller.requireOrdinaryUser)
    let policy = step(log: log, PolicyFile.load)                                  // 3. Policy
    let entry = step(log: log) { () throws(Refusal) in
        guard let entry = policy.entry(for: namespace),
              entry.admits(isUser: caller.isUser, isInGroup: caller.isInGroup) else {
            throw .denied("\(caller.name) may not enter \(namespace): ask an administrator to add you to \(PolicyFile.path)")
        }
        return entry
    }
    DesktopNotice.prepare()
    if !entry.sharesState { FirstLaunch.watch(namespace, home: caller.home, command: argv[commandIndex]!) }
    step(log: log) { () throws(Refusal) in try NamespaceFile.enter(namespace) }    // 4. Namespace
    if let tunnel = entry.requiredInterface {
        step(log: log) { () throws(Refusal) in try Tunnel.requireUp(tunnel, in: namespace) }
    }
    // The caller's directory as a path, before the view changes what it
    // names (step 7 looks it up again in the jail's view).
    let directory = WorkingDirectory.remember()
    let session = step(log: log) { () throws(Refusal) in                          // 5. Mount view
        try MountView.build(for: namespace, caller: caller, sharesState: entry.sharesState,
                            usesHostResolver: entry.usesHostResolver, sharedFolders: entry.sharedFolders)
    }
    #if NETNS_EXEC_PAUSE_WHILE_PRIVILEGED
    // Test builds only: stop while still privileged, so a test can show
    // that the caller cannot ptrace us now. Never in an installed binary.
    raise(SIGSTOP)
    #endif
    step(log: log, Privileges.dropAll)                                            // 6. Drop
    step(log: log) { () throws(Refusal) in                                       // 7. Working directory
        try directory.enter(home: caller.home, jail: namespace)
    }
    var environment = step(log: log) { () throws(Refusal) in                     // 8. Environment
        try CallerEnvironment(namespace: namespace, sharesState: entry.sharesState,
                              runtimeDirectory: session.runtimeDirectory)
    }
    if let runtimeDirectory = session.runtimeDirectory {                          // 8. Environment: the jail's session bus
        SessionBus.ensure(in: runtimeDirectory, jail: namespace, allowsHostPtrace: entry.allowsHostPtrace,
                          permitsUserNamespaces: entry.permitsUserNamespaces, environment: &environment)
    }
    if let home = caller.home, let userDirectories = session.userDirectories {   // 8. Environment: the jail's user-dirs.dirs
        UserDirsFile.write(home: home, userDirectories)
    }
    let command = String(cString: argv[commandIndex]!)
    let path = entry.sharesState ? environment.value(of: "PATH") : nil
    step(log: log) { () throws(Refusal) in                                       // 9. No hand-off
        try HandOff.refuseCopyOutside(command, in: namespace, sharesState: entry.sharesState, path: path)
    }
    let isolation = step(log: log) { () throws(Refusal) in                       // 10. Process isolation
        try ProcessScope.confine(allowsHostPtrace: entry.allowsHostPtrace)
    }
    log.launched(command: command, isolation: isolation)                          // 11. Log
    step(log: log) { () throws(Refusal) in                                       // 12. Seccomp: last
        try SyscallFilter.loadJail(permitsUserNamespaces: entry.permitsUserNamespaces)
    }
    let status = Command.exec(argv: argv, index: commandIndex, environment: &environment)  // 13. Exec
    FirstLaunch.callOff()
    log.notExecuted(command: command, status: status)
    exit(status)
}

// --help, --version and --list end here; a launch never returns.
exit(0)
