import Foundation
import GRDB
import LocalStore
import MESCore

/// Why the central node refused a request: an HTTP status, a stable code and a plain message.
public struct CentralRefusal: Error, Equatable, Codable, CustomStringConvertible, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    /// For `gap`: the seq to send from, and the epoch concerned.
    public var expected: Int64?
    public var epoch: String?

    public init(status: Int, code: String, message: String, expected: Int64? = nil, epoch: String? = nil) {
        self.status = status; self.code = code; self.message = message; self.expected = expected; self.epoch = epoch
    }
    public var description: String { message }

    /// The refusal for an error of decoding or applying a segment.
    public static func from(_ error: Error) -> CentralRefusal {
        switch error {
        case let r as CentralRefusal: return r
        case let e as Segment.DecodeError:
            switch e {
            case .tooLarge: return CentralRefusal(status: 413, code: "too_large", message: e.description)
            case .checksumMismatch, .countMismatch: return CentralRefusal(status: 422, code: "corrupt", message: e.description)
            case .unsigned, .badSignature: return CentralRefusal(status: 401, code: "bad_signature", message: e.description)
            default: return CentralRefusal(status: 400, code: "malformed", message: e.description)
            }
        case let e as IngestError:
            switch e {
            case .gap(_, let epoch, let expected, _):
                return CentralRefusal(status: 409, code: "gap", message: e.description, expected: expected, epoch: epoch)
            case .fork: return CentralRefusal(status: 409, code: "fork", message: e.description)
            case .badChecksum: return CentralRefusal(status: 422, code: "bad_checksum", message: e.description)
            case .brokenChain: return CentralRefusal(status: 422, code: "broken_chain", message: e.description)
            case .malformed: return CentralRefusal(status: 400, code: "malformed", message: e.description)
            }
        case let e as Replication.ReceiveError:
            switch e {
            case .foreignEvent: return CentralRefusal(status: 403, code: "foreign_event", message: e.description)
            case .positionGap: return CentralRefusal(status: 409, code: "position_gap", message: e.description)
            }
        case let e as Central.CentralError:
            switch e {
            case .unknownNode: return CentralRefusal(status: 401, code: "unknown_node", message: e.description)
            case .revoked: return CentralRefusal(status: 403, code: "revoked", message: e.description)
            }
        default:
            return CentralRefusal(status: 500, code: "internal", message: "the central node could not store the batch: \(error)")
        }
    }
}

/// The central node, without HTTP: authentication, group-committed pushes, pulls with long-poll,
/// snapshots, file import/export and counters. `CentralServer` puts it on Hummingbird; tests and
/// `floor central import` call it directly, so a file and an HTTP push take the same path.
///
/// Writes go through one serial queue that commits every push waiting at that moment in one
/// transaction, each in its own savepoint (a refused push rolls back alone): under load the
/// fsync of a full-sync commit is shared, which is what keeps p99 low with 200 kiosks pushing.
public final class CentralService: @unchecked Sendable {
    public let store: Store
    public let maxBatchBytes: Int
    public let snapshotPath: String
    /// A snapshot older than this is made again for the next new node.
    public var snapshotMaxAge: TimeInterval = 300

    private let writeQueue = DispatchQueue(label: "floor.central.writer")
    private let readQueue = DispatchQueue(label: "floor.central.reader", attributes: .concurrent)
    private let lock = NSLock()
    private var jobs: [Job] = []
    private var draining = false
    private var pullMarks: [String: (time: Date, position: Int64)] = [:]
    private var head: Int64
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var counters = Counters()
    private let snapshotLock = NSLock()
    private var lastPush = Date.distantPast
    private var foldingScheduled = false
    /// The read models are folded only after this long without a push, a slice at a time, so
    /// folding never competes with a burst of pushes.
    public var foldWhenQuietFor: TimeInterval = 0.2
    public var foldSlice = 500

    struct Job {
        var segment: Segment
        var node: String
        var done: @Sendable (Result<Central.PushAck, Error>) -> Void
    }

    public struct Counters: Sendable {
        public var pushes = 0
        public var refused: [String: Int] = [:]
        public var eventsApplied = 0
        public var duplicates = 0
        public var pulls = 0
        public var snapshots = 0
        public var groupCommits = 0
    }

    public init(store: Store, maxBatchBytes: Int = 16 << 20) throws {
        self.store = store
        self.maxBatchBytes = maxBatchBytes
        self.snapshotPath = store.path + ".snapshot"
        self.head = try store.read { db in try EventLog.lastPosition(db: db) }
    }

    public var counterValues: Counters { lock.withLock { counters } }
    public var currentHead: Int64 { lock.withLock { head } }

    // MARK: Authentication

