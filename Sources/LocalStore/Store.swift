import Foundation
import GRDB
import MESCore

/// What can go wrong when opening or using a store, in words an operator can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// `create: false` and there is no file at `path`.
    case notFound(path: String)
    /// The file is not a SQLite database, or it is truncated or corrupt.
    case damaged(path: String, detail: String)
    /// The store was written by a newer version of Floor (it has migrations this build does not know).
    case newerVersion(path: String)
    /// A SQLite database, but not a Floor store (it has other tables and none of ours).
    case notAStore(path: String)
    /// The file exists but cannot be opened (permissions, read-only medium, a directory, ...).
    case cannotOpen(path: String, detail: String)
    /// A node id that cannot be used in the log (empty, too long, spaces or control characters).
    case invalidNodeID(String)
    /// The node id can only be changed before any event is written or received.
    case nodeIDLocked(current: String)
    /// The store belongs to another node than the one asked for.
    case nodeIDMismatch(path: String, stored: String, requested: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "No Floor store at \(path). Check the path, or create a new store."
        case .damaged(let path, let detail):
            return "The store at \(path) is damaged or is not a Floor database (\(detail)). "
                + "Nothing was changed. Restore it from a backup, or move it aside and let this node re-sync from central."
        case .newerVersion(let path):
            return "The store at \(path) was written by a newer version of Floor than this one (\(MESCoreVersion.value)). "
                + "Nothing was changed. Install the newer Floor version on this machine to use it."
        case .notAStore(let path):
            return "\(path) is a SQLite database but not a Floor store. Nothing was changed. Use another path for the store."
        case .cannotOpen(let path, let detail):
            return "Cannot open the store at \(path): \(detail). Check that the file and its folder exist and are writable by this user."
        case .invalidNodeID(let id):
            return "\"\(id)\" cannot be a node id: use 1 to 64 letters, digits, '-', '_', '.' or ':' (no spaces)."
        case .nodeIDLocked(let current):
            return "This store already holds events as node \"\(current)\"; its node id can no longer change. "
                + "Create a new store for a different node."
        case .nodeIDMismatch(let path, let stored, let requested):
            return "The store at \(path) belongs to node \"\(stored)\", not \"\(requested)\". "
                + "Use the right store for this node, or create a new one."
        }
    }
}

/// The node's SQLite store: the event log, the node's replication state, settings, and the read
/// models (projections), all in one file shared by the kiosk, supervisor and replication
/// processes. WAL mode, `synchronous = NORMAL`, a 5 s busy timeout, foreign keys on.
///
/// Writes are `BEGIN IMMEDIATE` transactions, so several processes appending to the same file stay
/// serialized by SQLite itself and the node's seq stays gapless.
public final class Store: Sendable {
    /// The underlying GRDB writer (a `DatabasePool` for files, a `DatabaseQueue` in memory).
    public let writer: any DatabaseWriter
    /// The file path, or ":memory:".
    public let path: String

