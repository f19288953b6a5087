import Foundation
import LocalStore
import MESCore
import ScannerInput

/// Everything the kiosk screens show, read from the store in one transaction and decided by
/// MESCore (start gate, FPI status, sampling, due risk). The view only draws it.
public struct KioskData: Sendable {
    public struct QueueRow: Equatable, Sendable {
        public var serial: String
        public var workOrder: String
        public var part: String
        public var step: String
        public var stepName: String
        public var status: PartStatus
        public var quantity: Int
        public var priority: Priority
        public var due: String
        public var risk: DueRisk
        /// Why it cannot start now (evaluated for the rows near the top; nil = not evaluated).
        public var blockers: [RefusalReason]?
        public var isFirstPiece: Bool
        /// The station where it runs (or is paused) when that is another station.
        public var elsewhere: String? = nil
    }
    public struct RunRow: Equatable, Sendable {
        public var serial: String
        public var workOrder: String
        public var step: String
        public var status: PartStatus
        public var operatorBadge: String
        public var operatorName: String
        public var since: Int64
        public var mine: Bool
    }
    public struct PartDetail: Sendable {
        public var part: PartState
        public var partName: String
        public var step: Step?
        public var instructions: [String]
        public var materials: [MaterialDue]
        public var measurements: [DueMeasurement]
        public var blockers: [RefusalReason]
        public var dueRisk: DueRisk?
        public var due: String
        /// Why each part action would be refused now, by its card's verb: the Decider's own answer
        /// on this read (nothing is recorded); a verb that is absent would be accepted. Shown
        /// before the action is tried.
        public var notNow: [CommandVerb: Refusal] = [:]
        /// The step's control charts by characteristic: the last points, limits, capability and
        /// signals, read once with a running part (drawing them costs no store read).
        public var charts: [String: SPCSummary] = [:]
    }

    /// A lot received lately (a receiving station's list), with its status in words.
    public struct ReceivedRow: Equatable, Sendable {
        public var material: String
        public var lot: String
        public var quantity: String
        public var supplier: String
        public var status: String
        /// nil: not known here (shown as its words only).
        public var lotStatus: LotStatus?
        public var onHold: Bool
        public var at: Int64
        public var by: String
    }

    public var plantName = ""
    public var stationID = ""
    /// A receiving station: its screen receives lots (`ReceiptDraft`) and lists the last received.
    public var receiving = false
    public var received: [ReceivedRow] = []
    public var stationName = ""
    public var workCenter = ""
    public var shift: String?
    public var queue: [QueueRow] = []
    public var running: [RunRow] = []
    public var banners: [FirstPieceBanner] = []
    /// Control-chart signals open at this station (any chart), oldest first.
    public var spcSignals: [SPCSignal] = []
    /// The station's machine (or the station) when down: reason label and since.
    public var down: (target: String, reason: String, since: Int64)?
    public var part: PartDetail?
    public var reasons = Reasons()
    /// The plant's calendar (clock and timers in plant time).
    public var calendar = PlantCalendar(timeZone: TimeZone(identifier: "UTC")!)
    public var people: [String: String] = [:]
    /// The highest event rowid seen: a change in the store shows as a higher one.
    public var lastEvent: Int64 = 0
    public var loadedAt: Int64 = 0
    public var problem: String?
    /// Who the queue's blockers were evaluated for, and how many rows.
    public var personBadge: String?
    public var evaluatedRows = 0

    public init() {}
}

