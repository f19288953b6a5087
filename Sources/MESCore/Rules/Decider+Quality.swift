import Foundation

// Quality: holds, scrap, first pieces, dispositions, undo. One family of `Decider.events`.
extension Decider {
    static func qualityCommands(
        _ command: Command, _ a: Actor, _ person: Person, _ station: Station, _ plant: PlantIndex, _ state: StateReader,
        _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        switch command {
        case .hold(let serial, let reason, let note):
            let part = try requirePart(serial, state)
            guard plant.holdReasons[reason] != nil else {
                throw Refusal(.unknownReason, "no hold reason \(reason) (\(plant.plant.reasons.hold.map(\.code).joined(separator: ", ")))")
            }
            guard !part.status.isTerminal else { throw Refusal(.partTerminal, "\(serial) is \(part.status.rawValue)") }
            var ncr: (event: DomainEvent, number: String)?
            if reason == "OOT" || reason == "FPI" {
                ncr = try automaticNCR(
                    reason, reason == "OOT" ? .measurement : .firstPiece, part: part, step: part.step, station: station.isConsole ? nil : station.id,
                    description: note.isEmpty ? (plant.holdReasons[reason]?.label ?? reason) : note, plant, state, env)
            }
            return (ncr.map { [$0.event] } ?? [])
                + [.partHeld(PartHeld(serial: serial, hold: env.newID(), reason: reason, note: note, step: part.step, ncr: ncr?.number))]

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
            let (key, part) = try pendingFirstPiece(serial, person, state)
            let text = note.isEmpty ? "first piece failed" : note
            let ncr = try automaticNCR(
                "FPI", .firstPiece, part: part, step: key.step, station: part.completions.last { $0.step == key.step }?.station, description: text,
                plant, state, env)
            return [
                .fpiFailed(FPIVerdictEvent(key: key, serial: serial, reason: note)),
                ncr.event,
                .partHeld(PartHeld(serial: serial, hold: env.newID(), reason: "FPI", note: text, step: key.step, ncr: ncr.number)),
            ]

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
            // The NCR of a nonconformance on this traveler alone takes the same disposition.
            var ncrs: [DomainEvent] = []
            for number in Set(holds.compactMap(\.ncr)).sorted() {
                guard let n = try state.ncr(number), n.isOpen, n.disposition == nil, n.raised?.serials == [serial] else { continue }
                ncrs.append(.quality(.ncrDispositioned(NCRDispositioned(number: number, kind: kind, reference: reference, note: note))))
            }
            return [
                .dispositionDecided(
                    DispositionDecided(
                        serial: serial, holds: holds.map(\.id), kind: kind, reworkStep: reworkStep,
                        reference: reference, scrapReason: scrapReason, note: note))
            ] + ncrs
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
                    throw Refusal(
                        .needsApproval,
                        "undo of \(last.step) needs a supervisor: only the person who completed it may undo, within 15 minutes, if nothing "
                            + "happened since"
                    )
                }
                if let r = Signature.missing(Signature.meaning(of: command), by: person, signedBy: env.signedBy) { throw r }
                approvedBy = person.badge
            }
            return [.stepUndone(StepUndone(serial: serial, step: last.step, completion: last.event, approvedBy: approvedBy, reason: reason))]

        default:
            throw Refusal(.unknownCommand, "\(command) is not a command of this family")
        }
    }
}
