import Foundation
import GRDB
import MESCore

/// A report as rows of named, typed cells, so one value prints as a table, CSV or JSON.
public struct ReportTable: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String), int(Int), number(Double), null
        public var plain: String {
            switch self {
            case .text(let s): return s
            case .int(let i): return String(i)
            case .number(let d): return Tolerance.format(d)
            case .null: return ""
            }
        }
    }
    public var columns: [String]
    public var rows: [[Cell]]
    public init(columns: [String], rows: [[Cell]]) { self.columns = columns; self.rows = rows }
}

public enum Reports {
    static func iso(_ ms: Int64, _ tz: TimeZone) -> String { ISO8601.format(Date(timeIntervalSince1970: Double(ms) / 1000), timeZone: tz) }
    /// An instant as the reports print it: ISO 8601 with the plant's offset.
    public static func isoText(_ ms: Int64, _ tz: TimeZone) -> String { iso(ms, tz) }

    /// `[{serial, work_order, part, step, station, state, since}]` for every traveler not finished
    /// (`all`: finished ones too).
    public static func wip(_ db: Database, all: Bool = false) throws -> ReportTable {
        let tz = try Projections.plantTimeZone(db)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT serial, work_order, part, step, station, status, since FROM parts
                \(all ? "" : "WHERE \(Projections.openPart())")
                ORDER BY work_order, serial
                """)
        return ReportTable(
            columns: ["serial", "work_order", "part", "step", "station", "state", "since"],
            rows: rows.map { r in
                [
                    .text(r[0]), .text(r[1]), .text(r[2]), .text(r[3]), (r[4] as String?).map(ReportTable.Cell.text) ?? .null,
                    .text(r[5]), .text(iso(r[6], tz)),
                ]
            })
    }

    /// `[{number, part, status, quantity, done, scrapped, due, priority}]`.
    public static func orders(_ db: Database) throws -> ReportTable {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT w.number, w.part, w.quantity, w.due, w.priority, w.on_hold, w.cancelled, w.tracking,
                       COALESCE(SUM(CASE WHEN p.status = 'done' THEN p.quantity ELSE 0 END), 0),
                       COALESCE(SUM(p.scrapped), 0),
                       COALESCE(SUM(CASE WHEN p.status NOT IN ('queued') OR p.since > w.released_at THEN 1 ELSE 0 END), 0),
                       COUNT(p.serial)
                FROM work_orders w LEFT JOIN parts p ON p.work_order = w.number
                GROUP BY w.number ORDER BY w.priority_rank, w.due_at, w.number
                """)
        return ReportTable(
            columns: ["number", "part", "status", "quantity", "done", "scrapped", "due", "priority"],
            rows: rows.map { r in
                let quantity: Int = r[2], done: Int = r[8], scrapped: Int = r[9], touched: Int = r[10]
                let status = WorkOrderProgress.status(
                    cancelled: r[6], onHold: r[5], quantity: quantity, done: done, scrapped: scrapped,
                    touched: touched)
                return [.text(r[0]), .text(r[1]), .text(status.rawValue), .int(quantity), .int(done), .int(scrapped), .text(r[3]), .text(r[4])]
            })
    }

    /// Conflicts found while folding events from several nodes.
    public static func conflicts(_ db: Database) throws -> ReportTable {
        let tz = try Projections.plantTimeZone(db)
        let rows = try Row.fetchAll(db, sql: "SELECT node, epoch, seq, aggregate, at, text FROM conflicts ORDER BY at")
        return ReportTable(
            columns: ["event", "aggregate", "at", "decision"],
            rows: rows.map { r in
                [.text("\(r[0] as String)/\(r[1] as String)/\(r[2] as Int64)"), .text(r[3]), .text(iso(r[4], tz)), .text(r[5])]
            })
    }

    /// A serial's whole history, or for a lot every serial that consumed it.
    public struct Trace: Sendable {
        public var subject: String
        public var kind: String
        public var entries: [[String: ReportTable.Cell]]
        public var columns: [String]
        /// Each entry's event payload (its canonical JSON text), for integrations that want the facts.
        public var payloads: [String] = []
        /// Each entry's signature, when it is a signed record.
        public var signatures: [SignatureApplied?] = []
        /// Each entry's meaning as a signature (`Signature.meaning(of:)`), from the event decoded once.
        public var meanings: [String?] = []
        /// For a serial: work order, part, state, step.
        public var summary: [String: ReportTable.Cell] = [:]
        public var table: ReportTable { ReportTable(columns: columns, rows: entries.map { e in columns.map { e[$0] ?? .null } }) }
    }

    public static func trace(_ subject: String, _ db: Database) throws -> Trace? {
        let tz = try Projections.plantTimeZone(db)
        if try Projections.aggregateRow(AggregateID.part(subject).rawValue, db) != nil {
            // The part's own events, then the FPI decisions about this piece (their own aggregates).
            var streams: [(env: EventEnvelope, step: String?)] = try EventLog.events(aggregate: AggregateID.part(subject).rawValue, db: db).map {
                ($0, nil)
            }
            let fpiRows = try Row.fetchAll(db, sql: "SELECT key FROM fpi WHERE first_piece = ?", arguments: [subject])
            for row in fpiRows {
                streams += try EventLog.events(aggregate: "fpi:" + (row[0] as String), db: db).map { ($0, FPIKey(rawValue: row[0]).step) }
            }
            // A signature is shown on the records it signs (who, meaning, when with zone, hash).
            var signatures: [String: SignatureApplied] = [:]
            for (env, _) in streams where env.type == "signature.applied" {
                if case .signatureApplied(let sig) = RecordedEvent(envelope: env).event { for r in sig.records { signatures[r.event] = sig } }
            }
            let columns = ["at", "event", "step", "station", "by", "detail", "signed"]
            var entries: [[String: ReportTable.Cell]] = []
            var payloads: [String] = []
            var signedBy: [SignatureApplied?] = []
            var meanings: [String?] = []
            for (env, fpiStep) in streams where env.type != "signature.applied" {
                let r = RecordedEvent(envelope: env)
                var step = fpiStep ?? "", station = ""
                switch r.event {
                case .stepStarted(let e): step = e.step; station = e.station
                case .stepPaused(let e): step = e.step
                case .stepResumed(let e): step = e.step; station = e.station
                case .stepCompleted(let e): step = e.step; station = e.station
                case .stepUndone(let e): step = e.step
                case .measurementRecorded(let e): step = e.step; station = e.station
                case .materialConsumed(let e): step = e.step
                case .partHeld(let e): step = e.step ?? ""
                case .scrapRecorded(let e): step = e.step; station = e.station
                default: break
                }
                let signed: ReportTable.Cell =
                    signatures[env.id.description].map { .text(Signature.manifestation($0)) }
                    ?? (Signature.meaning(of: r.event).map { .text("\($0) · no e-signature recorded") } ?? .null)
                entries.append([
                    "at": .text(iso(r.millis, tz)), "event": .text(env.type), "step": .text(step), "station": .text(station),
                    "by": .text(env.actor), "detail": .text(Describe.event(r)), "signed": signed,
                ])
                payloads.append(env.payload)
                signedBy.append(signatures[env.id.description])
                meanings.append(Signature.meaning(of: r.event))
            }
            let order = entries.indices.sorted { (entries[$0]["at"]!.plain, $0) < (entries[$1]["at"]!.plain, $1) }
            var trace = Trace(
                subject: subject, kind: "serial", entries: order.map { entries[$0] }, columns: columns,
                payloads: order.map { payloads[$0] })
            trace.signatures = order.map { signedBy[$0] }
            trace.meanings = order.map { meanings[$0] }
            if let row = try Row.fetchOne(db, sql: "SELECT work_order, part, status, step, station FROM parts WHERE serial = ?", arguments: [subject])
            {
                trace.summary = [
                    "work_order": .text(row[0]), "part": .text(row[1]), "state": .text(row[2]), "step": .text(row[3]),
                    "station": (row[4] as String?).map(ReportTable.Cell.text) ?? .null,
                ]
            }
            return trace
        }
        // A lot: MATERIAL:LOT or just LOT.
        let rows: [Row]
        if let c = subject.firstIndex(of: ":") {
            rows = try Row.fetchAll(
                db, sql: "SELECT material, lot, serial, step, at FROM lot_uses WHERE material = ? AND lot = ? ORDER BY at",
                arguments: [String(subject[..<c]), String(subject[subject.index(after: c)...])])
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT material, lot, serial, step, at FROM lot_uses WHERE lot = ? ORDER BY at", arguments: [subject])
        }
        guard !rows.isEmpty else { return nil }
        let columns = ["material", "lot", "serial", "step", "at"]
        return Trace(
            subject: subject, kind: "lot",
            entries: rows.map { r in
                ["material": .text(r[0]), "lot": .text(r[1]), "serial": .text(r[2]), "step": .text(r[3]), "at": .text(iso(r[4], tz))]
            }, columns: columns)
    }
}

