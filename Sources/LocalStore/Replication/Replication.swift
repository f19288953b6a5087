import Foundation
import GRDB
import MESCore

/// The node side of replication, independent of the transport: what waits to go out, taking
/// segments in (from a pull, a file, or a push at the central node: one code path), the
/// remembered settings, and the store's identity (epochs).
///
/// Push cursor: per epoch of this node, the highest seq the central node has acknowledged
/// (`sync.acked.<epoch>`). Own events above it wait to go out. Pull cursor: the central position
/// applied, kept in `node_state.central_position` (the causal context of new events).
public enum Replication {
    // MARK: Settings (meta)

    public static let centralKey = "sync.central"
    public static let secretKey = "sync.secret"
    public static let lastOkKey = BoardQueries.lastSyncKey
    public static let lastErrorKey = "sync.last_error"
    public static let nodesKey = "sync.nodes"
    public static let exportPosKey = "sync.export_pos"
    public static let epochsKey = "sync.epochs"
    public static let instanceKey = "store.instance"
    public static let epochNoteKey = "store.epoch_note"
    static func ackedKey(_ epoch: String) -> String { "sync.acked.\(epoch)" }

    /// Where and as whom this store replicates (`--central --node --secret`, remembered).
    public struct Settings: Equatable, Sendable {
        public var central: String?
        public var node: String
        public var secret: String?
        public init(central: String?, node: String, secret: String?) {
            self.central = central; self.node = node; self.secret = secret
        }
    }

    public static func settings(db: Database) throws -> Settings {
        Settings(
            central: try Store.meta(centralKey, db: db), node: try EventLog.nodeState(db: db).node,
            secret: try Store.meta(secretKey, db: db))
    }

    /// Remembers the given settings (nil leaves one as it is). The node id can only change while
    /// the store has no events (see `Store.setNodeID`).
    public static func remember(central: String?, node: String?, secret: String?, store: Store) throws -> Settings {
        if let node { try store.setNodeID(node) }
        return try store.write { db in
            if let central { try Store.setMeta(centralKey, central, db: db) }
            if let secret { try Store.setMeta(secretKey, secret, db: db) }
            return try settings(db: db)
        }
    }

    // MARK: What waits to go out

    /// This node's epochs, oldest first (the current one last).
    public static func ownEpochs(db: Database) throws -> [String] {
        let current = try EventLog.nodeState(db: db).epoch
        var list = (try Store.meta(epochsKey, db: db) ?? "").split(separator: ",").map(String.init)
        if list.last != current { list.removeAll { $0 == current }; list.append(current) }
        return list
    }

    public static func acked(epoch: String, db: Database) throws -> Int64 {
        Int64(try Store.meta(ackedKey(epoch), db: db) ?? "") ?? 0
    }

    /// Records what the central node holds of one of our epochs (it never moves backwards unless
    /// `force`: a gap answer "send from N" moves it back to N - 1).
    public static func setAcked(epoch: String, seq: Int64, force: Bool = false, db: Database) throws {
        let current = try acked(epoch: epoch, db: db)
        if force || seq > current { try Store.setMeta(ackedKey(epoch), String(seq), db: db) }
    }

    /// Own events not yet acknowledged by the central node (all epochs).
    public static func pendingCount(db: Database) throws -> Int {
        let state = try EventLog.nodeState(db: db)
        var total: Int64 = 0
        for epoch in try ownEpochs(db: db) {
            let last = epoch == state.epoch ? state.seq : try EventLog.lastSeq(node: state.node, epoch: epoch, db: db)
            total += max(0, last - (try acked(epoch: epoch, db: db)))
        }
        return Int(total)
    }

    /// The next own events to push, oldest epoch first, seq order, at most `limit`.
    public static func outgoing(limit: Int, db: Database) throws -> [EventEnvelope] {
        let node = try EventLog.nodeState(db: db).node
        let stmt = try db.cachedStatement(
            sql: """
                SELECT \(EventLog.columns) FROM events WHERE node = ? AND epoch = ? AND seq > ? ORDER BY seq LIMIT ?
                """)
        var out: [EventEnvelope] = []
        for epoch in try ownEpochs(db: db) where out.count < limit {
            let from = try acked(epoch: epoch, db: db)
            let rows = try Row.fetchAll(stmt, arguments: [node, epoch, from, limit - out.count])
            out += rows.map { EventLog.envelope(columns: $0) }
        }
        return out
    }

