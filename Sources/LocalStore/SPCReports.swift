import Foundation
import GRDB
import MESCore

/// Measurement data by characteristic (`floor report measurements`) and control charts
/// (`floor report spc`, with an SVG of the chart).
public enum SPCReports {
    /// What `floor report measurements` selects (nil: any).
    public struct MeasurementQuery: Sendable {
        public var part: String?
        public var step: String?
        public var characteristic: String?
        public var workCenter: String?
        public var station: String?
        public var gauge: String?
        /// `LOT` or `MATERIAL:LOT`.
        public var lot: String?
        public var from: Int64?
        public var to: Int64?
        /// Only the newest N (still printed oldest first).
        public var last: Int?
        public init(
            part: String? = nil, step: String? = nil, characteristic: String? = nil, workCenter: String? = nil, station: String? = nil,
            gauge: String? = nil, lot: String? = nil, from: Int64? = nil, to: Int64? = nil, last: Int? = nil
        ) {
            self.part = part; self.step = step; self.characteristic = characteristic; self.workCenter = workCenter; self.station = station
            self.gauge = gauge; self.lot = lot; self.from = from; self.to = to; self.last = last
        }
    }

    public static let measurementColumns = [
        "serial", "work_order", "part", "step", "characteristic", "work_center", "station", "person", "gauge", "lots", "value", "unit",
        "lower", "upper", "verdict", "replaced", "at",
    ]

