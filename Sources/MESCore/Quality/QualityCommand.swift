import Foundation

/// What a person asks of the quality registers (one case of `Command`).
public enum QualityCommand: Equatable, Sendable {
    /// By hand: about a traveler, a work order or a lot (`subject`), with a defect code of the plant.
    case raiseNCR(subject: NCRSubject, defect: String, severity: NCRSeverity?, description: String, containment: String)
    case updateNCR(NCRUpdated)
    case dispositionNCR(number: String, kind: DispositionKind, reference: String?, note: String)
    case closeNCR(number: String, note: String)
    case receiveLot(material: String, lot: String, quantity: Double, supplier: String, certificate: String?, expiry: LocalDate?)
    case releaseLot(material: String, lot: String, note: String)
    case rejectLot(material: String, lot: String, defect: String, note: String)
    /// Holds the lot and, under one NCR, every open traveler that used it.
    case holdLot(material: String, lot: String, reason: String)
    case releaseLotHold(material: String, lot: String, note: String)

    public var meaning: String {
        switch self {
        case .raiseNCR: return "raised (NCR)"
        case .updateNCR: return "recorded"
        case .dispositionNCR(_, let kind, _, _): return "dispositioned (\(kind.rawValue), NCR)"
        case .closeNCR: return "closed (NCR)"
        case .receiveLot: return "received (lot)"
        case .releaseLot: return "released (incoming inspection)"
        case .rejectLot: return "rejected (incoming inspection)"
        case .holdLot: return "held (lot)"
        case .releaseLotHold: return "released (hold)"
        }
    }

    public var isSigned: Bool {
        switch self {
        case .dispositionNCR, .closeNCR, .releaseLot, .rejectLot, .holdLot, .releaseLotHold: return true
        default: return false
        }
    }
}

/// What an NCR raised by hand is about.
public enum NCRSubject: Equatable, Sendable {
    case part(serial: String)
    case workOrder(String)
    case lot(material: String, lot: String)
}