/// Reads a `KioskData` for a station, a person and an optional selected part.
public enum KioskLoader {
    /// Rows of the queue whose start gate is evaluated (the rest show without a reason until scrolled to).
    ///
    /// With `previous` from the same minute, station and person and no event since, the queue,
    /// running work and banners are reused and only the selected part is read: a scan that only
    /// selects a part (or is refused) costs one part read, not a queue evaluation.
    public static func load(
        service: FloorService, station stationID: String, person: Person?, selected: String?,
        evaluateRows: Int = 40, queueLimit: Int = 500, now: Date = Date(), previous: KioskData? = nil,
        previewActions: Bool = false
    ) throws -> KioskData {
        try service.store.read { db in
            // Qualifications certified or revoked at the console count as the rules count them.
            let person = try person.map { try Qualifications.effective($0, in: StoreState(db: db, plant: nil)) }
            let millis = now.epochMillis
            let lastEvent = try EventLog.lastPosition(db: db)
            if var d = previous, d.problem == nil, d.lastEvent == lastEvent, d.stationID == stationID, d.personBadge == person?.badge,
                d.evaluatedRows >= evaluateRows, d.loadedAt / 60_000 == millis / 60_000,
                let plant = try service.plantIndex(db), let station = plant.stations[stationID]
            {
                d.part = try partDetail(
                    selected, station: station, person: person, plant: plant,
                    state: StoreState(db: db, plant: plant), now: now, previewActions: previewActions)
                return d
            }
            var d = KioskData()
            d.stationID = stationID
            d.loadedAt = millis
            d.lastEvent = lastEvent
            d.personBadge = person?.badge
            d.evaluatedRows = evaluateRows
            guard let plant = try service.plantIndex(db) else { d.problem = "no plant loaded in this store"; return d }
            guard let station = plant.stations[stationID] else { d.problem = "station \(stationID) is not in plant \(plant.plant.id)"; return d }
            let state = StoreState(db: db, plant: plant)
            d.plantName = plant.plant.name
            d.stationName = station.name
            d.workCenter = station.workCenter
            d.reasons = plant.plant.reasons
            d.calendar = plant.calendar
            d.shift = plant.calendar.shift(at: now, shifts: plant.plant.shifts)?.shift
            d.people = plant.people.mapValues(\.name)
            if station.isReceiving {
                d.receiving = true
                d.received = try receivedLots(StoreState(db: db, plant: plant), plant: plant, now: now)
                return d
            }
            let target = plant.downtimeTarget(of: station)
            if let down = try state.machine(target)?.down {
                let label = plant.plant.reasons.downtime.first { $0.code == down.reason }?.label ?? down.reason
                d.down = (target, label, down.since)
            }
            let env = DecisionEnv(now: now, newID: { "" })
            let entries = try Queries.queue(workCenter: station.workCenter, limit: queueLimit, db)
            var pairs: [(workOrder: String, step: String)] = []
            var orders: [String: WorkOrderState?] = [:]
            for (i, e) in entries.enumerated() {
                let wo: WorkOrderState?
                if let cached = orders[e.workOrder] { wo = cached } else { wo = try state.workOrder(e.workOrder); orders[e.workOrder] = wo }
                let r = try wo.flatMap { try state.routing(id: $0.routing, version: $0.routingVersion) }  // cached (RoutingCache)
                let remaining = r.map { DueRisk.remainingMinutes(routing: $0, from: e.step, quantity: e.quantity) } ?? 0
                pairs.append((e.workOrder, e.step))
                // Running or paused: here (with who and since, from the part), or at another station.
                var elsewhere: String?
                if e.status == .running || e.status == .paused {
                    if e.station == stationID, let run = try state.part(e.serial)?.run {
                        d.running.append(
                            KioskData.RunRow(
                                serial: e.serial, workOrder: e.workOrder, step: e.step, status: e.status,
                                operatorBadge: run.operator_, operatorName: plant.people[run.operator_]?.name ?? run.operator_,
                                since: run.pausedAt ?? run.startedAt, mine: run.operator_ == person?.badge))
                        continue
                    }
                    elsewhere = e.station ?? "?"
                }
                var blockers: [RefusalReason]?
                if let person, i < evaluateRows, elsewhere == nil {
                    blockers = try StartGate.evaluate(
                        serial: e.serial, station: station, person: person, plant: plant,
                        state: state, env: env
                    ).blockers
                }
                d.queue.append(
                    KioskData.QueueRow(
                        serial: e.serial, workOrder: e.workOrder, part: e.part, step: e.step,
                        stepName: r?.step(e.step)?.name ?? e.step, status: e.status, quantity: e.quantity,
                        priority: e.priority, due: e.due,
                        risk: DueRisk.classify(dueAt: e.dueAt, now: millis, remainingMinutes: remaining),
                        blockers: blockers, isFirstPiece: false, elsewhere: elsewhere))
            }
            for plan in plant.plant.spc?.charts ?? [] where plant.plant.workCenter(of: plan) == station.workCenter {
                d.spcSignals += try SPCChart.openSignals(plan: plan, station: stationID, state: state)
            }
            d.banners = try StationBoard.firstPieceBanners(pairs: pairs, station: station, person: person, plant: plant, state: state, now: now)
            let firstPieces = Set(
                d.banners.compactMap { b -> String? in
                    if case .pending(let s) = b.status { return s }
                    return nil
                })
            for i in d.queue.indices where firstPieces.contains(d.queue[i].serial) { d.queue[i].isFirstPiece = true }
            d.people = plant.people.mapValues(\.name)

            d.part = try partDetail(
                selected, station: station, person: person, plant: plant, state: state, now: now, previewActions: previewActions)
            return d
        }
    }

