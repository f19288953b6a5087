import Foundation
import GRDB
import LocalStore
import MESCore

extension CentralService {
    // MARK: Push (HTTP) and import (files): one path

    /// An authenticated node's push: the body is a segment of that node's own events.
    public func push(node: String, body: Data) async -> Result<Central.PushAck, CentralRefusal> {
        let segment: Segment
        do {
            segment = try Segment.decode(body, maxBytes: maxBatchBytes)
            guard segment.header.kind == .node, segment.header.source == node else {
                throw CentralRefusal(
                    status: 403, code: "foreign_event",
                    message: "node \(node) may push only its own events (the segment says it comes from \(segment.header.source))")
            }
        } catch {
            let r = CentralRefusal.from(error)
            count(refused: r.code)
            await record(node: node, refusal: r)
            return .failure(r)
        }
        return await apply(segment, from: node)
    }

    /// A segment file carried from a node (USB stick, shared folder): it must be signed with that
    /// node's secret; then it is taken in exactly as that node's push (`Central.accept`).
    public func importFile(_ data: Data) throws -> Replication.ReceiveResult {
        guard let source = Segment.peekSource(data) else { throw Segment.DecodeError.badHeader("unreadable") }
        let secret = try store.read { db in try Central.secret(node: source, db: db) }
        let segment = try Segment.decode(data, secret: secret)
        guard segment.header.kind == .node else {
            throw CentralRefusal(status: 400, code: "wrong_kind", message: "the central node imports nodes' segments, not central ones")
        }
        let ack = try store.write { db in try Central.accept(segment, from: source, db: db) }
        advance(head: ack.head)
        lock.withLock {
            counters.eventsApplied += ack.applied; counters.duplicates += ack.duplicates
        }
        scheduleFolding()
        var r = Replication.ReceiveResult()
        r.applied = ack.applied; r.duplicates = ack.duplicates; r.flagged = ack.flagged
        return r
    }

    /// Every segment file of a folder, as `importFile`, in order.
    public func importFolder(_ dir: String) throws -> SegmentFiles.ImportReport {
        try SegmentFiles.importFolder(dir) { try importFile($0) }
    }

    func apply(_ segment: Segment, from node: String) async -> Result<Central.PushAck, CentralRefusal> {
        let result: Result<Central.PushAck, Error> = await withCheckedContinuation { cont in
            enqueue(Job(segment: segment, node: node, done: { cont.resume(returning: $0) }))
        }
        switch result {
        case .success(let ack):
            lock.withLock {
                counters.pushes += 1
                counters.eventsApplied += ack.applied
                counters.duplicates += ack.duplicates
            }
            return .success(ack)
        case .failure(let error):
            let r = CentralRefusal.from(error)
            count(refused: r.code)
            await record(node: node, refusal: r)
            return .failure(r)
        }
    }

    func count(refused code: String) {
        lock.withLock { counters.refused[code, default: 0] += 1 }
    }

    func record(node: String, refusal: CentralRefusal) async {
        guard refusal.code != "unknown_node" else { return }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            writeQueue.async { [store] in
                try? store.write { db in try Central.recordError(node: node, message: refusal.message, db: db) }
                cont.resume()
            }
        }
    }

    func enqueue(_ job: Job) {
        let start = lock.withLock { () -> Bool in
            jobs.append(job)
            if draining { return false }
            draining = true
            return true
        }
        if start { writeQueue.async { self.drain() } }
    }

    /// Commits every waiting push together, each in a savepoint; then wakes long-polls.
    func drain() {
        while true {
            let (batch, marks) = lock.withLock { () -> ([Job], [String: (time: Date, position: Int64)]) in
                let b = jobs; jobs = []
                let m = pullMarks; pullMarks = [:]
                return (b, m)
            }
            if batch.isEmpty && marks.isEmpty {
                let more = lock.withLock { () -> Bool in
                    if jobs.isEmpty && pullMarks.isEmpty { draining = false; return false }
                    return true
                }
                if more { continue }
                scheduleFolding()
                return
            }
            var results: [Result<Central.PushAck, Error>] = []
            var newHead: Int64 = 0
            do {
                newHead = try store.write { db -> Int64 in
                    for job in batch {
                        var outcome: Result<Central.PushAck, Error> = .failure(CentralRefusal(status: 500, code: "internal", message: "not applied"))
                        do {
                            try db.inSavepoint {
                                outcome = .success(try Central.accept(job.segment, from: job.node, db: db))
                                return .commit
                            }
                        } catch {
                            outcome = .failure(error)
                        }
                        results.append(outcome)
                    }
                    for (node, mark) in marks {
                        try Central.recordPull(node: node, position: mark.position, now: mark.time, db: db)
                    }
                    return try EventLog.lastPosition(db: db)
                }
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            if !batch.isEmpty {
                lock.withLock {
                    counters.groupCommits += 1; lastPush = Date()
                }
            }
            if newHead > 0 { advance(head: newHead) }
            for (job, result) in zip(batch, results) { job.done(result) }
        }
    }

    func advance(head newHead: Int64) {
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            guard newHead > head else { return [] }
            head = newHead
            let w = Array(waiters.values)
            waiters = [:]
            return w
        }
        for c in ready { c.resume() }
    }
}
