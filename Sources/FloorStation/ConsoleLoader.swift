import Foundation
import LocalStore
import MESCore

// The supervisor console's data: its views and drill-downs, and the table each one shows, read
// in one transaction. The console's screens (FloorTUI) draw it.

/// The supervisor console's views (tabs), in the order of their number keys.
public enum ConsoleTab: Int, CaseIterable, Sendable {
    case stations, holds, fpi, approvals, andon, orders, conflicts, reports
    public var title: String {
        switch self {
        case .stations: return "Stations"
        case .holds: return "Holds"
        case .fpi: return "First pieces"
        case .approvals: return "Approvals"
        case .andon: return "Andon"
        case .orders: return "Orders"
        case .conflicts: return "Conflicts"
        case .reports: return "Reports"
        }
    }
}

/// What the console shows: a tab, or a drill-down (a station's queue, a part's history).
public enum ConsoleScreen: Equatable, Sendable {
    case tab(ConsoleTab)
    case station(String)
    case history(String)
    /// A material lot's page (`MATERIAL:LOT`): receipt, inspection, status history, what is left,
    /// every traveler that used it.
    case lot(String)
}

/// What a row is about, so an action knows its subject.
public enum RowRef: Equatable, Sendable {
    case none
    case station(String)
    case part(String)
    case hold(serial: String, hold: String)
    case orderHold(order: String)
    case firstPiece(serial: String)
    case override(serial: String, id: String)
    case andon(station: String)
    case order(String)
    /// A material lot, `MATERIAL:LOT`.
    case lot(String)

    public var serial: String? {
        switch self {
        case .part(let s), .hold(let s, _), .firstPiece(let s), .override(let s, _): return s
        default: return nil
        }
    }
}

/// What a row says beyond its words (the screen paints it; a word always carries it too).
public enum Tone: Sendable, Equatable {
    case normal, dim, ok, warn, stop, info

    /// A station's state as a tone.
    public init(_ state: StationState) {
        switch state {
        case .run: self = .ok
        case .setup: self = .info
        case .fpi, .hold: self = .warn
        case .down: self = .stop
        case .idle: self = .dim
        }
    }
}

public struct ConsoleRow: Equatable, Sendable {
    public var cells: [String]
    public var role: Tone = .normal
    public var ref: RowRef = .none
    public init(cells: [String], role: Tone = .normal, ref: RowRef = .none) { self.cells = cells; self.role = role; self.ref = ref }
}

/// One screen's table: a title, columns, rows and lines of summary above them.
/// A step a part may be reworked to.
public struct ReworkStep: Equatable, Sendable {
    public var id: String
    public var name: String
}

public struct ConsoleTable: Equatable, Sendable {
    public var title = ""
    public var columns: [String] = []
    public var rows: [ConsoleRow] = []
    public var summary: [String] = []
    public var problem: String?
    /// The steps each held part on the table may be reworked to (its work order's routing version:
    /// `Decider.reworkTargets`), as (id, name).
    public var reworkSteps: [String: [ReworkStep]] = [:]
    public init() {}
}

/// Reads one console screen's table in one transaction.
public enum ConsoleLoader {
    /// What `load` read: the table, the store's last event position, the plant.
    public struct Loaded {
        public var table: ConsoleTable
        public var lastEvent: Int64
        public var plant: PlantIndex?
    }

