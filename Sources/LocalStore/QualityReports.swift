import Foundation
import GRDB
import MESCore

/// The quality registers' reports: NCRs (register, Pareto, weekly trend), lots, and a lot's containment.
public enum QualityReports {
    public enum NCRFilter: String, Sendable { case all, open, closed }
    public enum ParetoBy: String, CaseIterable, Sendable { case defect, workCenter = "work-center", part, supplier }

    static func workCenter(_ station: String?, _ plant: PlantIndex?) -> String {
        station.flatMap { plant?.stations[$0]?.workCenter } ?? ""
    }

    /// One row per NCR raised in [from, to) (nil: any time), oldest first.
    public static func ncrs(
        _ db: Database, plant: PlantIndex?, filter: NCRFilter = .all, from: Int64? = nil, to: Int64? = nil, now: Date = Date()
    )
        throws -> ReportTable
    {
        let tz = try Projections.plantTimeZone(db)
        var sql = """
            SELECT number, status, severity, defect, source, COALESCE(part, ''), COALESCE(work_order, ''), COALESCE(step, ''),
                   COALESCE(station, ''), COALESCE(material, ''), COALESCE(lot, ''), COALESCE(supplier, ''), travelers, raised_at, raised_by,
                   COALESCE(disposition, ''), closed_at, description,
                   (SELECT group_concat(capa, ' ') FROM capa_ncrs WHERE capa_ncrs.ncr = ncrs.number)
            FROM ncrs WHERE raised_at >= ? AND raised_at < ?
            """
        if filter == .open { sql += " AND status != 'closed'" }
        if filter == .closed { sql += " AND status = 'closed'" }
        sql += " ORDER BY raised_at, number"
        let rows = try Row.fetchAll(db, sql: sql, arguments: [from ?? Int64.min, to ?? Int64.max])
        return ReportTable(
            columns: [
                "number", "status", "severity", "defect", "source", "part", "work_order", "step", "work_center", "station", "material", "lot",
                "supplier", "travelers", "raised_at", "raised_by", "age_days", "disposition", "closed_at", "description", "capa",
            ],
            rows: rows.map { r in
                let raised: Int64 = r[13]
                let closed: Int64? = r[16]
                let age = Double((closed ?? now.epochMillis) - raised) / 86_400_000
                return [
                    .text(r[0]), .text(r[1]), .text(r[2]), .text(r[3]), .text(r[4]), .text(r[5]), .text(r[6]), .text(r[7]),
                    .text(workCenter(r[8], plant)), .text(r[8]), .text(r[9]), .text(r[10]), .text(r[11]), .int(r[12]),
                    .text(Reports.iso(raised, tz)), .text(r[14]), .number((age * 10).rounded() / 10), .text(r[15]),
                    closed.map { .text(Reports.iso($0, tz)) } ?? .null, .text(r[17]), .text((r[18] as String?) ?? ""),
                ]
            })
    }