    /// One row per reading, oldest first.
    public static func measurements(_ db: Database, _ q: MeasurementQuery) throws -> ReportTable {
        let tz = try Projections.plantTimeZone(db)
        var conditions: [String] = []
        var args: [any DatabaseValueConvertible] = []
        for (column, value) in [
            ("part", q.part), ("step", q.step), ("characteristic", q.characteristic), ("work_center", q.workCenter), ("station", q.station),
            ("gauge", q.gauge),
        ] {
            if let value { conditions.append("m.\(column) = ?"); args.append(value) }
        }
        if let lot = q.lot {
            if let i = lot.firstIndex(of: ":") {
                conditions.append("EXISTS (SELECT 1 FROM lot_uses u WHERE u.serial = m.serial AND u.step = m.step AND u.material = ? AND u.lot = ?)")
                args += [String(lot[..<i]), String(lot[lot.index(after: i)...])]
            } else {
                conditions.append("EXISTS (SELECT 1 FROM lot_uses u WHERE u.serial = m.serial AND u.step = m.step AND u.lot = ?)")
                args.append(lot)
            }
        }
        if let from = q.from { conditions.append("m.hlc_wall >= ?"); args.append(from) }
        if let to = q.to { conditions.append("m.hlc_wall < ?"); args.append(to) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let newestFirst = q.last != nil
        var sql = """
            SELECT m.serial, m.work_order, m.part, m.step, m.characteristic, m.work_center, m.station, m.person, m.gauge,
                   (SELECT group_concat(u.material || ':' || u.lot, ' ') FROM lot_uses u WHERE u.serial = m.serial AND u.step = m.step),
                   m.value, m.passed, m.unit, m.lower, m.upper, m.in_tolerance, m.replaced, m.hlc_wall
            FROM measurements m \(whereClause)
            ORDER BY m.hlc_wall \(newestFirst ? "DESC" : ""), m.hlc_logical \(newestFirst ? "DESC" : ""), m.node, m.seq
            """
        if let last = q.last { sql += " LIMIT ?"; args.append(max(0, last)) }
        var rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args))
        if newestFirst { rows.reverse() }
        return ReportTable(
            columns: measurementColumns,
            rows: rows.map { r in
                let value: Double? = r[10], passed: Bool? = r[11], inTol: Bool = r[15]
                let shown: ReportTable.Cell = value.map { .number($0) } ?? passed.map { .text($0 ? "PASS" : "FAIL") } ?? .null
                func opt(_ i: Int) -> ReportTable.Cell { (r[i] as Double?).map { .number($0) } ?? .null }
                return [
                    .text(r[0]), .text(r[1]), .text(r[2]), .text(r[3]), .text(r[4]), .text(r[5]), .text(r[6]), .text(r[7]),
                    .text((r[8] as String?) ?? ""), .text((r[9] as String?) ?? ""), shown, .text((r[12] as String?) ?? ""), opt(13), opt(14),
                    .text(inTol ? "in tolerance" : "OUT OF TOLERANCE"), .text((r[16] as Bool) ? "yes" : ""), .text(Reports.iso(r[17], tz)),
                ]
            })
    }

    /// A chart over its readings in [from, to) (nil: all): points, limits, capability, signals.
    public static func chart(_ db: Database, plant: PlantIndex, plan: SPCPlan, from: Int64? = nil, to: Int64? = nil) throws -> SPCSummary {
        let state = StoreState(db: db, plant: plant)
        let chart = try state.spcChart(plan.key)
        var points = SPCChart.points(try state.spcSeries(chart: plan, after: nil, lookback: .max), plan: plan, state: chart)
        if let from { points.removeAll { $0.at < from } }
        if let to { points.removeAll { $0.at >= to } }
        return SPCSummary.of(points, plan: plan, state: chart, characteristic: plant.plant.characteristic(of: plan))
    }

    static func n(_ x: Double?) -> ReportTable.Cell { x.map { .number(($0 * 1e6).rounded() / 1e6) } ?? .null }

    /// `field, value` rows: the plan, the limits in force, capability.
    public static func summaryTable(_ s: SPCSummary, state: SPCChartState?, tz: TimeZone) -> ReportTable {
        var rows: [[ReportTable.Cell]] = []
        func add(_ f: String, _ v: ReportTable.Cell) { rows.append([.text(f), v]) }
        let p = s.plan
        add("chart", .text(p.key))
        add("kind", .text(p.kind.rawValue))
        add("subgroup_size", .int(p.subgroupSize))
        add("subgroup_by", .text(p.subgrouping.rawValue))
        add("rules", .text(p.rules.map { String($0.rawValue) }.joined(separator: " ")))
        add("readings", .int(s.readings))
        add("subgroups", .int(s.points.count))
        add("lower_spec", n(s.characteristic?.lower))
        add("upper_spec", n(s.characteristic?.upper))
        add("center", n(s.limits?.center))
        add("lcl", n(s.limits?.lower))
        add("ucl", n(s.limits?.upper))
        add("spread_center", n(s.limits?.spreadCenter))
        add("spread_lcl", n(s.limits?.spreadLower))
        add("spread_ucl", n(s.limits?.spreadUpper))
        add("limits_set_by", state?.limitsHistory.last.map { .text($0.by) } ?? .text("(not set: no signals until they are)"))
        add("limits_set_at", state?.limitsHistory.last.map { .text(Reports.iso($0.at, tz)) } ?? .null)
        add("limits_baseline", state?.limitsHistory.last.map { .text($0.baseline) } ?? .null)
        add("sigma_within", n(s.capability?.sigmaWithin))
        add("sigma_overall", n(s.capability?.sigmaOverall))
        add("mean", n(s.capability?.mean))
        add("cp", n(s.capability?.cp))
        add("cpk", n(s.capability?.cpk))
        add("pp", n(s.capability?.pp))
        add("ppk", n(s.capability?.ppk))
        add("capability_n", s.capability.map { .int($0.n) } ?? .null)
        add("capability_warning", .text(s.capability?.warning ?? (s.capability == nil ? "no capability: too few readings or no limits" : "")))
        add("signals", .int(s.signals.count))
        add("open_signals", .int(s.open.count))
        return ReportTable(columns: ["field", "value"], rows: rows)
    }

    public static func signalsTable(_ s: SPCSummary, tz: TimeZone) -> ReportTable {
        ReportTable(
            columns: ["at", "station", "serial", "rule", "meaning", "value", "reaction", "status", "answered_by", "answered_at", "reason"],
            rows: s.signals.map { sig, answer in
                [
                    .text(Reports.iso(sig.at, tz)), .text(sig.station), .text(sig.serial), .int(sig.rule.rawValue), .text(sig.words), n(sig.value),
                    .text(sig.reaction.rawValue), .text(answer.map { $0.cleared ? "cleared" : "acknowledged" } ?? "OPEN"),
                    .text(answer?.by ?? ""), answer.map { .text(Reports.iso($0.at, tz)) } ?? .null, .text(answer?.reason ?? ""),
                ]
            })
    }

    public static func pointsTable(_ s: SPCSummary, tz: TimeZone) -> ReportTable {
        ReportTable(
            columns: ["subgroup", "at", "station", "serials", "value", "spread", "lcl", "center", "ucl", "signals"],
            rows: s.points.enumerated().map { i, p in
                [
                    .int(i + 1), .text(Reports.iso(p.at, tz)), .text(p.station), .text(p.readings.map(\.serial).joined(separator: " ")),
                    n(p.value), n(p.spread), n(p.limits?.lower), n(p.limits?.center), n(p.limits?.upper),
                    .text(p.signals.map { String($0.rawValue) }.joined(separator: " ")),
                ]
            })
    }
}
