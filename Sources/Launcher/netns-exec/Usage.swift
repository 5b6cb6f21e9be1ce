import CLinux
import NetnsLauncher

enum Usage {
    static var text: String {
        """
        usage: netns-exec [OPTIONS] NAMESPACE COMMAND [ARG...]

        Run COMMAND inside the network namespace NAMESPACE (a VPN jail), as
        yourself, with no capabilities, no_new_privs and a seccomp filter.
        Who may enter which namespace is set in \(PolicyFile.path).

        Options (they end at NAMESPACE; everything after it is the command):
          -l, --list      list the namespaces you may enter, and whether each exists
          -h, --help      show this help
          -V, --version   show the version
          --menu-name=TEXT  the menu entry's name, to title desktop notices
                          (netns-jail desktop writes it into jailed launchers)
          --              end of options

        Exit status: the command's own; 125 if netns-exec refused or failed,
        126 if the command cannot be executed, 127 if it was not found.
        See netns-exec(1) and netns-exec.conf(5).

        """
    }
}