    /// NCRs raised in [from, to) counted by defect code, work center, part or supplier, largest first.
    public static func pareto(_ db: Database, plant: PlantIndex?, by: ParetoBy, from: Int64, to: Int64) throws -> ReportTable {
        let column: String
        switch by {
        case .defect: column = "defect"
        case .workCenter: column = "station"
        case .part: column = "part"
        case .supplier: column = "supplier"
        }
        var counts: [String: Int] = [:]
        for r in try Row.fetchAll(
            db, sql: "SELECT COALESCE(\(column), ''), COUNT(*) FROM ncrs WHERE raised_at >= ? AND raised_at < ? GROUP BY 1",
            arguments: [from, to])
        {
            var key: String = r[0]
            if by == .workCenter { key = workCenter(key, plant) }
            counts[key.isEmpty ? "(none)" : key, default: 0] += r[1] as Int
        }
        let labels = Dictionary((plant?.plant.quality?.defects ?? []).map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
        return ReportTable(
            columns: [by.rawValue.replacingOccurrences(of: "-", with: "_"), "label", "count", "share_pct", "cumulative_pct"],
            rows: KPI.pareto(counts).map { p in
                [.text(p.reason), .text(by == .defect ? labels[p.reason] ?? "" : ""), .int(p.count), Reports.pct(p.share), Reports.pct(p.cumulative)]
            })
    }

    /// NCRs raised and closed per plant week (Monday first) over the last `weeks` weeks, and open at each week's end.
    public static func weekly(_ db: Database, plant: PlantIndex, weeks: Int, now: Date = Date()) throws -> ReportTable {
        let cal = plant.calendar
        let today = BoardRules.dayWindow(at: now, calendar: cal).start
        let weekday = (Calendar(identifier: .gregorian).dateComponents(in: cal.timeZone, from: now).weekday! + 5) % 7  // 0 = Monday
        let thisWeek = today - Int64(weekday) * 86_400_000
        var rows: [[ReportTable.Cell]] = []
        for i in stride(from: weeks - 1, through: 0, by: -1) {
            let start = thisWeek - Int64(i) * 7 * 86_400_000, end = start + 7 * 86_400_000
            let raised = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ncrs WHERE raised_at >= ? AND raised_at < ?", arguments: [start, end]) ?? 0
            let closed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ncrs WHERE closed_at >= ? AND closed_at < ?", arguments: [start, end]) ?? 0
            let open =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM ncrs WHERE raised_at < ? AND (closed_at IS NULL OR closed_at >= ?)", arguments: [end, end]) ?? 0
            rows.append([
                .text(cal.localDate(Date(timeIntervalSince1970: Double(start) / 1000 + 3600 * 12)).description), .int(raised), .int(closed),
                .int(open),
            ])
        }
        return ReportTable(columns: ["week", "raised", "closed", "open_at_end"], rows: rows)
    }

    /// Open CAPAs by due date (overdue first, in words), then closed ones (`all`).
    public static func capas(_ db: Database, plant: PlantIndex, all: Bool = false, now: Date = Date()) throws -> ReportTable {
        let today = plant.calendar.localDate(now)
        let ids = try String.fetchAll(
            db, sql: "SELECT 'capa:' || number FROM capas WHERE ? OR closed_at IS NULL ORDER BY closed_at IS NOT NULL, due, number", arguments: [all])
        var rows: [[ReportTable.Cell]] = []
        for id in ids {
            guard let c = try Projections.loadState(CAPAState.self, id, db), let o = c.opened else { continue }
            let done = c.actions.filter { $0.doneAt != nil }.count
            rows.append([
                .text(c.number), .text(CAPARules.phase(c).rawValue), .text(o.source.rawValue), .text(c.ncrs.joined(separator: " ")), .text(c.owner),
                .text(c.due?.description ?? ""), .text(CAPARules.dueText(c, today: today, calendar: plant.calendar)),
                .text("\(done)/\(c.actions.count)"), .text(c.checks.last.map { $0.passed ? "passed" : "failed" } ?? ""), .text(o.problem),
                .text(c.rootCause),
            ])
        }
        return ReportTable(
            columns: ["number", "phase", "source", "ncrs", "owner", "due", "due_status", "actions_done", "effectiveness", "problem", "root_cause"],
            rows: rows)
    }

    /// Lots with their status in words, quantity left and supplier (`material`/`status` filter them).
    public static func lots(
        _ db: Database, plant: PlantIndex, material: String? = nil, status: String? = nil, now: Date = Date()
    ) throws
        -> ReportTable
    {
        let today = plant.calendar.localDate(now)
        var out: [[ReportTable.Cell]] = []
        let ids = try String.fetchAll(
            db, sql: "SELECT 'lot:' || material || ':' || lot FROM lots WHERE (? IS NULL OR material = ?) ORDER BY material, lot",
            arguments: [material, material])
        let tz = plant.calendar.timeZone
        for id in ids {
            guard let l = try Projections.loadState(LotState.self, id, db) else { continue }
            let words = QualityRules.statusText(l, today: today)
            if let status, words != status.replacingOccurrences(of: "-", with: " ") { continue }
            out.append([
                .text(l.material), .text(l.lot), .text(words), l.receipt.map { .number($0.quantity) } ?? .null, .number(l.used ?? 0),
                l.remaining.map { .number($0) } ?? .null, .text(l.receipt?.unit ?? ""), .text(l.receipt?.supplier ?? ""),
                .text(l.receipt?.certificate ?? ""), .text(l.receipt?.expiry?.description ?? ""),
                l.receipt.map { .text(Reports.iso($0.at, tz)) } ?? .null, .text(l.receipt?.by ?? ""), .int(l.uses ?? 0), .text(l.ncr ?? ""),
                .int(l.conflicts?.count ?? 0),
            ])
        }
        return ReportTable(
            columns: [
                "material", "lot", "status", "received", "used", "left", "unit", "supplier", "certificate", "expiry", "received_at", "received_by",
                "uses", "ncr", "conflicts",
            ], rows: out)
    }

    /// Every traveler that used a lot: where it is now, whether it is held for the lot, and
    /// what the containment decides for it (hold, held, done: listed for the report).
    public static func containment(_ db: Database, material: String, lot: String) throws -> ReportTable {
        let plan = try Containment.plan(material: material, lot: lot, state: StoreState(db: db, plant: nil))
        func rows(_ es: [Containment.Entry], _ what: String) -> [[ReportTable.Cell]] {
            es.map {
                [
                    .text($0.serial), .text($0.workOrder), .text($0.step), .text($0.status.rawValue), .text($0.onHoldUnder.joined(separator: " ")),
                    .text(what),
                ]
            }
        }
        return ReportTable(
            columns: ["serial", "work_order", "step", "status", "held_under", "containment"],
            rows: rows(plan.toHold, "not held: open") + rows(plan.held, "held") + rows(plan.done, "finished: listed"))
    }
}
