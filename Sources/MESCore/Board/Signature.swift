import Foundation

/// The meaning of a signature (21 CFR Part 11 style): each supervisor or inspector action is an
/// event whose type states what the signer meant; the console shows it before signing and the
/// history shows it after.
public enum Signature {
    public static func meaning(of event: DomainEvent) -> String? {
        switch event {
        case .dispositionDecided(let e): return "dispositioned (\(e.kind.rawValue))"
        case .fpiPassed: return "approved (first piece)"
        case .fpiFailed: return "rejected (first piece)"
        case .fpiWaived: return "waived (first piece)"
        case .overrideApproved: return "approved (override)"
        case .stepUndone(let e) where e.approvedBy != nil: return "approved (undo)"
        case .workOrderHeld: return "held (work order)"
        case .workOrderHoldReleased, .partHoldReleased, .lotHoldReleased: return "released (hold)"
        case .workOrderCancelled: return "cancelled (work order)"
        case .workOrderPriority: return "prioritized (work order)"
        case .andonAcknowledged: return "acknowledged (andon)"
        case .andonCleared: return "cleared (andon)"
        default: return nil
        }
    }

    /// The meaning a console command will carry, shown before the person signs.
    public static func meaning(of command: Command) -> String {
        switch command {
        case .disposition(_, let kind, _, _, _, _): return "dispositioned (\(kind.rawValue))"
        case .fpiPass: return "approved (first piece)"
        case .fpiFail: return "rejected (first piece)"
        case .fpiWaive: return "waived (first piece)"
        case .approveOverride: return "approved (override)"
        case .undo: return "approved (undo)"
        case .holdWorkOrder: return "held (work order)"
        case .releaseWorkOrder, .releaseHold: return "released (hold)"
        case .cancelWorkOrder: return "cancelled (work order)"
        case .setPriority: return "prioritized (work order)"
        case .acknowledgeAndon: return "acknowledged (andon)"
        case .clearAndon: return "cleared (andon)"
        case .hold: return "held (part)"
        case .scrap: return "scrapped"
        case .note: return "noted"
        default: return "recorded"
        }
    }
}
