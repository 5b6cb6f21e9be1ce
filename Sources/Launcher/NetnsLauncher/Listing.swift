import CLinux
import NetnsPolicy

/// `netns-exec --list`: the namespaces this caller may enter, one a line,
/// each followed by a tab and `exists` or `missing`.
public enum Listing {
    public static func print(_ policy: Policy, for caller: Caller) {
        var text = ""
        for entry in policy.entries
        where entry.admits(isUser: caller.isUser, isInGroup: caller.isInGroup) {
            text += entry.namespace.value + (NamespaceFile.exists(entry.namespace) ? "\texists\n" : "\tmissing\n")
        }
        if text.isEmpty {
            Console.error("\(caller.name) may not enter any namespace; ask an administrator to add you to \(PolicyFile.path)")
        }
        Console.out(text)
    }
}
