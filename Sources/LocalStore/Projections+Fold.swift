import Foundation
import GRDB
import MESCore

extension Projections {
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
        let stmt = try db.cachedStatement(
            sql: """
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
    static func fold<S: Codable>(
        _ agg: AggregateID, _ r: RecordedEvent, _ db: Database, row: AggregateRow? = nil, initial: () -> S,
        apply: (inout S, RecordedEvent) -> Void
    ) throws -> S {
        try refoldingFrom(
            agg, r, db, row: row,
            refold: { events in
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
        } apply: {
            $0.apply($1)
        }
        return p.map { ($0, !(row.order < r.order)) }
    }

    /// Incremental when in order; otherwise `refold` over the aggregate's events in canonical order.
    /// `row`: the aggregate's stored row when the caller has just read it (read here otherwise).
    static func refoldingFrom<S: Codable>(
        _ agg: AggregateID, _ r: RecordedEvent, _ db: Database, row known: AggregateRow? = nil,
        refold: ([RecordedEvent]) throws -> S?, apply: (inout S, RecordedEvent) -> Void
    ) throws -> S? {
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
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO parts(serial, work_order, part, step, work_center, status, station, since, quantity, scrapped)
                    VALUES (?, ?, ?, '', '', 'queued', NULL, ?, 0, 0)
                    """
            ).execute(arguments: [serial, wo.spec.number, wo.spec.part, wo.releasedAt])
            guard var p = try initialPart(serial, db, order: wo) else { continue }
            // Part events that arrived before the release are folded now.
            let early = try EventLog.events(aggregate: AggregateID.part(serial).rawValue, db: db).map(RecordedEvent.init(envelope:))
            for e in early {
                p.apply(e)
                try writeMeasurement(e, part: p, db)
            }
            try saveAggregate(
                AggregateID.part(serial).rawValue, p,
                early.last?.order ?? OrderKey(hlc: HLC(wall: wo.releasedAt, logical: -1), node: "", seq: 0), db)
            try writePart(p, db)
        }
    }
}
