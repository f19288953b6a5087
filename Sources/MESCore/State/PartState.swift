import Foundation

public enum PartStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, paused, hold, done, scrapped, cancelled

    /// Terminal states are never downgraded: scrapped > cancelled > done.
    public var terminalRank: Int {
        switch self {
        case .scrapped: return 3
        case .cancelled: return 2
        case .done: return 1
        default: return 0
        }
    }
    public var isTerminal: Bool { terminalRank > 0 }

    /// The states a part never leaves, in declaration order (the store's SQL is written from this).
    public static let terminal: [PartStatus] = allCases.filter(\.isTerminal)
}

/// A hold on a part, a work order or a lot. Released only by a release that names it.
public struct OpenHold: Codable, Equatable, Sendable {
    public var id: String
    public var reason: String
    public var note: String
    public var by: String
    public var at: Int64
    public var step: String?
    public var ncr: String?
    public init(id: String, reason: String, note: String, by: String, at: Int64, step: String? = nil, ncr: String? = nil) {
        self.id = id; self.reason = reason; self.note = note; self.by = by; self.at = at; self.step = step; self.ncr = ncr
    }
}

public struct RecordedMeasurement: Codable, Equatable, Sendable {
    public var characteristic: String
    public var value: MeasuredValue
    public var inTolerance: Bool
    public var by: String
    public var at: Int64
    public var gauge: String?
}

public struct LotUse: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var qty: Double
    public var by: String
    public var at: Int64
}

/// A stretch of one person's work on one part and step; open while `to` is nil.
public struct LabourSegment: Codable, Equatable, Sendable {
    public var person: String
    public var serial: String
    public var step: String
    public var from: Int64
    public var to: Int64?
    public init(person: String, serial: String, step: String, from: Int64, to: Int64? = nil) {
        self.person = person; self.serial = serial; self.step = step; self.from = from; self.to = to
    }
}

/// The work on the part's current step, from start to completion.
public struct StepRun: Codable, Equatable, Sendable {
    public var step: String
    public var station: String
    public var equipment: String?
    public var fpiKey: FPIKey?
    public var startedBy: String
    public var startedAt: Int64
    /// The operator currently on it (resume may change who).
    public var operator_: String
    public var pausedAt: Int64?
    public var measurements: [String: RecordedMeasurement]
    public var lots: [String: LotUse]
    public var startEvent: EventID
}

public struct Completion: Codable, Equatable, Sendable {
    public var step: String
    public var event: EventID
    public var by: String
    public var at: Int64
    public var station: String
    public var good: Int
    public var scrap: Int
    public var next: String?
    public var signoffBy: String?
    public var undone: Bool
    /// The first-piece key the step ran under.
    public var fpiKey: FPIKey?
}

public struct NonConformance: Codable, Equatable, Sendable {
    public var ncr: String
    public var hold: String
    public var step: String?
    public var reason: String
    public var openedAt: Int64
    public var disposition: DispositionKind?
    public var dispositionBy: String?
    public var reference: String?
    public var reworkStep: String?
    /// Where the part was running when the nonconformance was found (nil: not running).
    public var station: String?
}

public enum OverrideStatus: String, Codable, Sendable { case requested, approved, used }

public struct OverrideState: Codable, Equatable, Sendable {
    public var id: String
    public var step: String
    public var blocker: BlockerKind
    public var reason: String
    public var requestedBy: String
    public var status: OverrideStatus
    public var approvedBy: String?
    public var expiresAt: Int64?
}