    /// The lots received last (any station), newest first, with their status in words.
    static func receivedLots(_ state: StoreState, plant: PlantIndex, now: Date, limit: Int = 12) throws -> [KioskData.ReceivedRow] {
        let today = plant.calendar.localDate(now)
        var out: [KioskData.ReceivedRow] = []
        for l in try state.lastReceived(limit: limit) {
            guard let r = l.receipt else { continue }
            out.append(
                KioskData.ReceivedRow(
                    material: l.material, lot: l.lot, quantity: ReceiptDraft.quantityText(r.quantity) + " " + r.unit, supplier: r.supplier,
                    status: QualityRules.statusText(l, today: today), lotStatus: l.status, onHold: !l.holds.isEmpty, at: r.at,
                    by: r.by))
        }
        return out
    }

    /// The open part: its step, instructions, materials, measurements due and start blockers;
    /// with `previewActions`, what the Decider would say to each of its actions (asked only while
    /// someone looks at them, so a scan does not pay for a dozen decisions).
    public static func partDetail(
        _ selected: String?, station: Station, person: Person?, plant: PlantIndex,
        state: StoreState, now: Date, previewActions: Bool = false
    ) throws -> KioskData.PartDetail? {
        guard let selected, let part = try state.part(selected) else { return nil }
        let millis = now.epochMillis
        let wo = try state.workOrder(part.workOrder)
        let r = try wo.flatMap { try state.routing(id: $0.routing, version: $0.routingVersion) }
        let step = r?.step(part.run?.step ?? part.step)
        var blockers: [RefusalReason] = []
        if let person, part.status == .queued || part.status == .hold {
            blockers = try StartGate.evaluate(
                serial: selected, station: station, person: person, plant: plant,
                state: state, env: DecisionEnv(now: now, newID: { "" })
            ).blockers
        }
        let remaining = r.map { DueRisk.remainingMinutes(routing: $0, from: part.step, quantity: part.quantity) } ?? 0
        var notNow: [CommandVerb: Refusal] = [:]
        if let person, previewActions {
            notNow = try preview(
                selected, part: part, startBlockers: blockers, station: station, person: person, plant: plant,
                state: state, now: now)
        }
        // Read only for a running part: the chart is drawn while its measurements are entered.
        var charts: [String: SPCSummary] = [:]
        if let step, part.run != nil {
            for plan in plant.plant.spc?.charts ?? [] where plan.part == part.part && plan.step == step.id {
                let series = try state.spcSeries(chart: plan, after: nil, lookback: chartPoints * max(1, plan.subgroupSize))
                let chart = try state.spcChart(plan.key)
                charts[plan.characteristic] = SPCSummary.of(
                    SPCChart.points(series, plan: plan, state: chart), plan: plan, state: chart,
                    characteristic: step.measurements.first { $0.id == plan.characteristic })
            }
        }
        return KioskData.PartDetail(
            part: part, partName: plant.parts[part.part]?.name ?? part.part, step: step,
            instructions: step.map { Sanitize.multiline($0.instructions) } ?? [],
            materials: step.map { StationBoard.materialsDue(part, step: $0, plant: plant) } ?? [],
            measurements: try step.map { try StationBoard.measurementsDue(part, step: $0, state: state) } ?? [],
            blockers: blockers,
            dueRisk: wo.map {
                DueRisk.classify(
                    dueAt: $0.spec.due.deadline(in: plant.calendar.timeZone).epochMillis,
                    now: millis, remainingMinutes: remaining)
            },
            due: wo?.spec.due.description ?? "", notNow: notNow, charts: charts)
    }

    /// Points a station's run chart reads (the widest screen shows fewer).
    public static let chartPoints = 200

    /// The part verbs a kiosk's keys send, previewed.
    public static let previewedVerbs: [CommandVerb] = [.start, .pause, .resume, .complete, .undo, .pass, .fail, .waive, .hold, .release, .scrap]

    /// What the Decider would say to each part verb now, as the card the kiosk would send (a note
    /// and a reason stand in for what the kiosk asks for before sending). The start gate's
    /// blockers, already evaluated, answer for a start.
    static func preview(
        _ serial: String, part: PartState, startBlockers: [RefusalReason], station: Station, person: Person,
        plant: PlantIndex, state: StoreState, now: Date
    ) throws -> [CommandVerb: Refusal] {
        var out: [CommandVerb: Refusal] = [:]
        let env = DecisionEnv(now: now, newID: { "preview" })
        for verb in previewedVerbs {
            if verb == .start, part.status == .queued || part.status == .hold {
                if !startBlockers.isEmpty { out[verb] = Refusal(startBlockers) }
                continue
            }
            let arg: String? = verb == .hold ? plant.plant.reasons.hold.first?.code : verb == .scrap ? plant.plant.reasons.scrap.first?.code : nil
            guard case .success(let command) = StationSession.command(verb, arg, serial: serial, station: station.id, note: "preview")
            else { continue }
            if case .failure(let r) = try Decider.decide(command, by: Actor(person: person, station: station), plant: plant, state: state, env: env) {
                out[verb] = r
            }
        }
        return out
    }
}
