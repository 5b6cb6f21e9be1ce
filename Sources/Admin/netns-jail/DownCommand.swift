import ArgumentParser
import JailKit

struct DownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Remove a jail: supervisor, tunnel, wireguard-go, namespace and /etc/netns/NAME/resolv.conf.",
        discussion: """
            Safe to run on a jail that is already down. Processes still inside are listed by PID and command; \
            without --kill they keep running with no network but lo.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: JailSelection

    @OptionGroup var lock: LockOptions
    @Flag(name: .long, help: "End the processes inside the jail first (SIGTERM, then SIGKILL after 5 seconds).")
    var kill = false

    func run() throws {
        try global.requireRoot("down")
        // Down in reverse order of up, so --all unwinds like a stack.
        try selection.forEach(global.select(selection.names, all: selection.all).reversed()) { (jail) throws(JailError) in
            let held = try JailLock.acquire(jail.name.value, command: "down", wait: lock.wait)
            defer { withExtendedLifetime(held) {} }
            var teardown = JailTeardown(jail: jail)
            teardown.killProcesses = kill
            switch try teardown.down() {
            case .alreadyDown:
                Console.note("\(jail.name) is already down")
            case .removed(let remaining):
                if remaining.isEmpty {
                    Console.note("\(jail.name) is down")
                } else {
                    Console.note("\(jail.name) is down; \(remaining.count) process(es) remain in its namespace without network (PIDs \(remaining.map { String($0.pid) }.joined(separator: " "))); use --kill to end them")
                }
            }
        }
    }
}
