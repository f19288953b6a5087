import Foundation
import GRDB
import MESCore

/// Everything the wall board and the console's all-stations view show, read in one transaction
/// and decided by MESCore (station state word, due risk, plan, FPY).
public struct BoardSnapshot: Sendable {
    public struct Tile: Sendable, Equatable {
        public var station: String
        public var name: String
        public var workCenter: String
        public var state: StationState
        /// The running (or paused) work here: order, step, serial and who.
        public var workOrder: String?
        public var step: String?
        public var serial: String?
        public var operatorName: String?
        public var planned: Int
        public var actual: Int
        /// Since when the station is in this state (nil: not known, e.g. idle all shift).
        public var since: Int64?
        /// DOWN: the reason's label.
        public var downReason: String?
        /// An open andon call here: its kind.
        public var andon: String?
        /// Work waiting here (queued, held).
        public var waiting: Int
        /// Control-chart signals read here and not answered yet, oldest first.
        public var spcSignals: [SPCSignal] = []
    }
    public struct OrderRow: Sendable, Equatable {
        public var number: String
        public var part: String
        public var due: String
        public var dueAt: Int64
        public var risk: DueRisk
        public var priority: Priority
        /// Travelers not finished.
        public var open: Int
    }
    public typealias HoldRow = Queries.OpenHold
    public struct DownRow: Sendable, Equatable {
        public var machine: String
        public var station: String
        public var reason: String
        public var since: Int64
    }
    public typealias AndonRow = Queries.AndonCall

    public var plantName = ""
    public var asOf: Int64 = 0
    public var windowLabel = ""
    public var windowStart: Int64 = 0
    public var tiles: [Tile] = []
    public var outputToday = 0
    public var lateCount = 0
    public var atRiskCount = 0
    public var holdCount = 0
    /// NCRs not closed (raised at this work center's stations when the board shows one), and when the oldest was raised.
    public var openNCRs = 0
    public var oldestNCRAt: Int64?
    public var fpyToday: Double?
    /// Late first, then at risk; at most `listLimit`.
    public var orders: [OrderRow] = []
    public var holds: [HoldRow] = []
    public var downs: [DownRow] = []
    public var andons: [AndonRow] = []
    /// The store's highest event position and that event's time: a change shows as a new position.
    public var lastEvent: Int64 = 0
    public var lastEventAt: Int64?
    /// The last successful exchange with the central node (meta `sync.last_ok`), if any.
    public var lastSync: Int64?
    public var calendar = PlantCalendar(timeZone: TimeZone(identifier: "UTC")!)
    public var problem: String?

    public init() {}
}

public enum BoardQueries {
    public static let lastSyncKey = "sync.last_ok"

    /// Reads the board for the whole plant, or one work center.
    public static func load(_ db: Database, plant: PlantIndex?, now: Date, workCenter: String? = nil, listLimit: Int = 40) throws -> BoardSnapshot {
        var b = BoardSnapshot()
        let millis = now.epochMillis
        b.asOf = millis
        b.lastEvent = try EventLog.lastPosition(db: db)
        b.lastEventAt = try Int64.fetchOne(db, sql: "SELECT hlc_wall FROM events WHERE pos = ?", arguments: [b.lastEvent])
        b.lastSync = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [lastSyncKey]).flatMap { Int64($0) }
        guard let plant else { b.problem = "no plant loaded in this store"; return b }
        if let wc = workCenter, plant.plant.workCenters.first(where: { $0.id == wc }) == nil {
            b.problem = "work center \(wc) is not in plant \(plant.plant.id)"
            return b
        }
        let state = StoreState(db: db, plant: plant)
        b.plantName = plant.plant.name
        b.calendar = plant.calendar
        let window = BoardRules.shiftWindow(at: now, plant: plant.plant, calendar: plant.calendar)
        let day = BoardRules.dayWindow(at: now, calendar: plant.calendar)
        b.windowLabel = window.label
        b.windowStart = window.start
        let stations = plant.plant.stations.filter { workCenter == nil || $0.workCenter == workCenter }
        let centers = Set(stations.map(\.workCenter))

