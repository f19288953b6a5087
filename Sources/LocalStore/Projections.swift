import Foundation
import GRDB
import MESCore

/// Read models kept up to date in the same transaction as the events that change them.
///
/// Each aggregate's folded state is stored as JSON in `aggregates` with the order key of the last
/// event folded. An event that sorts after it is applied incrementally; one that sorts before it
/// (a late arrival from another node) re-folds that aggregate alone from its events. Query tables
/// (`parts`, `work_orders`, `step_starts`, `holds`, `down`, `fpi`, `conflicts`, `lot_uses`) are
/// rewritten from the aggregate's new state, so they are always a function of the event set.
public enum Projections {
    public static func createTables(_ db: Database) throws {
        try db.execute(sql: """
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
            CREATE TABLE down (machine TEXT PRIMARY KEY NOT NULL, reason TEXT NOT NULL, since INTEGER NOT NULL, station TEXT NOT NULL) WITHOUT ROWID;
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
        try db.execute(sql: """
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

    /// Meta key: the local position of the first event stored but not yet folded into the read
    /// models (absent when they are current). Only the central node defers folding.
    public static let lagKey = "projection.from"

    /// Folds up to `limit` events stored without folding (`EventLog.ingest(project: false)`),
    /// in position order, in the caller's transaction. Returns how many it folded (0: current).
    @discardableResult
    public static func catchUp(_ db: Database, limit: Int = .max) throws -> Int {
        guard let text = try Store.meta(lagKey, db: db), let from = Int64(text) else { return 0 }
        let rows = try EventLog.events(after: from - 1, limit: limit, db: db)
        try apply(rows.map(\.envelope), db)
        if rows.count < limit || rows.isEmpty {
            try Store.setMeta(lagKey, nil, db: db)
        } else {
            try Store.setMeta(lagKey, String(rows.last!.pos + 1), db: db)
        }
        return rows.count
    }

    /// Events stored but not folded yet (0 when the read models are current).
    public static func lag(_ db: Database) throws -> Int {
        guard let text = try Store.meta(lagKey, db: db), let from = Int64(text) else { return 0 }
        return Int(max(0, try EventLog.lastPosition(db: db) - from + 1))
    }

    /// Folds newly stored events into the read models, in the caller's transaction.
    public static func apply(_ envelopes: [EventEnvelope], _ db: Database) throws {
        for env in envelopes { try apply(RecordedEvent(envelope: env), aggregate: env.aggregate, db) }
    }

    static func apply(_ r: RecordedEvent, aggregate: String, _ db: Database) throws {
        let agg = AggregateID(rawValue: aggregate)
        switch agg.kind {
        case "plant":
            try fold(agg, r, db, initial: { PlantAggregate() }) { $0.apply($1) }
            try rebuildRoutings(db)
        case "wo":
            guard let wo = try foldWorkOrder(agg, r, db) else { return }
            try writeWorkOrder(wo, db)
            if case .workOrderReleased = r.event { try createParts(of: wo, db) }
        case "part":
            guard let (part, refolded) = try foldPart(agg, r, db) else { return }
            // Outcomes and scrap lines are rewritten only when they can have changed.
            try writePart(part, db, yield: refolded || r.event.affectsYield)
        case "machine":
            let m = try fold(agg, r, db, initial: { MachineState(id: agg.key) }) { $0.apply($1) }
            try db.execute(sql: "DELETE FROM down WHERE machine = ?", arguments: [m.id])
            if let d = m.down {
                try db.execute(sql: "INSERT INTO down(machine, reason, since, station) VALUES (?, ?, ?, ?)",
                               arguments: [m.id, d.reason, d.since, d.station])
            }
            try writeConflicts(m.conflicts, aggregate: aggregate, db)
        case "fpi":
            let f = try fold(agg, r, db, initial: { FPIState(key: FPIKey(rawValue: agg.key)) }) { $0.apply($1) }
            try db.execute(sql: "INSERT OR REPLACE INTO fpi(key, work_order, step, first_piece, verdict, at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [f.key.rawValue, f.key.workOrder, f.key.step, f.firstPiece, f.verdict?.rawValue, f.at])
            try writeConflicts(f.conflicts, aggregate: aggregate, db)
        case "andon":
            let a = try fold(agg, r, db, initial: { AndonState(station: agg.key) }) { $0.apply($1) }
            try db.cachedStatement(sql: "DELETE FROM andon WHERE station = ?").execute(arguments: [a.station])
            if let c = a.open {
                try db.cachedStatement(sql: "INSERT INTO andon(station, id, kind, note, by, at, ack_by, ack_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [a.station, c.id, c.kind, c.note, c.by, c.at, c.acknowledgedBy, c.acknowledgedAt])
            }
            try writeConflicts(a.conflicts, aggregate: aggregate, db)
        case "lot":
            guard case .lotHeld(let e) = r.event else {
                // A release for a lot never held here changes nothing (but stays in the log).
                guard let row = try aggregateRow(agg.rawValue, db) else { return }
                let l = try fold(agg, r, db, row: row, initial: { LotState(material: "", lot: "") }) { $0.apply($1) }
                return try writeHolds(l.holds, aggregate: agg.rawValue, db)
            }
            let l = try fold(agg, r, db, initial: { LotState(material: e.material, lot: e.lot) }) { $0.apply($1) }
            try writeHolds(l.holds, aggregate: agg.rawValue, db)
        default:
            break  // notes on other aggregates, unknown types: in the log, no read model
        }
    }

    // MARK: - Folding

    struct AggregateRow {
        var state: Data
        var order: OrderKey
    }

    static func aggregateRow(_ id: String, _ db: Database) throws -> AggregateRow? {
        let stmt = try db.cachedStatement(sql: "SELECT state, hlc_wall, hlc_logical, node, seq FROM aggregates WHERE id = ?")
        guard let row = try Row.fetchOne(stmt, arguments: [id]) else { return nil }
        return AggregateRow(state: row[0], order: OrderKey(hlc: HLC(wall: row[1], logical: row[2]), node: row[3], seq: row[4]))
    }

    static func saveAggregate<S: Encodable>(_ id: String, _ state: S, _ order: OrderKey, _ db: Database) throws {
        let stmt = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO aggregates(id, state, hlc_wall, hlc_logical, node, seq) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let data = try encoder.encode(state)
        try stmt.execute(arguments: [id, data, order.hlc.wall, order.hlc.logical, order.node, order.seq])
        StateCache.shared.put(id, data, state)
    }

    /// Decodes a stored state, or returns the value this process last wrote or read for exactly
    /// these bytes (a hit needs byte-identical JSON, so it can never be stale).
    static func decodeState<S: Decodable>(_ type: S.Type, _ id: String, _ data: Data) throws -> S {
        if let s: S = StateCache.shared.get(id, data) { return s }
        let s = try decoder.decode(S.self, from: data)
        StateCache.shared.put(id, data, s)
        return s
    }

    static func loadState<S: Decodable>(_ type: S.Type, _ id: String, _ db: Database) throws -> S? {
        guard let row = try aggregateRow(id, db) else { return nil }
        return try decodeState(S.self, id, row.state)
    }

    /// Applies `r` to the aggregate's stored state, or re-folds the aggregate from all its events
    /// when `r` sorts before the last event folded.
    @discardableResult
    static func fold<S: Codable>(_ agg: AggregateID, _ r: RecordedEvent, _ db: Database, row: AggregateRow? = nil, initial: () -> S,
                                 apply: (inout S, RecordedEvent) -> Void) throws -> S {
        try refoldingFrom(agg, r, db, row: row, refold: { events in
            var s = initial()
            for e in events { apply(&s, e) }
            return s
        }, apply: apply)!
    }

    /// The first release (canonical order) founds the work order; events that arrived before it
    /// are folded then. Until a release is known, nothing is projected.
    static func foldWorkOrder(_ agg: AggregateID, _ r: RecordedEvent, _ db: Database) throws -> WorkOrderState? {
        try refoldingFrom(agg, r, db, refold: WorkOrderState.fold) { $0.apply($1) }
    }

    /// The part after `r`, and whether that took a re-fold (a late event).
    static func foldPart(_ agg: AggregateID, _ r: RecordedEvent, _ db: Database) throws -> (PartState, refolded: Bool)? {
        guard let row = try aggregateRow(agg.rawValue, db) else { return nil }  // its work order is not known yet
        let p: PartState? = try refoldingFrom(agg, r, db, row: row) { events in
            guard let base = try initialPart(agg.key, db) else { return nil }
            var p = base
            for e in events { p.apply(e) }
            return p
        } apply: { $0.apply($1) }
        return p.map { ($0, !(row.order < r.order)) }
    }

    /// Incremental when in order; otherwise `refold` over the aggregate's events in canonical order.
    /// `row`: the aggregate's stored row when the caller has just read it (read here otherwise).
    static func refoldingFrom<S: Codable>(_ agg: AggregateID, _ r: RecordedEvent, _ db: Database, row known: AggregateRow? = nil,
                                          refold: ([RecordedEvent]) throws -> S?, apply: (inout S, RecordedEvent) -> Void) throws -> S? {
        if let row = try known ?? aggregateRow(agg.rawValue, db), row.order < r.order {
            var s = try decodeState(S.self, agg.rawValue, row.state)
            apply(&s, r)
            try saveAggregate(agg.rawValue, s, r.order, db)
            return s
        }
        let events = try EventLog.events(aggregate: agg.rawValue, db: db).map(RecordedEvent.init(envelope:))
        guard let s = try refold(events) else { return nil }
        let last = events.last?.order ?? r.order
        try saveAggregate(agg.rawValue, s, max(last, r.order), db)
        return s
    }

    /// A part as its work order's release made it, before any of its own events.
    static func initialPart(_ serial: String, _ db: Database, order: WorkOrderState? = nil) throws -> PartState? {
        var wo = order
        if wo == nil {
            guard let number = try String.fetchOne(db.cachedStatement(sql: "SELECT work_order FROM parts WHERE serial = ?"), arguments: [serial])
            else { return nil }
            wo = try loadState(WorkOrderState.self, AggregateID.workOrder(number).rawValue, db)
        }
        guard let wo else { return nil }
        return PartState.released(serial: serial, order: wo, routing: try routing(id: wo.routing, version: wo.routingVersion, db))
    }

    static func createParts(of wo: WorkOrderState, _ db: Database) throws {
        for serial in wo.serials where try aggregateRow(AggregateID.part(serial).rawValue, db) == nil {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO parts(serial, work_order, part, step, work_center, status, station, since, quantity, scrapped)
                VALUES (?, ?, ?, '', '', 'queued', NULL, ?, 0, 0)
                """).execute(arguments: [serial, wo.spec.number, wo.spec.part, wo.releasedAt])
            guard var p = try initialPart(serial, db, order: wo) else { continue }
            // Part events that arrived before the release are folded now.
            let early = try EventLog.events(aggregate: AggregateID.part(serial).rawValue, db: db).map(RecordedEvent.init(envelope:))
            for e in early { p.apply(e) }
            try saveAggregate(AggregateID.part(serial).rawValue, p,
                              early.last?.order ?? OrderKey(hlc: HLC(wall: wo.releasedAt, logical: -1), node: "", seq: 0), db)
            try writePart(p, db)
        }
    }

    // MARK: - Query tables

    static func writePart(_ p: PartState, _ db: Database, yield: Bool = true) throws {
        let wc = try workCenter(ofStep: p.step, workOrder: p.workOrder, db) ?? ""
        let stmt = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO parts(serial, work_order, part, step, work_center, status, station, since, quantity, scrapped)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let cancelled = try Bool.fetchOne(db.cachedStatement(sql: "SELECT cancelled FROM work_orders WHERE number = ?"),
                                          arguments: [p.workOrder]) ?? false
        try stmt.execute(arguments: [p.serial, p.workOrder, p.part, p.step, wc, p.effectiveStatus(workOrderCancelled: cancelled).rawValue, p.run?.station,
                                     p.since, p.quantity, p.scrapped])
        for (step, key) in p.firstStarts {
            // Written only when new or changed (a late event can move a first start): an unchanged
            // row costs no page write in the commit.
            try db.cachedStatement(sql: """
                INSERT INTO step_starts(work_order, step, serial, hlc_wall, hlc_logical, node, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(work_order, step, serial) DO UPDATE SET
                    hlc_wall = excluded.hlc_wall, hlc_logical = excluded.hlc_logical, node = excluded.node, seq = excluded.seq
                WHERE (hlc_wall, hlc_logical, node, seq) IS NOT (excluded.hlc_wall, excluded.hlc_logical, excluded.node, excluded.seq)
                """).execute(arguments: [p.workOrder, step, p.serial, key.hlc.wall, key.hlc.logical, key.node, key.seq])
        }
        try writeHolds(p.holds, aggregate: AggregateID.part(p.serial).rawValue, db)
        try writeConflicts(p.conflicts, aggregate: AggregateID.part(p.serial).rawValue, db)
        if yield { try writeYield(p, db) }
        if !p.overrides.isEmpty {
            try db.cachedStatement(sql: "DELETE FROM override_requests WHERE serial = ?").execute(arguments: [p.serial])
            for o in p.overrides where o.status == .requested {
                try db.cachedStatement(sql: """
                    INSERT INTO override_requests(serial, id, step, blocker, reason, requested_by) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [p.serial, o.id, o.step, o.blocker.rawValue, o.reason, o.requestedBy])
            }
        }
        if let run = p.run {
            for use in run.lots.values {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO lot_uses(material, lot, serial, step, at) VALUES (?, ?, ?, ?, ?)")
                    .execute(arguments: [use.material, use.lot, p.serial, run.step, use.at])
            }
        }
    }

    /// The traveler's step outcomes and scrap lines: unchanged rows are not rewritten, vanished
    /// ones (an undo, a re-fold) are deleted.
    static func writeYield(_ p: PartState, _ db: Database) throws {
        let outcomes = p.outcomes
        let steps = try String.fetchAll(db.cachedStatement(sql: "SELECT step FROM step_outcomes WHERE serial = ?"), arguments: [p.serial])
        let now = Set(outcomes.map(\.step))
        for step in steps where !now.contains(step) {
            try db.cachedStatement(sql: "DELETE FROM step_outcomes WHERE serial = ? AND step = ?").execute(arguments: [p.serial, step])
        }
        for o in outcomes {
            try db.cachedStatement(sql: """
                INSERT INTO step_outcomes(serial, step, work_order, station, at, good, scrap, first_pass) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(serial, step) DO UPDATE SET station = excluded.station, at = excluded.at, good = excluded.good,
                    scrap = excluded.scrap, first_pass = excluded.first_pass
                WHERE (station, at, good, scrap, first_pass) IS NOT (excluded.station, excluded.at, excluded.good, excluded.scrap, excluded.first_pass)
                """).execute(arguments: [p.serial, o.step, p.workOrder, o.station, o.at, o.good, o.scrap, o.firstPass])
        }
        let log = p.scrapLog ?? []
        let known = try String.fetchAll(db.cachedStatement(sql: "SELECT event FROM scraps WHERE serial = ?"), arguments: [p.serial])
        let ids = Set(log.map { $0.event.description })
        for id in known where !ids.contains(id) {
            try db.cachedStatement(sql: "DELETE FROM scraps WHERE serial = ? AND event = ?").execute(arguments: [p.serial, id])
        }
        for x in log where !known.contains(x.event.description) {
            try db.cachedStatement(sql: "INSERT INTO scraps(serial, event, step, station, at, count, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [p.serial, x.event.description, x.step, x.station, x.at, x.count, x.reason])
        }
    }

    static func writeWorkOrder(_ wo: WorkOrderState, _ db: Database) throws {
        let tz = try plantTimeZone(db)
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO work_orders(number, part, quantity, due, due_at, priority, priority_rank, customer, tracking,
                                               on_hold, cancelled, released_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [wo.spec.number, wo.spec.part, wo.spec.quantity, wo.spec.due.description,
                                     wo.spec.due.deadline(in: tz).epochMillis, wo.priority.rawValue,
                                     wo.priority.rank, wo.spec.customer, wo.spec.tracking.rawValue, wo.isOnHold, wo.cancelled,
                                     wo.releasedAt])
        try writeHolds(wo.holds, aggregate: AggregateID.workOrder(wo.spec.number).rawValue, db)
        try writeConflicts(wo.conflicts, aggregate: AggregateID.workOrder(wo.spec.number).rawValue, db)
        if wo.cancelled {
            // Each traveler's shown status is MESCore's `effectiveStatus` (scrapped stays scrapped).
            for serial in wo.serials {
                if let p = try loadState(PartState.self, AggregateID.part(serial).rawValue, db) { try writePart(p, db, yield: false) }
            }
        }
    }

    static func writeHolds(_ holds: [OpenHold], aggregate: String, _ db: Database) throws {
        let existing = try String.fetchAll(db.cachedStatement(sql: "SELECT hold FROM holds WHERE aggregate = ?"), arguments: [aggregate])
        let now = Set(holds.map(\.id))
        for id in existing where !now.contains(id) {
            try db.cachedStatement(sql: "DELETE FROM holds WHERE hold = ?").execute(arguments: [id])
        }
        for h in holds where !existing.contains(h.id) {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO holds(hold, aggregate, reason, at, by, ncr, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [h.id, aggregate, h.reason, h.at, h.by, h.ncr, h.note])
        }
    }

    /// Replaces an aggregate's listed conflicts with those of its current fold: a late event can
    /// re-fold an aggregate so that what looked like a conflict in arrival order is none in the
    /// canonical order (or another one), and every node must list the same.
    static func writeConflicts(_ conflicts: [Conflict], aggregate: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM conflicts WHERE aggregate = ?").execute(arguments: [aggregate])
        for c in conflicts {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO conflicts(node, epoch, seq, aggregate, at, text) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [c.event.node, c.event.epoch, c.event.seq, c.aggregate, c.at, c.text])
        }
    }

    // MARK: - Master data

    static func rebuildRoutings(_ db: Database) throws {
        RoutingCache.shared.clear()
        // Every routing version ever loaded stays known: work orders keep the version they were released with.
        let loads = try EventLog.events(aggregate: "plant", db: db).map(RecordedEvent.init(envelope:))
        for e in loads {
            guard case .plantLoaded(let p) = e.event else { continue }
            for r in p.plant.routings {
                try db.execute(sql: "INSERT OR REPLACE INTO routings(key, body) VALUES (?, ?)",
                               arguments: [PlantState.routingKey(r.id, r.version), try encoder.encode(r)])
            }
        }
    }

    /// Every routing version the store knows (a small table: one row per version loaded).
    static func allRoutings(_ db: Database) throws -> [Routing] {
        try Data.fetchAll(db, sql: "SELECT body FROM routings").map { try decoder.decode(Routing.self, from: $0) }
    }

    static func routing(id: String, version: Int, _ db: Database) throws -> Routing? {
        let key = PlantState.routingKey(id, version)
        if let r = RoutingCache.shared.get(key) { return r }
        guard let body = try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM routings WHERE key = ?"),
                                           arguments: [PlantState.routingKey(id, version)]) else { return nil }
        let r = try decoder.decode(Routing.self, from: body)
        RoutingCache.shared.put(key, r)
        return r
    }

    static func workCenter(ofStep step: String, workOrder: String, _ db: Database) throws -> String? {
        if let key = RoutingCache.shared.routingKey(ofOrder: workOrder), let r = RoutingCache.shared.get(key) { return r.step(step)?.workCenter }
        guard let wo = try loadState(WorkOrderState.self, AggregateID.workOrder(workOrder).rawValue, db),
              let r = try routing(id: wo.routing, version: wo.routingVersion, db) else { return nil }
        RoutingCache.shared.setRoutingKey(PlantState.routingKey(wo.routing, wo.routingVersion), ofOrder: workOrder)
        return r.step(step)?.workCenter
    }

    static func plantTimeZone(_ db: Database) throws -> TimeZone {
        let plant = try loadState(PlantAggregate.self, "plant", db)?.plant
        return plant.flatMap { TimeZone(identifier: $0.timezone) } ?? TimeZone(identifier: "UTC")!
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    static let decoder = JSONDecoder()
}

/// Routings decoded once per process. A routing version is immutable in practice; a plant load
/// clears the cache all the same, in case a file changed a version's content.
final class RoutingCache: @unchecked Sendable {
    static let shared = RoutingCache()
    private let lock = NSLock()
    private var routings: [String: Routing] = [:]
    private var orderRouting: [String: String] = [:]
    func get(_ key: String) -> Routing? { lock.lock(); defer { lock.unlock() }; return routings[key] }
    func put(_ key: String, _ r: Routing) { lock.lock(); routings[key] = r; lock.unlock() }
    func routingKey(ofOrder n: String) -> String? { lock.lock(); defer { lock.unlock() }; return orderRouting[n] }
    func setRoutingKey(_ k: String, ofOrder n: String) { lock.lock(); orderRouting[n] = k; lock.unlock() }
    func clear() { lock.lock(); routings = [:]; orderRouting = [:]; lock.unlock() }
}

/// Decoded aggregate states by id, with the exact bytes they were decoded from or encoded to.
final class StateCache: @unchecked Sendable {
    static let shared = StateCache()
    private let lock = NSLock()
    private var entries: [String: (data: Data, value: Any)] = [:]
    private let capacity = 4096

    func get<S>(_ id: String, _ data: Data) -> S? {
        lock.lock(); defer { lock.unlock() }
        guard let e = entries[id], e.data == data else { return nil }
        return e.value as? S
    }
    func put(_ id: String, _ data: Data, _ value: Any) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= capacity, entries[id] == nil { entries.removeAll(keepingCapacity: true) }
        entries[id] = (data, value)
    }
}

extension Projections {
    /// `status NOT IN ('done', 'scrapped', 'cancelled')`: a part not yet in a terminal state, written
    /// once from `PartStatus.terminal` for every query and the partial indexes (whose conditions
    /// a query must repeat word for word for SQLite to use them).
    public static func openPart(_ table: String? = nil) -> String {
        (table.map { "\($0).status" } ?? "status") + " NOT IN (" + PartStatus.terminal.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}