/// One traveler, folded from its events in canonical order. The fold never rejects: an event
/// that does not fit the state (offline work at odds with what happened elsewhere) is kept in
/// the log, changes nothing, and is listed in `conflicts`: the earliest fact wins.
public struct PartState: Codable, Equatable, Sendable {
    public var serial: String
    public var workOrder: String
    public var part: String
    /// The step the part is at (the last step once done).
    public var step: String
    public var status: PartStatus
    /// Pieces on this traveler now (batch: the good count passed on; serial: 1).
    public var quantity: Int
    public var scrapped: Int
    public var run: StepRun?
    public var holds: [OpenHold]
    public var completions: [Completion]
    public var ncrs: [NonConformance]
    public var overrides: [OverrideState]
    public var labour: [LabourSegment]
    /// Event ids that did not fit, with why; surfaced to supervisors.
    public var conflicts: [Conflict]
    /// Every scrap on this traveler with its reason (Pareto); optional so states stored by older
    /// builds still decode (the board migration re-folds them).
    public var scrapLog: [ScrapEntry]?
    /// The last event folded (undo needs "nothing happened since").
    public var lastEvent: EventID?
    /// The run of the last completion, so that an undo puts the part back where it was (only the
    /// last completion can be undone; older runs are in the log).
    public var undoRun: StepRun?
    /// When the part entered its current state (ms).
    public var since: Int64
    /// Steps this part has started at least once: step → the order key of its first start
    /// (piece numbers for sampling are counted from these).
    public var firstStarts: [String: OrderKey]

    public init(serial: String, workOrder: String, part: String, firstStep: String, quantity: Int, since: Int64) {
        self.serial = serial; self.workOrder = workOrder; self.part = part; self.step = firstStep
        status = .queued; self.quantity = quantity; scrapped = 0; run = nil; holds = []; completions = []
        ncrs = []; overrides = []; labour = []; conflicts = []; lastEvent = nil; undoRun = nil; self.since = since; firstStarts = [:]
    }

    /// A traveler as its work order's release makes it, before any of its own events: at the
    /// routing's first step, one piece (serial) or the order's whole quantity (batch).
    public static func released(serial: String, order: WorkOrderState, routing: Routing?) -> PartState {
        PartState(
            serial: serial, workOrder: order.spec.number, part: order.spec.part, firstStep: routing?.steps.first?.id ?? "",
            quantity: order.spec.tracking == .batch ? order.spec.quantity : 1, since: order.releasedAt)
    }

    public var isOnHold: Bool { !holds.isEmpty }
    /// What a screen or report shows: hold wins over queued/running/paused, terminal wins over all.
    public var displayStatus: PartStatus { status.isTerminal ? status : (isOnHold ? .hold : status) }
    public var lastCompletion: Completion? { completions.last { !$0.undone } }

    /// The status shown everywhere, with the work order's cancellation folded in by precedence:
    /// scrapped > cancelled > done > hold > the rest. A function of both aggregates' states, so it
    /// does not depend on which of their events arrived first.
    public func effectiveStatus(workOrderCancelled: Bool) -> PartStatus {
        if status == .scrapped { return .scrapped }
        if workOrderCancelled { return .cancelled }
        return displayStatus
    }