    private init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
    }

    static let memoryPath = ":memory:"
    static let busyTimeout: TimeInterval = 5

    /// SQLite's automatic checkpoint threshold (pages) for interactive processes: high enough that
    /// it rarely lands on a scan, low enough that the WAL cannot grow without bound if the process
    /// never checkpoints by itself.
    public static let interactiveCheckpointPages = 10_000

    static func configuration(autoCheckpointPages: Int? = nil, fullSync: Bool = false) -> Configuration {
        var config = Configuration()
        let interactive = autoCheckpointPages != nil
        // A kiosk reads on one thread: two readers are enough, and a small page cache keeps its
        // memory low (the projections it reads are indexed; the OS caches the file anyway).
        if interactive { config.maximumReaderCount = 2 }
        config.label = "Floor"
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.journalMode = .wal
        // GRDB sets NORMAL on the writer when it enables WAL; say it for every connection.
        config.prepareDatabase { db in
            try db.execute(sql: fullSync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            if let pages = autoCheckpointPages { try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)") }
            if interactive { try db.execute(sql: "PRAGMA cache_size = -1024") }
        }
        return config
    }

    // MARK: Opening

    /// Opens (and by default creates) the store at `path`.
    /// - Parameter nodeID: the node this store belongs to. On creation it becomes the node id
    ///   (default "local"); on an existing store with no events yet it replaces the stored one;
    ///   on an existing store that already has events it must match (`StoreError.nodeIDMismatch`).
    /// - Parameter interactive: for processes that scan (kiosk, `floor scan`): SQLite's automatic
    ///   checkpoint, which costs the commit that triggers it ~10 ms of fsync, is pushed to
    ///   `interactiveCheckpointPages`, and the process calls `checkpoint()` when idle or on exit.
    /// - Parameter fullSync: `PRAGMA synchronous = FULL` (the central node): a commit is on disk
    ///   before it is acknowledged, even across a power cut.
    public static func open(
        path: String, create: Bool = true, nodeID: String? = nil, interactive: Bool = false,
        fullSync: Bool = false
    ) throws -> Store {
        if let nodeID { try validate(nodeID: nodeID) }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDir)
        if exists && isDir.boolValue {
            throw StoreError.cannotOpen(path: path, detail: "it is a directory")
        }
        if !exists {
            guard create else { throw StoreError.notFound(path: path) }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty && !fm.fileExists(atPath: dir) {
                do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                    throw StoreError.cannotOpen(path: path, detail: "cannot create folder \(dir): \(error.localizedDescription)")
                }
            }
        } else {
            try preflight(path: path, create: create)
        }

        let pool: DatabasePool
        do {
            pool = try DatabasePool(
                path: path,
                configuration: configuration(
                    autoCheckpointPages: interactive ? interactiveCheckpointPages : nil,
                    fullSync: fullSync))
        } catch {
            throw map(error, path: path, opening: true)
        }
        let store = Store(writer: pool, path: path)
        do {
            try store.setUp(nodeID: nodeID)
            // A copy of the file (a restored backup, a cloned kiosk) must not write on under the
            // original's identities: it starts a new epoch.
            // Read first: opening the same file again (every command, the board) writes nothing.
            let identity = Replication.fileIdentity(path: path)
            if try pool.read({ db in try Store.meta(Replication.instanceKey, db: db) }) != identity {
                try pool.write { db in try Replication.checkInstance(path: path, db: db) }
            }
        } catch {
            try? pool.close()
            throw map(error, path: path, opening: true)
        }
        return store
    }

    /// Opens an existing store for reading only (the wall board): every connection is read-only,
    /// so no code path of the caller can change data. The store is first brought to the current
    /// schema with a normal open, which is the only write this makes (none when up to date).
    public static func openReadOnly(path: String) throws -> Store {
        let upgraded = try open(path: path, create: false)
        try upgraded.close()
        var config = configuration(autoCheckpointPages: interactiveCheckpointPages)
        config.readonly = true
        do {
            return Store(writer: try DatabasePool(path: path, configuration: config), path: path)
        } catch {
            throw map(error, path: path, opening: true)
        }
    }

    /// A private in-memory store (tests, previews). Same schema and behaviour as a file store,
    /// gone when released.
    public static func inMemory(nodeID: String? = nil) throws -> Store {
        if let nodeID { try validate(nodeID: nodeID) }
        var config = configuration()
        config.journalMode = .default
        let queue = try DatabaseQueue(configuration: config)
        let store = Store(writer: queue, path: memoryPath)
        try store.setUp(nodeID: nodeID)
        return store
    }

    /// Closes the connections. Further use throws. (Releasing the store closes it too.)
    public func close() throws {
        try writer.close()
    }

    /// Copies what it can of the WAL back into the database file without blocking readers or
    /// writers (`PRAGMA wal_checkpoint(PASSIVE)`). SQLite also does this automatically every
    /// 1000 WAL pages on the committing connection, which costs that commit a few ms (an fsync);
    /// a process can take that off the scan path by calling this when idle.
    public func checkpoint() throws {
        guard path != Store.memoryPath else { return }
        do {
            _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        } catch {
            throw Store.map(error, path: path)
        }
    }

    /// Copies the whole WAL into the database file, empties the WAL and closes: the database file
    /// alone then holds everything (before it is renamed, sent or copied).
    public func closeSelfContained() throws {
        if path != Store.memoryPath {
            do {
                _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            } catch {
                throw Store.map(error, path: path)
            }
        }
        try close()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The WAL and shared-memory files beside a store's database file.
    public static func sideFiles(at path: String) -> [String] { [path + "-wal", path + "-shm"] }

    /// Deletes the store at `path` (closed by every process), safe against a kill at any moment.
    /// SQLite replays a WAL it finds beside a non-empty database file onto it, whichever database
    /// wrote it, and a database file without its WAL may be a half-checkpointed one. So the
    /// database file is first renamed aside (atomic: from then on nothing is at `path`, and a
    /// stale WAL beside a new, empty file is ignored), then the WAL and shared memory go, then the
    /// renamed file. Killed at any step, `path` holds the whole old store or nothing.
    public static func remove(at path: String, steps: Int = .max) {
        let fm = FileManager.default
        let aside = path + ".removing"
        let actions: [() -> Void] = [
            { if fm.fileExists(atPath: path) { try? fm.removeItem(atPath: aside); try? fm.moveItem(atPath: path, toPath: aside) } },
            { try? fm.removeItem(atPath: path + "-wal") },
            { try? fm.removeItem(atPath: path + "-shm") },
            { try? fm.removeItem(atPath: aside) },
        ]
        for action in actions.prefix(steps) { action() }
    }

    /// Writes a consistent copy of the store to `path` (`VACUUM INTO`) without stopping writers.
    public func vacuumInto(_ target: String) throws {
        do {
            // Outside a transaction (VACUUM cannot run in one), on a reader: SQLite makes the
            // copy one consistent snapshot by itself.
            try writer.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
        } catch {
            throw Store.map(error, path: path)
        }
    }

    // MARK: Access

    /// A read-only access to a consistent snapshot (concurrent with writes on a file store).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw Store.map(error, path: path)
        }
    }

    /// Runs `body` on the writer connection outside a transaction (pragmas).
    public func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction(body)
        } catch {
            throw Store.map(error, path: path)
        }
    }

    /// A write transaction (`BEGIN IMMEDIATE`): committed if `body` returns, rolled back if it throws.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch {
            throw Store.map(error, path: path)
        }
    }

    // MARK: Conveniences

    /// Appends events in their own transaction (see `EventLog.append`).
    @discardableResult
    public func append(_ events: [(event: DomainEvent, actor: String)], now: Date = Date()) throws -> [EventEnvelope] {
        try write { db in try EventLog.append(events, now: now, db: db) }
    }

    /// Stores events received from other nodes in one transaction (see `EventLog.ingest`);
    /// nothing of the batch is kept if any of it is refused.
    public func ingest(_ envelopes: [EventEnvelope], now: Date = Date()) throws -> IngestResult {
        try write { db in try EventLog.ingest(envelopes, now: now, db: db) }
    }

    public func nodeState() throws -> NodeState {
        try read { db in try EventLog.nodeState(db: db) }
    }

    /// The node id, e.g. "kiosk-07".
    public func nodeID() throws -> String { try nodeState().node }

    /// Changes the node id. Only allowed while the log is empty (no event written or received),
    /// since every event names its node.
    public func setNodeID(_ id: String) throws {
        try Store.validate(nodeID: id)
        try write { db in try Store.setNodeID(id, db: db) }
    }

    public func meta(_ key: String) throws -> String? {
        try read { db in try Store.meta(key, db: db) }
    }

    /// Sets a setting; `nil` removes it.
    public func setMeta(_ key: String, _ value: String?) throws {
        try write { db in try Store.setMeta(key, value, db: db) }
    }

    public static func meta(_ key: String, db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key])
    }

    public static func setMeta(_ key: String, _ value: String?, db: Database) throws {
        if let value {
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        } else {
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
        }
    }

    // MARK: Schema

    static let defaultNodeID = "local"

    static func migrator(nodeID: String?) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-eventlog", foreignKeyChecks: .immediate) { db in
            try EventLog.createTables(db)
            try db.execute(
                sql: """
                    CREATE TABLE node_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        node TEXT NOT NULL,
                        epoch TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        last_hash TEXT NOT NULL,
                        hlc_wall INTEGER NOT NULL,
                        hlc_logical INTEGER NOT NULL,
                        central_position INTEGER NOT NULL
                    );
                    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                    """)
            try db.execute(
                sql: """
                    INSERT INTO node_state(id, node, epoch, seq, last_hash, hlc_wall, hlc_logical, central_position)
                    VALUES (1, ?, ?, 0, '', 0, 0, 0)
                    """, arguments: [nodeID ?? defaultNodeID, newEpoch()])
        }
        migrator.registerMigration("v1-projections", foreignKeyChecks: .immediate) { db in
            try Projections.createTables(db)
        }
        migrator.registerMigration("v2-board", foreignKeyChecks: .immediate) { db in
            try Projections.createBoardTables(db)
            try Projections.backfillBoardTables(db)
        }
        migrator.registerMigration("v3-sync", foreignKeyChecks: .immediate) { db in
            try Central.createTables(db)
            // Conflicts are rewritten per aggregate on every re-fold.
            try db.execute(sql: "CREATE INDEX conflicts_by_aggregate ON conflicts(aggregate)")
        }
        migrator.registerMigration("v4-quality", foreignKeyChecks: .immediate) { db in
            try Projections.createQualityTables(db)
        }
        migrator.registerMigration("v5-spc", foreignKeyChecks: .immediate) { db in
            try Projections.createMeasurementTables(db)
        }
        return migrator
    }

    /// A random id for a new store instance: 16 hex digits.
    public static func newEpoch() -> String {
        let s = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    private func setUp(nodeID: String?) throws {
        let migrator = Store.migrator(nodeID: nodeID)
        let (superseded, foreign) = try writer.read { db -> (Bool, Bool) in
            let applied = try migrator.appliedIdentifiers(db)
            if try migrator.hasBeenSuperseded(db) { return (true, false) }
            if applied.isEmpty {
                // Someone else's database? (Tables, but none of ours.) GRDB creates its empty
                // grdb_migrations table before, and outside, the first migration's transaction: a
                // store whose creation was killed in between has that table alone, and is ours.
                let tables =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                            """) ?? 0
                return (false, tables > 0)
            }
            return (false, false)
        }
        if superseded { throw StoreError.newerVersion(path: path) }
        if foreign { throw StoreError.notAStore(path: path) }

        // Another process may be creating the same new file right now: the migrator reads the
        // applied migrations before its transaction, so the loser of that race fails with
        // "table already exists" and simply retries, finding the migrations applied.
        var attempt = 0
        while true {
            do {
                try migrator.migrate(writer)
                break
            } catch let error as DatabaseError where error.resultCode != .SQLITE_CORRUPT && error.resultCode != .SQLITE_NOTADB {
                attempt += 1
                let done = (try? writer.read { db in try migrator.hasCompletedMigrations(db) }) ?? false
                if done { break }
                if attempt >= 3 { throw error }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
            throw StoreError.newerVersion(path: path)
        }

        if let nodeID {
            try writer.write { db in
                let state = try EventLog.nodeState(db: db)
                guard state.node != nodeID else { return }
                do {
                    try Store.setNodeID(nodeID, db: db)
                } catch StoreError.nodeIDLocked {
                    throw StoreError.nodeIDMismatch(path: path, stored: state.node, requested: nodeID)
                }
            }
        }
    }

    static func setNodeID(_ id: String, db: Database) throws {
        let state = try EventLog.nodeState(db: db)
        if state.node == id { return }
        let any = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events)") ?? false
        if any || state.seq > 0 { throw StoreError.nodeIDLocked(current: state.node) }
        try db.execute(sql: "UPDATE node_state SET node = ? WHERE id = 1", arguments: [id])
    }

    static func validate(nodeID id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ allowed.contains($0) }) else {
            throw StoreError.invalidNodeID(id)
        }
    }

    // MARK: Damage detection

    /// Cheap checks on the file header before SQLite sees the file: not a SQLite file at all, or
    /// shorter than its header says (a half-copied file). No full integrity check: that would read
    /// a multi-GB store on every start. Other damage surfaces as SQLITE_CORRUPT / SQLITE_NOTADB on
    /// the first reads and is mapped to `StoreError.damaged`.
    static func preflight(path: String, create: Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.cannotOpen(path: path, detail: "the file cannot be read")
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        // A WAL next to the file may hold pages not yet copied back: then the size says nothing.
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? UInt64) ?? 0
        if size == 0 {
            if walSize > 0 { return }
            // SQLite treats an empty file as an empty database. As an existing store it is a
            // half-copied or wiped file; only a caller that may create a store can start afresh.
            if create { return }
            throw StoreError.damaged(path: path, detail: "the file is empty")
        }
        try? handle.seek(toOffset: 0)
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let magic = Array("SQLite format 3\0".utf8)
        guard header.count == 100, Array(header[0..<16]) == magic else {
            throw StoreError.damaged(path: path, detail: "not a SQLite database: the file header is wrong")
        }
        func be32(_ at: Int) -> UInt64 {
            UInt64(header[at]) << 24 | UInt64(header[at + 1]) << 16 | UInt64(header[at + 2]) << 8 | UInt64(header[at + 3])
        }
        let rawPageSize = UInt64(header[16]) << 8 | UInt64(header[17])
        let pageSize: UInt64 = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else {
            throw StoreError.damaged(path: path, detail: "the file header has an invalid page size")
        }
        guard walSize == 0 else { return }
        let changeCounter = be32(24), pages = be32(28), validFor = be32(92)
        if pages > 0 && changeCounter == validFor && size < pages * pageSize {
            throw StoreError.damaged(
                path: path,
                detail: "the file is truncated: \(size) bytes, its header says \(pages * pageSize)")
        }
        if size % pageSize != 0 {
            throw StoreError.damaged(path: path, detail: "the file is truncated: \(size) bytes is not a whole number of pages")
        }
    }

    static func map(_ error: Error, path: String, opening: Bool = false) -> Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return StoreError.damaged(path: path, detail: "not a SQLite database")
        case .SQLITE_CORRUPT:
            return StoreError.damaged(path: path, detail: "SQLite reports corruption: \(error.message ?? "database disk image is malformed")")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return opening ? StoreError.cannotOpen(path: path, detail: error.message ?? "\(error.resultCode)") : error
        default:
            return error
        }
    }
}
