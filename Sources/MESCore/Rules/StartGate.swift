import Foundation

/// What starting a part at a station would do, or every reason it cannot.
public struct StartDecision: Equatable, Sendable {
    /// The step the station would start (nil when no step of the routing runs here).
    public var step: Step?
    public var blockers: [RefusalReason]
    /// Overrides that lift blockers and are consumed by the start.
    public var overridesUsed: [String]
    public var fpiKey: FPIKey?
    /// True when this start makes the part the first piece of `fpiKey`.
    public var designatesFirstPiece: Bool
    public var equipment: String?
    public var allowed: Bool { blockers.isEmpty && step != nil }
}

/// The start gate (rules.md, Starting a step), in its order, listing every reason that applies.
public enum StartGate {
    public static func evaluate(
        serial: String, station: Station, person: Person, plant: PlantIndex,
        state: StateReader, env: DecisionEnv
    ) throws -> StartDecision {
        var blockers: [RefusalReason] = []
        guard let part = try state.part(serial) else {
            return StartDecision(
                step: nil, blockers: [RefusalReason(.unknownPart, "no part \(serial)")], overridesUsed: [],
                fpiKey: nil, designatesFirstPiece: false, equipment: nil)
        }
        let wo = try state.workOrder(part.workOrder)
        let routing = try wo.flatMap { try state.routing(id: $0.routing, version: $0.routingVersion) }
        let today = plant.calendar.localDate(env.now)

        // 1. Routing order: which step would this station run, and is the part at it?
        var step: Step?
        if let routing {
            if let current = routing.step(part.step), current.workCenter == station.workCenter {
                step = current
            } else if let here = routing.steps.first(where: { $0.workCenter == station.workCenter }) {
                step = here
                blockers.append(
                    RefusalReason(
                        .notAtStep,
                        "\(serial) is at \(part.step)\(routing.step(part.step).map { " (\($0.name))" } ?? ""), not at \(here.id) (\(here.name))"))
            } else {
                blockers.append(
                    RefusalReason(.wrongWorkCenter, "no step of \(part.part) runs at \(station.workCenter) (\(serial) is at \(part.step))"))
            }
        } else {
            blockers.append(RefusalReason(.unknownRouting, "the routing of work order \(part.workOrder) is not known here"))
        }
        if part.status == .running || part.status == .paused, let run = part.run {
            blockers.append(RefusalReason(.alreadyRunning, "\(serial) is already \(part.status.rawValue) at \(run.station) (\(run.step))"))
        }

        // 2. Holds and terminal states.
        if part.isOnHold {
            blockers.append(RefusalReason(.partOnHold, "\(serial) is on hold (\(part.holds.map(\.reason).joined(separator: ", ")))"))
        }
        if part.status.isTerminal {
            blockers.append(RefusalReason(.partTerminal, "\(serial) is \(part.status.rawValue)"))
        }
        if let wo {
            if wo.cancelled { blockers.append(RefusalReason(.workOrderCancelled, "work order \(wo.spec.number) is cancelled")) }
            if wo.isOnHold {
                blockers.append(
                    RefusalReason(.workOrderOnHold, "work order \(wo.spec.number) is on hold (\(wo.holds.map(\.reason).joined(separator: ", ")))"))
            }
        }

        // 3. Station, machine, calibration.
        let machine = plant.machine(of: station)
        let downTarget = plant.downtimeTarget(of: station)
        if let down = try state.machine(downTarget)?.down {
            blockers.append(RefusalReason(.machineDown, "\(downTarget) is down (\(down.reason))"))
        }
        for id in station.equipment {
            if let e = plant.equipment[id], e.kind == .machine, let why = try Calibration.reason(e, state: state, on: today) { blockers.append(why) }
        }

        // 4. Skill and role.
        if let step {
            if let skill = step.skill, let why = Qualifications.refusal(of: person, skill: skill, on: today) { blockers.append(why) }
            if person.role < step.role {
                blockers.append(
                    RefusalReason(.insufficientRole, "\(step.id) needs a(n) \(step.role.label); \(person.name) is a(n) \(person.role.label)"))
            }
        }

        // 4b. Statistical process control: a chart of this step stopped here, or not acknowledged.
        if let step { blockers += try Decider.spcBlockers(part: part.part, step: step.id, station: station, plant: plant, state: state) }

        // 5. First piece on the full scope key.
        var fpiKey: FPIKey?
        var designates = false
        if let step, let wo {
            fpiKey = FPIKey.forStart(
                step: step, workOrder: wo.spec.number, station: station, person: person.badge,
                plant: plant, at: env.now)
            if let key = fpiKey {
                let f = try state.fpi(key) ?? FPIState(key: key)
                if f.blocks(serial) {
                    blockers.append(
                        RefusalReason(.waitingFirstPiece, "waiting for first piece \(f.firstPiece ?? "?") (\(key.rawValue)) to be inspected"))
                } else if f.needsDesignation {
                    designates = true
                }
            }
        }

        // 6. Overrides: approved, unused, unexpired at the moment of use, for exactly this blocker.
        var used: [String] = []
        if let step {
            blockers = blockers.filter { b in
                guard let kind = b.blocker, kind.overridable else { return true }
                if let o = part.overrides.first(where: {
                    $0.status == .approved && $0.step == step.id && $0.blocker == kind
                        && !used.contains($0.id) && ($0.expiresAt ?? 0) >= env.millis
                }) {
                    used.append(o.id)
                    return false
                }
                return true
            }
            // A first piece that is lifted by an override is not designated by it.
            if used.contains(where: { id in part.overrides.first { $0.id == id }?.blocker == .waitingFirstPiece }) { designates = false }
        }
        return StartDecision(
            step: step, blockers: blockers, overridesUsed: used, fpiKey: fpiKey,
            designatesFirstPiece: designates && blockers.isEmpty, equipment: machine?.id)
    }
}

extension StartGate {
    /// Whether the part's current step runs at the station's work center.
    /// The piece of `wo` that scanning its number at `station` selects: its first piece that is
    /// neither finished, scrapped nor on hold and waits at a step this station serves; else its
    /// first piece (a batch traveler's only one).
    public static func pieceForScan(of wo: WorkOrderState, at station: Station, state: StateReader) throws -> String? {
        try wo.serials.first { serial in
            guard let p = try state.part(serial), !p.displayStatus.isTerminal, p.displayStatus != .hold else { return false }
            return try servesStep(p, station: station, state: state)
        } ?? wo.serials.first
    }

    public static func servesStep(_ part: PartState, station: Station, state: StateReader) throws -> Bool {
        guard let wo = try state.workOrder(part.workOrder), let r = try state.routing(id: wo.routing, version: wo.routingVersion) else {
            return false
        }
        return r.step(part.step)?.workCenter == station.workCenter
    }
}
