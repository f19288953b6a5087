import Crypto
import Foundation
import GRDB
import MESCore

/// The node's replication state (the single `node_state` row).
public struct NodeState: Equatable, Sendable {
    /// This node's id, e.g. "kiosk-07".
    public var node: String
    /// The random id of this store instance (new on re-image / restore).
    public var epoch: String
    /// The seq of the last event this node wrote in this epoch (0: none yet).
    public var seq: Int64
    /// The checksum of that event ("" when none).
    public var lastHash: String
    /// The persisted hybrid logical clock.
    public var clock: HLCClock
    /// The highest central position this node has applied (the causal context of new events).
    public var centralPosition: Int64

    public init(node: String, epoch: String, seq: Int64, lastHash: String, clock: HLCClock, centralPosition: Int64) {
        self.node = node; self.epoch = epoch; self.seq = seq; self.lastHash = lastHash
        self.clock = clock; self.centralPosition = centralPosition
    }
}

/// The outcome of `EventLog.ingest`.
public struct IngestResult: Equatable, Sendable {
    /// Events stored (and folded into the projections).
    public var applied: Int
    /// Events already stored with the same checksum (no-ops).
    public var duplicates: Int
    /// Of the applied events, those flagged (unknown type/version, or dated in the future).
    public var flagged: Int
    public init(applied: Int = 0, duplicates: Int = 0, flagged: Int = 0) {
        self.applied = applied; self.duplicates = duplicates; self.flagged = flagged
    }
}

/// Why a batch from another node was refused. The caller's transaction rolls back, so nothing of
/// the batch is stored.
public enum IngestError: Error, Equatable, CustomStringConvertible {
    /// The checksum does not match the event's content (altered or damaged in transit).
    case badChecksum(EventID)
    /// Another event is already stored under this identity: the node's stream has forked
    /// (a cloned disk, a restored backup writing on, or someone posing as the node).
    case fork(EventID)
    /// The event does not follow the stored stream of its node/epoch.
    case gap(node: String, epoch: String, expected: Int64, got: Int64)
    /// The event's prevHash is not the checksum of the stored previous event.
    case brokenChain(EventID)
    /// A field the checksum cannot cover safely (a newline outside the payload, seq < 1, ...).
    case malformed(EventID, String)

    public var description: String {
        switch self {
        case .badChecksum(let id):
            return "Event \(id) was refused: its checksum does not match its content (changed or damaged on the way)."
        case .fork(let id):
            return "Event \(id) was refused: a different event with the same identity is already stored. "
                + "Node \(id.node) has forked (a cloned disk or a restored backup?). Give that node a new epoch and investigate."
        case .gap(let node, let epoch, let expected, let got):
            return "Event \(node)/\(epoch)/\(got) was refused: the next event expected from that node is seq \(expected). Send from \(expected)."
        case .brokenChain(let id):
            return "Event \(id) was refused: it does not chain onto the previous event of its node (prevHash mismatch)."
        case .malformed(let id, let detail):
            return "Event \(id) was refused: \(detail)."
        }
    }
}

/// Errors of local appends.
public enum EventLogError: Error, Equatable, CustomStringConvertible {
    /// The store has no `node_state` row (not set up by `Store`).
    case missingNodeState
    /// A field that would make the canonical text ambiguous (a newline outside the payload).
    case invalidField(name: String, value: String)

    public var description: String {
        switch self {
        case .missingNodeState:
            return "The store has no node state: it was not created by Floor, or it is damaged."
        case .invalidField(let name, let value):
            return "The event's \(name) \(value.debugDescription) contains a line break and cannot be recorded."
        }
    }
}

/// The node's append-only event log: its own events (gapless seq, hash chain) and the events of
/// other nodes received through replication.
///
/// Schema (`events`): `pos` is the local arrival order; `prev_hash`/`checksum` are stored as
/// 32-byte BLOBs (`prev_hash` NULL for seq 1) to keep rows small; envelopes carry them as hex.
/// `flags`: 1 = unknown type/version, 2 = dated in the future.
public enum EventLog {
    public static let flagUnknownType: Int = 1
    public static let flagFuture: Int = 2