    // MARK: Taking segments in

    public struct ReceiveResult: Equatable, Sendable {
        public var applied = 0
        public var duplicates = 0
        public var flagged = 0
        /// For central segments: the central position now applied.
        public var position: Int64?
        public init() {}
    }

    public enum ReceiveError: Error, Equatable, CustomStringConvertible {
        /// A central segment that starts after positions this store has not applied.
        case positionGap(applied: Int64, first: Int64)
        /// An event in a node's segment that is not that node's.
        case foreignEvent(source: String, event: EventID)

        public var description: String {
            switch self {
            case .positionGap(let applied, let first):
                return "the segment starts at central position \(first) but this store has applied only up to \(applied): "
                    + "import the segments before it first (nothing of it was applied)"
            case .foreignEvent(let source, let event):
                return "the segment from \(source) holds event \(event), which is not \(source)'s own; nothing of it was applied"
            }
        }
    }

    /// Applies a segment inside the caller's write transaction: the one code path for a pull, a
    /// file import and (at the central node) a push. Throws `IngestError`/`ReceiveError` on the
    /// first refused event; the caller's transaction then rolls back and nothing is kept.
    /// - Parameter onlyFrom: when set, every event must belong to that node (an authenticated push).
    /// - Parameter project: false at the central node: read models are folded behind the log.
    public static func receive(
        _ segment: Segment, onlyFrom: String? = nil, now: Date = Date(), project: Bool = true,
        db: Database
    ) throws -> ReceiveResult {
        var result = ReceiveResult()
        var envelopes: [EventEnvelope]
        if let onlyFrom {
            if let bad = segment.items.first(where: { $0.envelope.node != onlyFrom }) {
                throw ReceiveError.foreignEvent(source: onlyFrom, event: bad.envelope.id)
            }
        }
        switch segment.header.kind {
        case .node:
            envelopes = segment.items.map(\.envelope)
        case .central:
            let applied = try EventLog.nodeState(db: db).centralPosition
            if let first = segment.items.first?.position, first > applied + 1 {
                throw ReceiveError.positionGap(applied: applied, first: first)
            }
            envelopes = segment.items.filter { ($0.position ?? 0) > applied }.map(\.envelope)
            result.duplicates = segment.items.count - envelopes.count
        }
        let r = try EventLog.ingest(envelopes, now: now, project: project, db: db)
        result.applied = r.applied
        result.duplicates += r.duplicates
        result.flagged = r.flagged
        if segment.header.kind == .central, let last = segment.lastPosition {
            try EventLog.setCentralPosition(last, db: db)
            result.position = max(last, try EventLog.nodeState(db: db).centralPosition)
        }
        return result
    }

    // MARK: Segments out

    /// This node's own events after local position `from`, as one segment,
    /// signed with the node's secret when it has one. Returns nil when there is nothing new.
    public static func exportOwn(after from: Int64, limit: Int, db: Database) throws -> (segment: Segment, secret: String?, lastPos: Int64)? {
        let state = try EventLog.nodeState(db: db)
        let stmt = try db.cachedStatement(sql: "SELECT \(EventLog.columns) FROM events WHERE pos > ? AND node = ? ORDER BY pos LIMIT ?")
        let rows = try Row.fetchAll(stmt, arguments: [from, state.node, limit])
        guard let last = rows.last else { return nil }
        let items = rows.map { Segment.Item(envelope: EventLog.envelope(columns: $0)) }
        let segment = Segment(header: .init(source: state.node, kind: .node, pending: try pendingCount(db: db)), items: items)
        return (segment, try Store.meta(secretKey, db: db), last[0])
    }

