import Crypto
import Foundation
import GRDB
import MESCore

/// The central node's side, independent of HTTP: enrollment and secrets, accepting pushes and
/// imported segments (through `Replication.receive`), serving the log by position, snapshots,
/// and what it knows of every node. The central node is a store like any other (node id
/// `central`): plant and work-order files loaded there are its own events and reach every kiosk.
public enum Central {
    public static let nodeID = "central"

    static func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE central_nodes (
                    node TEXT PRIMARY KEY NOT NULL,
                    secret TEXT NOT NULL,
                    enrolled_at INTEGER NOT NULL,
                    revoked_at INTEGER,
                    last_push INTEGER,
                    last_pull INTEGER,
                    position INTEGER,
                    pending INTEGER,
                    last_error TEXT
                ) WITHOUT ROWID;
                """)
    }

    public enum CentralError: Error, Equatable, CustomStringConvertible {
        case unknownNode(String)
        case revoked(String)
        public var description: String {
            switch self {
            case .unknownNode(let n): return "node \(n) is not enrolled at this central node (run `floor central add-node \(n)` there)"
            case .revoked(let n): return "node \(n) was revoked at this central node; enroll it again to issue a new secret"
            }
        }
    }

    // MARK: Enrollment

    /// Enrolls a node (or re-enrolls it, replacing its secret and lifting a revocation) and
    /// returns its new secret: 32 random bytes as hex. Shown once; the central node keeps it to
    /// check the node's requests and signed segments.
    public static func enroll(node: String, now: Date = Date(), db: Database) throws -> String {
        try Store.validate(nodeID: node)
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let secret = EventLog.hex(bytes)
        try db.execute(
            sql: """
                INSERT INTO central_nodes(node, secret, enrolled_at) VALUES (?, ?, ?)
                ON CONFLICT(node) DO UPDATE SET secret = excluded.secret, enrolled_at = excluded.enrolled_at, revoked_at = NULL
                """, arguments: [node, secret, now.epochMillis])
        return secret
    }

    /// Revokes a node: its secret stops working at once. Its events already received stay.
    public static func revoke(node: String, now: Date = Date(), db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM central_nodes WHERE node = ?)", arguments: [node]) == true else {
            throw CentralError.unknownNode(node)
        }
        try db.execute(sql: "UPDATE central_nodes SET revoked_at = ? WHERE node = ?", arguments: [now.epochMillis, node])
    }

    /// The secret of an enrolled, unrevoked node.
    public static func secret(node: String, db: Database) throws -> String {
        guard let row = try Row.fetchOne(db, sql: "SELECT secret, revoked_at FROM central_nodes WHERE node = ?", arguments: [node]) else {
            throw CentralError.unknownNode(node)
        }
        if (row["revoked_at"] as Int64?) != nil { throw CentralError.revoked(node) }
        return row["secret"]
    }

    // MARK: Push

    /// What a push (or an imported node segment) was answered with.
    public struct PushAck: Codable, Equatable, Sendable {
        public struct Stream: Codable, Equatable, Sendable {
            public var node: String
            public var epoch: String
            /// The highest contiguous seq the central node holds of this stream.
            public var seq: Int64
            public init(node: String, epoch: String, seq: Int64) { self.node = node; self.epoch = epoch; self.seq = seq }
        }
        public var applied: Int
        public var duplicates: Int
        public var flagged: Int
        /// Every stream (epoch) of the pushing node that the central node holds.
        public var streams: [Stream]
        /// The central head after the push.
        public var head: Int64
        public init(applied: Int, duplicates: Int, flagged: Int, streams: [Stream], head: Int64) {
            self.applied = applied; self.duplicates = duplicates; self.flagged = flagged; self.streams = streams; self.head = head
        }
    }

    /// Takes a node's segment in, inside the caller's write transaction: only that node's events,
    /// through `Replication.receive`. Records the push on the node's row.
    public static func accept(_ segment: Segment, from node: String, now: Date = Date(), db: Database) throws -> PushAck {
        let r = try Replication.receive(segment, onlyFrom: node, now: now, project: false, db: db)
        try db.execute(
            sql: "UPDATE central_nodes SET last_push = ?, pending = ?, last_error = NULL WHERE node = ?",
            arguments: [now.epochMillis, segment.header.pending, node])
        return PushAck(
            applied: r.applied, duplicates: r.duplicates, flagged: r.flagged,
            streams: try streams(of: node, db: db), head: try EventLog.lastPosition(db: db))
    }

    /// Records why a node's push was refused (shown to supervisors), outside the refused
    /// transaction.
    public static func recordError(node: String, message: String, now: Date = Date(), db: Database) throws {
        try db.execute(
            sql: "UPDATE central_nodes SET last_error = ?, last_push = ? WHERE node = ?",
            arguments: [message, now.epochMillis, node])
    }

    /// The streams of one node held here, with their highest seq.
    public static func streams(of node: String, db: Database) throws -> [PushAck.Stream] {
        try Row.fetchAll(db, sql: "SELECT epoch, MAX(seq) FROM events WHERE node = ? GROUP BY epoch", arguments: [node])
            .map { PushAck.Stream(node: node, epoch: $0[0], seq: $0[1]) }
    }

    // MARK: Pull

    /// Events after `position` (a central segment) with every node's status.
    public static func pull(after position: Int64, limit: Int, db: Database) throws -> Segment {
        try Replication.centralSegment(after: position, limit: limit, nodes: try nodes(db: db), db: db)
    }

    /// Records that a node pulled up to a position (a small write, after the read).
    public static func recordPull(node: String, position: Int64, now: Date = Date(), db: Database) throws {
        try db.execute(
            sql: "UPDATE central_nodes SET last_pull = ?, position = MAX(COALESCE(position, 0), ?) WHERE node = ?",
            arguments: [now.epochMillis, position, node])
    }

    /// Every enrolled node as the central node sees it.
    public static func nodes(db: Database) throws -> [Segment.NodeStatus] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT node, pending, last_push, last_pull, position, revoked_at, last_error FROM central_nodes ORDER BY node
                """
        ).map { row in
            Segment.NodeStatus(
                node: row[0], pending: row[1], lastPush: row[2], lastPull: row[3], position: row[4],
                revoked: (row[5] as Int64?) != nil ? true : nil, lastError: row[6])
        }
    }

    /// The per-node view a supervisor sees on this store: the central node's own table when this
    /// is the central node, otherwise what the last pull brought.
    public static func knownNodes(db: Database) throws -> [Segment.NodeStatus] {
        let own = try nodes(db: db)
        if !own.isEmpty { return own }
        guard let json = try Store.meta(Replication.nodesKey, db: db) else { return [] }
        return (try? JSONDecoder().decode([Segment.NodeStatus].self, from: Data(json.utf8))) ?? []
    }

    // MARK: Snapshot

    /// Writes a consistent copy of the store to `path` (SQLite's `VACUUM INTO`, from a read
    /// transaction, so writers go on) without the central node's secrets. Returns the central
    /// position it holds.
    public static func writeSnapshot(store: Store, to path: String) throws -> Int64 {
        try? FileManager.default.removeItem(atPath: path)
        try store.vacuumInto(path)
        let copy = try Store.open(path: path, create: false)
        // Deleted rows stay in free pages unless overwritten: secure_delete zeroes them.
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        // A new node starts from current read models.
        while try copy.write({ db in try Projections.catchUp(db, limit: 20_000) }) > 0 {}
        let position = try copy.write { db -> Int64 in
            try db.execute(sql: "DELETE FROM central_nodes")
            try db.execute(sql: "DELETE FROM meta WHERE key LIKE 'sync.%' OR key LIKE 'store.%'")
            return try EventLog.lastPosition(db: db)
        }
        try copy.closeSelfContained()
        return position
    }
}