    public static func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE events (
                    pos INTEGER PRIMARY KEY,
                    node TEXT NOT NULL,
                    epoch TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    hlc_wall INTEGER NOT NULL,
                    hlc_logical INTEGER NOT NULL,
                    wall_time INTEGER NOT NULL,
                    causal INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    type_version INTEGER NOT NULL,
                    aggregate TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    prev_hash BLOB,
                    payload TEXT NOT NULL,
                    checksum BLOB NOT NULL,
                    flags INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (node, epoch, seq)
                );
                CREATE INDEX events_aggregate ON events(aggregate, hlc_wall, hlc_logical, node, seq);
                """)
    }

    /// The column list every envelope query selects, in the order `envelope(columns:)` reads.
    static let columns =
        "pos, node, epoch, seq, hlc_wall, hlc_logical, wall_time, causal, type, type_version, aggregate, actor, prev_hash, payload, checksum, flags"

    public static let insertSQL = """
        INSERT INTO events (node, epoch, seq, hlc_wall, hlc_logical, wall_time, causal, type, type_version,
                            aggregate, actor, prev_hash, payload, checksum, flags)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    // MARK: Node state

    public static func nodeState(db: Database) throws -> NodeState {
        let stmt = try db.cachedStatement(
            sql: """
                SELECT node, epoch, seq, last_hash, hlc_wall, hlc_logical, central_position FROM node_state WHERE id = 1
                """)
        guard let row = try Row.fetchOne(stmt) else { throw EventLogError.missingNodeState }
        return NodeState(
            node: row[0], epoch: row[1], seq: row[2], lastHash: row[3],
            clock: HLCClock(last: HLC(wall: row[4], logical: row[5])), centralPosition: row[6])
    }

    static func saveNodeState(_ s: NodeState, db: Database) throws {
        let stmt = try db.cachedStatement(
            sql: """
                UPDATE node_state SET seq = ?, last_hash = ?, hlc_wall = ?, hlc_logical = ?, central_position = ? WHERE id = 1
                """)
        try stmt.execute(arguments: [s.seq, s.lastHash, s.clock.last.wall, s.clock.last.logical, s.centralPosition])
    }

    static func saveClock(_ clock: HLCClock, db: Database) throws {
        let stmt = try db.cachedStatement(sql: "UPDATE node_state SET hlc_wall = ?, hlc_logical = ? WHERE id = 1")
        try stmt.execute(arguments: [clock.last.wall, clock.last.logical])
    }

    /// Records the highest central position this node has applied (the causal context stamped
    /// on the events it writes from now on). Never moves backwards.
    public static func setCentralPosition(_ position: Int64, db: Database) throws {
        try db.execute(
            sql: "UPDATE node_state SET central_position = MAX(central_position, ?) WHERE id = 1",
            arguments: [position])
    }

    // MARK: Append (this node's events)

    /// Appends this node's events inside the caller's write transaction: ticks the persisted HLC,
    /// assigns seq (gapless), chains prevHash, checksums, stores, and folds them into the
    /// projections. Returns the envelopes in order.
    public static func append(_ events: [(event: DomainEvent, actor: String)], now: Date, db: Database) throws -> [EventEnvelope] {
        guard !events.isEmpty else { return [] }
        // Decisions are made on current read models: fold whatever was stored unfolded first.
        _ = try Projections.catchUp(db)
        var state = try nodeState(db: db)
        let wall = now.epochMillis
        let insert = try db.cachedStatement(sql: insertSQL)
        var prevBytes: Data? = state.lastHash.isEmpty ? nil : hexDecode(state.lastHash)
        var out: [EventEnvelope] = []
        out.reserveCapacity(events.count)
        for (event, actor) in events {
            let aggregate = event.aggregate.rawValue
            if actor.contains("\n") { throw EventLogError.invalidField(name: "actor", value: actor) }
            if aggregate.contains("\n") { throw EventLogError.invalidField(name: "aggregate", value: aggregate) }
            let hlc = state.clock.tick(physical: now)
            state.seq += 1
            var env = EventEnvelope(
                node: state.node, epoch: state.epoch, seq: state.seq, hlc: hlc, wallTime: wall,
                causal: state.centralPosition, type: event.type, typeVersion: event.version,
                aggregate: aggregate, actor: actor, prevHash: state.lastHash,
                payload: EventCodec.payload(of: event))
            let digest = checksumBytes(env)
            env.checksum = hex(digest)
            var flags = 0
            if case .unknown = event { flags |= flagUnknownType }
            try insert.execute(arguments: [
                env.node, env.epoch, env.seq, hlc.wall, hlc.logical, wall, env.causal, env.type, env.typeVersion,
                aggregate, actor, prevBytes, env.payload, digest, flags,
            ])
            state.lastHash = env.checksum
            prevBytes = digest
            out.append(env)
        }
        try saveNodeState(state, db: db)
        // Folded with the events as decided: their payloads are not decoded back.
        try Projections.apply(zip(out, events).map { (RecordedEvent(envelope: $0, event: $1.event), $0.aggregate) }, db)
        return out
    }