        // Waiting work per work center and status (the queue's partial index).
        var waiting: [String: [String: Int]] = [:]
        for r in try Row.fetchAll(
            db,
            sql: """
                SELECT work_center, status, COUNT(*) FROM parts WHERE \(Projections.openPart()) GROUP BY work_center, status
                """)
        {
            waiting[r[0], default: [:]][r[1]] = r[2]
        }
        // Running or paused, by station.
        var running: [String: [(serial: String, order: String, step: String, since: Int64)]] = [:]
        for r in try Row.fetchAll(
            db,
            sql: """
                SELECT station, serial, work_order, step, since FROM parts
                WHERE station IS NOT NULL AND status IN ('running', 'paused') ORDER BY since
                """)
        {
            running[r[0], default: []].append((r[1], r[2], r[3], r[4]))
        }
        let downs = try Queries.down(db)
        b.downs = downs.filter { d in stations.contains { $0.id == d.station } || workCenter == nil }.map { d in
            BoardSnapshot.DownRow(
                machine: d.machine, station: d.station,
                reason: plant.plant.reasons.downtime.first { $0.code == d.reason }?.label ?? d.reason, since: d.since)
        }
        let downByMachine = Dictionary(downs.map { ($0.machine, $0) }, uniquingKeysWith: { a, _ in a })
        // First pieces waiting for a decision, by work center.
        var fpiWaiting: [String: Int64] = [:]
        var pendingFirstPieces = Set<String>()
        for f in try Queries.pendingFirstPieces(db) {
            if let fp = f.firstPiece { pendingFirstPieces.insert(fp) }
            if let wc = try Projections.workCenter(ofStep: f.step, workOrder: f.workOrder, db), centers.contains(wc) {
                fpiWaiting[wc] = min(fpiWaiting[wc] ?? Int64.max, f.at)
            }
        }
        var actual: [String: Int] = [:]
        for r in try Row.fetchAll(
            db, sql: "SELECT station, SUM(good) FROM step_outcomes INDEXED BY step_outcomes_at WHERE at >= ? GROUP BY station",
            arguments: [window.start])
        {
            actual[r[0]] = r[1]
        }
        var andonByStation: [String: BoardSnapshot.AndonRow] = [:]
        for a in try Queries.andonCalls(db) {
            andonByStation[a.station] = a
            if workCenter == nil || stations.contains(where: { $0.id == a.station }) { b.andons.append(a) }
        }

        // Open SPC signals, asked only of the stations whose work center runs a charted step.
        var spcByStation: [String: [SPCSignal]] = [:]
        for plan in plant.plant.spc?.charts ?? [] {
            guard let wc = plant.plant.workCenter(of: plan) else { continue }
            for st in stations where st.workCenter == wc {
                spcByStation[st.id, default: []] += try SPCChart.openSignals(plan: plan, station: st.id, state: state)
            }
        }

