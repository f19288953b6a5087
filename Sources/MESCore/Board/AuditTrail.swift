import Foundation

/// The audit trail an auditor reads (`floor report audit`): for each event, where it was done and
/// what it changed, as `old → new`, read from the event alone. Events record transitions whose
/// start is implied by the rules (a start moves a queued part to running; a completion moves it on
/// to the next step or to done), so no state needs to be kept to print them: the trail streams in
/// constant memory over any store.
public enum AuditTrail {
    /// The station (or machine) where it happened, when the event names one.
    public static func place(of event: DomainEvent) -> String? {
        switch event {
        case .stepStarted(let e): return e.station
        case .stepResumed(let e): return e.station
        case .stepCompleted(let e): return e.station
        case .measurementRecorded(let e): return e.station
        case .scrapRecorded(let e): return e.station
        case .downtimeStarted(let e): return e.station
        case .downtimeEnded(let e): return e.station
        case .andonCalled(let e): return e.station
        case .andonAcknowledged(let e), .andonCleared(let e): return e.station
        case .signatureFailed(let e), .signatureAccepted(let e): return e.station
        default: return nil
        }
    }

    /// What the event changed, `field: old → new` (nil: it changes no state, e.g. a note). A
    /// secret's hash is never shown: only that it changed.
    public static func change(of event: DomainEvent) -> String? {
        switch event {
        case .plantLoaded(let e): return "plant \(e.plant.id): loaded"
        case .workOrderReleased(let e): return "work order: → released (\(e.serials.count) travelers, \(e.routing) v\(e.routingVersion))"
        case .workOrderHeld(let e): return "work order: → on hold (\(e.reason))"
        case .workOrderHoldReleased: return "work order: on hold → released"
        case .workOrderCancelled: return "work order: → cancelled"
        case .workOrderPriority(let e): return "priority: → \(e.priority.rawValue)"
        case .stepStarted(let e): return "status: queued → running (\(e.step))"
        case .stepPaused(let e): return "status: running → paused (\(e.step))"
        case .stepResumed(let e): return "status: paused → running (\(e.step))"
        case .stepCompleted(let e):
            let to = e.next.map { "queued at \($0)" } ?? "done"
            return "step: \(e.step) → \(to)" + (e.scrap > 0 ? "; good \(e.good), scrap \(e.scrap)" : "")
        case .stepUndone(let e): return "step: completion of \(e.step) undone → back at \(e.step)"
        case .measurementRecorded(let e): return "\(e.characteristic): → \(e.value) (\(e.inTolerance ? "in tolerance" : "OUT OF TOLERANCE"))"
        case .materialConsumed(let e): return "lots: + \(e.material) \(e.lot)"
        case .partHeld(let e): return "holds: + \(e.reason)" + (e.ncr.map { " \($0)" } ?? "")
        case .partHoldReleased(let e), .lotHoldReleased(let e): return "holds: − \(e.holds.joined(separator: ", "))"
        case .dispositionDecided(let e):
            return "holds: − \(e.holds.joined(separator: ", ")); disposition → \(e.kind.rawValue)" + (e.reworkStep.map { " to \($0)" } ?? "")
        case .scrapRecorded(let e): return "scrapped: + \(e.count) (\(e.reason))"
        case .fpiDesignated(let e): return "first piece: → \(e.serial) pending"
        case .fpiPassed: return "first piece: pending → passed"
        case .fpiFailed: return "first piece: pending → failed"
        case .fpiWaived: return "first piece: pending → waived"
        case .overrideRequested(let e): return "override \(e.id): → requested (\(e.blocker.rawValue))"
        case .overrideApproved(let e): return "override \(e.id): requested → approved"
        case .overrideUsed(let e): return "override \(e.id): approved → used"
        case .downtimeStarted(let e): return "machine \(e.machine): up → down (\(e.reason))"
        case .downtimeEnded(let e): return "machine \(e.machine): down → up"
        case .lotHeld(let e): return "lot \(e.material) \(e.lot): → on hold (\(e.reason))"
        case .andonCalled(let e): return "andon: → called (\(e.kind))"
        case .andonAcknowledged: return "andon: called → acknowledged"
        case .andonCleared: return "andon: → cleared"
        case .signingSecretSet(let e): return "signing secret: → new hash" + (e.mustChange ? " (reset: to be changed)" : "")
        case .signatureFailed: return "wrong secrets: + 1"
        case .signatureAccepted: return "wrong secrets: → 0"
        case .signingLocked: return "signing: → locked"
        case .signingUnlocked: return "signing: locked → unlocked"
        case .qualificationGranted(let e): return "qualification \(e.qualification.skill): → certified until \(e.qualification.expires)"
        case .qualificationRevoked(let e): return "qualification \(e.skill): → revoked (\(e.reason))"
        case .routingApproved(let e): return "routing \(e.routing) v\(e.version): draft → approved"
        case .quality(let q): return q.change
        case .noteAdded, .signatureApplied, .unknown: return nil
        }
    }

    /// The meaning an event carries as a signature: a signed record's, or the signature's own.
    public static func meaning(of event: DomainEvent) -> String? {
        if case .signatureApplied(let s) = event { return s.meaning }
        return Signature.meaning(of: event)
    }
}
