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
        try apply(envelopes.map { (RecordedEvent(envelope: $0), $0.aggregate) }, db)
    }

    /// Folds decoded events in order. A long run first decodes the stored states of the travelers
    /// it touches on every core (`prefetchParts`), so the fold itself finds them decoded.
    static func apply(_ events: [(event: RecordedEvent, aggregate: String)], _ db: Database) throws {
        guard events.count >= prefetchThreshold else {
            for e in events { try apply(e.event, aggregate: e.aggregate, db) }
            return
        }
        for start in stride(from: 0, to: events.count, by: prefetchWindow) {
            let window = events[start..<min(start + prefetchWindow, events.count)]
            try prefetchParts(window.map(\.aggregate), db)
            for e in window { try apply(e.event, aggregate: e.aggregate, db) }
        }
    }

    /// Below this many events a fold decodes as it goes.
    static let prefetchThreshold = 64
    /// Travelers decoded ahead at a time (within `StateCache`'s capacity).
    static let prefetchWindow = 1024

    /// Reads the stored states of the travelers among `aggregates` and decodes them in parallel
    /// into `StateCache`. Nothing else changes: a cache hit needs the very bytes stored, so a state
    /// folded again before its turn is simply decoded again.
    static func prefetchParts(_ aggregates: [String], _ db: Database) throws {
        var seen = Set<String>()
        var rows: [(id: String, data: Data)] = []
        let stmt = try db.cachedStatement(sql: "SELECT state FROM aggregates WHERE id = ?")
        for id in aggregates where id.hasPrefix("part:") && seen.insert(id).inserted {
            if let data = try Data.fetchOne(stmt, arguments: [id]), !StateCache.shared.has(id, data) { rows.append((id, data)) }
        }
        guard rows.count >= prefetchThreshold else { return }
        StateCache.shared.reserve(2 * rows.count)  // each state decoded now, and its successor saved by the fold
        let todo = rows
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: todo.count, by: workers) {
                // A state that does not decode is left for the fold, which reports it.
                if let s = try? decoder.decode(PartState.self, from: todo[i].data) { StateCache.shared.put(todo[i].id, todo[i].data, s) }
            }
        }
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
            if case .measurementRecorded = r.event { try writeMeasurement(r, part: part, db) }
        case "machine":
            let m = try fold(agg, r, db, initial: { MachineState(id: agg.key) }) { $0.apply($1) }
            try db.execute(sql: "DELETE FROM down WHERE machine = ?", arguments: [m.id])
            if let d = m.down {
                try db.execute(
                    sql: "INSERT INTO down(machine, reason, since, station) VALUES (?, ?, ?, ?)",
                    arguments: [m.id, d.reason, d.since, d.station])
            }
            try writeConflicts(m.conflicts, aggregate: aggregate, db)
        case "fpi":
            let f = try fold(agg, r, db, initial: { FPIState(key: FPIKey(rawValue: agg.key)) }) { $0.apply($1) }
            try db.execute(
                sql: "INSERT OR REPLACE INTO fpi(key, work_order, step, first_piece, verdict, at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [f.key.rawValue, f.key.workOrder, f.key.step, f.firstPiece, f.verdict?.rawValue, f.at])
            try writeConflicts(f.conflicts, aggregate: aggregate, db)
        case "routing":
            // A routing version's approval lives in its aggregate state (read at release).
            _ = try fold(agg, r, db, initial: { RoutingApprovalState() }) { $0.apply($1) }
        case "person":
            // A person's signing lives in its aggregate state alone (no query table: nothing lists it).
            _ = try fold(agg, r, db, initial: { SigningState(badge: agg.key) }) { $0.apply($1) }
        case "andon":
            let a = try fold(agg, r, db, initial: { AndonState(station: agg.key) }) { $0.apply($1) }
            try db.cachedStatement(sql: "DELETE FROM andon WHERE station = ?").execute(arguments: [a.station])
            if let c = a.open {
                try db.cachedStatement(sql: "INSERT INTO andon(station, id, kind, note, by, at, ack_by, ack_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [a.station, c.id, c.kind, c.note, c.by, c.at, c.acknowledgedBy, c.acknowledgedAt])
            }
            try writeConflicts(a.conflicts, aggregate: aggregate, db)
        case "lot":
            // A lot's state founds on any of its events (a release of a hold never seen here changes nothing).
            let l = try fold(agg, r, db, initial: { LotState(material: "", lot: "") }) { $0.apply($1) }
            guard !l.material.isEmpty else { return }
            try writeHolds(l.holds, aggregate: agg.rawValue, db)
            try writeLot(l, db)
            try writeConflicts(l.conflicts ?? [], aggregate: aggregate, db)
        case "capa":
            let c = try fold(agg, r, db, initial: { CAPAState(number: agg.key) }) { $0.apply($1) }
            try writeCAPA(c, db)
            try writeConflicts(c.conflicts, aggregate: aggregate, db)
        case "calibration":
            // The history lives in the state; `floor report calibration` reads every one.
            _ = try fold(agg, r, db, initial: { CalibrationState(equipment: agg.key) }) { $0.apply($1) }
        case "spc":
            // A chart's limits and responses live in its state; its points come from `measurements`.
            _ = try fold(agg, r, db, initial: { SPCChartState(key: agg.key) }) { $0.apply($1) }
        case "ncr":
            let n = try fold(agg, r, db, initial: { NCRState(number: agg.key) }) { $0.apply($1) }
            try writeNCR(n, db)
            try writeConflicts(n.conflicts, aggregate: aggregate, db)
        default:
            break  // notes on other aggregates, unknown types: in the log, no read model
        }
    }
}
