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
    /// Part of a lot into a new sub-lot that keeps its receipt, status and genealogy.
    case splitLot(material: String, lot: String, into: String, quantity: Double)
    /// What is left of two lots or more of one material and supplier into a new lot.
    case mergeLots(material: String, lots: [String], into: String)
    /// A reading at incoming inspection of a quarantined lot (`materials[].inspection`).
    case measureLot(material: String, lot: String, characteristic: String, value: String, gauge: String?)
    /// A CAPA from NCRs (or an audit finding, a complaint): owner (a badge), due date, problem.
    case openCAPA(source: CAPASource, ncrs: [String], owner: String, due: LocalDate, problem: String)
    case updateCAPA(CAPAUpdated)
    case addCAPAAction(number: String, text: String, owner: String, due: LocalDate)
    /// `action`: A1, A2 … as listed.
    case completeCAPAAction(number: String, action: String, note: String)
    case checkCAPAEffectiveness(number: String, check: String, passed: Bool, note: String)
    case closeCAPA(number: String, note: String)
    /// Sets (or recalculates) a chart's control limits from a baseline: its first `subgroups`
    /// complete subgroups, or those plotted from `from` to `to` (millis). Signed.
    case setSPCLimits(chart: String, subgroups: Int?, from: Int64?, to: Int64?, reason: String)
    /// The operator acknowledges the open signals of a chart at this station, with a reason
    /// (`chart` empty: of every chart with open signals there).
    case acknowledgeSPC(chart: String, reason: String)
    /// An inspector clears the open signals of a chart at `station`, lifting a stop (`chart`
    /// empty: every chart with open signals there). Signed.
    case clearSPC(chart: String, station: String, note: String)
    /// A calibration of a machine or gauge, pass or fail, with its certificate. Signed (an inspector or higher).
    case recordCalibration(EquipmentCalibrated)

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
        case .splitLot, .mergeLots, .measureLot: return "recorded"
        case .closeCAPA: return "closed (CAPA)"
        case .setSPCLimits: return "set (control limits)"
        case .clearSPC: return "cleared (SPC signal)"
        case .recordCalibration: return "calibrated (equipment)"
        case .acknowledgeSPC: return "recorded"
        case .openCAPA, .updateCAPA, .addCAPAAction, .completeCAPAAction, .checkCAPAEffectiveness: return "recorded"
        }
    }

    public var isSigned: Bool {
        switch self {
        case .dispositionNCR, .closeNCR, .releaseLot, .rejectLot, .holdLot, .releaseLotHold, .closeCAPA, .setSPCLimits, .clearSPC, .recordCalibration:
            return true
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
