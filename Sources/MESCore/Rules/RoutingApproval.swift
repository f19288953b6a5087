import Foundation

/// Routing versions under change control (plant file `change_control.approve_routings`): a
/// version loads as a draft and releases work orders only once a person of the named role (or
/// higher) approved it with a signature. Without change control the file's `status` decides, as
/// it always did. An obsolete version never releases.
public enum RoutingApproval {
    /// Whether `routing` may release work orders (its effective date aside).
    public static func releases(_ routing: Routing, plant: Plant, approved: Set<String>) -> Bool {
        if routing.status == .obsolete { return false }
        guard plant.changeControl != nil else { return routing.status == .approved }
        return approved.contains(PlantState.routingKey(routing.id, routing.version))
    }

    /// The state of a version as people read it: draft, approved or obsolete.
    public static func state(_ routing: Routing, plant: Plant, approved: Set<String>) -> RoutingStatus {
        if routing.status == .obsolete { return .obsolete }
        return releases(routing, plant: plant, approved: approved) ? .approved : .draft
    }

    /// Why `person` may not approve version `version` of routing `id` (nil: they may).
    public static func refusal(id: String, version: Int, by person: Person, plant: PlantIndex, state: StateReader) throws -> Refusal? {
        guard let policy = plant.plant.changeControl else {
            return Refusal(.notUnderChangeControl, "the plant file has no change_control: routing versions release by their status")
        }
        guard let routing = try state.routing(id: id, version: version) else {
            return Refusal(.unknownRouting, "no routing \(id) version \(version) in this store")
        }
        if person.role < policy.approveRoutings {
            return Refusal(
                .insufficientRole,
                "approving a routing version needs a(n) \(policy.approveRoutings.label); \(person.name) is a(n) \(person.role.label)")
        }
        if routing.status == .obsolete { return Refusal(.routingObsolete, "\(id) v\(version) is obsolete") }
        if try state.routingApproved(id: id, version: version) { return Refusal(.alreadyApproved, "\(id) v\(version) is approved already") }
        return nil
    }
}

/// A routing version's approval, folded from its aggregate (`routing:ID@VERSION`).
public struct RoutingApprovalState: Codable, Equatable, Sendable {
    public var approved = false
    public var approvedBy: String?
    public init() {}
    public mutating func apply(_ r: RecordedEvent) {
        if case .routingApproved = r.event, !approved { approved = true; approvedBy = r.actor }
    }
}