    /// `ncrs`: what the holds view's NCR register is narrowed to.
    /// A lot's page: receipt and inspection in the summary, then its status history, its conflicts,
    /// and every traveler that used it with where it is now (Enter opens the traveler's history).
    static func lotPage(
        _ key: String, _ t: inout ConsoleTable, state: StoreState, plant: PlantIndex, now: Date, age: (Int64) -> String
    ) throws {
        let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let l = try state.lot(material: parts[0], lot: parts[1]) else { t.problem = "no lot \(key) known here"; return }
        let today = plant.calendar.localDate(now)
        let tz = plant.calendar.timeZone
        func minute(_ ms: Int64) -> String { String(Reports.isoText(ms, tz).prefix(16)).replacingOccurrences(of: "T", with: " ") }
        t.title = "Lot \(l.lot) of \(l.material)"
        var head = "status: \(QualityRules.statusText(l, today: today).uppercased())"
        if let r = l.receipt {
            let left = l.remaining.map { ReceiptDraft.quantityText($0) } ?? "?"
            head += " · received \(ReceiptDraft.quantityText(r.quantity)) \(r.unit), used \(ReceiptDraft.quantityText(l.used ?? 0)), left \(left)"
            t.summary.append(head)
            let coc: String = r.certificate.map { " · CoC \($0)" } ?? " · no CoC"
            let expiry: String = r.expiry.map { " · expires \($0)" } ?? ""
            let by: String = plant.people[r.by]?.name ?? r.by
            t.summary.append("from \(r.supplier)\(coc)\(expiry) · received by \(by) \(minute(r.at))")
        } else {
            t.summary.append(head + " · not received here (used \(ReceiptDraft.quantityText(l.used ?? 0)))")
        }
        if let n = l.ncr { t.summary.append("incoming inspection: \(l.status?.rawValue ?? "") under \(n)") }
        if let p = l.parents { t.summary.append("made from lot\(p.count == 1 ? "" : "s") \(p.joined(separator: ", "))") }
        if let c = l.children { t.summary.append("gave to lot\(c.count == 1 ? "" : "s") \(c.joined(separator: ", ")) (their users are listed here)") }
        for h in l.holds { t.summary.append("⚠ on hold (\(h.reason)) since \(age(h.at)) ago") }
        t.columns = ["AT / SERIAL", "WHAT", "ORDER", "STEP", "BY / STATUS", "DETAIL"]
        for c in l.history ?? [] {
            t.rows.append(
                ConsoleRow(
                    cells: [
                        minute(c.at), c.what, "", "",
                        plant.people[c.by]?.name ?? c.by, "",
                    ], role: c.what.contains("held") || c.what.contains("rejected") ? .warn : .normal))
        }
        for r in l.readings ?? [] {
            t.rows.append(
                ConsoleRow(
                    cells: [
                        minute(r.at), "measured \(r.characteristic) = \(r.value)", "", "", plant.people[r.by]?.name ?? r.by,
                        (r.inTolerance ? "in tolerance" : "OUT OF TOLERANCE") + (r.gauge.map { " · \($0)" } ?? ""),
                    ], role: r.inTolerance ? .ok : .stop))
        }
        for c in l.conflicts ?? [] {
            t.rows.append(ConsoleRow(cells: ["", "conflict", "", "", "", c.text], role: .stop))
        }
        let plan = try Containment.plan(material: l.material, lot: l.lot, state: state)
        for (entries, what, role) in [
            (plan.toHold, "used: open, not held", Tone.warn), (plan.held, "used: held", Tone.stop), (plan.done, "used: finished", Tone.dim),
        ] {
            for e in entries {
                t.rows.append(
                    ConsoleRow(
                        cells: [e.serial, what, e.workOrder, e.step, e.status.rawValue, e.onHoldUnder.joined(separator: " ")], role: role,
                        ref: .part(e.serial)))
            }
        }
        t.summary.append("\(plan.toHold.count + plan.held.count + plan.done.count) travelers used it · Enter opens one's history")
    }

