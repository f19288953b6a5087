import AsyncHTTPClient
import Foundation
import GRDB
import LocalStore
import MESCore
import NIOCore
import NIOHTTP1

/// Why an exchange with the central node failed.
public enum SyncError: Error, Equatable, CustomStringConvertible {
    case notConfigured(String)
    case unreachable(String)
    case refused(CentralRefusal)
    case badAnswer(String)

    public var description: String {
        switch self {
        case .notConfigured(let what): return "replication is not set up: \(what)"
        case .unreachable(let detail): return "the central node cannot be reached (\(detail)); work goes on locally and will be sent later"
        case .refused(let r): return "the central node refused: \(r.message)"
        case .badAnswer(let detail): return "the central node's answer could not be read (\(detail))"
        }
    }

    /// Worth retrying later by itself (the network, the server restarting) rather than a
    /// problem someone must fix (a wrong secret, a fork).
    public var isTransient: Bool {
        switch self {
        case .unreachable, .badAnswer: return true
        case .refused(let r): return r.status >= 500 || r.code == "gap"
        case .notConfigured: return false
        }
    }
}

/// What one exchange did.
public struct ExchangeReport: Equatable, Sendable {
    public var pushed = 0
    public var pushDuplicates = 0
    public var pulled = 0
    public var pullDuplicates = 0
    public var position: Int64 = 0
    public var head: Int64 = 0
    /// The store found itself to be a restored copy and started a new epoch.
    public var newEpoch = false
    public init() {}
}

/// The HTTP client every exchange uses: a connection attempt gives up after 3 s (the shared
/// client's default would retry until the request's own deadline, a minute), so an unreachable
/// central node is reported quickly and retried by the caller's backoff. Lives for the process.
public let floorHTTPClient: HTTPClient = {
    var config = HTTPClient.Configuration()
    config.timeout.connect = .seconds(3)
    config.connectionPool.idleTimeout = .seconds(30)
    // A kiosk needs two connections (push, long-poll); `floor bench central` simulates hundreds of
    // kiosks in one process, each with its own connection as real kiosks have (the default of 8
    // would queue them in the client).
    config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
}()

/// The kiosk's side of HTTP replication (AsyncHTTPClient): push its own events, pull everything
/// after its central position, bootstrap an empty store from a snapshot.
public final class SyncClient: Sendable {
    public let store: Store
    public let central: String
    public let node: String
    let secret: String
    let http: HTTPClient
    public let pushBatch: Int
    public let pullBatch: Int

    public init(
        store: Store, central: String, node: String, secret: String, http: HTTPClient = floorHTTPClient,
        pushBatch: Int = 2000, pullBatch: Int = 2000
    ) {
        self.store = store
        self.central = central.hasSuffix("/") ? String(central.dropLast()) : central
        self.node = node; self.secret = secret; self.http = http
        self.pushBatch = pushBatch; self.pullBatch = pullBatch
    }

    /// A client from the store's remembered settings.
    public static func configured(store: Store, http: HTTPClient = floorHTTPClient, pullBatch: Int = 2000) throws -> SyncClient {
        let s = try store.read { db in try Replication.settings(db: db) }
        guard let central = s.central, !central.isEmpty else { throw SyncError.notConfigured("no central node (give --central URL once)") }
        guard let secret = s.secret, !secret.isEmpty else {
            throw SyncError.notConfigured("no secret (give --secret, printed by `floor central add-node \(s.node)`)")
        }
        return SyncClient(store: store, central: central, node: s.node, secret: secret, http: http, pullBatch: pullBatch)
    }

    // MARK: One exchange

    /// Push before pull; pulls until up to date. `wait` > 0 long-polls the first pull that
    /// finds nothing new.
    public func exchange(wait: Int = 0) async throws -> ExchangeReport {
        var report = try await push()
        let pulled = try await pull(wait: wait)
        report.pulled = pulled.pulled
        report.pullDuplicates = pulled.pullDuplicates
        report.position = pulled.position
        report.head = pulled.head
        return report
    }

    /// Sends every own event that the central node does not acknowledge yet.
    public func push() async throws -> ExchangeReport {
        var report = ExchangeReport()
        var gapRetries = 0
        while true {
            let (events, pending) = try store.read { db in
                (try Replication.outgoing(limit: pushBatch, db: db), try Replication.pendingCount(db: db))
            }
            if events.isEmpty { break }
            let segment = Segment(
                header: .init(source: node, kind: .node, pending: pending - events.count),
                items: events.map { Segment.Item(envelope: $0) })
            let (status, body) = try await request(method: .POST, target: "/v1/push", body: segment.encode(secret: secret))
            if status == 200 {
                let ack: Central.PushAck
                do { ack = try JSONDecoder().decode(Central.PushAck.self, from: body) } catch {
                    throw SyncError.badAnswer("push answer is not a PushAck")
                }
                report.pushed += ack.applied
                report.pushDuplicates += ack.duplicates
                report.head = ack.head
                let restored = try store.write { db -> Bool in
                    var restored = false
                    for s in ack.streams where s.node == node {
                        if try Replication.adoptCentralAck(epoch: s.epoch, centralSeq: s.seq, db: db) { restored = true }
                    }
                    try Self.markGood(db)
                    return restored
                }
                if restored { report.newEpoch = true }
                if ack.applied == 0 && ack.duplicates == 0 { break }
                continue
            }
            let refusal = Self.refusal(status: status, body: body)
            if refusal.code == "gap", let expected = refusal.expected, let epoch = refusal.epoch, gapRetries < 3 {
                // The central node lacks earlier events (it was restored?): send from there.
                gapRetries += 1
                try store.write { db in try Replication.setAcked(epoch: epoch, seq: expected - 1, force: true, db: db) }
                continue
            }
            try? store.write { db in try Store.setMeta(Replication.lastErrorKey, refusal.message, db: db) }
            throw SyncError.refused(refusal)
        }
        return report
    }