    /// Every event after `position` by local position, as a central segment (the central
    /// node's pull answer and its export).
    public static func centralSegment(after position: Int64, limit: Int, nodes: [Segment.NodeStatus]? = nil, db: Database) throws -> Segment {
        let source = try EventLog.nodeState(db: db).node
        let items = try EventLog.events(after: position, limit: limit, db: db).map { Segment.Item(position: $0.pos, envelope: $0.envelope) }
        return Segment(header: .init(source: source, kind: .central, head: try EventLog.lastPosition(db: db), nodes: nodes), items: items)
    }

    // MARK: Store identity

    /// Starts a new epoch: this store's next event is seq 1 of a new stream. Called when the
    /// store turns out to be a copy (restored, cloned, moved to another disk), so that the copy
    /// and the original can never write two different events under one identity.
    public static func startNewEpoch(reason: String, now: Date = Date(), db: Database) throws {
        let state = try EventLog.nodeState(db: db)
        var epochs = try ownEpochs(db: db)
        let epoch = Store.newEpoch()
        epochs.append(epoch)
        try Store.setMeta(epochsKey, epochs.joined(separator: ","), db: db)
        try db.execute(sql: "UPDATE node_state SET epoch = ?, seq = 0, last_hash = '' WHERE id = 1", arguments: [epoch])
        try Store.setMeta(epochNoteKey, "\(ISO8601DateFormatter().string(from: now)): epoch \(state.epoch) → \(epoch): \(reason)", db: db)
    }

    /// The identity of the database file (device and inode): a copy of the file (a restored
    /// backup, a cloned store) has another.
    static func fileIdentity(path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return "\(st.st_dev):\(st.st_ino)"
    }

    /// Checks that the store is the file it was: if it was copied, it starts a new epoch before
    /// it writes anything. Returns true when it did.
    @discardableResult
    static func checkInstance(path: String, db: Database) throws -> Bool {
        guard let identity = fileIdentity(path: path) else { return false }
        let stored = try Store.meta(instanceKey, db: db)
        if stored == identity { return false }
        try Store.setMeta(instanceKey, identity, db: db)
        guard stored != nil, try EventLog.nodeState(db: db).seq > 0 else { return false }
        try startNewEpoch(reason: "the store file is a copy (restored, cloned or moved): a new stream starts", db: db)
        return true
    }

    /// The central node's head ahead of us for our own current epoch means this store is an
    /// older copy of itself (restored from a backup): start a new epoch so the copy never writes
    /// events under identities the original already used. Returns true when it did.
    @discardableResult
    public static func adoptCentralAck(epoch: String, centralSeq: Int64, db: Database) throws -> Bool {
        let state = try EventLog.nodeState(db: db)
        if SyncRules.isOlderCopy(ownEpoch: state.epoch, ownSeq: state.seq, centralEpoch: epoch, centralSeq: centralSeq) {
            try startNewEpoch(
                reason: "the central node holds seq \(centralSeq) of this epoch but this store only \(state.seq): it is a restored copy", db: db)
            return true
        }
        try setAcked(epoch: epoch, seq: centralSeq, db: db)
        return false
    }

    /// Makes a snapshot file of the central node fit to be a new node's store: this node's
    /// identity (a new epoch), the central position it holds, and none of the central node's
    /// secrets or settings.
    public static func adoptSnapshot(path: String, node: String, central: String? = nil, secret: String? = nil) throws {
        try Store.validate(nodeID: node)
        let store = try Store.open(path: path, create: false)
        defer { try? store.closeSelfContained() }
        try store.write { db in
            let position = try EventLog.lastPosition(db: db)
            try db.execute(sql: "DELETE FROM central_nodes")
            try db.execute(sql: "DELETE FROM meta WHERE key LIKE 'sync.%' OR key LIKE 'store.%'")
            try db.execute(
                sql: """
                    UPDATE node_state SET node = ?, epoch = ?, seq = 0, last_hash = '', central_position = ? WHERE id = 1
                    """, arguments: [node, Store.newEpoch(), position])
            if let central { try Store.setMeta(centralKey, central, db: db) }
            if let secret { try Store.setMeta(secretKey, secret, db: db) }
        }
    }
}