    public static func load(
        _ screen: ConsoleScreen, service: FloorService, now: Date, ncrs filter: NCRViewFilter = NCRViewFilter()
    ) throws
        -> Loaded
    {
        try service.store.read { db in
            guard let plant = try service.plantIndex(db) else {
                var t = ConsoleTable(); t.problem = "no plant loaded in this store"
                return Loaded(table: t, lastEvent: 0, plant: nil)
            }
            var t = ConsoleTable()
            /// The rework targets of a held part, for the disposition picker.
            func rework(_ serial: String, _ state: StoreState) throws {
                guard t.reworkSteps[serial] == nil, let part = try state.part(serial) else { return }
                t.reworkSteps[serial] = try Decider.reworkTargets(of: part, state: state).map { ReworkStep(id: $0.id, name: $0.name) }
            }
            func table() throws -> ConsoleTable {
                let millis = now.epochMillis
                func age(_ at: Int64) -> String { Describe.duration(millis - at) }
                switch screen {
                case .tab(.stations):
                    let b = try BoardQueries.load(db, plant: plant, now: now, listLimit: 0)
                    t.title = "All stations"
                    t.summary = [
                        "output today \(b.outputToday) · late \(b.lateCount) · at risk \(b.atRiskCount) · open holds \(b.holdCount)"
                            + " · FPY today \(b.fpyToday.map { "\(Int(($0 * 100).rounded()))%" } ?? "-") · \(b.windowLabel)"
                    ]
                    t.columns = ["STATION", "NAME", "STATE", "FOR", "WORK", "ACT/PLAN", "WAITING", "ANDON"]
                    t.rows = b.tiles.map { x in
                        ConsoleRow(
                            cells: [
                                x.station, x.name, x.state.rawValue, x.since.map(age) ?? "",
                                x.state == .down
                                    ? (x.downReason ?? "") : [x.workOrder, x.step, x.operatorName].compactMap { $0 }.joined(separator: " "),
                                "\(x.actual)/\(x.planned)", "\(x.waiting)", x.andon ?? "",
                            ],
                            role: Tone(x.state), ref: .station(x.station))
                    }
                case .station(let id):
                    guard let st = plant.stations[id] else { t.problem = "no station \(id)"; return t }
                    t.title = "\(id) \(st.name) · queue of \(st.workCenter)"
                    t.columns = ["SERIAL", "PART", "ORDER", "STEP", "STATE", "WHERE", "PRIO", "DUE"]
                    let state = StoreState(db: db, plant: plant)
                    for e in try Queries.queue(workCenter: st.workCenter, db) {
                        if e.status == .hold { try rework(e.serial, state) }
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    e.serial, e.part, e.workOrder, e.step, e.status.rawValue.uppercased(), e.station ?? "",
                                    e.priority.rawValue, e.due,
                                ],
                                role: e.status == .hold ? .warn : (e.status == .running ? .ok : .normal), ref: .part(e.serial)))
                    }
                    t.summary = ["\(t.rows.count) travelers at \(st.workCenter) · Enter: a part's history"]
                case .history(let serial):
                    guard let trace = try Reports.trace(serial, db), trace.kind == "serial" else { t.problem = "no traveler \(serial)"; return t }
                    let sum = trace.summary
                    try rework(serial, StoreState(db: db, plant: plant))
                    t.title = "History of \(serial)"
                    t.summary = [
                        "order \(sum["work_order"]?.plain ?? "") · part \(sum["part"]?.plain ?? "") · at \(sum["step"]?.plain ?? "")"
                            + " · \(sum["state"]?.plain.uppercased() ?? "")" + ((sum["station"]?.plain).map { $0.isEmpty ? "" : " @\($0)" } ?? "")
                    ]
                    if let p = try StoreState(db: db, plant: plant).part(serial) {
                        for h in p.holds { t.summary.append("⚠ hold \(h.reason)\(h.ncr.map { " \($0)" } ?? "") since \(age(h.at)) ago: \(h.note)") }
                        for n in p.ncrs where n.disposition != nil {
                            t.summary.append(
                                "✔ \(n.ncr) dispositioned \(n.disposition!.rawValue) by \(n.dispositionBy ?? "")"
                                    + (n.reworkStep.map { " to \($0)" } ?? "") + (n.reference.map { " ref \($0)" } ?? ""))
                        }
                    }
                    t.columns = ["AT", "EVENT", "STEP", "STATION", "BY", "SIGNED", "DETAIL"]
                    for (i, entry) in trace.entries.enumerated() {
                        let type = entry["event"]?.plain ?? ""
                        let meaning = (i < trace.meanings.count ? trace.meanings[i] : nil) ?? ""
                        let signature = i < trace.signatures.count ? trace.signatures[i] : nil
                        let by = entry["by"]?.plain ?? ""
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    String((entry["at"]?.plain ?? "").prefix(16)).replacingOccurrences(of: "T", with: " "), type,
                                    entry["step"]?.plain ?? "", entry["station"]?.plain ?? "", plant.people[by]?.name ?? by,
                                    meaning.isEmpty || signature != nil ? meaning : meaning + " (unsigned)", entry["detail"]?.plain ?? "",
                                ],
                                role: type.contains("held") || type.contains("failed") ? .warn : .normal, ref: .part(serial)))
                        // The signature under its record, in full: who, meaning, when with zone, hash.
                        if let signature {
                            t.rows.append(
                                ConsoleRow(
                                    cells: ["", "  ✍ signature", "", "", signature.name, signature.meaning, Signature.manifestation(signature)],
                                    role: .info, ref: .part(serial)))
                        }
                    }
                case .tab(.holds):
                    t.title = "Open holds and nonconformances"
                    t.columns = ["SUBJECT", "PART", "STEP", "REASON", "NCR", "AGE", "BY", "NOTE"]
                    let state = StoreState(db: db, plant: plant)
                    for h in try Queries.openHolds(db) {
                        let agg = AggregateID(rawValue: h.aggregate)
                        let ref: RowRef =
                            agg.kind == "part"
                            ? .hold(serial: agg.key, hold: h.hold)
                            : (agg.kind == "wo" ? .orderHold(order: agg.key) : (agg.kind == "lot" ? .lot(agg.key) : .none))
                        if agg.kind == "part" { try rework(agg.key, state) }
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    agg.rawValue, h.part ?? "", h.step ?? "", h.reason, h.ncr ?? "", age(h.at),
                                    plant.people[h.by]?.name ?? h.by, h.note,
                                ], role: .warn, ref: ref))
                    }
                    let holdRows = t.rows.count
                    // The NCR register's open reports, oldest first (a traveler's opens its history), then
                    // open CAPAs by due date, an overdue one said so and in the stop colour.
                    var ncrs = 0, shown = 0
                    for r in try QualityReports.ncrs(db, plant: plant, filter: .open, now: now).rows {
                        let c = r.map(\.plain)
                        let number = c[0], n = try state.ncr(number)
                        ncrs += 1
                        if !filter.isEmpty {
                            guard let n, filter.matches(n, workCenter: c[8].isEmpty ? nil : c[8]) else { continue }
                        }
                        shown += 1
                        let serial = n?.raised?.serials.count == 1 ? n?.raised?.serials.first : nil
                        let lotKey = n?.raised.flatMap { r in r.material.flatMap { m in r.lot.map { m + ":" + $0 } } }
                        let ref: RowRef = serial.map { .part($0) } ?? lotKey.map { .lot($0) } ?? .none
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    number, c[5].isEmpty ? (c[11].isEmpty ? c[6] : "lot \(c[11])") : c[5], c[7], "\(c[2]) \(c[3])", c[20],
                                    n.map { age($0.raisedAt) } ?? "\(c[16])d", plant.people[c[15]]?.name ?? c[15],
                                    "\(c[1]) · \(c[8].isEmpty ? "" : c[8] + " · ")\(c[19])",
                                ], role: n?.severity.needsContainment == true ? .stop : .warn, ref: ref))
                    }
                    var capas = 0, overdue = 0
                    for r in try QualityReports.capas(db, plant: plant, now: now).rows {
                        let c = r.map(\.plain)
                        capas += 1
                        let late = try state.capa(c[0]).map { CAPARules.isOverdue($0, today: plant.calendar.localDate(now)) } ?? false
                        if late { overdue += 1 }
                        t.rows.append(
                            ConsoleRow(
                                cells: [c[0], c[3], c[1], c[6], "", "due \(c[5])", plant.people[c[4]]?.name ?? c[4], "actions \(c[7]) · \(c[9])"],
                                role: late ? .stop : .info))
                    }
                    t.summary = [
                        "\(holdRows) open · d disposition · l release · Enter history",
                        "\(ncrs) NCR\(ncrs == 1 ? "" : "s") open · \(capas) CAPA\(capas == 1 ? "" : "s") open"
                            + (overdue > 0 ? ", \(overdue) OVERDUE" : "") + " · floor report ncr / capa",
                    ]
                    if !filter.isEmpty {
                        t.summary.append("NCRs filtered by \(filter.text): \(shown) of \(ncrs) shown · / changes the filter, an empty one clears it")
                    } else if ncrs > 1 {
                        t.summary.append("/ filters the NCRs (part: wc: defect: sev: supplier: lot: or words) · Enter on a lot's NCR opens the lot")
                    }
                case .lot(let key):
                    try lotPage(key, &t, state: StoreState(db: db, plant: plant), plant: plant, now: now, age: age)
                case .tab(.fpi):
                    t.title = "First pieces waiting for a decision"
                    t.columns = ["FIRST PIECE", "ORDER", "STEP", "SINCE", "KEY"]
                    for f in try Queries.pendingFirstPieces(db) {
                        guard let fp = f.firstPiece else { continue }
                        t.rows.append(ConsoleRow(cells: [fp, f.workOrder, f.step, age(f.at), f.key], role: .warn, ref: .firstPiece(serial: fp)))
                    }
                    t.summary = ["\(t.rows.count) waiting · i pass · f fail · w waive (inspector or supervisor)"]
                case .tab(.approvals):
                    t.title = "Override requests waiting for approval"
                    t.columns = ["SERIAL", "STEP", "BLOCKER", "REASON", "ASKED BY", "ID"]
                    for o in try Queries.overrideRequests(db) {
                        t.rows.append(
                            ConsoleRow(
                                cells: [o.serial, o.step, o.blocker, o.reason, plant.people[o.requestedBy]?.name ?? o.requestedBy, o.id],
                                role: .warn, ref: .override(serial: o.serial, id: o.id)))
                    }
                    t.summary = ["\(t.rows.count) waiting · a approve (expires, single use) · undo approvals: u on a part's history"]
                case .tab(.andon):
                    t.title = "Andon calls"
                    t.columns = ["STATION", "KIND", "AGE", "CALLED BY", "ACKNOWLEDGED", "NOTE"]
                    for a in try Queries.andonCalls(db) {
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    a.station, AndonKind(rawValue: a.kind)?.label ?? a.kind, age(a.at), plant.people[a.by]?.name ?? a.by,
                                    a.acknowledgedBy.map { plant.people[$0]?.name ?? $0 } ?? "NO", a.note,
                                ],
                                role: a.acknowledgedBy == nil ? .stop : .warn, ref: .andon(station: a.station)))
                    }
                    t.summary = ["\(t.rows.count) open · k acknowledge · c clear"]
                case .tab(.orders):
                    let report = try Reports.orders(db)
                    t.title = "Work orders"
                    t.columns = ["ORDER", "PART", "STATUS", "QTY", "DONE", "SCRAP", "DUE", "PRIO"]
                    t.rows = report.rows.suffix(2000).map { cells in
                        let c = cells.map(\.plain)
                        let status = WorkOrderStatus(rawValue: c[2])
                        let role: Tone = status == .hold ? .warn : (status == .complete || status == .cancelled ? .dim : .normal)
                        return ConsoleRow(cells: c, role: role, ref: .order(c[0]))
                    }
                    t.summary = ["\(report.rows.count) orders · P priority · h hold · r release · x cancel · L load a file"]
                case .tab(.conflicts):
                    let report = try Reports.conflicts(db)
                    t.title = "Conflicts found by replication"
                    t.columns = ["EVENT / NODE", "ABOUT / WAITING", "AT / LAST SEEN", "DECISION / STATE"]
                    // Replication per node first (this store's own view, then every node as the central
                    // node last reported), then the conflicts.
                    let pending = try Replication.pendingCount(db: db)
                    let own = try EventLog.nodeState(db: db)
                    let lastOk = try Store.meta(Replication.lastOkKey, db: db).flatMap(Int64.init)
                    let configured = try Store.meta(Replication.centralKey, db: db) != nil
                    if configured || own.node == Central.nodeID {
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    "this store: \(own.node)", "\(pending) to send",
                                    own.node == Central.nodeID ? "(central node)" : "last sync " + (lastOk.map { age($0) } ?? "never"),
                                    (try Store.meta(Replication.lastErrorKey, db: db)).map { "refused: " + $0 } ?? "ok",
                                ],
                                role: pending > 0 && own.node != Central.nodeID ? .warn : .normal))
                    }
                    for n in try Central.knownNodes(db: db) {
                        let seen = [n.lastPush.map { "push " + age($0) }, n.lastPull.map { "pull " + age($0) }].compactMap { $0 }
                        let state = n.revoked == true ? "REVOKED" : (n.lastError.map { "refused: " + $0 } ?? "ok")
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    "node \(n.node)", n.pending.map { "\($0) to send" } ?? "-",
                                    seen.isEmpty ? "never" : seen.joined(separator: " · "), state,
                                ],
                                role: n.revoked == true || n.lastError != nil ? .stop : ((n.pending ?? 0) > 0 ? .warn : .normal)))
                    }
                    let nodeRows = t.rows.count
                    t.rows += report.rows.map { ConsoleRow(cells: $0.map(\.plain), role: .warn) }
                    t.summary = ["\(nodeRows) nodes · \(t.rows.count - nodeRows) conflicts; the earliest fact won in each (rules: offline)"]
                case .tab(.reports):
                    let day = BoardRules.dayWindow(at: now, calendar: plant.calendar)
                    let from = day.start - 6 * 86_400_000
                    t.title = "Reports: last 7 days (floor report oee|fpy|pareto|wip for CSV / JSON)"
                    t.columns = ["REPORT", "WHAT", "FIGURES"]
                    for r in try Reports.oee(db, plant: plant, from: from, to: millis).rows {
                        let c = r.map(\.plain)
                        t.rows.append(
                            ConsoleRow(cells: [
                                "OEE", c[0],
                                "A \(c[2])% × P \(c[3])% × Q \(c[4])% = \(c[5].isEmpty ? "-" : c[5] + "%")  good \(c[6]) scrap "
                                    + "\(c[7])",
                            ]))
                    }
                    for r in try Reports.fpy(db, from: from, to: millis).rows {
                        let c = r.map(\.plain)
                        t.rows.append(ConsoleRow(cells: ["FPY", c[0], "\(c[3].isEmpty ? "-" : c[3] + "%") (\(c[2]) of \(c[1]) right first time)"]))
                    }
                    for r in try Reports.scrapPareto(db, plant: plant, from: from, to: millis).rows {
                        let c = r.map(\.plain)
                        t.rows.append(ConsoleRow(cells: ["SCRAP", "\(c[0]) \(c[1])", "\(c[2]) pcs · \(c[3])% · cumulative \(c[4])%"]))
                    }
                    for r in try Reports.wipSummary(db).rows {
                        let c = r.map(\.plain)
                        t.rows.append(
                            ConsoleRow(cells: ["WIP", "\(c[0]) \(c[1])\(c[2].isEmpty ? "" : " @" + c[2])", "\(c[3]): \(c[4]) travelers, \(c[5]) pcs"])
                        )
                    }
                    // Certifications running out within 30 days (floor report qualifications --days N).
                    let people = try Qualifications.effective(plant.plant.people, in: StoreState(db: db, plant: plant))
                    for e in Qualifications.expiring(people, within: 30, today: plant.calendar.localDate(now)) {
                        t.rows.append(
                            ConsoleRow(
                                cells: [
                                    "QUALIFICATION", "\(e.person.name) (\(e.person.badge)) \(e.qualification.skill)",
                                    e.expired
                                        ? "EXPIRED on \(e.qualification.expires): starts needing \(e.qualification.skill) are refused"
                                        : "expires \(e.qualification.expires) (in \(e.daysLeft) days)",
                                ], role: e.expired ? .stop : .warn))
                    }
                }
                return t
            }
            return Loaded(table: try table(), lastEvent: try EventLog.lastPosition(db: db), plant: plant)
        }
    }
}
