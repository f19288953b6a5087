import Foundation

/// The kinds of reason a step cannot start, in the gate's order.
public enum BlockerKind: String, Codable, CaseIterable, Sendable {
    case notAtStep = "not_at_step"
    case alreadyRunning = "already_running"
    case partOnHold = "part_on_hold"
    case partTerminal = "part_terminal"
    case workOrderOnHold = "work_order_on_hold"
    case workOrderCancelled = "work_order_cancelled"
    case wrongWorkCenter = "wrong_work_center"
    case machineDown = "machine_down"
    case calibrationExpired = "calibration_expired"
    case missingSkill = "missing_skill"
    case insufficientRole = "insufficient_role"
    case waitingFirstPiece = "waiting_first_piece"

    /// Which blockers an approved override may lift. Skill and calibration never; neither do
    /// holds (a hold is closed by a disposition), a cancelled order, or a terminal part.
    public var overridable: Bool {
        switch self {
        case .notAtStep, .machineDown, .waitingFirstPiece, .workOrderOnHold: return true
        default: return false
        }
    }
}
