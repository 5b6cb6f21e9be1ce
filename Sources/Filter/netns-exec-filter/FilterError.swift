import Glibc

/// A libseccomp call that failed while the filter was being built.
struct FilterError: Error {
    let call: String
    let what: String?
    let errno: Int32

    var message: String {
        let subject = what.map { "\(call)(\($0))" } ?? call
        return "netns-exec-filter: \(subject): \(String(cString: strerror(errno)))"
    }
}
