import Foundation

/// Something a person asks for at a station. Each is decided by `Decider.decide` into the events
/// that record it, or a `Refusal` with every reason.
public enum Command: Equatable, Sendable {
    case start(serial: String)
    case pause(serial: String, reason: String)
    case resume(serial: String)
    /// `good`/`scrap` for batch travelers (nil: all good).
    case complete(serial: String, good: Int?, scrap: Int, scrapReason: String?)
    case record(serial: String, characteristic: String, value: String, gauge: String?)
    case consume(serial: String, material: String, lot: String, expiry: LocalDate?)
    case hold(serial: String, reason: String, note: String)
    /// Releases the named holds (nil: every hold open now, named explicitly in the event).
    case releaseHold(serial: String, holds: [String]?, note: String)
    /// `count` nil: the whole traveler.
    case scrap(serial: String, count: Int?, reason: String)
    case fpiPass(serial: String)
    case fpiFail(serial: String, note: String)
    case fpiWaive(serial: String, reason: String)
    case disposition(serial: String, kind: DispositionKind, reworkStep: String?, reference: String?, scrapReason: String?, note: String)
    case undo(serial: String, reason: String)
    case downtimeStart(reason: String)
    case downtimeEnd
    case requestOverride(serial: String, blocker: BlockerKind, reason: String)
    case approveOverride(serial: String, id: String, validMinutes: Int)
    case holdWorkOrder(number: String, reason: String, note: String)
    case releaseWorkOrder(number: String)
    case cancelWorkOrder(number: String, reason: String)
    case setPriority(number: String, priority: Priority)
    case note(aggregate: String, text: String)
    /// Turns on the station's andon light.
    case callAndon(kind: AndonKind, note: String)
    /// A supervisor (or inspector) says someone is on the way.
    case acknowledgeAndon(station: String)
    /// The problem is dealt with: the operator at that station, or a supervisor.
    case clearAndon(station: String)

    /// Commands that only make sense at a station (they run work, read gauges, stop a machine or
    /// call for help there). The supervisor console is not a station and is refused them.
    public var needsStation: Bool {
        switch self {
        case .start, .pause, .resume, .complete, .record, .consume, .downtimeStart, .downtimeEnd, .requestOverride, .callAndon:
            return true
        default:
            return false
        }
    }
}

extension Station {
    /// Where the supervisor console acts from: no work center, no equipment.
    public static let console = Station(id: "CONSOLE", name: "Supervisor console", workCenter: "")
    public var isConsole: Bool { id == Station.console.id && workCenter.isEmpty }
}

/// Who does it, where.
public struct Actor: Sendable {
    public var person: Person
    public var station: Station
    public init(person: Person, station: Station) { self.person = person; self.station = station }
}

public enum Decider {
    /// The steps a part may be reworked to: those of the routing version its work order was
    /// released with (not the plant's current routing, which may have changed since).
    public static func reworkTargets(of part: PartState, state: StateReader) throws -> [Step] {
        guard let wo = try state.workOrder(part.workOrder),
              let routing = try state.routing(id: wo.routing, version: wo.routingVersion) else { return [] }
        return routing.steps
    }

    public static let undoWindowMillis: Int64 = 15 * 60 * 1000
    public static let minWaiveReason = 10

    public static func decide(_ command: Command, by actor: Actor, plant: PlantIndex, state: StateReader,
                              env: DecisionEnv) throws -> Result<[DomainEvent], Refusal> {
        do {
            return .success(try events(command, actor, plant, state, env))
        } catch let r as Refusal {
            return .failure(r)
        }
    }

    // MARK: - Implementation (throws Refusal)

