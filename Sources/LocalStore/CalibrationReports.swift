import Foundation
import GRDB
import MESCore

/// Calibration kept by Floor: what is due (`floor report calibration`) and, after a failed
/// calibration, every reading taken with the gauge since its last good one (`floor report gauge`).
public enum CalibrationReports {
    /// Every machine and gauge with a calibration, due within `days` of `today` (or overdue or
    /// failed); `all`: every one. Soonest first.
    public static func due(_ db: Database, plant: PlantIndex, today: LocalDate, days: Int, all: Bool = false) throws -> ReportTable {
        let state = StoreState(db: db, plant: plant)
        var rows: [(sortKey: Int, cells: [ReportTable.Cell])] = []
        for e in plant.plant.equipment {
            let c = try state.calibration(e.id)
            let status = Calibration.status(e, c, on: today)
            let current = c?.current
            if case .unmanaged = status { continue }
            if !all, !Calibration.isDue(status, today: today, within: days) { continue }
            let left = Calibration.daysLeft(status, today: today), words = Calibration.words(status, today: today)
            rows.append(
                (
                    left ?? Int.min,
                    [
                        .text(e.id), .text(e.name), .text(e.kind.rawValue), .text(e.workCenter ?? ""),
                        current.map { .text($0.on.description) } ?? .text("(plant file)"),
                        current.map { .text($0.passed ? "pass" : "fail") } ?? .null, .text(current?.certificate ?? ""), .text(current?.by ?? ""),
                        (current?.due ?? (current == nil ? e.calibrationDue : nil)).map { .text($0.description) } ?? .null,
                        left.map { .int($0) } ?? .null, .text(words),
                    ]
                ))
        }
        return ReportTable(
            columns: ["equipment", "name", "kind", "work_center", "calibrated_on", "result", "certificate", "by", "due", "days_left", "status"],
            rows: rows.sorted { $0.sortKey < $1.sortKey }.map(\.cells))
    }

    /// Every reading taken with `gauge` since `since` (nil: its last good calibration's day, or
    /// all time), with where each part is now: the impact assessment of a failed calibration.
    public static func gaugeImpact(_ db: Database, plant: PlantIndex, gauge: String, since: Int64?) throws -> (since: Int64?, table: ReportTable) {
        let tz = try Projections.plantTimeZone(db)
        var from = since
        if from == nil, let good = try StoreState(db: db, plant: plant).calibration(gauge)?.lastGood {
            from = plant.calendar.startOfDay(good.on).epochMillis
        }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT m.serial, m.work_order, m.part, m.step, m.characteristic, m.value, m.passed, m.unit, m.in_tolerance, m.station,
                       m.person, m.hlc_wall, p.status, p.step, p.station, m.replaced
                FROM measurements m LEFT JOIN parts p ON p.serial = m.serial
                WHERE m.gauge = ? AND m.hlc_wall >= ? ORDER BY m.hlc_wall, m.hlc_logical, m.node, m.seq
                """, arguments: [gauge, from ?? Int64.min])
        return (
            from,
            ReportTable(
                columns: [
                    "serial", "work_order", "part", "step", "characteristic", "value", "unit", "verdict", "station", "person", "at", "replaced",
                    "part_status", "part_now_at", "part_station",
                ],
                rows: rows.map { r in
                    let value: Double? = r[5], passed: Bool? = r[6]
                    return [
                        .text(r[0]), .text(r[1]), .text(r[2]), .text(r[3]), .text(r[4]),
                        value.map { .number($0) } ?? passed.map { .text($0 ? "PASS" : "FAIL") } ?? .null, .text((r[7] as String?) ?? ""),
                        .text((r[8] as Bool) ? "in tolerance" : "OUT OF TOLERANCE"), .text(r[9]), .text(r[10]), .text(Reports.iso(r[11], tz)),
                        .text((r[15] as Bool) ? "yes" : ""), .text((r[12] as String?) ?? "?"), .text((r[13] as String?) ?? ""),
                        .text((r[14] as String?) ?? ""),
                    ]
                })
        )
    }
}