    public mutating func apply(_ r: RecordedEvent) {
        // A signature changes nothing about the part (nor what an undo counts as happening since).
        if case .signatureApplied = r.event { return }
        let t = r.millis
        switch r.event {
        case .stepStarted(let e):
            guard !status.isTerminal else { return conflict(r, "started \(e.step) at \(e.station) but the part is \(status.rawValue)") }
            if status == .running || status == .paused, let run {
                return conflict(r, "started \(e.step) at \(e.station) while already \(status.rawValue) at \(run.station); the earlier start stands")
            }
            guard e.step == step || !e.overrides.isEmpty else {
                return conflict(r, "started \(e.step) at \(e.station) but the part is at \(step)")
            }
            step = e.step
            status = .running
            run = StepRun(
                step: e.step, station: e.station, equipment: e.equipment, fpiKey: e.fpiKey, startedBy: r.actor,
                startedAt: t, operator_: r.actor, pausedAt: nil, measurements: [:], lots: [:], startEvent: r.id)
            if firstStarts[e.step] == nil { firstStarts[e.step] = r.order }
            for id in e.overrides {
                if let i = overrides.firstIndex(where: { $0.id == id }) { overrides[i].status = .used }
            }
            labour.append(LabourSegment(person: r.actor, serial: serial, step: e.step, from: t))
            since = t
        case .stepPaused(let e):
            guard status == .running, run?.step == e.step else { return conflict(r, "paused \(e.step) but the part is not running it") }
            status = .paused
            run?.pausedAt = t
            closeLabour(at: t)
            since = t
        case .stepResumed(let e):
            guard status == .paused, run?.step == e.step else { return conflict(r, "resumed \(e.step) but the part is not paused at it") }
            status = .running
            run?.pausedAt = nil
            run?.operator_ = r.actor
            labour.append(LabourSegment(person: r.actor, serial: serial, step: e.step, from: t))
            since = t
        case .stepCompleted(let e):
            guard status == .running || status == .paused, let current = run, current.step == e.step else {
                return conflict(r, "completed \(e.step) but the part is not running it")
            }
            closeLabour(at: t)
            completions.append(
                Completion(
                    step: e.step, event: r.id, by: r.actor, at: t, station: e.station, good: e.good,
                    scrap: e.scrap, next: e.next, signoffBy: e.signoffBy, undone: false, fpiKey: current.fpiKey))
            undoRun = current
            if e.scrap > 0 { logScrap(r, step: e.step, station: e.station, count: e.scrap, reason: e.scrapReason ?? "") }
            scrapped += e.scrap
            quantity = max(0, e.good)
            run = nil
            if quantity == 0 && e.scrap > 0 {
                status = .scrapped
            } else if let next = e.next {
                step = next
                status = .queued
            } else {
                status = .done
            }
            since = t
        case .stepUndone(let e):
            guard let i = completions.lastIndex(where: { !$0.undone }), completions[i].event == e.completion, let before = undoRun,
                !status.isTerminal || status == .done, status != .running, status != .paused
            else {
                return conflict(r, "undo of \(e.step) does not match the part's last completion or the part moved on")
            }
            completions[i].undone = true
            let c = completions[i]
            scrapLog?.removeAll { $0.event == c.event }
            scrapped -= c.scrap
            quantity += c.scrap
            step = c.step
            var restored = before
            restored.pausedAt = t
            run = restored
            undoRun = nil
            status = .paused
            since = t
        case .measurementRecorded(let e):
            guard !status.isTerminal else { return conflict(r, "measurement \(e.characteristic) recorded on a \(status.rawValue) part") }
            guard run?.step == e.step else { return conflict(r, "measurement \(e.characteristic) for \(e.step) but the part is not running it") }
            run?.measurements[e.characteristic] = RecordedMeasurement(
                characteristic: e.characteristic, value: e.value,
                inTolerance: e.inTolerance, by: r.actor, at: t, gauge: e.gauge)
        case .materialConsumed(let e):
            guard !status.isTerminal else { return conflict(r, "lot \(e.lot) consumed by a \(status.rawValue) part") }
            guard run?.step == e.step else { return conflict(r, "lot \(e.lot) for \(e.step) but the part is not running it") }
            run?.lots[e.material] = LotUse(material: e.material, lot: e.lot, qty: e.qty, by: r.actor, at: t)
        case .partHeld(let e):
            guard !holds.contains(where: { $0.id == e.hold }) else { return }
            holds.append(OpenHold(id: e.hold, reason: e.reason, note: e.note, by: r.actor, at: t, step: e.step, ncr: e.ncr))
            if let ncr = e.ncr {
                ncrs.append(NonConformance(ncr: ncr, hold: e.hold, step: e.step, reason: e.reason, openedAt: t, station: run?.station))
            }
            if status == .running { closeLabour(at: t) }
            since = t
        case .partHoldReleased(let e):
            let before = holds.count
            holds.removeAll { e.holds.contains($0.id) }
            if holds.count != before { since = t; reopenLabour(at: t) }
        case .dispositionDecided(let e):
            let open = ncrs.indices.filter { e.holds.contains(ncrs[$0].hold) && ncrs[$0].disposition == nil }
            guard !open.isEmpty || holds.contains(where: { e.holds.contains($0.id) }) else {
                return conflict(r, "disposition \(e.kind.rawValue) for holds that are closed already")
            }
            for i in open {
                ncrs[i].disposition = e.kind; ncrs[i].dispositionBy = r.actor
                ncrs[i].reference = e.reference; ncrs[i].reworkStep = e.reworkStep
            }
            holds.removeAll { e.holds.contains($0.id) }
            switch e.kind {
            case .useAsIs, .repair:
                reopenLabour(at: t)  // the part carries on where it was
            case .rework:
                if let to = e.reworkStep, !status.isTerminal {
                    if status == .running { closeLabour(at: t) }
                    run = nil; step = to; status = .queued
                }
            case .scrap, .returnToSupplier:
                if status == .running { closeLabour(at: t) }
                let why = e.kind == .scrap ? (e.scrapReason ?? "") : "RETURN"
                logScrap(r, step: step, station: run?.station ?? "", count: quantity, reason: why)
                scrapped += quantity; status = .scrapped; run = nil
            }
            since = t
        case .scrapRecorded(let e):
            guard status != .scrapped else { return conflict(r, "scrap recorded on a part already scrapped") }
            let n = min(max(e.count, 0), quantity)
            if n > 0 { logScrap(r, step: e.step, station: e.station, count: n, reason: e.reason) }
            scrapped += n
            quantity -= n
            if quantity == 0 {
                if status == .running { closeLabour(at: t) }
                status = .scrapped
                run = nil
            }
            since = t
        case .overrideRequested(let e):
            guard !overrides.contains(where: { $0.id == e.id }) else { return }
            overrides.append(
                OverrideState(
                    id: e.id, step: e.step, blocker: e.blocker, reason: e.reason, requestedBy: r.actor,
                    status: .requested, approvedBy: nil, expiresAt: nil))
        case .overrideApproved(let e):
            guard let i = overrides.firstIndex(where: { $0.id == e.id }), overrides[i].status == .requested else {
                return conflict(r, "approval of override \(e.id) that is not pending")
            }
            overrides[i].status = .approved; overrides[i].approvedBy = r.actor; overrides[i].expiresAt = e.expiresAt
        case .overrideUsed(let e):
            if let i = overrides.firstIndex(where: { $0.id == e.id }) { overrides[i].status = .used }
        default:
            break
        }
        lastEvent = r.id
    }

