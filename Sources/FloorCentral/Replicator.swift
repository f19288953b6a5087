import AsyncHTTPClient
import Foundation
import LocalStore
import MESCore

/// Replication in the background of a kiosk: pushes its new events within a fraction of a
/// second, long-polls the central node for everyone else's, retries with backoff when the
/// network or the central node is away. It runs off the screen's thread on the kiosk's store, and
/// keeps its write transactions short (small pull batches), so a scan never waits long behind it.
public final class Replicator: @unchecked Sendable {
    public struct Status: Equatable, Sendable {
        /// nil until the first attempt.
        public var connected: Bool?
        public var pending: Int = 0
        public var lastOk: Date?
        /// The last refusal or failure, in plain words (nil when the last attempt succeeded).
        public var error: String?
        /// A refusal someone must act on (wrong secret, revoked, fork): retried slowly.
        public var needsAttention = false
        public init() {}
    }

    let client: SyncClient
    let store: Store
    private let lock = NSLock()
    private var _status = Status()
    private var tasks: [Task<Void, Never>] = []
    /// Set when a push succeeds: the pull loop cuts its backoff short (the central node is back).
    private var pullWake = false
    /// Seconds to wait after a failure: 1, 2, 4 ... up to this.
    public var maxBackoff: Double = 10
    public var longPoll = 20
    public var pushCheckInterval: Duration = .milliseconds(250)

    public init(client: SyncClient) {
        self.client = client
        self.store = client.store
        let lastOk = (try? store.meta(Replication.lastOkKey)).flatMap { $0.flatMap { Int64($0) } }
        _status.lastOk = lastOk.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        _status.pending = (try? store.read { db in try Replication.pendingCount(db: db) }) ?? 0
    }

    public var status: Status { lock.withLock { _status } }

    public func start() {
        let push = Task { [self] in await self.pushLoop() }
        let pull = Task { [self] in await self.pullLoop() }
        lock.withLock { tasks = [push, pull] }
    }

    public func stop() {
        let t = lock.withLock { tasks }
        t.forEach { $0.cancel() }
    }

    private func update(_ body: (inout Status) -> Void) {
        lock.withLock { body(&_status) }
    }

    private func succeeded() {
        let pending = (try? store.read { db in try Replication.pendingCount(db: db) }) ?? 0
        update { s in
            s.connected = true; s.error = nil; s.needsAttention = false; s.lastOk = Date(); s.pending = pending
        }
    }

    /// Records a failure; returns whether it is worth retrying soon (the network, a restart).
    private func failed(_ error: Error) -> Bool {
        let e = error as? SyncError
        let pending = (try? store.read { db in try Replication.pendingCount(db: db) }) ?? 0
        update { s in
            s.connected =
                (e.map {
                    if case .unreachable = $0 { return false }; return true
                }) ?? false
            s.error = Sanitize.line(e?.description ?? "\(error)")
            s.needsAttention = !(e?.isTransient ?? true)
            s.pending = pending
        }
        return e?.isTransient ?? true
    }

    private func pushLoop() async {
        var backoff: Double = 0
        while !Task.isCancelled {
            let pending = (try? store.read { db in try Replication.pendingCount(db: db) }) ?? 0
            update { $0.pending = pending }
            if pending > 0 {
                do {
                    _ = try await client.push()
                    succeeded()
                    lock.withLock { pullWake = true }
                    backoff = 0
                } catch {
                    backoff = SyncRules.backoff(after: backoff, transient: failed(error), cap: maxBackoff)
                    try? await Task.sleep(for: .seconds(backoff))
                    continue
                }
            }
            try? await Task.sleep(for: pushCheckInterval)
        }
    }

    private func pullLoop() async {
        var backoff: Double = 0
        while !Task.isCancelled {
            do {
                _ = try await client.pull(wait: longPoll, batch: 500)
                succeeded()
                backoff = 0
            } catch {
                backoff = SyncRules.backoff(after: backoff, transient: failed(error), cap: maxBackoff)
                // Wait out the backoff, unless a push just got through.
                lock.withLock { pullWake = false }
                let until = ContinuousClock.now + .seconds(backoff)
                while ContinuousClock.now < until && !Task.isCancelled {
                    if lock.withLock({ pullWake }) { backoff = 0; break }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }
}
