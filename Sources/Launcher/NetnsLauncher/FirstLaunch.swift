import CLinux
import NetnsPolicy

/// The notice at a program's first launch in a jail: it runs with the
/// jail's own settings, where they are, and how to copy the usual ones
/// (`netns-jail settings`). Once per program and jail, under per-jail state
/// only: a line on stderr when it is a terminal, else a desktop
/// notification titled like DesktopNotice's.
///
/// "First" is remembered by a file the caller owns,
/// `~/.netns-exec/NAME/launched/PROGRAM`, made with O_EXCL only once the
/// launch reached its exec, so a refused launch does not use it up.
///
/// Inside the launcher's rules: the launcher itself only looks (one stat,
/// nothing opened), and while it still holds its capability and is still
/// in the caller's namespaces it forks a watcher, detached (its parent
/// exits at once, so the command never has it as a child), which drops
/// every privilege exactly as the launch does and waits, at most
/// `timeout` ms, on a pipe whose write end the launch holds close-on-exec:
/// end of file means the exec happened; a byte means a refusal or a failed
/// exec (`callOff`). Only then does the watcher, as the caller, in the
/// caller's own network and mount namespaces (so the session bus is where
/// the caller's environment says), make the file and tell. Nothing of it
/// can delay or stop the launch: a failure anywhere is silence.
public enum FirstLaunch {
    static let directory = HostPaths.stateStore
    static let timeout: Int32 = 30_000

    /// Starts the watcher when this may be the program's first launch in
    /// the jail. Called before the launch enters the namespace.
    public static func watch(_ namespace: NamespaceName, home: String?, command: UnsafePointer<CChar>) {
        guard let home, home.utf8.first == UInt8(ascii: "/"), let program = programName(command) else { return }
        let jail = namespace.value
        var st = stat()
        if lstat(home + "/" + directory + "/" + jail + "/launched/" + program, &st) == 0 { return }
        guard cl_fork_watcher() == 1 else { return }
        // The watcher, from here on.
        do throws(Refusal) { try Privileges.dropAll() } catch { _exit(0) }
        guard cl_watch_launch(timeout) == 1, claim(home: home, jail: jail, program: program) else { _exit(0) }
        let settings = "netns-jail settings \(jail) \(program)"
        if isatty(2) != 0 {
            Console.error("\(program) runs in \(jail) with its own settings, kept in ~/\(HostPaths.jailHome(jail)), not your usual ones; to start from a copy of those, quit it and run: \(settings)")
            _exit(0)
        }
        let launch = DesktopNotice.Launch.fromArguments()
        DesktopNotice.send(title: launch.title,
                           body: "Runs in the jail \(jail) with its own settings, kept in ~/\(HostPaths.jailHome(jail)), not your usual ones. To start from a copy of those, quit it and run: \(settings)",
                           icon: "dialog-information")
    }

    /// Tells the watcher the launch will not exec (a refusal, a command
    /// that cannot be executed). Does nothing when there is none.
    public static func callOff() { cl_call_off_watcher() }

    /// The command's last path component as a file name; nil when it
    /// cannot be one.
    static func programName(_ command: UnsafePointer<CChar>) -> String? {
        let bytes = UnsafeRawBufferPointer(start: command, count: strlen(command))
        var start = bytes.startIndex
        for i in bytes.indices where bytes[i] == UInt8(ascii: "/") { start = i + 1 }
        let name = bytes[start...]
        guard !name.isEmpty, name.count <= 255, !name.elementsEqual(".".utf8), !name.elementsEqual("..".utf8),
              let text = String(validating: name, as: UTF8.self),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return text
    }

    /// Makes `~/.netns-exec/JAIL/launched/PROGRAM` as the caller, one
    /// component at a time without following links; true when this call
    /// made it.
    static func claim(home: String, jail: String, program: String) -> Bool {
        var dir = cl_open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { return false }
        for name in [directory, jail, "launched"] {
            var next = cl_openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
            if next < 0 && cl_errno() == ENOENT && mkdirat(dir, name, 0o700) == 0 {
                next = cl_openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
            }
            close(dir)
            guard next >= 0 else { return false }
            dir = next
        }
        let file = cl_openat(dir, program, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        close(dir)
        guard file >= 0 else { return false }
        close(file)
        return true
    }
}
