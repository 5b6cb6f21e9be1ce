/// What `up` has built so far, as undo steps run newest first. `up` fails
/// closed: when a step throws, everything registered here is undone, so a
/// half-built jail never remains.
final class Rollback {
    private var steps: [(what: String, undo: () -> Void)] = []

    func register(_ what: String, _ undo: @escaping () -> Void) {
        steps.append((what, undo))
    }

    /// Undoes everything, newest first, and says so.
    func run() {
        for step in steps.reversed() {
            Console.note("rolling back: \(step.what)")
            step.undo()
        }
        steps = []
    }

    /// The build succeeded: nothing is to be undone.
    func commit() { steps = [] }
}
