import Foundation
import GRDB
import LocalStore
import MESCore

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

    let writeQueue = DispatchQueue(label: "floor.central.writer")
    let readQueue = DispatchQueue(label: "floor.central.reader", attributes: .concurrent)
    let lock = NSLock()
    var jobs: [Job] = []
    var draining = false
    var pullMarks: [String: (time: Date, position: Int64)] = [:]
    var head: Int64
    var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    var counters = Counters()
    let snapshotLock = NSLock()
    var lastPush = Date.distantPast
    var foldingScheduled = false
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
            throw CentralRefusal(
                status: 401, code: "unauthenticated",
                message: "the request carries no Authorization header: give the node id and its secret (--node, --secret)")
        }
        guard let (node, sig) = RequestAuth.parse(authorization) else {
            throw CentralRefusal(status: 401, code: "unauthenticated", message: "the Authorization header is not a Floor signature")
        }
        let secret: String
        do { secret = try cachedSecret(node) } catch { throw CentralRefusal.from(error) }
        let expected = RequestAuth.signature(method: method, target: target, body: body, secret: secret)
        guard Segment.constantTimeEqual(sig.lowercased(), expected) else {
            count(refused: "bad_secret")
            throw CentralRefusal(
                status: 401, code: "bad_secret",
                message: "the request's signature does not match node \(node)'s secret (wrong secret, or the request was altered)")
        }
        return node
    }

    /// A node's secret, read from the store at most once a second per node: a revocation or a
    /// re-enrollment (possibly by another process, `floor central revoke-node`) takes effect
    /// within a second, and a burst of requests does not read the store for each.
    var secrets: [String: (result: Result<String, Error>, at: Date)] = [:]
    func cachedSecret(_ node: String) throws -> String {
        let now = Date()
        if let hit = lock.withLock({ secrets[node] }), now.timeIntervalSince(hit.at) < 1 { return try hit.result.get() }
        let result = Result { try store.read { db in try Central.secret(node: node, db: db) } }
        lock.withLock { secrets[node] = (result, now) }
        return try result.get()
    }
}
