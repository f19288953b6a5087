import Foundation

/// Plain words for an event, for command output, histories and traces. Sanitized.
public enum Describe {
    /// A time span for a screen: `42m`, `3h05m`.
    public static func duration(_ ms: Int64) -> String {
        let min = max(0, ms) / 60_000
        return min < 60 ? "\(min)m" : "\(min / 60)h\(String(format: "%02d", min % 60))m"
    }

    /// One line for what a decision recorded, as a station or the console says it: a lot's count
    /// (`lot.consumed`, which goes with the traveler's `material.consumed`) is left out, and an
    /// NCR the rules raised comes after the hold it explains.
    public static func events(_ rs: [RecordedEvent]) -> String {
        let shown = rs.filter {
            if case .quality(.lotConsumed) = $0.event { return false }; return true
        }
        let ncr = shown.filter {
            if case .quality(.ncrRaised) = $0.event { return true }; return false
        }
        return (shown.filter { r in !ncr.contains { $0.id == r.id } } + ncr).map(event).joined(separator: "; ")
    }

    public static func event(_ r: RecordedEvent) -> String {
        let s: String
        switch r.event {
        case .plantLoaded(let e): s = "plant \(e.plant.id) loaded"
        case .workOrderReleased(let e):
            s = "work order \(e.order.number) released (\(e.serials.count) travelers, routing \(e.routing) v\(e.routingVersion))"
        case .workOrderHeld(let e): s = "work order \(e.workOrder) held (\(e.reason))"
        case .workOrderHoldReleased(let e): s = "work order \(e.subject) hold released"
        case .workOrderCancelled(let e): s = "work order \(e.workOrder) cancelled: \(e.reason)"
        case .workOrderPriority(let e): s = "work order \(e.workOrder) priority \(e.priority.rawValue)"
        case .stepStarted(let e): s = "\(e.serial) started \(e.step) at \(e.station)\(e.equipment.map { " on \($0)" } ?? "")"
        case .stepPaused(let e): s = "\(e.serial) paused at \(e.step)"
        case .stepResumed(let e): s = "\(e.serial) resumed \(e.step) at \(e.station)"
        case .stepCompleted(let e):
            s =
                "\(e.serial) completed \(e.step)" + (e.scrap > 0 ? " (good \(e.good), scrap \(e.scrap))" : "")
                + (e.signoffBy.map { ", signed off by \($0)" } ?? "") + (e.next.map { ", next \($0)" } ?? ", done")
        case .stepUndone(let e): s = "\(e.serial) completion of \(e.step) undone" + (e.approvedBy.map { " (approved by \($0))" } ?? "")
        case .measurementRecorded(let e): s = "\(e.serial) \(e.characteristic) = \(e.value) \(e.inTolerance ? "in tolerance" : "OUT OF TOLERANCE")"
        case .materialConsumed(let e): s = "\(e.serial) consumed lot \(e.lot) of \(e.material)"
        case .partHeld(let e): s = "\(e.serial) ON HOLD (\(e.reason))" + (e.ncr.map { " \($0)" } ?? "")
        case .partHoldReleased(let e): s = "\(e.subject) hold released"
        case .dispositionDecided(let e): s = "\(e.serial) dispositioned \(e.kind.rawValue)" + (e.reworkStep.map { " to \($0)" } ?? "")
        case .scrapRecorded(let e): s = "\(e.serial) scrapped \(e.count) (\(e.reason))"
        case .fpiDesignated(let e): s = "\(e.serial) is the FIRST PIECE for \(e.key.rawValue)"
        case .fpiPassed(let e): s = "first piece \(e.serial) PASSED"
        case .fpiFailed(let e): s = "first piece \(e.serial) FAILED"
        case .fpiWaived(let e): s = "first piece \(e.serial) WAIVED: \(e.reason)"
        case .overrideRequested(let e): s = "override \(e.id) requested for \(e.serial) (\(e.blocker.rawValue))"
        case .overrideApproved(let e): s = "override \(e.id) approved for \(e.serial)"
        case .overrideUsed(let e): s = "override \(e.id) used"
        case .downtimeStarted(let e): s = "\(e.machine) DOWN (\(e.reason))"
        case .downtimeEnded(let e): s = "\(e.machine) up"
        case .lotHeld(let e): s = "lot \(e.lot) of \(e.material) held (\(e.reason))"
        case .lotHoldReleased(let e): s = "lot \(e.subject) hold released"
        case .noteAdded(let e): s = "note on \(e.aggregate): \(e.text)"
        case .andonCalled(let e):
            s = "ANDON at \(e.station): \(AndonKind(rawValue: e.kind)?.label ?? e.kind)" + (e.note.isEmpty ? "" : " (\(e.note))")
        case .andonAcknowledged(let e): s = "andon at \(e.station) acknowledged"
        case .andonCleared(let e): s = "andon at \(e.station) cleared"
        case .signingSecretSet(let e): s = "signing secret of \(e.badge) " + (e.mustChange ? "reset (to be changed at next use)" : "set")
        case .signatureFailed(let e): s = "wrong secret for \(e.badge) at \(e.station)"
        case .signatureAccepted(let e): s = "right secret for \(e.badge) at \(e.station)"
        case .signingLocked(let e): s = "signing of \(e.badge) locked after \(SigningRules.lockAfter) wrong secrets"
        case .signingUnlocked(let e): s = "signing of \(e.badge) unlocked"
        case .qualificationGranted(let e):
            s = "\(e.badge) qualified for \(e.qualification.skill) until \(e.qualification.expires)"
        case .qualificationRevoked(let e): s = "\(e.badge)'s qualification for \(e.skill) revoked: \(e.reason)"
        case .signatureApplied(let e): s = "signed: " + Signature.manifestation(e)
        case .routingApproved(let e): s = "routing \(e.routing) v\(e.version) approved for release"
        case .quality(let q): s = q.description
        case .unknown(let t, let v, _): s = "event \(t) v\(v) (unknown to this version)"
        }
        return Sanitize.line(s)
    }
}