        for st in stations {
            let target = plant.downtimeTarget(of: st)
            let down = downByMachine[target]
            let runs = running[st.id] ?? []
            var tile = BoardSnapshot.Tile(
                station: st.id, name: st.name, workCenter: st.workCenter, state: .idle, planned: 0,
                actual: actual[st.id] ?? 0, andon: andonByStation[st.id]?.kind,
                waiting: (waiting[st.workCenter] ?? [:]).filter { $0.key == "queued" || $0.key == "hold" }.values.reduce(0, +),
                spcSignals: spcByStation[st.id] ?? [])
            var runMinutes: Double? = BoardRules.averageRunMinutes(workCenter: st.workCenter, plant: plant.plant)
            if let r = runs.first(where: { _ in true }) {
                tile.workOrder = r.order; tile.step = r.step; tile.serial = r.serial; tile.since = r.since
                if let p = try state.part(r.serial), let run = p.run {
                    tile.operatorName = plant.people[run.operator_]?.name ?? run.operator_
                    tile.since = run.startedAt
                }
                if let step = try routingStep(r.order, r.step, state), step.runMin > 0 { runMinutes = step.runMin }
            }
            let counts = waiting[st.workCenter] ?? [:]
            tile.state = StationState.classify(
                down: down != nil,
                runningFirstPieceUndecided: runs.contains { pendingFirstPieces.contains($0.serial) },
                running: !runs.isEmpty,
                waitingForFirstPiece: fpiWaiting[st.workCenter] != nil,
                readyToStart: (counts["queued"] ?? 0) > 0 && fpiWaiting[st.workCenter] == nil,
                heldWaiting: (counts["hold"] ?? 0) > 0)
            switch tile.state {
            case .down:
                tile.since = down?.since
                tile.downReason = down.map { d in plant.plant.reasons.downtime.first { $0.code == d.reason }?.label ?? d.reason }
            case .fpi: tile.since = fpiWaiting[st.workCenter]
            case .run, .setup: break
            case .hold, .idle:
                tile.since = try Int64.fetchOne(db, sql: "SELECT MAX(at) FROM step_outcomes WHERE station = ?", arguments: [st.id])
            }
            let stops = try downtimeSpans(machine: target, from: window.start, to: millis, plant: plant, db)
                .filter(\.planned).reduce(0.0) { $0 + Double(min(millis, $1.end ?? millis) - max(window.start, $1.start)) / 60_000 }
            tile.planned = BoardRules.planned(
                shiftStart: window.start, now: millis, plannedStopMinutes: max(0, stops),
                runMinutesPerPiece: runMinutes, available: tile.actual + tile.waiting + runs.count)
            b.tiles.append(tile)
        }