/// The supervisor's figures: OEE per station, FPY per step, scrap Pareto, WIP by step and station.
/// Each is computed by MESCore's `KPI` from the store's outcome, scrap and downtime records.
extension Reports {
    /// A share as a percentage with one decimal (nil: undefined).
    static func pct(_ x: Double?) -> ReportTable.Cell { x.map { .number(($0 * 1000).rounded() / 10) } ?? .null }

    /// OEE per station over [from, to): availability × performance × quality. Time outside the
    /// plant's shifts counts as a planned stop (the planned_down_min column includes it).
    public static func oee(_ db: Database, plant: PlantIndex, from: Int64, to: Int64) throws -> ReportTable {
        var rows: [[ReportTable.Cell]] = []
        let state = StoreState(db: db, plant: plant)
        // Outside the shifts is not planned production time.
        let offShift = BoardRules.offShiftSpans(from: from, to: to, plant: plant.plant, calendar: plant.calendar)
        for st in plant.plant.stations {
            let spans = try BoardQueries.downtimeSpans(machine: plant.downtimeTarget(of: st), from: from, to: to, plant: plant, db)
            var counts: [ProductionCount] = []
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT work_order, step, SUM(good), SUM(scrap) FROM step_outcomes WHERE station = ? AND at >= ? AND at < ?
                    GROUP BY work_order, step
                    """, arguments: [st.id, from, to])
            {
                let step = try BoardQueries.routingStep(r[0], r[1], state)
                counts.append(ProductionCount(good: r[2], scrap: r[3], standardMinutes: step?.runMin ?? 0))
            }
            let f = KPI.oee(from: from, to: to, downtime: spans + offShift, counts: counts)
            rows.append([
                .text(st.id), .text(st.workCenter), pct(f.availability), pct(f.performance), pct(f.quality), pct(f.oee),
                .int(f.good), .int(f.scrap), .number((f.unplannedDownMinutes * 10).rounded() / 10),
                .number((f.plannedDownMinutes * 10).rounded() / 10),
            ])
        }
        return ReportTable(
            columns: [
                "station", "work_center", "availability_pct", "performance_pct", "quality_pct", "oee_pct",
                "good", "scrap", "unplanned_down_min", "planned_down_min",
            ], rows: rows)
    }

    /// First-pass yield per step over [from, to), with the rolled throughput yield as a last row.
    public static func fpy(_ db: Database, from: Int64, to: Int64) throws -> ReportTable {
        var outcomes: [KPI.StepOutcome] = []
        var order: [String] = []
        for r in try Row.fetchAll(db, sql: "SELECT step, first_pass FROM step_outcomes WHERE at >= ? AND at < ? ORDER BY at", arguments: [from, to]) {
            let step: String = r[0]
            if !order.contains(step) { order.append(step) }
            outcomes.append(KPI.StepOutcome(step: step, firstPass: r[1]))
        }
        order.sort()
        let (per, rolled) = KPI.firstPassYield(outcomes, steps: order)
        var rows: [[ReportTable.Cell]] = per.map { p in
            let through = outcomes.filter { $0.step == p.step }
            return [.text(p.step), .int(through.count), .int(through.filter(\.firstPass).count), pct(p.fpy)]
        }
        rows.append([.text("ROLLED"), .int(outcomes.count), .int(outcomes.filter(\.firstPass).count), pct(rolled)])
        return ReportTable(columns: ["step", "through", "first_pass", "fpy_pct"], rows: rows)
    }

    /// Scrap by reason over [from, to), largest first, with shares.
    public static func scrapPareto(_ db: Database, plant: PlantIndex?, from: Int64, to: Int64) throws -> ReportTable {
        var counts: [String: Int] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT reason, SUM(count) FROM scraps WHERE at >= ? AND at < ? GROUP BY reason", arguments: [from, to]) {
            counts[(r[0] as String).isEmpty ? "(none)" : r[0]] = r[1]
        }
        let labels = Dictionary((plant?.plant.reasons.scrap ?? []).map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
        return ReportTable(
            columns: ["reason", "label", "count", "share_pct", "cumulative_pct"],
            rows: KPI.pareto(counts).map { p in
                [.text(p.reason), .text(labels[p.reason] ?? ""), .int(p.count), pct(p.share), pct(p.cumulative)]
            })
    }

    /// Travelers not finished, counted by step, station and state.
    public static func wipSummary(_ db: Database) throws -> ReportTable {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT step, work_center, COALESCE(station, ''), status, COUNT(*), SUM(quantity) FROM parts
                WHERE \(Projections.openPart()) GROUP BY step, work_center, station, status ORDER BY step, work_center, station, status
                """)
        return ReportTable(
            columns: ["step", "work_center", "station", "state", "travelers", "pieces"],
            rows: rows.map { r in
                [.text(r[0]), .text(r[1]), .text(r[2]), .text(r[3]), .int(r[4]), .int(r[5])]
            })
    }
}

extension Reports {
    /// The wall board's station tiles as a table (state word, work, actual vs plan, time in state).
    public static func board(_ b: BoardSnapshot) -> ReportTable {
        let tz = b.calendar.timeZone
        return ReportTable(
            columns: [
                "station", "work_center", "state", "since", "work_order", "step", "operator", "actual", "planned",
                "waiting", "down_reason", "andon",
            ],
            rows: b.tiles.map { t in
                [
                    .text(t.station), .text(t.workCenter), .text(t.state.rawValue), t.since.map { .text(iso($0, tz)) } ?? .null,
                    t.workOrder.map(ReportTable.Cell.text) ?? .null, t.step.map(ReportTable.Cell.text) ?? .null,
                    t.operatorName.map(ReportTable.Cell.text) ?? .null, .int(t.actual), .int(t.planned), .int(t.waiting),
                    t.downReason.map(ReportTable.Cell.text) ?? .null, t.andon.map(ReportTable.Cell.text) ?? .null,
                ]
            })
    }
}
