import Foundation

// The station: downtime, overrides, andon, notes. One family of `Decider.events`.
extension Decider {
    static func stationCommands(
        _ command: Command, _ a: Actor, _ person: Person, _ station: Station, _ plant: PlantIndex, _ state: StateReader,
        _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        switch command {
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
        default:
            throw Refusal(.unknownCommand, "\(command) is not a command of this family")
        }
    }
}