    static func events(_ command: Command, _ a: Actor, _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv) throws -> [DomainEvent] {
        let person = a.person, station = a.station
        if station.isConsole, command.needsStation {
            throw Refusal(.needsStation, "this is done at a station's kiosk, not at the supervisor console")
        }
        switch command {
        case .start(let serial):
            let part = try requirePart(serial, state)
            if part.status == .paused, part.run.map({ plant.stations[$0.station]?.workCenter == station.workCenter }) == true {
                return try events(.resume(serial: serial), a, plant, state, env)
            }
            let d = try StartGate.evaluate(serial: serial, station: station, person: person, plant: plant, state: state, env: env)
            guard d.allowed, let step = d.step else { throw Refusal(d.blockers) }
            var out: [DomainEvent] = [.stepStarted(StepStarted(serial: serial, step: step.id, station: station.id, equipment: d.equipment,
                                                               fpiKey: d.fpiKey, overrides: d.overridesUsed))]
            if d.designatesFirstPiece, let key = d.fpiKey { out.append(.fpiDesignated(FPIDesignated(key: key, serial: serial))) }
            out += d.overridesUsed.map { .overrideUsed(OverrideUsed(id: $0, serial: serial)) }
            return out

        case .pause(let serial, let reason):
            let part = try requirePart(serial, state)
            guard part.status == .running, let run = part.run else { throw Refusal(.notRunning, "\(serial) is not running (\(part.displayStatus.rawValue))") }
            return [.stepPaused(StepPaused(serial: serial, step: run.step, reason: reason))]

        case .resume(let serial):
            let part = try requirePart(serial, state)
            guard part.status == .paused, let run = part.run else { throw Refusal(.notPaused, "\(serial) is not paused (\(part.displayStatus.rawValue))") }
            var reasons = try resumeBlockers(part, run, a, plant, state, env)
            if run.station != station.id {
                // Its machine, first-piece key and setup belong to that station.
                reasons.insert(RefusalReason(.pausedElsewhere, "\(serial) is paused at \(run.station): resume it there"), at: 0)
            }
            guard reasons.isEmpty else { throw Refusal(reasons) }
            return [.stepResumed(StepResumed(serial: serial, step: run.step, station: station.id))]

        case .complete(let serial, let good, let scrap, let scrapReason):
            return try complete(serial, good, scrap, scrapReason, a, plant, state, env)

        case .record(let serial, let charID, let text, let gauge):
            let (part, _, step) = try running(serial, plant, state)
            guard let c = step.measurements.first(where: { $0.id.caseInsensitiveCompare(charID) == .orderedSame }) else {
                throw Refusal(.unknownCharacteristic, "\(step.id) has no characteristic \(charID) (it has \(step.measurements.map(\.id).joined(separator: ", ")))")
            }
            guard let value = Tolerance.parseValue(text, kind: c.kind) else {
                throw Refusal(.badValue, c.kind == .passFail ? "\(c.id) takes PASS or FAIL, not \"\(text)\"" : "\(c.id) takes a number, not \"\(text)\"")
            }
            if let g = gauge {
                guard let e = plant.equipment[g] else { throw Refusal(.unknownGauge, "no gauge \(g)") }
                if let why = plant.calibrationReason(e, on: plant.calendar.localDate(env.now)) {
                    throw Refusal(.calibrationExpired, why.message + "; its reading is refused")
                }
            }
            let verdict = Tolerance.verdict(c, value)
            var out: [DomainEvent] = [.measurementRecorded(MeasurementRecorded(serial: serial, step: step.id, characteristic: c.id, value: value,
                                                                               inTolerance: verdict.isGood, gauge: gauge, station: station.id))]
            if !verdict.isGood, case .hold = step.onFail, !part.holds.contains(where: { $0.reason == "OOT" && $0.step == step.id }) {
                out.append(.partHeld(PartHeld(serial: serial, hold: env.newID(), reason: "OOT",
                                              note: "\(c.id) = \(value) (\(Tolerance.limitsText(c))): \(verdict.word)", step: step.id,
                                              ncr: "NCR-" + env.newID())))
            }
            return out

        case .consume(let serial, let material, let lot, let expiry):
            let (part, _, step) = try running(serial, plant, state)
            guard let req = step.materials.first(where: { $0.material == material }) else {
                throw Refusal(.wrongMaterial, "\(step.id) does not use \(material)\(step.materials.isEmpty ? "" : " (it uses \(step.materials.map(\.material).joined(separator: ", ")))")")
            }
            if let expiry, expiry < plant.calendar.localDate(env.now) {
                throw Refusal(.lotExpired, "lot \(lot) of \(material) expired on \(expiry)")
            }
            if let l = try state.lot(material: material, lot: lot), !l.holds.isEmpty {
                throw Refusal(.lotOnHold, "lot \(lot) of \(material) is on hold (\(l.holds.map(\.reason).joined(separator: ", ")))")
            }
            return [.materialConsumed(MaterialConsumed(serial: serial, step: step.id, material: material, lot: lot,
                                                       qty: req.qty * Double(part.quantity), expiry: expiry))]

        case .hold(let serial, let reason, let note):
            let part = try requirePart(serial, state)
            guard plant.holdReasons[reason] != nil else { throw Refusal(.unknownReason, "no hold reason \(reason) (\(plant.plant.reasons.hold.map(\.code).joined(separator: ", ")))") }
            guard !part.status.isTerminal else { throw Refusal(.partTerminal, "\(serial) is \(part.status.rawValue)") }
            return [.partHeld(PartHeld(serial: serial, hold: env.newID(), reason: reason, note: note, step: part.step,
                                       ncr: reason == "OOT" || reason == "FPI" ? "NCR-" + env.newID() : nil))]

        case .releaseHold(let serial, let holds, let note):
            let part = try requirePart(serial, state)
            try requireRole(.inspector, person, "release a hold")
            let named = holds ?? part.holds.filter { $0.ncr == nil }.map(\.id)
            let open = part.holds.filter { named.contains($0.id) }
            if let ncr = open.first(where: { $0.ncr != nil }) {
                throw Refusal(.needsDisposition, "hold \(ncr.reason) carries \(ncr.ncr!): it is closed by a disposition")
            }
            if open.isEmpty, holds == nil, let ncr = part.holds.first(where: { $0.ncr != nil }) {
                throw Refusal(.needsDisposition, "hold \(ncr.reason) carries \(ncr.ncr!): it is closed by a disposition")
            }
            guard !open.isEmpty else { throw Refusal(.noHold, "\(serial) has no such open hold") }
            return [.partHoldReleased(HoldReleased(subject: serial, holds: open.map(\.id), note: note))]

        case .scrap(let serial, let count, let reason):
            let part = try requirePart(serial, state)
            guard plant.scrapReasons[reason] != nil else {
                throw Refusal(.unknownReason, "a scrap needs a reason code (\(plant.plant.reasons.scrap.map(\.code).joined(separator: ", ")))")
            }
            guard !part.status.isTerminal else { throw Refusal(.partTerminal, "\(serial) is \(part.status.rawValue)") }
            let n = count ?? part.quantity
            guard n > 0, n <= part.quantity else { throw Refusal(.badCount, "scrap count must be 1 to \(part.quantity)") }
            return [.scrapRecorded(ScrapRecorded(serial: serial, step: part.step, count: n, reason: reason, station: station.id))]
                + (n == part.quantity ? try firstPieceScrapped(part, state) : [])

        case .fpiPass(let serial):
            let (key, _) = try pendingFirstPiece(serial, person, state)
            return [.fpiPassed(FPIVerdictEvent(key: key, serial: serial))]
        case .fpiWaive(let serial, let reason):
            let (key, _) = try pendingFirstPiece(serial, person, state)
            guard reason.trimmingCharacters(in: .whitespacesAndNewlines).count >= minWaiveReason else {
                throw Refusal(.reasonTooShort, "a waive needs a written reason of \(minWaiveReason) characters or more")
            }
            return [.fpiWaived(FPIVerdictEvent(key: key, serial: serial, reason: reason))]
        case .fpiFail(let serial, let note):
            let (key, _) = try pendingFirstPiece(serial, person, state)
            return [.fpiFailed(FPIVerdictEvent(key: key, serial: serial, reason: note)),
                    .partHeld(PartHeld(serial: serial, hold: env.newID(), reason: "FPI", note: note.isEmpty ? "first piece failed" : note,
                                       step: key.step, ncr: "NCR-" + env.newID()))]

        case .disposition(let serial, let kind, let reworkStep, let reference, let scrapReason, let note):
            let part = try requirePart(serial, state)
            try requireRole(.inspector, person, "decide a disposition")
            let open = part.holds.filter { $0.ncr != nil }
            let holds = open.isEmpty ? part.holds : open
            guard !holds.isEmpty else { throw Refusal(.noHold, "\(serial) has no open hold or nonconformance to disposition") }
            var reasons: [RefusalReason] = []
            if kind.needsReference, (reference ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                reasons.append(RefusalReason(.needsReference, "\(kind.rawValue) needs a customer or engineering reference"))
            }
            if kind == .rework {
                let targets = try Decider.reworkTargets(of: part, state: state)
                if reworkStep == nil || !targets.contains(where: { $0.id == reworkStep }) {
                    let ids = targets.isEmpty ? "?" : targets.map(\.id).joined(separator: ", ")
                    reasons.append(RefusalReason(.badReworkStep, "rework needs a step of the routing (\(ids))"))
                }
            }
            if kind == .scrap, plant.scrapReasons[scrapReason ?? ""] == nil {
                reasons.append(RefusalReason(.unknownReason, "a scrap disposition needs a scrap reason code"))
            }
            guard reasons.isEmpty else { throw Refusal(reasons) }
            return [.dispositionDecided(DispositionDecided(serial: serial, holds: holds.map(\.id), kind: kind, reworkStep: reworkStep,
                                                           reference: reference, scrapReason: scrapReason, note: note))]
                + (kind == .scrap || kind == .returnToSupplier ? try firstPieceScrapped(part, state) : [])

        case .undo(let serial, let reason):
            let part = try requirePart(serial, state)
            guard let last = part.lastCompletion else { throw Refusal(.nothingToUndo, "\(serial) has no completed step to undo") }
            guard part.status == .queued || part.status == .done, part.run == nil else {
                throw Refusal(.movedOn, "\(serial) is \(part.displayStatus.rawValue) at \(part.step): undo \(last.step) is no longer possible")
            }
            let own = last.by == person.badge && env.millis - last.at <= undoWindowMillis && part.lastEvent == last.event
            var approvedBy: String?
            if !own {
                guard person.role >= .supervisor else {
                    throw Refusal(.needsApproval, "undo of \(last.step) needs a supervisor: only the person who completed it may undo, within 15 minutes, if nothing happened since")
                }
                approvedBy = person.badge
            }
            return [.stepUndone(StepUndone(serial: serial, step: last.step, completion: last.event, approvedBy: approvedBy, reason: reason))]

        case .downtimeStart(let reason):
            guard plant.downtimeReasons[reason] != nil else {
                throw Refusal(.unknownReason, "no downtime reason \(reason) (\(plant.plant.reasons.downtime.map(\.code).joined(separator: ", ")))")
            }
            let target = plant.downtimeTarget(of: station)
            if let down = try state.machine(target)?.down { throw Refusal(.alreadyDown, "\(target) is already down (\(down.reason))") }
            return [.downtimeStarted(DowntimeStarted(machine: target, reason: reason, station: station.id))]
        case .downtimeEnd:
            let target = plant.downtimeTarget(of: station)
            guard try state.machine(target)?.down != nil else { throw Refusal(.notDown, "\(target) is not down") }
            return [.downtimeEnded(DowntimeEnded(machine: target, station: station.id))]

        case .requestOverride(let serial, let blocker, let reason):
            let part = try requirePart(serial, state)
            guard blocker.overridable else { throw Refusal(.notOverridable, "\(blocker.rawValue) cannot be overridden") }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw Refusal(.needsReason, "an override request needs a reason") }
            let d = try StartGate.evaluate(serial: serial, station: station, person: person, plant: plant, state: state, env: env)
            let step = d.step?.id ?? part.step
            return [.overrideRequested(OverrideRequested(id: env.newID(), serial: serial, step: step, blocker: blocker, reason: reason))]
        case .approveOverride(let serial, let id, let minutes):
            let part = try requirePart(serial, state)
            try requireRole(.supervisor, person, "approve an override")
            guard let o = part.overrides.first(where: { $0.id == id }), o.status == .requested else {
                throw Refusal(.noOverride, "no pending override \(id) on \(serial)")
            }
            guard o.requestedBy != person.badge else { throw Refusal(.ownRequest, "an override is approved by someone other than who asked") }
            return [.overrideApproved(OverrideApproved(id: id, serial: serial, expiresAt: env.millis + Int64(max(1, minutes)) * 60_000))]

        case .holdWorkOrder(let number, let reason, let note):
            try requireRole(.supervisor, person, "hold a work order")
            guard try state.workOrder(number) != nil else { throw Refusal(.unknownWorkOrder, "no work order \(number)") }
            guard plant.holdReasons[reason] != nil else { throw Refusal(.unknownReason, "no hold reason \(reason)") }
            return [.workOrderHeld(WorkOrderHeld(workOrder: number, hold: env.newID(), reason: reason, note: note))]
        case .releaseWorkOrder(let number):
            try requireRole(.supervisor, person, "release a work order hold")
            guard let wo = try state.workOrder(number) else { throw Refusal(.unknownWorkOrder, "no work order \(number)") }
            guard wo.isOnHold else { throw Refusal(.noHold, "work order \(number) is not on hold") }
            return [.workOrderHoldReleased(HoldReleased(subject: number, holds: wo.holds.map(\.id)))]
        case .cancelWorkOrder(let number, let reason):
            try requireRole(.supervisor, person, "cancel a work order")
            guard let wo = try state.workOrder(number) else { throw Refusal(.unknownWorkOrder, "no work order \(number)") }
            guard !wo.cancelled else { throw Refusal(.alreadyCancelled, "work order \(number) is already cancelled") }
            return [.workOrderCancelled(WorkOrderCancelled(workOrder: number, reason: reason))]
        case .setPriority(let number, let priority):
            try requireRole(.supervisor, person, "change a priority")
            guard try state.workOrder(number) != nil else { throw Refusal(.unknownWorkOrder, "no work order \(number)") }
            return [.workOrderPriority(WorkOrderPriority(workOrder: number, priority: priority))]
        case .callAndon(let kind, let note):
            if let open = try state.andon(station.id)?.open {
                throw Refusal(.andonOpen, "an andon call (\(open.kind)) is already open at \(station.id)")
            }
            return [.andonCalled(AndonCalled(id: env.newID(), station: station.id, kind: kind.rawValue, note: note))]
        case .acknowledgeAndon(let at):
            try requireRole(.inspector, person, "acknowledge an andon call")
            guard let open = try state.andon(at)?.open else { throw Refusal(.noAndon, "no andon call is open at \(at)") }
            guard open.acknowledgedBy == nil else {
                throw Refusal(.alreadyAcknowledged, "the call at \(at) was acknowledged by \(open.acknowledgedBy!)")
            }
            return [.andonAcknowledged(AndonAnswered(id: open.id, station: at))]
        case .clearAndon(let at):
            guard let open = try state.andon(at)?.open else { throw Refusal(.noAndon, "no andon call is open at \(at)") }
            if at != station.id { try requireRole(.supervisor, person, "clear another station's andon call") }
            return [.andonCleared(AndonAnswered(id: open.id, station: at))]
        case .note(let aggregate, let text):
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw Refusal(.emptyNote, "a note needs text") }
            return [.noteAdded(NoteAdded(aggregate: aggregate, text: text))]
        }
    }

    // MARK: - Completion

    /// The completion gate: measurements due by sampling, lots, sign-off, counts.
    static func complete(_ serial: String, _ good: Int?, _ scrap: Int, _ scrapReason: String?, _ a: Actor,
                         _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv) throws -> [DomainEvent] {
        let (part, run, step) = try running(serial, plant, state, allowPaused: true)
        var reasons: [RefusalReason] = []
        if part.isOnHold {
            reasons.append(RefusalReason(.partOnHold, "\(serial) is on hold (\(part.holds.map(\.reason).joined(separator: ", ")))"))
        }
        if plant.stations[run.station]?.workCenter != a.station.workCenter {
            reasons.append(RefusalReason(.wrongWorkCenter, "\(serial) runs at \(run.station), not at a \(a.station.workCenter) station"))
        }
        let piece = try state.pieceNumber(workOrder: part.workOrder, step: step.id, serial: serial) ?? 1
        let missing = Sampling.due(step, piece: piece).filter { run.measurements[$0.id] == nil }
        if !missing.isEmpty {
            reasons.append(RefusalReason(.measurementsMissing, "measurements due on piece \(piece): \(missing.map(\.id).joined(separator: ", "))"))
        }
        let lotsMissing = step.materials.filter { run.lots[$0.material] == nil }
        if !lotsMissing.isEmpty {
            reasons.append(RefusalReason(.lotsMissing, "scan a lot of \(lotsMissing.map(\.material).joined(separator: ", "))"))
        }
        for use in run.lots.values.sorted(by: { $0.material < $1.material }) {
            if let l = try state.lot(material: use.material, lot: use.lot), !l.holds.isEmpty {
                reasons.append(RefusalReason(.lotOnHold, "lot \(use.lot) of \(use.material) is on hold (\(l.holds.map(\.reason).joined(separator: ", ")))"))
            }
        }
        var signoff: String?
        if step.signoff {
            let workers = Set(part.labour.filter { $0.step == step.id }.map(\.person))
            if a.person.role < .inspector {
                reasons.append(RefusalReason(.needsSignoff, "\(step.id) completes only with an inspector's badge"))
            } else if workers.contains(a.person.badge) {
                reasons.append(RefusalReason(.signoffByWorker, "\(step.id) needs the sign-off of an inspector who did not work on \(serial)"))
            } else {
                signoff = a.person.badge
            }
        }
        let qty = part.quantity
        let goodCount = good ?? (qty - scrap)
        if scrap < 0 || goodCount < 0 || goodCount + scrap != qty {
            reasons.append(RefusalReason(.badCount, "every piece is accounted for: good \(goodCount) + scrap \(scrap) must equal \(qty)"))
        }
        if scrap > 0, plant.scrapReasons[scrapReason ?? ""] == nil {
            reasons.append(RefusalReason(.unknownReason, "scrap needs a reason code (\(plant.plant.reasons.scrap.map(\.code).joined(separator: ", ")))"))
        }
        guard reasons.isEmpty else { throw Refusal(reasons) }

        let wo = try state.workOrder(part.workOrder)
        let routing = try wo.flatMap { try state.routing(id: $0.routing, version: $0.routingVersion) }
        // A nonconformance accepted as is (or repaired) no longer makes the outcome a failure.
        let accepted = part.ncrs.contains { $0.step == step.id && ($0.disposition == .useAsIs || $0.disposition == .repair) }
        let failed = run.measurements.values.contains { !$0.inTolerance } && !accepted
        let next = routing.flatMap { Routing.next(after: step, in: $0, failed: failed) }
        return [.stepCompleted(StepCompleted(serial: serial, step: step.id, station: a.station.id, good: goodCount, scrap: scrap,
                                             scrapReason: scrap > 0 ? scrapReason : nil, signoffBy: signoff, next: next))]
    }

    // MARK: - Helpers

    static func requirePart(_ serial: String, _ state: StateReader) throws -> PartState {
        guard let p = try state.part(serial) else { throw Refusal(.unknownPart, "no part \(serial)") }
        return p
    }

    static func requireRole(_ role: Role, _ person: Person, _ what: String) throws {
        guard person.role >= role else {
            throw Refusal(.insufficientRole, "\(person.name) (\(person.role.label)) may not \(what): it needs a(n) \(role.label)")
        }
    }

    /// The part, its run, and the step it runs. Refused when nothing is running.
    static func running(_ serial: String, _ plant: PlantIndex, _ state: StateReader, allowPaused: Bool = true) throws -> (PartState, StepRun, Step) {
        let part = try requirePart(serial, state)
        if part.status.isTerminal { throw Refusal(.partTerminal, "\(serial) is \(part.status.rawValue)") }
        guard let run = part.run, part.status == .running || (allowPaused && part.status == .paused) else {
            throw Refusal(.notRunning, "\(serial) is not started (it is \(part.displayStatus.rawValue) at \(part.step))")
        }
        guard let wo = try state.workOrder(part.workOrder), let routing = try state.routing(id: wo.routing, version: wo.routingVersion),
              let step = routing.step(run.step) else {
            throw Refusal(.unknownRouting, "the routing of \(serial) is not known here")
        }
        return (part, run, step)
    }

    static func resumeBlockers(_ part: PartState, _ run: StepRun, _ a: Actor, _ plant: PlantIndex, _ state: StateReader,
                               _ env: DecisionEnv) throws -> [RefusalReason] {
        var r: [RefusalReason] = []
        if part.isOnHold { r.append(RefusalReason(.partOnHold, "\(part.serial) is on hold (\(part.holds.map(\.reason).joined(separator: ", ")))")) }
        if let wo = try state.workOrder(part.workOrder) {
            if wo.cancelled { r.append(RefusalReason(.workOrderCancelled, "work order \(wo.spec.number) is cancelled")) }
            if wo.isOnHold { r.append(RefusalReason(.workOrderOnHold, "work order \(wo.spec.number) is on hold")) }
            if let routing = try state.routing(id: wo.routing, version: wo.routingVersion), let step = routing.step(run.step) {
                if let skill = step.skill, !a.person.skills.contains(skill) {
                    r.append(RefusalReason(.missingSkill, "\(a.person.name) does not have the skill \(skill)"))
                }
                if a.person.role < step.role { r.append(RefusalReason(.insufficientRole, "\(step.id) needs a(n) \(step.role.label)")) }
            }
        }
        let target = plant.downtimeTarget(of: a.station)
        if let down = try state.machine(target)?.down { r.append(RefusalReason(.machineDown, "\(target) is down (\(down.reason))")) }
        for id in a.station.equipment {
            if let e = plant.equipment[id], e.kind == .machine, let why = plant.calibrationReason(e, on: plant.calendar.localDate(env.now)) {
                r.append(why)
            }
        }
        return r
    }

    /// The first-piece keys on which the part is the pending first piece.
    static func pendingKeys(_ part: PartState, _ state: StateReader) throws -> [FPIKey] {
        var keys: [FPIKey] = []
        for k in ([part.run?.fpiKey] + part.completions.reversed().map { $0.fpiKey }).compactMap({ $0 }) where !keys.contains(k) {
            if let f = try state.fpi(k), f.firstPiece == part.serial, f.verdict == .pending { keys.append(k) }
        }
        return keys
    }

    /// A first piece scrapped before its inspection has failed: recorded with the scrap, so the
    /// next part started under its key becomes the new first piece instead of everyone waiting.
    static func firstPieceScrapped(_ part: PartState, _ state: StateReader) throws -> [DomainEvent] {
        try pendingKeys(part, state).map { .fpiFailed(FPIVerdictEvent(key: $0, serial: part.serial, reason: "scrapped before inspection")) }
    }

    /// The first-piece key on which `serial` is the pending first piece, checked for who may decide.
    static func pendingFirstPiece(_ serial: String, _ person: Person, _ state: StateReader) throws -> (FPIKey, PartState) {
        let part = try requirePart(serial, state)
        guard let key = try pendingKeys(part, state).first else { throw Refusal(.notFirstPiece, "\(serial) is not a first piece waiting for inspection") }
        var reasons: [RefusalReason] = []
        if person.role < .inspector {
            reasons.append(RefusalReason(.insufficientRole, "first-piece decisions need an inspector or higher; \(person.name) is a(n) \(person.role.label)"))
        }
        if part.labour.contains(where: { $0.person == person.badge }) {
            reasons.append(RefusalReason(.workedOnPiece, "\(person.name) worked on \(serial) and may not decide its first-piece inspection"))
        }
        guard reasons.isEmpty else { throw Refusal(reasons) }
        return (key, part)
    }
}

extension Routing {
    /// Where a part goes after `step`: `next` edges when the step has them (a `fail` edge for a
    /// failed outcome, else `pass`/`always`), `on_fail: rework` for a failed outcome, otherwise
    /// the following step in file order. nil: the routing is finished.
    public static func next(after step: Step, in routing: Routing, failed: Bool) -> String? {
        if failed, case .rework(let to) = step.onFail, step.next.first(where: { $0.when == .fail }) == nil { return to }
        if !step.next.isEmpty {
            let edge = step.next.first { failed ? $0.when == .fail : $0.when == .pass }
                ?? step.next.first { $0.when == .always }
            if let edge { return edge.to }
        }
        guard let i = routing.index(of: step.id), i + 1 < routing.steps.count else { return nil }
        return routing.steps[i + 1].id
    }
}