    /// Pulls after the store's central position until up to date.
    public func pull(wait: Int = 0, batch: Int? = nil) async throws -> ExchangeReport {
        var report = ExchangeReport()
        var upToDate = false
        while true {
            let position = try store.read { db in try EventLog.nodeState(db: db).centralPosition }
            let w = (wait > 0 && upToDate) ? wait : 0
            let (status, body) = try await request(
                method: .GET, target: "/v1/pull?after=\(position)&limit=\(batch ?? pullBatch)&wait=\(w)",
                body: Data(), timeout: .seconds(Int64(w) + 60))
            guard status == 200 else { throw SyncError.refused(Self.refusal(status: status, body: body)) }
            let segment: Segment
            do { segment = try Segment.decode(body) } catch {
                throw SyncError.badAnswer("\(error)")
            }
            let nodesJSON = segment.header.nodes.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
            let result = try store.write { db -> Replication.ReceiveResult in
                let r = try Replication.receive(segment, now: Date(), db: db)
                if let nodesJSON { try Store.setMeta(Replication.nodesKey, nodesJSON, db: db) }
                try Self.markGood(db)
                return r
            }
            report.pulled += result.applied
            report.pullDuplicates += result.duplicates
            report.position = result.position ?? position
            report.head = max(segment.header.head ?? 0, report.position)
            // A long-poll answered (with news or not): this exchange is done.
            if w > 0 { break }
            if segment.items.isEmpty || report.position >= report.head {
                if wait == 0 { break }
                upToDate = true
            }
        }
        return report
    }

    /// The time of the last good exchange (meta `sync.last_ok`: the status line, `floor sync
    /// status`, and the wall board's stale rule read it).
    static func markGood(_ db: Database) throws {
        try Store.setMeta(Replication.lastOkKey, String(Date().epochMillis), db: db)
    }

    // MARK: Bootstrap

    /// Downloads the central node's snapshot into `path` (which must not exist) and makes it this
    /// node's store. Returns the central position it holds; pulls go on from there.
    public func bootstrap(into path: String) async throws -> Int64 {
        let tmp = path + ".download"
        // A download killed while it was being adopted leaves its WAL: it must not be replayed onto this one.
        Store.remove(at: tmp)
        let target = "/v1/snapshot"
        var req = HTTPClientRequest(url: central + target)
        req.method = .GET
        req.headers.add(name: "Authorization", value: RequestAuth.header(node: node, method: "GET", target: target, body: Data(), secret: secret))
        let response: HTTPClientResponse
        do { response = try await http.execute(req, timeout: .seconds(3600)) } catch {
            throw SyncError.unreachable("\(error)")
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
            throw SyncError.refused(Self.refusal(status: Int(response.status.code), body: body))
        }
        let expected = response.headers.first(name: "content-length").flatMap(Int.init)
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let handle = FileHandle(forWritingAtPath: tmp) else {
            throw SyncError.notConfigured("cannot write \(tmp)")
        }
        var written = 0
        do {
            for try await chunk in response.body {
                handle.write(Data(chunk.readableBytesView))
                written += chunk.readableBytes
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            Store.remove(at: tmp)
            throw SyncError.unreachable("the snapshot download broke off: \(error)")
        }
        if let expected, expected != written {
            Store.remove(at: tmp)
            throw SyncError.badAnswer("the snapshot is \(written) bytes, \(expected) were announced")
        }
        try Replication.adoptSnapshot(path: tmp, node: node, central: central, secret: secret)
        // Nothing of an earlier store at `path` may be replayed onto the snapshot.
        for file in Store.sideFiles(at: path) { try? FileManager.default.removeItem(atPath: file) }
        guard rename(tmp, path) == 0 else { throw SyncError.notConfigured("cannot move the snapshot into \(path)") }
        let store = try Store.open(path: path, create: false)
        defer { try? store.close() }
        return try store.read { db in try EventLog.nodeState(db: db).centralPosition }
    }

    // MARK: HTTP

    /// Posts an already encoded push segment as this node; returns the status and the answer
    /// (for benchmarks and tools that replay segments).
    public func post(push body: Data) async throws -> (status: Int, body: Data) {
        try await request(method: .POST, target: "/v1/push", body: body)
    }

    /// - Parameter authorization: the header to send (default: signed as this node; "" sends none).
    func request(
        method: HTTPMethod, target: String, body: Data, timeout: TimeAmount = .seconds(60),
        authorization: String? = nil
    ) async throws -> (Int, Data) {
        var req = HTTPClientRequest(url: central + target)
        req.method = method
        let auth = authorization ?? RequestAuth.header(node: node, method: method.rawValue, target: target, body: body, secret: secret)
        if !auth.isEmpty { req.headers.add(name: "Authorization", value: auth) }
        if !body.isEmpty {
            req.headers.add(name: "Content-Type", value: "application/x-ndjson")
            req.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(req, timeout: timeout)
            let data = try await response.body.collect(upTo: 256 << 20)
            return (Int(response.status.code), Data(data.readableBytesView))
        } catch {
            throw SyncError.unreachable("\(error)")
        }
    }

    static func refusal(status: Int, body: Data) -> CentralRefusal {
        struct Body: Decodable { var error: String; var message: String; var expected: Int64?; var epoch: String? }
        if let b = try? JSONDecoder().decode(Body.self, from: body) {
            return CentralRefusal(status: status, code: b.error, message: b.message, expected: b.expected, epoch: b.epoch)
        }
        return CentralRefusal(status: status, code: "http_\(status)", message: "HTTP \(status)")
    }
}