    /// The node a request comes from, if its Authorization header is signed with that node's
    /// current secret.
    public func authenticate(authorization: String?, method: String, target: String, body: Data) throws -> String {
        guard let authorization, !authorization.isEmpty else {
            throw CentralRefusal(status: 401, code: "unauthenticated", message: "the request carries no Authorization header: give the node id and its secret (--node, --secret)")
        }
        guard let (node, sig) = RequestAuth.parse(authorization) else {
            throw CentralRefusal(status: 401, code: "unauthenticated", message: "the Authorization header is not a Floor signature")
        }
        let secret: String
        do { secret = try cachedSecret(node) } catch { throw CentralRefusal.from(error) }
        let expected = RequestAuth.signature(method: method, target: target, body: body, secret: secret)
        guard Segment.constantTimeEqual(sig.lowercased(), expected) else {
            count(refused: "bad_secret")
            throw CentralRefusal(status: 401, code: "bad_secret", message: "the request's signature does not match node \(node)'s secret (wrong secret, or the request was altered)")
        }
        return node
    }

    /// A node's secret, read from the store at most once a second per node: a revocation or a
    /// re-enrollment (possibly by another process, `floor central revoke-node`) takes effect
    /// within a second, and a burst of requests does not read the store for each.
    private var secrets: [String: (result: Result<String, Error>, at: Date)] = [:]
    private func cachedSecret(_ node: String) throws -> String {
        let now = Date()
        if let hit = lock.withLock({ secrets[node] }), now.timeIntervalSince(hit.at) < 1 { return try hit.result.get() }
        let result = Result { try store.read { db in try Central.secret(node: node, db: db) } }
        lock.withLock { secrets[node] = (result, now) }
        return try result.get()
    }

    // MARK: Push (HTTP) and import (files): one path

    /// An authenticated node's push: the body is a segment of that node's own events.
    public func push(node: String, body: Data) async -> Result<Central.PushAck, CentralRefusal> {
        let segment: Segment
        do {
            segment = try Segment.decode(body, maxBytes: maxBatchBytes)
            guard segment.header.kind == .node, segment.header.source == node else {
                throw CentralRefusal(status: 403, code: "foreign_event", message: "node \(node) may push only its own events (the segment says it comes from \(segment.header.source))")
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
        lock.withLock { counters.eventsApplied += ack.applied; counters.duplicates += ack.duplicates }
        scheduleFolding()
        var r = Replication.ReceiveResult()
        r.applied = ack.applied; r.duplicates = ack.duplicates; r.flagged = ack.flagged
        return r
    }

    /// Every segment file of a folder, as `importFile`, in order.
    public func importFolder(_ dir: String) throws -> SegmentFiles.ImportReport {
        try SegmentFiles.importFolder(dir) { try importFile($0) }
    }

    private func apply(_ segment: Segment, from node: String) async -> Result<Central.PushAck, CentralRefusal> {
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

    private func count(refused code: String) {
        lock.withLock { counters.refused[code, default: 0] += 1 }
    }

    private func record(node: String, refusal: CentralRefusal) async {
        guard refusal.code != "unknown_node" else { return }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            writeQueue.async { [store] in
                try? store.write { db in try Central.recordError(node: node, message: refusal.message, db: db) }
                cont.resume()
            }
        }
    }

    private func enqueue(_ job: Job) {
        let start = lock.withLock { () -> Bool in
            jobs.append(job)
            if draining { return false }
            draining = true
            return true
        }
        if start { writeQueue.async { self.drain() } }
    }

    /// Commits every waiting push together, each in a savepoint; then wakes long-polls.
    private func drain() {
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
            if !batch.isEmpty { lock.withLock { counters.groupCommits += 1; lastPush = Date() } }
            if newHead > 0 { advance(head: newHead) }
            for (job, result) in zip(batch, results) { job.done(result) }
        }
    }

    private func advance(head newHead: Int64) {
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            guard newHead > head else { return [] }
            head = newHead
            let w = Array(waiters.values)
            waiters = [:]
            return w
        }
        for c in ready { c.resume() }
    }

    /// Folds the read models behind the log once pushes have been quiet for a moment: one slice
    /// per turn of the writer queue, so a push arriving meanwhile waits for one slice at most.
    private func scheduleFolding() {
        let go = lock.withLock { () -> Bool in
            if foldingScheduled { return false }
            foldingScheduled = true
            return true
        }
        guard go else { return }
        writeQueue.asyncAfter(deadline: .now() + foldWhenQuietFor) { [self] in
            lock.withLock { foldingScheduled = false }
            let quiet = lock.withLock { jobs.isEmpty && Date().timeIntervalSince(lastPush) >= foldWhenQuietFor }
            if !quiet { scheduleFolding(); return }
            let n = (try? store.write { db in try Projections.catchUp(db, limit: foldSlice) }) ?? 0
            if n > 0 { scheduleFolding() }
        }
    }

    /// Waits until the read models have folded every stored event (benchmarks, tests).
    public func waitForProjections() throws {
        try writeQueue.sync {
            while try store.write({ db in try Projections.catchUp(db, limit: 20_000) }) > 0 {}
        }
    }

    // MARK: Pull

