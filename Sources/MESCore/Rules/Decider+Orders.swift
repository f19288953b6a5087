import Foundation

// Work orders: hold, release, cancel, priority. One family of `Decider.events`.
extension Decider {
    static func orderCommands(
        _ command: Command, _ a: Actor, _ person: Person, _ station: Station, _ plant: PlantIndex, _ state: StateReader,
        _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        switch command {
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
        default:
            throw Refusal(.unknownCommand, "\(command) is not a command of this family")
        }
    }
}