    // MARK: Ingest (other nodes' events)

    /// Stores events received from other nodes, inside the caller's write transaction. Verifies
    /// each checksum, dedupes on (node, epoch, seq), checks that each event extends its node's
    /// stored chain, flags unknown types and future-dated events, advances our HLC (never by a
    /// future-dated event), and folds the new events into the projections.
    ///
    /// Throws on the first refused event; the caller's transaction then rolls back and nothing of
    /// the batch is stored. Events of one node/epoch must come in seq order.
    /// - Parameter project: fold into the read models now (a kiosk), or leave that to
    ///   `Projections.catchUp` (the central node, whose ingest must keep up with every kiosk).
    public static func ingest(_ envelopes: [EventEnvelope], now: Date, project: Bool = true, db: Database) throws -> IngestResult {
        var result = IngestResult()
        guard !envelopes.isEmpty else { return result }
        if project { _ = try Projections.catchUp(db) }
        let own = try nodeState(db: db)
        var clock = own.clock
        let findChecksum = try db.cachedStatement(sql: "SELECT checksum FROM events WHERE node = ? AND epoch = ? AND seq = ?")
        let insert = try db.cachedStatement(sql: insertSQL)
        var fresh: [EventEnvelope] = []
        var decoded: [DomainEvent] = []

        for env in envelopes {
            let id = env.id
            try validate(env)
            let digest = checksumBytes(env)
            guard hex(digest) == env.checksum else { throw IngestError.badChecksum(id) }

            // Already stored?
            if let stored = try Data.fetchOne(findChecksum, arguments: [env.node, env.epoch, env.seq]) {
                guard stored == digest else { throw IngestError.fork(id) }
                result.duplicates += 1
                continue
            }
            // Our own stream: we are its only writer, so anything we do not have is an impostor.
            if env.node == own.node && env.epoch == own.epoch { throw IngestError.fork(id) }

            // Must extend the stored chain of its stream.
            var prevBytes: Data? = nil
            if env.seq == 1 {
                guard env.prevHash.isEmpty else { throw IngestError.brokenChain(id) }
            } else {
                guard let prev = try Data.fetchOne(findChecksum, arguments: [env.node, env.epoch, env.seq - 1]) else {
                    let last = try lastSeq(node: env.node, epoch: env.epoch, db: db)
                    throw IngestError.gap(node: env.node, epoch: env.epoch, expected: last + 1, got: env.seq)
                }
                guard hex(prev) == env.prevHash else { throw IngestError.brokenChain(id) }
                prevBytes = prev
            }

            var flags = 0
            if project {
                // Decoded once: for the flag and for the fold.
                let event = EventCodec.decode(type: env.type, version: env.typeVersion, payload: env.payload)
                if case .unknown = event { flags |= flagUnknownType }
                decoded.append(event)
            } else if !EventCodec.knows(type: env.type, version: env.typeVersion) {
                flags |= flagUnknownType
            }
            if !clock.observe(env.hlc, physical: now) { flags |= flagFuture }

            try insert.execute(arguments: [
                env.node, env.epoch, env.seq, env.hlc.wall, env.hlc.logical, env.wallTime, env.causal, env.type,
                env.typeVersion, env.aggregate, env.actor, prevBytes, env.payload, digest, flags,
            ])
            result.applied += 1
            if flags != 0 { result.flagged += 1 }
            fresh.append(env)
        }
        if clock != own.clock { try saveClock(clock, db: db) }
        if !fresh.isEmpty {
            if project {
                try Projections.apply(zip(fresh, decoded).map { (RecordedEvent(envelope: $0, event: $1), $0.aggregate) }, db)
            } else if try Store.meta(Projections.lagKey, db: db) == nil {
                // Fold from the first event stored now, later.
                try Store.setMeta(Projections.lagKey, String(db.lastInsertedRowID - Int64(fresh.count) + 1), db: db)
            }
        }
        return result
    }