        // Headline figures.
        b.outputToday =
            try Int.fetchOne(
                db, sql: "SELECT COALESCE(SUM(quantity), 0) FROM parts WHERE status = ? AND since >= ?",
                arguments: [BoardRules.outputStatus.rawValue, day.start]) ?? 0
        // One row per `StepYield` folded, its first-pass flag decided by MESCore.
        let fpy = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(first_pass), 0) FROM step_outcomes WHERE at >= ?", arguments: [day.start])!
        b.fpyToday = BoardRules.firstPassYield(through: fpy[0], firstPass: fpy[1])

        // Late orders: counted in SQL (the open-travelers-by-order index answers each EXISTS with
        // one probe); the list reads details for the first `listLimit` only. At risk: judged by
        // MESCore (`DueRisk.ofOrder`) on the standard minutes left, as the kiosk judges its rows;
        // SQL reads only the orders due within `DueRisk.horizonMinutes`, beyond which none can be.
        let open =
            "EXISTS (SELECT 1 FROM parts p WHERE p.work_order = w.number AND \(Projections.openPart("p"))"
            + (workCenter == nil ? "" : " AND p.work_center = ?") + ")"
        let wcArg: [DatabaseValueConvertible] = workCenter.map { [$0] } ?? []
        b.lateCount =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM work_orders w WHERE w.cancelled = 0 AND w.due_at < ? AND \(open)",
                arguments: StatementArguments([millis] + wcArg)) ?? 0
        let late = try Row.fetchAll(
            db,
            sql: """
                SELECT w.number, w.part, w.due, w.due_at, w.priority FROM work_orders w
                WHERE w.cancelled = 0 AND w.due_at < ? AND \(open) ORDER BY w.due_at, w.number LIMIT ?
                """, arguments: StatementArguments([millis] + wcArg + [listLimit]))
        let soon = try Row.fetchAll(
            db,
            sql: """
                SELECT w.number, w.part, w.due, w.due_at, w.priority FROM work_orders w
                WHERE w.cancelled = 0 AND w.due_at >= ? AND w.due_at < ? AND \(open) ORDER BY w.due_at, w.number
                """, arguments: StatementArguments([millis, millis + Int64(try riskHorizonMinutes(db) * 60_000)] + wcArg))
        var rows: [BoardSnapshot.OrderRow] = []
        for r in late + soon {
            let number: String = r[0], dueAt: Int64 = r[3]
            let travelers = try Row.fetchAll(
                db,
                sql: """
                    SELECT step, quantity FROM parts WHERE work_order = ? AND \(Projections.openPart())
                    """, arguments: [number])
            var risk = DueRisk.late
            if dueAt >= millis {
                var remaining: [Double] = []
                if let wo = try state.workOrder(number), let routing = try state.routing(id: wo.routing, version: wo.routingVersion) {
                    remaining = travelers.map { DueRisk.remainingMinutes(routing: routing, from: $0[0], quantity: $0[1]) }
                }
                risk = DueRisk.ofOrder(dueAt: dueAt, now: millis, travelersRemainingMinutes: remaining)
                if risk == .onTime { continue }
                b.atRiskCount += 1
            }
            rows.append(
                BoardSnapshot.OrderRow(
                    number: number, part: r[1], due: r[2], dueAt: dueAt, risk: risk,
                    priority: Priority(rawValue: r[4]) ?? .normal, open: travelers.count))
        }
        b.orders = Array(rows.prefix(listLimit))

        // Open holds (part, work order, lot), oldest first.
        let holds = try Queries.openHolds(db).filter { h in workCenter.map { h.workCenter == $0 } ?? true }
        b.holdCount = holds.count
        b.holds = Array(holds.prefix(listLimit))
        let here = Set(stations.map(\.id))
        for r in try Row.fetchAll(db, sql: "SELECT station, raised_at FROM ncrs WHERE status != 'closed'") {
            let station: String? = r[0]
            if workCenter != nil, !here.contains(station ?? "") { continue }
            b.openNCRs += 1
            b.oldestNCRAt = min(b.oldestNCRAt ?? Int64.max, r[1])
        }
        return b
    }

    /// `DueRisk.horizonMinutes` over every routing version the store knows and its largest open
    /// traveler.
    static func riskHorizonMinutes(_ db: Database) throws -> Double {
        let largest = try Int.fetchOne(db, sql: "SELECT MAX(quantity) FROM parts WHERE \(Projections.openPart())") ?? 1
        return DueRisk.horizonMinutes(routings: try Projections.allRoutings(db), largestQuantity: largest)
    }

    static func routingStep(_ order: String, _ step: String, _ state: StoreState) throws -> Step? {
        guard let wo = try state.workOrder(order), let r = try state.routing(id: wo.routing, version: wo.routingVersion) else { return nil }
        return r.step(step)
    }

    /// A machine's downtime spans overlapping [from, to), from its events (indexed by aggregate
    /// and time), with whether each was planned.
    public static func downtimeSpans(machine: String, from: Int64, to: Int64, plant: PlantIndex, _ db: Database) throws -> [DowntimeSpanInput] {
        // A span that started before `from` and is still open (or ended after it): read from the
        // machine's last start before `from` on.
        let before =
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MAX(hlc_wall) FROM events WHERE aggregate = ? AND hlc_wall < ? AND type = 'downtime.started'
                    """, arguments: [AggregateID.machine(machine).rawValue, from]) ?? from
        var spans: [DowntimeSpanInput] = []
        var open: (start: Int64, planned: Bool)?
        for env in try EventLog.events(aggregate: AggregateID.machine(machine).rawValue, from: before, to: to, db: db) {
            let r = RecordedEvent(envelope: env)
            switch r.event {
            case .downtimeStarted(let e):
                if open == nil { open = (r.millis, plant.downtimeReasons[e.reason]?.planned ?? false) }
            case .downtimeEnded:
                if let o = open { spans.append(DowntimeSpanInput(start: o.start, end: r.millis, planned: o.planned)); open = nil }
            default: break
            }
        }
        if let o = open { spans.append(DowntimeSpanInput(start: o.start, end: nil, planned: o.planned)) }
        return spans.filter { ($0.end ?? Int64.max) > from && $0.start < to }
    }
}
