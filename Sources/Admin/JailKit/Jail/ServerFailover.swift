import Glibc

/// The supervisor's side of a pool: each round, under the jail's lock,
/// it records what the server in use did and moves the jail to the next
/// server when that one failed (the tunnel probe silent for fail-after
/// seconds, or, with `port-forward-required`, no port forwarded), or when
/// `server-rotate` says it is time. When every server has failed in one
/// round it leaves the jail where it is (sealed: the kill switch lets
/// nothing out but the tunnel), marks the pool failed for `status`, and
/// tries again after a doubling wait; the server in use is probed all the
/// while, so it is back in service as soon as that one answers.
struct ServerFailover {
    let paths: JailPaths

    /// `problem`: why the server in use counts as failed now (nil while it
    /// has not). `answered`: it replied since it was put in use. True when
    /// the jail moved to another server.
    func tick(_ jail: JailDefinition, problem: String?, answered: Bool, now: Int) -> Bool {
        guard jail.servers.count > 1 else { return false }
        var record = PoolRecord.read(paths) ?? PoolRecord(active: jail.wireguard, since: now, reason: "in use when the supervisor started")
        let active = jail.wireguard
        var changed = record.active != active
        if changed { record.active = active }
        guard let problem else {
            if answered {
                let last = record.results[active]
                if last?.outcome != .ok || record.allFailed || now - (last?.at ?? 0) >= 60 {
                    if record.allFailed { SystemLog.info("\(jail.name): \(active) answers; the jail is back in service") }
                    // A server that works starts a new round: servers that
                    // failed before it may be tried again at the next failure.
                    if last?.outcome != .ok || record.allFailed { record.roundStart = now }
                    record.results[active] = .init(outcome: .ok, at: now, detail: "")
                    record.allFailed = false
                    record.failedRounds = 0
                    changed = true
                }
            }
            if let rotate = jail.pool.rotate, !record.allFailed, now - record.since >= rotate {
                let reason = "rotation: \(now - record.since) seconds on \(active) (server-rotate \(rotate))"
                guard let next = ServerPool.next(after: active, in: jail.servers, record: record), next != active else {
                    record.since = now
                    record.write(paths)
                    return false
                }
                return move(jail, record, reason: reason, now: now)
            }
            if changed { record.write(paths) }
            return false
        }
        if record.results[active]?.outcome != .failed || (record.results[active]?.at ?? 0) < record.since {
            record.results[active] = .init(outcome: .failed, at: now, detail: problem)
            changed = true
        }
        if record.allFailed {
            guard now >= record.retryAt else {
                if changed { record.write(paths) }
                return false
            }
            SystemLog.info("\(jail.name): trying every server of its pool again")
            record.allFailed = false
            record.roundStart = now
        }
        return move(jail, record, reason: "\(active) failed: \(problem)", now: now)
    }

    /// To the next server that has not failed this round; a server whose
    /// file cannot be read or applied is marked failed and the one after
    /// it tried.
    private func move(_ jail: JailDefinition, _ start: PoolRecord, reason: String, now: Int) -> Bool {
        var record = start
        for _ in jail.servers.indices {
            guard let next = ServerPool.next(after: record.active, in: jail.servers, record: record), next != record.active else { break }
            do {
                try ServerSwitch(jail: jail).perform(to: next, reason: reason, record: record, now: now)
                return true
            } catch {
                SystemLog.warning("\(jail.name): cannot switch to \(next): \(error.message)")
                record.results[next] = .init(outcome: .failed, at: now, detail: error.message)
            }
        }
        record.failedRounds += 1
        let wait = ServerPool.backoff(rounds: record.failedRounds, failAfter: jail.health.failAfter)
        record.allFailed = true
        record.retryAt = now + wait
        record.write(paths)
        SystemLog.warning("\(jail.name): every server of its pool failed; the jail stays closed; trying them again in \(wait) seconds")
        return false
    }
}
