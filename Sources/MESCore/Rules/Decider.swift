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
    /// Records `badge`'s new signing secret, as its hash (the secret itself never reaches a
    /// command: LocalStore's `SigningSecrets` checks its strength and hashes it first).
    case setSigningSecret(badge: String, hash: String)
    /// A signature at this station with a wrong secret (the fifth in a row locks).
    case signatureFailed(badge: String)
    /// A right secret after wrong ones: the run of wrong secrets ends.
    case signatureAccepted(badge: String)
    /// A supervisor unlocks a person's signing.
    case unlockSigning(badge: String)
    /// Approves a routing version for release under the plant's change control.
    case approveRouting(id: String, version: Int)
    /// A supervisor certifies a person for a skill until `expires` (signed; on top of the plant file).
    case qualify(badge: String, skill: String, certified: LocalDate, expires: LocalDate)
    /// A supervisor withdraws a person's skill (signed), with the reason.
    case revokeQualification(badge: String, skill: String, reason: String)
    /// The quality registers: NCRs and lots.
    case quality(QualityCommand)

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
            let routing = try state.routing(id: wo.routing, version: wo.routingVersion)
        else { return [] }
        return routing.steps
    }

    public static let undoWindowMillis: Int64 = 15 * 60 * 1000
    public static let minWaiveReason = 10

    public static func decide(
        _ command: Command, by actor: Actor, plant: PlantIndex, state: StateReader,
        env: DecisionEnv
    ) throws -> Result<[DomainEvent], Refusal> {
        do {
            return .success(try events(command, actor, plant, state, env))
        } catch let r as Refusal {
            return .failure(r)
        }
    }

    // MARK: - Implementation (throws Refusal)

    static func events(_ command: Command, _ listed: Actor, _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv) throws -> [DomainEvent] {
        // The person as the rules see them: the plant file's skills with the qualification acts
        // signed at the console on top.
        let a = Actor(person: try Qualifications.effective(listed.person, in: state), station: listed.station)
        let person = a.person, station = a.station
        if station.isConsole, command.needsStation {
            throw Refusal(.needsStation, "this is done at a station's kiosk, not at the supervisor console")
        }
        if let r = Signature.missing(command, by: person, signedBy: env.signedBy) { throw r }
        switch command {
        case .start, .pause, .resume, .complete, .record, .consume:
            return try workCommands(command, a, person, station, plant, state, env)
        case .hold, .releaseHold, .scrap, .fpiPass, .fpiWaive, .fpiFail, .disposition, .undo:
            return try qualityCommands(command, a, person, station, plant, state, env)
        case .holdWorkOrder, .releaseWorkOrder, .cancelWorkOrder, .setPriority:
            return try orderCommands(command, a, person, station, plant, state, env)
        case .downtimeStart, .downtimeEnd, .requestOverride, .approveOverride, .callAndon, .acknowledgeAndon, .clearAndon, .note:
            return try stationCommands(command, a, person, station, plant, state, env)
        case .setSigningSecret, .signatureFailed, .signatureAccepted, .unlockSigning, .qualify, .revokeQualification:
            return try signingCommands(command, a, person, station, plant, state, env)
        case .quality(let q):
            return try registerCommands(q, person, station, plant, state, env)
        case .approveRouting(let id, let version):
            if let r = try RoutingApproval.refusal(id: id, version: version, by: person, plant: plant, state: state) { throw r }
            return [.routingApproved(RoutingApproved(routing: id, version: version))]
        }
    }

    // MARK: - Completion

    /// The completion gate: measurements due by sampling, lots, sign-off, counts.
    static func complete(
        _ serial: String, _ good: Int?, _ scrap: Int, _ scrapReason: String?, _ a: Actor,
        _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv
    ) throws -> [DomainEvent] {
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
                reasons.append(
                    RefusalReason(.lotOnHold, "lot \(use.lot) of \(use.material) is on hold (\(l.holds.map(\.reason).joined(separator: ", ")))"))
            }
        }
        var signoff: String?
        // A sign-off is a signature: the inspector's badge + secret, asked once the rest is right.
        let signed = env.signedBy == a.person.badge
        if step.signoff, signed {
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
            reasons.append(
                RefusalReason(.unknownReason, "scrap needs a reason code (\(plant.plant.reasons.scrap.map(\.code).joined(separator: ", ")))"))
        }
        guard reasons.isEmpty else { throw Refusal(reasons) }
        if step.signoff, !signed, let r = Signature.missing(Signature.signoffMeaning, by: a.person, signedBy: env.signedBy) { throw r }

        let wo = try state.workOrder(part.workOrder)
        let routing = try wo.flatMap { try state.routing(id: $0.routing, version: $0.routingVersion) }
        // A nonconformance accepted as is (or repaired) no longer makes the outcome a failure.
        let accepted = part.ncrs.contains { $0.step == step.id && ($0.disposition == .useAsIs || $0.disposition == .repair) }
        let failed = run.measurements.values.contains { !$0.inTolerance } && !accepted
        let next = routing.flatMap { Routing.next(after: step, in: $0, failed: failed) }
        return [
            .stepCompleted(
                StepCompleted(
                    serial: serial, step: step.id, station: a.station.id, good: goodCount, scrap: scrap,
                    scrapReason: scrap > 0 ? scrapReason : nil, signoffBy: signoff, next: next))
        ]
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
            let step = routing.step(run.step)
        else {
            throw Refusal(.unknownRouting, "the routing of \(serial) is not known here")
        }
        return (part, run, step)
    }

    static func resumeBlockers(
        _ part: PartState, _ run: StepRun, _ a: Actor, _ plant: PlantIndex, _ state: StateReader,
        _ env: DecisionEnv
    ) throws -> [RefusalReason] {
        var r: [RefusalReason] = []
        if part.isOnHold { r.append(RefusalReason(.partOnHold, "\(part.serial) is on hold (\(part.holds.map(\.reason).joined(separator: ", ")))")) }
        if let wo = try state.workOrder(part.workOrder) {
            if wo.cancelled { r.append(RefusalReason(.workOrderCancelled, "work order \(wo.spec.number) is cancelled")) }
            if wo.isOnHold { r.append(RefusalReason(.workOrderOnHold, "work order \(wo.spec.number) is on hold")) }
            if let routing = try state.routing(id: wo.routing, version: wo.routingVersion), let step = routing.step(run.step) {
                if let skill = step.skill, let why = Qualifications.refusal(of: a.person, skill: skill, on: plant.calendar.localDate(env.now)) {
                    r.append(why)
                }
                if a.person.role < step.role { r.append(RefusalReason(.insufficientRole, "\(step.id) needs a(n) \(step.role.label)")) }
            }
        }
        let target = plant.downtimeTarget(of: a.station)
        if let down = try state.machine(target)?.down { r.append(RefusalReason(.machineDown, "\(target) is down (\(down.reason))")) }
        for id in a.station.equipment {
            if let e = plant.equipment[id], e.kind == .machine,
                let why = try Calibration.reason(e, state: state, on: plant.calendar.localDate(env.now))
            {
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
        guard let key = try pendingKeys(part, state).first else {
            throw Refusal(.notFirstPiece, "\(serial) is not a first piece waiting for inspection")
        }
        var reasons: [RefusalReason] = []
        if person.role < .inspector {
            reasons.append(
                RefusalReason(.insufficientRole, "first-piece decisions need an inspector or higher; \(person.name) is a(n) \(person.role.label)"))
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
            let edge =
                step.next.first { failed ? $0.when == .fail : $0.when == .pass }
                ?? step.next.first { $0.when == .always }
            if let edge { return edge.to }
        }
        guard let i = routing.index(of: step.id), i + 1 < routing.steps.count else { return nil }
        return routing.steps[i + 1].id
    }
}