    /// Work goes on after a hold is lifted from a running part: its operator's time counts again.
    private mutating func reopenLabour(at t: Int64) {
        guard status == .running, holds.isEmpty, let run, !labour.contains(where: { $0.to == nil }) else { return }
        labour.append(LabourSegment(person: run.operator_, serial: serial, step: run.step, from: t))
    }

    private mutating func logScrap(_ r: RecordedEvent, step: String, station: String, count: Int, reason: String) {
        var log = scrapLog ?? []
        log.append(ScrapEntry(event: r.id, step: step, station: station, count: count, reason: reason, at: r.millis))
        scrapLog = log
    }

    private mutating func closeLabour(at t: Int64) {
        if let i = labour.lastIndex(where: { $0.to == nil }) { labour[i].to = max(t, labour[i].from) }
    }

    private mutating func conflict(_ r: RecordedEvent, _ text: String) {
        conflicts.append(Conflict(event: r.id, aggregate: AggregateID.part(serial).rawValue, at: r.millis, text: text))
        lastEvent = r.id
    }
}

/// Something two nodes did at odds, found while folding; both facts stay in the log.
public struct Conflict: Codable, Equatable, Sendable {
    public var event: EventID
    public var aggregate: String
    public var at: Int64
    /// What happened and how it was decided.
    public var text: String
}
