import Foundation
import GRDB
import MESCore

// Every reading recorded at a step, one row each (`floor report measurements`, the control
// charts): migration v5-spc. A traveler's later reading of the same characteristic at the same
// step marks its earlier ones `replaced` (a re-measurement); the charts read the others. The
// chart index carries the value, so a window's counts never touch the table.
extension Projections {
    public static func createMeasurementTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE measurements (
                    event TEXT PRIMARY KEY NOT NULL,
                    serial TEXT NOT NULL, work_order TEXT NOT NULL, part TEXT NOT NULL, step TEXT NOT NULL, characteristic TEXT NOT NULL,
                    work_center TEXT NOT NULL, station TEXT NOT NULL, person TEXT NOT NULL, gauge TEXT,
                    value REAL, passed INTEGER, in_tolerance INTEGER NOT NULL, unit TEXT, lower REAL, upper REAL,
                    hlc_wall INTEGER NOT NULL, hlc_logical INTEGER NOT NULL, node TEXT NOT NULL, seq INTEGER NOT NULL,
                    replaced INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE INDEX measurements_chart ON measurements(part, step, characteristic, replaced, hlc_wall, hlc_logical, node, seq, value);
                CREATE INDEX measurements_by_characteristic ON measurements(part, characteristic, hlc_wall, hlc_logical);
                CREATE INDEX measurements_serial ON measurements(serial, step, characteristic);
                CREATE INDEX measurements_gauge ON measurements(gauge, hlc_wall) WHERE gauge IS NOT NULL;
                CREATE INDEX measurements_at ON measurements(hlc_wall);
                """)
        // Readings recorded before this build: from the log, each with its traveler's part.
        let rows = try Row.fetchAll(
            db, sql: "SELECT \(EventLog.columns) FROM events WHERE type = 'measurement.recorded' ORDER BY hlc_wall, hlc_logical, node, seq")
        for row in rows {
            let env = EventLog.envelope(columns: row)
            let r = RecordedEvent(envelope: env)
            guard let p = try loadState(PartState.self, env.aggregate, db) else { continue }
            try writeMeasurement(r, part: p, db)
        }
    }

    /// The row of a `measurement.recorded` on `part`, with the limits and unit of the routing
    /// version the traveler was released with.
    static func writeMeasurement(_ r: RecordedEvent, part p: PartState, _ db: Database) throws {
        guard case .measurementRecorded(let m) = r.event else { return }
        let wo = try loadState(WorkOrderState.self, AggregateID.workOrder(p.workOrder).rawValue, db)
        let version = try wo.flatMap { try Projections.routing(id: $0.routing, version: $0.routingVersion, db) }
        let step = version?.step(m.step)
        let c = step?.measurements.first { $0.id == m.characteristic }
        var value: Double?, passed: Bool?
        switch m.value {
        case .number(let v): value = v
        case .passFail(let b): passed = b
        }
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO measurements(event, serial, work_order, part, step, characteristic, work_center, station, person, gauge,
                    value, passed, in_tolerance, unit, lower, upper, hlc_wall, hlc_logical, node, seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            r.id.description, m.serial, p.workOrder, p.part, m.step, m.characteristic, step?.workCenter ?? "", m.station, r.actor, m.gauge,
            value, passed, m.inTolerance, c?.unit, c?.lower, c?.upper, r.order.hlc.wall, r.order.hlc.logical, r.order.node, r.order.seq,
        ])
        // The latest reading of the traveler, step and characteristic counts; the others are replaced.
        try db.cachedStatement(
            sql: """
                UPDATE measurements SET replaced = (measurements.event IS NOT latest.id)
                FROM (SELECT event AS id FROM measurements WHERE serial = ? AND step = ? AND characteristic = ?
                      ORDER BY hlc_wall DESC, hlc_logical DESC, node DESC, seq DESC LIMIT 1) AS latest
                WHERE serial = ? AND step = ? AND characteristic = ? AND replaced IS NOT (measurements.event IS NOT latest.id)
                """
        ).execute(arguments: [m.serial, m.step, m.characteristic, m.serial, m.step, m.characteristic])
    }

    static let readingColumns = "serial, work_order, station, person, value, hlc_wall, hlc_logical, node, seq"

    static func reading(_ row: Row) -> SPCReading {
        SPCReading(
            serial: row[0], workOrder: row[1], station: row[2], by: row[3], value: row[4],
            order: OrderKey(hlc: HLC(wall: row[5], logical: row[6]), node: row[7], seq: row[8]))
    }

    /// A chart's window of readings (`StateReader.spcSeries`), from the chart index.
    static func spcSeries(chart plan: SPCPlan, after: OrderKey?, lookback: Int, _ db: Database) throws -> SPCSeries {
        let chart = "part = ? AND step = ? AND characteristic = ? AND replaced = 0 AND value IS NOT NULL"
        let key: StatementArguments = [plan.part, plan.step, plan.characteristic]
        let orderCols = "(hlc_wall, hlc_logical, node, seq)"
        var later: [SPCReading] = []
        var earlierFilter = ""
        var earlierArgs = key
        if let a = after {
            let args = key + [a.hlc.wall, a.hlc.logical, a.node, a.seq]
            later = try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        """
                        SELECT \(readingColumns) FROM measurements WHERE \(chart) AND \(orderCols) > (?, ?, ?, ?)
                        ORDER BY hlc_wall, hlc_logical, node, seq
                        """
                ),
                arguments: args
            ).map(reading)
            earlierFilter = " AND \(orderCols) <= (?, ?, ?, ?)"
            earlierArgs = args
        }
        let limit = max(0, min(lookback, Int(Int32.max)))
        let earlier = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(readingColumns) FROM measurements WHERE \(chart)\(earlierFilter)
                    ORDER BY hlc_wall DESC, hlc_logical DESC, node DESC, seq DESC LIMIT ?
                    """),
            arguments: earlierArgs + [limit]
        ).map(reading).reversed()
        let readings = Array(earlier) + later
        // The position in the stream, only where subgroups are aligned by it (`before` is 0 otherwise).
        let total =
            plan.countsPosition
            ? try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM measurements WHERE \(chart)\(earlierFilter)"), arguments: earlierArgs)
                ?? 0 : earlier.count
        var byOrder: [String: Int] = [:]
        if plan.subgrouping == .order, let first = readings.first {
            for wo in Set(readings.map(\.workOrder)) {
                byOrder[wo] =
                    try Int.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT COUNT(*) FROM measurements WHERE \(chart) AND work_order = ? AND \(orderCols) < (?, ?, ?, ?)"),
                        arguments: key + [wo, first.order.hlc.wall, first.order.hlc.logical, first.order.node, first.order.seq]) ?? 0
            }
            byOrder = byOrder.filter { $0.value > 0 }
        }
        return SPCSeries(readings: readings, before: total - earlier.count, beforeByOrder: byOrder)
    }
}