    /// Events after `position` (at most `limit`); when there are none and `wait` > 0, waits up to
    /// `wait` for new ones (long-poll). Returns the segment's bytes.
    public func pull(node: String, after position: Int64, limit: Int, wait: Duration) async throws -> Data {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        lock.withLock { counters.pulls += 1 }
        while true {
            let segment = try await read { db in
                try Central.pull(after: position, limit: max(1, min(limit, 10_000)), db: db)
            }
            let now = clock.now
            if !segment.items.isEmpty || now >= deadline {
                markPull(node: node, position: segment.lastPosition ?? position)
                return segment.encode()
            }
            // Wake on a push here, or re-read after a second (a file loaded into the central store
            // by another process, e.g. `floor plant load`, does not pass through this queue).
            await waitForHead(after: position, timeout: min(deadline - now, .seconds(1)))
        }
    }

    private func markPull(node: String, position: Int64) {
        let start = lock.withLock { () -> Bool in
            pullMarks[node] = (Date(), position)
            if draining { return false }
            draining = true
            return true
        }
        if start { writeQueue.async { self.drain() } }
    }

    private func waitForHead(after position: Int64, timeout: Duration) async {
        let id = UUID()
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let ready = lock.withLock { () -> Bool in
                if head > position { return true }
                waiters[id] = cont
                return false
            }
            if ready { cont.resume(); return }
            Task {
                try? await Task.sleep(for: timeout)
                let c = self.lock.withLock { self.waiters.removeValue(forKey: id) }
                c?.resume()
            }
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { cont in
            readQueue.async { [store] in
                cont.resume(with: Result { try store.read(body) })
            }
        }
    }

    // MARK: Nodes, health, metrics

    public func nodes() async throws -> [Segment.NodeStatus] {
        try await read { db in try Central.nodes(db: db) }
    }

    public func healthJSON() -> String {
        "{\"ok\":true,\"node\":\"\(Central.nodeID)\",\"head\":\(currentHead),\"version\":\"\(MESCoreVersion.value)\"}"
    }

    /// Prometheus text format.
    public func metricsText() async -> String {
        let c = counterValues
        let nodes = (try? await self.nodes()) ?? []
        var lines = [
            "# HELP floor_head_position The central log's highest position.",
            "# TYPE floor_head_position gauge",
            "floor_head_position \(currentHead)",
            "# TYPE floor_pushes_total counter", "floor_pushes_total \(c.pushes)",
            "# TYPE floor_events_applied_total counter", "floor_events_applied_total \(c.eventsApplied)",
            "# TYPE floor_duplicates_total counter", "floor_duplicates_total \(c.duplicates)",
            "# TYPE floor_pulls_total counter", "floor_pulls_total \(c.pulls)",
            "# TYPE floor_group_commits_total counter", "floor_group_commits_total \(c.groupCommits)",
            "# TYPE floor_snapshots_total counter", "floor_snapshots_total \(c.snapshots)",
            "# TYPE floor_refused_total counter",
        ]
        for (code, n) in c.refused.sorted(by: { $0.key < $1.key }) { lines.append("floor_refused_total{code=\"\(code)\"} \(n)") }
        lines.append("# TYPE floor_node_pending gauge")
        for n in nodes { lines.append("floor_node_pending{node=\"\(n.node)\"} \(n.pending ?? 0)") }
        lines.append("# TYPE floor_node_position gauge")
        for n in nodes { lines.append("floor_node_position{node=\"\(n.node)\"} \(n.position ?? 0)") }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Snapshot

    /// A snapshot file of the central store (made again when older than `snapshotMaxAge`) and
    /// the position it holds.
    public func snapshot() async throws -> (path: String, position: Int64) {
        try await withCheckedThrowingContinuation { cont in
            readQueue.async { [self] in
                cont.resume(with: Result { try self.snapshotNow() })
            }
        }
    }

    func snapshotNow() throws -> (path: String, position: Int64) {
        try snapshotLock.withLock {
            let fm = FileManager.default
            // The position is kept beside the file: opening the snapshot to read it would write.
            if let attrs = try? fm.attributesOfItem(atPath: snapshotPath),
               let made = attrs[.modificationDate] as? Date, Date().timeIntervalSince(made) < snapshotMaxAge,
               let text = try? String(contentsOfFile: snapshotPath + ".pos", encoding: .utf8), let pos = Int64(text) {
                return (snapshotPath, pos)
            }
            let tmp = snapshotPath + ".tmp"
            let pos = try Central.writeSnapshot(store: store, to: tmp)
            try? fm.removeItem(atPath: snapshotPath + ".pos")
            guard rename(tmp, snapshotPath) == 0 else {
                throw CentralRefusal(status: 500, code: "internal", message: "cannot put the snapshot in place at \(snapshotPath)")
            }
            try String(pos).write(toFile: snapshotPath + ".pos", atomically: true, encoding: .utf8)
            lock.withLock { counters.snapshots += 1 }
            return (snapshotPath, pos)
        }
    }

    // MARK: Export

    /// Writes the central log after the last export to DIR as segment files (see `SegmentFiles`).
    public func export(to dir: String, all: Bool) throws -> [String] {
        try SegmentFiles.export(store: store, to: dir, all: all)
    }
}
