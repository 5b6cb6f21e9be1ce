import CLinux
import NetnsPolicy

/// The exec step. The command's words are the caller's original argv
/// pointers, never copied or converted, so every byte arrives as given.
public enum Command {
    /// Replaces the process with argv[index...] found on PATH. Returns only
    /// on failure, with the exit status env(1) would use: 127 when nothing
    /// was found, 126 when something was found but could not be executed.
    public static func exec(argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                            index: Int, environment: inout CallerEnvironment) -> Int32 {
        let words = argv + index
        let file = words[0]!
        _ = environment.withEnvp { envp in cl_execvpe(file, words, envp) }
        let code = cl_errno()
        let name = Quoted.bytes(UnsafeRawBufferPointer(start: file, count: strlen(file)))
        switch code {
        case ENOENT, ENOTDIR:
            Console.error("\(name): command not found in the jail's PATH")
            return ExitStatus.notFound
        default:
            Console.error("\(name): cannot execute: \(Errno.describe(code))")
            return ExitStatus.cannotExecute
        }
    }
}