    static func validate(_ env: EventEnvelope) throws {
        let id = env.id
        if env.seq < 1 { throw IngestError.malformed(id, "seq must be 1 or more") }
        for (name, value) in [
            ("node", env.node), ("epoch", env.epoch), ("type", env.type),
            ("aggregate", env.aggregate), ("actor", env.actor), ("prevHash", env.prevHash),
        ]
        where value.contains("\n") {
            throw IngestError.malformed(id, "its \(name) contains a line break")
        }
        if env.node.isEmpty || env.epoch.isEmpty { throw IngestError.malformed(id, "node and epoch must not be empty") }
        if let why = env.outOfBounds { throw IngestError.malformed(id, why) }
    }

    // MARK: Reading

    /// The events of one aggregate in canonical order (HLC, node, seq).
    public static func events(aggregate: String, db: Database) throws -> [EventEnvelope] {
        let stmt = try db.cachedStatement(
            sql: """
                SELECT \(columns) FROM events WHERE aggregate = ? ORDER BY hlc_wall, hlc_logical, node, seq
                """)
        var out: [EventEnvelope] = []
        let cursor = try Row.fetchCursor(stmt, arguments: [aggregate])
        while let row = try cursor.next() { out.append(envelope(columns: row)) }
        return out
    }

    /// An aggregate's events with HLC time in [from, to), in canonical order.
    public static func events(aggregate: String, from: Int64, to: Int64, db: Database) throws -> [EventEnvelope] {
        let stmt = try db.cachedStatement(
            sql: """
                SELECT \(columns) FROM events WHERE aggregate = ? AND hlc_wall >= ? AND hlc_wall < ? ORDER BY hlc_wall, hlc_logical, node, seq
                """)
        return try Row.fetchAll(stmt, arguments: [aggregate, from, to]).map { envelope(columns: $0) }
    }

    /// Events of every aggregate whose id starts with `prefix`, each aggregate's in canonical order.
    public static func events(aggregatePrefix prefix: String, db: Database) throws -> [EventEnvelope] {
        let stmt = try db.cachedStatement(
            sql: """
                SELECT \(columns) FROM events WHERE aggregate >= ? AND aggregate < ? ORDER BY aggregate, hlc_wall, hlc_logical, node, seq
                """)
        let upper = String(prefix.dropLast()) + String(UnicodeScalar(prefix.unicodeScalars.last!.value + 1)!)
        return try Row.fetchAll(stmt, arguments: [prefix, upper]).map { envelope(columns: $0) }
    }

    /// Events in local arrival order after `pos` (exclusive), at most `limit`.
    public static func events(after pos: Int64, limit: Int, db: Database) throws -> [(pos: Int64, envelope: EventEnvelope)] {
        let stmt = try db.cachedStatement(sql: "SELECT \(columns) FROM events WHERE pos > ? ORDER BY pos LIMIT ?")
        var out: [(pos: Int64, envelope: EventEnvelope)] = []
        let cursor = try Row.fetchCursor(stmt, arguments: [pos, limit])
        while let row = try cursor.next() { out.append((row[0], envelope(columns: row))) }
        return out
    }

