import Foundation
import GRDB
import MESCore

// The read models' tables and indexes, and the backfill of tables added to an existing store.
extension Projections {
    public static func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE aggregates (
                    id TEXT PRIMARY KEY NOT NULL,
                    state BLOB NOT NULL,
                    hlc_wall INTEGER NOT NULL, hlc_logical INTEGER NOT NULL, node TEXT NOT NULL, seq INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE routings (key TEXT PRIMARY KEY NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE parts (
                    serial TEXT PRIMARY KEY NOT NULL,
                    work_order TEXT NOT NULL, part TEXT NOT NULL, step TEXT NOT NULL, work_center TEXT NOT NULL,
                    status TEXT NOT NULL, station TEXT, since INTEGER NOT NULL,
                    quantity INTEGER NOT NULL, scrapped INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX parts_queue ON parts(work_center, status) WHERE \(Projections.openPart());
                CREATE INDEX parts_by_order ON parts(work_order);
                CREATE TABLE work_orders (
                    number TEXT PRIMARY KEY NOT NULL, part TEXT NOT NULL, quantity INTEGER NOT NULL,
                    due TEXT NOT NULL, due_at INTEGER NOT NULL, priority TEXT NOT NULL, priority_rank INTEGER NOT NULL,
                    customer TEXT NOT NULL, tracking TEXT NOT NULL, on_hold INTEGER NOT NULL, cancelled INTEGER NOT NULL,
                    released_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE step_starts (
                    work_order TEXT NOT NULL, step TEXT NOT NULL, serial TEXT NOT NULL,
                    hlc_wall INTEGER NOT NULL, hlc_logical INTEGER NOT NULL, node TEXT NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (work_order, step, serial)
                ) WITHOUT ROWID;
                CREATE INDEX step_starts_order ON step_starts(work_order, step, hlc_wall, hlc_logical, node, seq);
                CREATE TABLE holds (
                    hold TEXT PRIMARY KEY NOT NULL, aggregate TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL,
                    by TEXT NOT NULL, ncr TEXT, note TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX holds_by_aggregate ON holds(aggregate);
                CREATE TABLE down (machine TEXT PRIMARY KEY NOT NULL, reason TEXT NOT NULL,
                                    since INTEGER NOT NULL, station TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE fpi (
                    key TEXT PRIMARY KEY NOT NULL, work_order TEXT NOT NULL, step TEXT NOT NULL,
                    first_piece TEXT, verdict TEXT, at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX fpi_by_step ON fpi(work_order, step);
                CREATE TABLE conflicts (
                    node TEXT NOT NULL, epoch TEXT NOT NULL, seq INTEGER NOT NULL, aggregate TEXT NOT NULL,
                    at INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (node, epoch, seq)
                ) WITHOUT ROWID;
                CREATE TABLE lot_uses (
                    material TEXT NOT NULL, lot TEXT NOT NULL, serial TEXT NOT NULL, step TEXT NOT NULL, at INTEGER NOT NULL,
                    PRIMARY KEY (material, lot, serial, step)
                ) WITHOUT ROWID;
                """)
    }

    /// The wall board's and the console's tables (migration v2-board): what each traveler made
    /// at each step (output, FPY, OEE), its scrap with reasons (Pareto), open andon calls,
    /// override requests waiting for a supervisor, and indexes for the board's reads.
    public static func createBoardTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE step_outcomes (
                    serial TEXT NOT NULL, step TEXT NOT NULL, work_order TEXT NOT NULL, station TEXT NOT NULL, at INTEGER NOT NULL,
                    good INTEGER NOT NULL, scrap INTEGER NOT NULL, first_pass INTEGER NOT NULL,
                    PRIMARY KEY (serial, step)
                ) WITHOUT ROWID;
                CREATE INDEX step_outcomes_at ON step_outcomes(at);
                CREATE INDEX step_outcomes_station ON step_outcomes(station, at);
                CREATE TABLE scraps (
                    serial TEXT NOT NULL, event TEXT NOT NULL, step TEXT NOT NULL, station TEXT NOT NULL, at INTEGER NOT NULL,
                    count INTEGER NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (serial, event)
                ) WITHOUT ROWID;
                CREATE INDEX scraps_at ON scraps(at);
                CREATE TABLE andon (
                    station TEXT PRIMARY KEY NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, note TEXT NOT NULL, by TEXT NOT NULL,
                    at INTEGER NOT NULL, ack_by TEXT, ack_at INTEGER
                ) WITHOUT ROWID;
                CREATE TABLE override_requests (
                    serial TEXT NOT NULL, id TEXT NOT NULL, step TEXT NOT NULL, blocker TEXT NOT NULL, reason TEXT NOT NULL,
                    requested_by TEXT NOT NULL, PRIMARY KEY (serial, id)
                ) WITHOUT ROWID;
                CREATE INDEX parts_done ON parts(status, since) WHERE status = 'done';
                CREATE INDEX parts_at_station ON parts(station) WHERE station IS NOT NULL;
                CREATE INDEX fpi_pending ON fpi(verdict) WHERE verdict = 'pending';
                CREATE INDEX parts_open_by_order ON parts(work_order) WHERE \(Projections.openPart());
                """)
    }

    /// The quality registers' tables (migration v4-quality): NCRs and lots, with what their lists filter and sort by.
    public static func createQualityTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE ncrs (
                    number TEXT PRIMARY KEY NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL, defect TEXT NOT NULL,
                    source TEXT NOT NULL, part TEXT, work_order TEXT, step TEXT, station TEXT, material TEXT, lot TEXT, supplier TEXT,
                    travelers INTEGER NOT NULL, raised_at INTEGER NOT NULL, raised_by TEXT NOT NULL, disposition TEXT,
                    closed_at INTEGER, description TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX ncrs_open ON ncrs(raised_at) WHERE status != 'closed';
                CREATE INDEX ncrs_raised ON ncrs(raised_at);
                CREATE TABLE lots (
                    material TEXT NOT NULL, lot TEXT NOT NULL, status TEXT, quantity REAL, used REAL NOT NULL, unit TEXT,
                    supplier TEXT, expiry TEXT, received_at INTEGER, on_hold INTEGER NOT NULL, PRIMARY KEY (material, lot)
                ) WITHOUT ROWID;
                CREATE INDEX lot_uses_serial ON lot_uses(serial);
                CREATE TABLE capas (
                    number TEXT PRIMARY KEY NOT NULL, source TEXT NOT NULL, owner TEXT NOT NULL, due TEXT, opened_at INTEGER NOT NULL,
                    closed_at INTEGER, problem TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE capa_ncrs (capa TEXT NOT NULL, ncr TEXT NOT NULL, PRIMARY KEY (ncr, capa)) WITHOUT ROWID;
                """)
        // Lots held before this build founded their state on `lot.held` alone: fold them again into the new table.
        for env in try EventLog.events(aggregatePrefix: "lot:", db: db) { try apply(RecordedEvent(envelope: env), aggregate: env.aggregate, db) }
    }

    /// Fills the board's tables from what a store already holds. Only travelers with scrap are
    /// re-folded from their events (older states did not keep scrap reasons); the others' stored
    /// states already carry everything.
    public static func backfillBoardTables(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, state FROM aggregates WHERE id >= 'part:' AND id < 'part;'")
        var refold: [String] = []
        while let row = try rows.next() {
            let id: String = row[0]
            let p = try decoder.decode(PartState.self, from: row[1] as Data)
            if p.scrapped > 0 && p.scrapLog == nil { refold.append(id); continue }
            try writeYield(p, db)
        }
        for id in refold {
            let agg = AggregateID(rawValue: id)
            guard let base = try initialPart(agg.key, db) else { continue }
            var p = base
            let events = try EventLog.events(aggregate: id, db: db).map(RecordedEvent.init(envelope:))
            for e in events { p.apply(e) }
            if let last = events.last { try saveAggregate(id, p, last.order, db) }
            try writeYield(p, db)
        }
        for env in try EventLog.events(aggregatePrefix: "andon:", db: db) { try apply(RecordedEvent(envelope: env), aggregate: env.aggregate, db) }
    }
}