    /// This node's own events after `seq` (exclusive), in seq order, at most `limit` (for pushing).
    public static func ownEvents(after seq: Int64, limit: Int, db: Database) throws -> [EventEnvelope] {
        let state = try nodeState(db: db)
        let stmt = try db.cachedStatement(
            sql: """
                SELECT \(columns) FROM events WHERE node = ? AND epoch = ? AND seq > ? ORDER BY seq LIMIT ?
                """)
        var out: [EventEnvelope] = []
        let cursor = try Row.fetchCursor(stmt, arguments: [state.node, state.epoch, seq, limit])
        while let row = try cursor.next() { out.append(envelope(columns: row)) }
        return out
    }

    /// One event by identity.
    public static func event(_ id: EventID, db: Database) throws -> EventEnvelope? {
        let stmt = try db.cachedStatement(sql: "SELECT \(columns) FROM events WHERE node = ? AND epoch = ? AND seq = ?")
        return try Row.fetchOne(stmt, arguments: [id.node, id.epoch, id.seq]).map(envelope(columns:))
    }

    /// The highest seq stored for a node/epoch (0 if none). Streams are stored contiguously, so
    /// this is also the highest contiguous seq.
    public static func lastSeq(node: String, epoch: String, db: Database) throws -> Int64 {
        let stmt = try db.cachedStatement(sql: "SELECT MAX(seq) FROM events WHERE node = ? AND epoch = ?")
        return try Int64.fetchOne(stmt, arguments: [node, epoch]) ?? 0
    }

    /// The number of events stored (a full count: it reads an index, ~0.1 s per million rows).
    public static func count(db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
    }

    /// The highest local position (0 when empty).
    public static func lastPosition(db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(pos) FROM events")) ?? 0
    }

    /// The flags of a stored event (`flagUnknownType`, `flagFuture`), nil if not stored.
    public static func flags(of id: EventID, db: Database) throws -> Int? {
        let stmt = try db.cachedStatement(sql: "SELECT flags FROM events WHERE node = ? AND epoch = ? AND seq = ?")
        return try Int.fetchOne(stmt, arguments: [id.node, id.epoch, id.seq])
    }

    /// An envelope from a row of `events` (selected with `SELECT *` or any order of columns).
    public static func envelope(row: Row) -> EventEnvelope {
        let prev: Data? = row["prev_hash"]
        let sum: Data? = row["checksum"]
        return EventEnvelope(
            node: row["node"], epoch: row["epoch"], seq: row["seq"],
            hlc: HLC(wall: row["hlc_wall"], logical: row["hlc_logical"]),
            wallTime: row["wall_time"], causal: row["causal"], type: row["type"],
            typeVersion: row["type_version"], aggregate: row["aggregate"], actor: row["actor"],
            prevHash: prev.map(hex) ?? "", payload: row["payload"], checksum: sum.map(hex) ?? "")
    }

    /// Fast path for rows selected with `columns` (by index).
    static func envelope(columns row: Row) -> EventEnvelope {
        let prev: Data? = row[12]
        let sum: Data? = row[14]
        return EventEnvelope(
            node: row[1], epoch: row[2], seq: row[3], hlc: HLC(wall: row[4], logical: row[5]),
            wallTime: row[6], causal: row[7], type: row[8], typeVersion: row[9], aggregate: row[10],
            actor: row[11], prevHash: prev.map(hex) ?? "", payload: row[13], checksum: sum.map(hex) ?? "")
    }

    // MARK: Checksums

    /// SHA-256 of the envelope's canonical text (UTF-8), as hex: what `checksum` must be.
    public static func checksum(of envelope: EventEnvelope) -> String {
        hex(checksumBytes(envelope))
    }

    static func checksumBytes(_ envelope: EventEnvelope) -> Data {
        var text = envelope.canonicalText
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return Data(digest)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hex(_ data: Data) -> String {
        var out = [UInt8]()
        out.reserveCapacity(data.count * 2)
        for b in data {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase or uppercase hex to bytes; nil if not hex.
    public static func hexDecode(_ s: String) -> Data? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = Data(capacity: u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = v(u[i]), let lo = v(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
