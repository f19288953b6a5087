import Foundation

/// How serious a nonconformance is. Critical and major ones close only with their containment written.
public enum NCRSeverity: String, Codable, CaseIterable, Sendable, Comparable {
    case minor, major, critical
    public var rank: Int { NCRSeverity.allCases.firstIndex(of: self)! }
    public static func < (a: NCRSeverity, b: NCRSeverity) -> Bool { a.rank < b.rank }
    public var needsContainment: Bool { self >= .major }
}

/// What raised a nonconformance.
public enum NCRSource: String, Codable, CaseIterable, Sendable {
    /// Out of tolerance at a step whose characteristic holds the part.
    case measurement
    case firstPiece = "first_piece"
    /// A lot rejected at incoming inspection.
    case incoming
    /// A lot held, with the parts that used it.
    case containment
    /// Raised by a person at a kiosk or the console.
    case manual
}

/// The quality registers' events: nonconformance reports (`ncr:NUMBER`) and material lots
/// (`lot:MATERIAL:LOT`). One case of `DomainEvent` carries them all.
public enum QualityEvent: Equatable, Sendable {
    case ncrRaised(NCRRaised)
    case ncrUpdated(NCRUpdated)
    case ncrDispositioned(NCRDispositioned)
    case ncrClosed(NCRClosed)
    case lotReceived(LotReceived)
    case lotReleased(LotVerdict)
    case lotRejected(LotVerdict)
    case lotConsumed(LotConsumed)
    /// Part of a lot given to a sub-lot (a split) or all that is left of it to a merged lot.
    case lotSplit(LotSplit)
    /// A lot made from others (a split's sub-lot, or a merge), keeping their receipt and status.
    case lotDerived(LotDerived)
    /// A reading of one of the material's inspection characteristics on a lot in quarantine.
    case lotMeasured(LotMeasured)
    case capaOpened(CAPAOpened)
    case capaUpdated(CAPAUpdated)
    case capaActionAdded(CAPAActionAdded)
    case capaActionDone(CAPAActionDone)
    case capaEffectiveness(CAPAEffectiveness)
    case capaClosed(CAPAClosed)
    /// A control chart's limits set from a baseline (signed): frozen until set again.
    case spcLimitsSet(SPCLimitsSet)
    /// An operator acknowledges a chart's signals at a station, with a reason.
    case spcAcknowledged(SPCResponse)
    /// An inspector clears a chart's signals at a station (signed), lifting a stop.
    case spcCleared(SPCResponse)
    /// A machine or gauge calibrated (signed): pass with its next due date, or fail.
    case calibrated(EquipmentCalibrated)

    public static let types: [String] = [
        "ncr.raised", "ncr.updated", "ncr.dispositioned", "ncr.closed", "lot.received", "lot.released", "lot.rejected", "lot.consumed",
        "lot.split", "lot.derived", "lot.measured", "capa.opened", "capa.updated", "capa.action_added", "capa.action_done",
        "capa.effectiveness_checked",
        "capa.closed", "spc.limits_set", "spc.acknowledged", "spc.cleared", "equipment.calibrated",
    ]

    public var type: String {
        switch self {
        case .ncrRaised: return "ncr.raised"
        case .ncrUpdated: return "ncr.updated"
        case .ncrDispositioned: return "ncr.dispositioned"
        case .ncrClosed: return "ncr.closed"
        case .lotReceived: return "lot.received"
        case .lotReleased: return "lot.released"
        case .lotRejected: return "lot.rejected"
        case .lotConsumed: return "lot.consumed"
        case .lotSplit: return "lot.split"
        case .lotDerived: return "lot.derived"
        case .lotMeasured: return "lot.measured"
        case .capaOpened: return "capa.opened"
        case .capaUpdated: return "capa.updated"
        case .capaActionAdded: return "capa.action_added"
        case .capaActionDone: return "capa.action_done"
        case .capaEffectiveness: return "capa.effectiveness_checked"
        case .capaClosed: return "capa.closed"
        case .spcLimitsSet: return "spc.limits_set"
        case .spcAcknowledged: return "spc.acknowledged"
        case .spcCleared: return "spc.cleared"
        case .calibrated: return "equipment.calibrated"
        }
    }

    public var aggregate: AggregateID {
        switch self {
        case .ncrRaised(let e): return .ncr(e.number)
        case .ncrUpdated(let e): return .ncr(e.number)
        case .ncrDispositioned(let e): return .ncr(e.number)
        case .ncrClosed(let e): return .ncr(e.number)
        case .lotReceived(let e): return .lot(e.material, e.lot)
        case .lotReleased(let e), .lotRejected(let e): return .lot(e.material, e.lot)
        case .lotConsumed(let e): return .lot(e.material, e.lot)
        case .lotSplit(let e): return .lot(e.material, e.lot)
        case .lotDerived(let e): return .lot(e.material, e.lot)
        case .lotMeasured(let e): return .lot(e.material, e.lot)
        case .capaOpened(let e): return .capa(e.number)
        case .capaUpdated(let e): return .capa(e.number)
        case .capaActionAdded(let e): return .capa(e.number)
        case .capaActionDone(let e): return .capa(e.number)
        case .capaEffectiveness(let e): return .capa(e.number)
        case .capaClosed(let e): return .capa(e.number)
        case .spcLimitsSet(let e): return .spc(e.chart)
        case .spcAcknowledged(let e), .spcCleared(let e): return .spc(e.chart)
        case .calibrated(let e): return .calibration(e.equipment)
        }
    }

    public var payload: String {
        switch self {
        case .ncrRaised(let p): return EventCodec.encode(p)
        case .ncrUpdated(let p): return EventCodec.encode(p)
        case .ncrDispositioned(let p): return EventCodec.encode(p)
        case .ncrClosed(let p): return EventCodec.encode(p)
        case .lotReceived(let p): return EventCodec.encode(p)
        case .lotReleased(let p), .lotRejected(let p): return EventCodec.encode(p)
        case .lotConsumed(let p): return EventCodec.encode(p)
        case .lotSplit(let p): return EventCodec.encode(p)
        case .lotDerived(let p): return EventCodec.encode(p)
        case .lotMeasured(let p): return EventCodec.encode(p)
        case .capaOpened(let p): return EventCodec.encode(p)
        case .capaUpdated(let p): return EventCodec.encode(p)
        case .capaActionAdded(let p): return EventCodec.encode(p)
        case .capaActionDone(let p): return EventCodec.encode(p)
        case .capaEffectiveness(let p): return EventCodec.encode(p)
        case .capaClosed(let p): return EventCodec.encode(p)
        case .spcLimitsSet(let p): return EventCodec.encode(p)
        case .spcAcknowledged(let p), .spcCleared(let p): return EventCodec.encode(p)
        case .calibrated(let p): return EventCodec.encode(p)
        }
    }

    static func decode(type: String, _ data: Data, _ decoder: JSONDecoder) -> QualityEvent? {
        func d<T: Decodable>(_ t: T.Type) -> T? { try? decoder.decode(t, from: data) }
        switch type {
        case "ncr.raised": return d(NCRRaised.self).map(QualityEvent.ncrRaised)
        case "ncr.updated": return d(NCRUpdated.self).map(QualityEvent.ncrUpdated)
        case "ncr.dispositioned": return d(NCRDispositioned.self).map(QualityEvent.ncrDispositioned)
        case "ncr.closed": return d(NCRClosed.self).map(QualityEvent.ncrClosed)
        case "lot.received": return d(LotReceived.self).map(QualityEvent.lotReceived)
        case "lot.released": return d(LotVerdict.self).map(QualityEvent.lotReleased)
        case "lot.rejected": return d(LotVerdict.self).map(QualityEvent.lotRejected)
        case "lot.consumed": return d(LotConsumed.self).map(QualityEvent.lotConsumed)
        case "lot.split": return d(LotSplit.self).map(QualityEvent.lotSplit)
        case "lot.derived": return d(LotDerived.self).map(QualityEvent.lotDerived)
        case "lot.measured": return d(LotMeasured.self).map(QualityEvent.lotMeasured)
        case "capa.opened": return d(CAPAOpened.self).map(QualityEvent.capaOpened)
        case "capa.updated": return d(CAPAUpdated.self).map(QualityEvent.capaUpdated)
        case "capa.action_added": return d(CAPAActionAdded.self).map(QualityEvent.capaActionAdded)
        case "capa.action_done": return d(CAPAActionDone.self).map(QualityEvent.capaActionDone)
        case "capa.effectiveness_checked": return d(CAPAEffectiveness.self).map(QualityEvent.capaEffectiveness)
        case "capa.closed": return d(CAPAClosed.self).map(QualityEvent.capaClosed)
        case "spc.limits_set": return d(SPCLimitsSet.self).map(QualityEvent.spcLimitsSet)
        case "spc.acknowledged": return d(SPCResponse.self).map(QualityEvent.spcAcknowledged)
        case "spc.cleared": return d(SPCResponse.self).map(QualityEvent.spcCleared)
        case "equipment.calibrated": return d(EquipmentCalibrated.self).map(QualityEvent.calibrated)
        default: return nil
        }
    }

    /// In plain words (`Describe.event`; sanitized there).
    public var description: String {
        switch self {
        case .ncrRaised(let e):
            let what =
                e.serials.count == 1
                ? e.serials[0] : e.serials.count > 1 ? "\(e.serials.count) travelers" : e.lot.map { "lot \($0)" } ?? e.workOrder ?? ""
            return "\(e.number) raised (\(e.severity.rawValue), \(e.defect)) on \(what): \(e.description)"
        case .ncrUpdated(let e): return "\(e.number) updated"
        case .ncrDispositioned(let e): return "\(e.number) dispositioned \(e.kind.rawValue)"
        case .ncrClosed(let e): return "\(e.number) closed"
        case .lotReceived(let e):
            return "lot \(e.lot) of \(e.material) received: \(Tolerance.format(e.quantity)) \(e.unit) from \(e.supplier)"
                + (e.quarantined ? ", in quarantine" : "")
        case .lotReleased(let e): return "lot \(e.lot) of \(e.material) released by incoming inspection"
        case .lotRejected(let e): return "lot \(e.lot) of \(e.material) REJECTED at incoming inspection" + (e.ncr.map { " (\($0))" } ?? "")
        case .lotConsumed(let e): return "lot \(e.lot) of \(e.material): \(Tolerance.format(e.qty)) used by \(e.serial)"
        case .lotSplit(let e): return "lot \(e.lot) of \(e.material): \(Tolerance.format(e.qty)) to lot \(e.into)"
        case .lotDerived(let e):
            let from = e.from.map { "\($0.lot) (\(Tolerance.format($0.qty)))" }.joined(separator: ", ")
            return "lot \(e.lot) of \(e.material) made from \(from): \(Tolerance.format(e.quantity)) \(e.unit)"
                + (e.quarantined ? ", in quarantine" : "")
        case .lotMeasured(let e):
            return "lot \(e.lot) of \(e.material): \(e.characteristic) = \(e.value) " + (e.inTolerance ? "in tolerance" : "OUT OF TOLERANCE")
        case .capaOpened(let e):
            let from = e.ncrs.isEmpty ? "" : ": " + e.ncrs.joined(separator: ", ")
            return "\(e.number) opened (\(e.source.rawValue)\(from)), owner \(e.owner), due \(e.due)"
        case .capaUpdated(let e): return "\(e.number) updated"
        case .capaActionAdded(let e): return "\(e.number) action added: \(e.text) (\(e.owner), due \(e.due))"
        case .capaActionDone(let e): return "\(e.number) action done"
        case .capaEffectiveness(let e): return "\(e.number) effectiveness check \(e.passed ? "PASSED" : "FAILED"): \(e.check)"
        case .capaClosed(let e): return "\(e.number) closed"
        case .spcLimitsSet(let e):
            return "control limits of \(e.chart) set from \(e.baseline): centre \(Tolerance.format(e.limits.center)), "
                + "\(Tolerance.format(e.limits.lower)) to \(Tolerance.format(e.limits.upper))"
        case .spcAcknowledged(let e):
            return "signal of \(e.chart) at \(e.station) acknowledged (\(e.rules.map { "rule \($0.rawValue)" }.joined(separator: ", "))): \(e.reason)"
        case .calibrated(let e):
            return "\(e.equipment) calibrated on \(e.on): " + (e.passed ? "PASS, due \(e.due.map(\.description) ?? "-")" : "FAIL")
                + " (certificate \(e.certificate))"
        case .spcCleared(let e):
            return "signal of \(e.chart) at \(e.station) cleared (\(e.rules.map { "rule \($0.rawValue)" }.joined(separator: ", "))): \(e.reason)"
        }
    }

    /// What it changed, `field: old → new` (`AuditTrail.change`).
    public var change: String {
        switch self {
        case .ncrRaised(let e): return "\(e.number): → open (\(e.severity.rawValue), \(e.defect))"
        case .ncrUpdated(let e):
            return "\(e.number): "
                + [
                    e.defect.map { "defect → \($0)" }, e.severity.map { "severity → \($0.rawValue)" },
                    e.containment.map { _ in "containment → written" }, e.description.map { _ in "description → written" },
                ].compactMap { $0 }.joined(separator: "; ")
        case .ncrDispositioned(let e): return "\(e.number): open → dispositioned (\(e.kind.rawValue))"
        case .ncrClosed(let e): return "\(e.number): dispositioned → closed"
        case .lotReceived(let e): return "lot \(e.material) \(e.lot): → " + (e.quarantined ? "quarantine" : "released")
        case .lotReleased(let e): return "lot \(e.material) \(e.lot): quarantine → released"
        case .lotRejected(let e): return "lot \(e.material) \(e.lot): → rejected"
        case .lotConsumed(let e): return "lot \(e.material) \(e.lot): used + \(Tolerance.format(e.qty))"
        case .lotSplit(let e): return "lot \(e.material) \(e.lot): given \(Tolerance.format(e.qty)) → lot \(e.into)"
        case .lotDerived(let e):
            return "lot \(e.material) \(e.lot): → " + (e.quarantined ? "quarantine" : "released") + " from "
                + e.from.map(\.lot).joined(separator: ", ")
        case .lotMeasured(let e): return "lot \(e.material) \(e.lot) \(e.characteristic): → \(e.value)"
        case .capaOpened(let e): return "\(e.number): → open"
        case .capaUpdated(let e): return "\(e.number): written" + (e.addNCRs.isEmpty ? "" : "; ncrs + \(e.addNCRs.joined(separator: ", "))")
        case .capaActionAdded(let e): return "\(e.number) actions: + \(e.action)"
        case .capaActionDone(let e): return "\(e.number) action \(e.action): open → done"
        case .capaEffectiveness(let e): return "\(e.number) effectiveness: → \(e.passed ? "passed" : "failed")"
        case .capaClosed(let e): return "\(e.number): open → closed"
        case .spcLimitsSet(let e):
            let l = e.limits
            return "\(e.chart) limits: → \(Tolerance.format(l.lower)) / \(Tolerance.format(l.center)) / \(Tolerance.format(l.upper))"
        case .spcAcknowledged(let e): return "\(e.chart) at \(e.station): signal → acknowledged"
        case .spcCleared(let e): return "\(e.chart) at \(e.station): signal → cleared"
        case .calibrated(let e): return "\(e.equipment) calibration: → " + (e.passed ? "due \(e.due.map(\.description) ?? "-")" : "failed")
        }
    }

    /// The meaning of the signed ones (`Signature.meaning(of:)`).
    public var signatureMeaning: String? {
        switch self {
        case .ncrDispositioned(let e): return "dispositioned (\(e.kind.rawValue), NCR)"
        case .ncrClosed: return "closed (NCR)"
        case .lotReleased: return "released (incoming inspection)"
        case .lotRejected: return "rejected (incoming inspection)"
        case .capaClosed: return "closed (CAPA)"
        case .spcLimitsSet: return "set (control limits)"
        case .spcCleared: return "cleared (SPC signal)"
        case .calibrated: return "calibrated (equipment)"
        default: return nil
        }
    }
    public static let signedTypes: Set<String> = [
        "ncr.dispositioned", "ncr.closed", "lot.released", "lot.rejected", "capa.closed", "spc.limits_set", "spc.cleared",
        "equipment.calibrated",
    ]
}

extension AggregateID {
    /// A nonconformance report: `ncr:NCR-261202-K07-3`.
    public static func ncr(_ number: String) -> AggregateID { AggregateID(rawValue: "ncr:" + number) }
}

/// A nonconformance found: where, what, how serious. The number is `NCRNumber`'s.
public struct NCRRaised: Codable, Equatable, Sendable {
    public var number: String
    public var defect: String
    public var severity: NCRSeverity
    public var source: NCRSource
    /// The travelers it concerns (containment of a lot names every open one that used it).
    public var serials: [String]
    public var part: String?
    public var workOrder: String?
    public var material: String?
    public var lot: String?
    public var supplier: String?
    public var step: String?
    public var station: String?
    public var characteristic: String?
    public var value: String?
    public var description: String
    public var containment: String
    public init(
        number: String, defect: String, severity: NCRSeverity, source: NCRSource, serials: [String] = [], part: String? = nil,
        workOrder: String? = nil, material: String? = nil, lot: String? = nil, supplier: String? = nil, step: String? = nil,
        station: String? = nil, characteristic: String? = nil, value: String? = nil, description: String, containment: String = ""
    ) {
        self.number = number; self.defect = defect; self.severity = severity; self.source = source; self.serials = serials
        self.part = part; self.workOrder = workOrder; self.material = material; self.lot = lot; self.supplier = supplier
        self.step = step; self.station = station; self.characteristic = characteristic; self.value = value
        self.description = description; self.containment = containment
    }
}

/// A change to an open NCR's classification or text (each field nil: unchanged).
public struct NCRUpdated: Codable, Equatable, Sendable {
    public var number: String
    public var defect: String?
    public var severity: NCRSeverity?
    public var containment: String?
    public var description: String?
    public init(number: String, defect: String? = nil, severity: NCRSeverity? = nil, containment: String? = nil, description: String? = nil) {
        self.number = number; self.defect = defect; self.severity = severity; self.containment = containment; self.description = description
    }
}

/// What is done with the nonconforming material (signed).
public struct NCRDispositioned: Codable, Equatable, Sendable {
    public var number: String
    public var kind: DispositionKind
    public var reference: String?
    public var note: String
    public init(number: String, kind: DispositionKind, reference: String? = nil, note: String = "") {
        self.number = number; self.kind = kind; self.reference = reference; self.note = note
    }
}

public struct NCRClosed: Codable, Equatable, Sendable {
    public var number: String
    public var note: String
    public init(number: String, note: String = "") { self.number = number; self.note = note }
}

/// A lot received into stock. With `quarantined`, it waits for incoming inspection.
public struct LotReceived: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var quantity: Double
    public var unit: String
    public var supplier: String
    /// The supplier's certificate of conformance reference.
    public var certificate: String?
    public var expiry: LocalDate?
    public var quarantined: Bool
    public init(
        material: String, lot: String, quantity: Double, unit: String, supplier: String, certificate: String? = nil, expiry: LocalDate? = nil,
        quarantined: Bool
    ) {
        self.material = material; self.lot = lot; self.quantity = quantity; self.unit = unit; self.supplier = supplier
        self.certificate = certificate; self.expiry = expiry; self.quarantined = quarantined
    }
}

/// A reading taken at incoming inspection, judged by the characteristic's limits.
public struct LotMeasured: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var characteristic: String
    public var value: MeasuredValue
    public var inTolerance: Bool
    public var gauge: String?
    public init(material: String, lot: String, characteristic: String, value: MeasuredValue, inTolerance: Bool, gauge: String? = nil) {
        self.material = material; self.lot = lot; self.characteristic = characteristic; self.value = value; self.inTolerance = inTolerance
        self.gauge = gauge
    }
}

/// Part of a lot given to another (`into`): a split's sub-lot, or a merged lot taking what is left.
public struct LotSplit: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var into: String
    public var qty: Double
    public init(material: String, lot: String, into: String, qty: Double) {
        self.material = material; self.lot = lot; self.into = into; self.qty = qty
    }
}

/// A lot made from others of the same material: what it took from each, and the receipt and
/// inspection status it keeps from them (the parents' history stays on their own pages).
public struct LotDerived: Codable, Equatable, Sendable {
    public struct Portion: Codable, Equatable, Sendable {
        public var lot: String
        public var qty: Double
        public init(lot: String, qty: Double) { self.lot = lot; self.qty = qty }
    }
    public var material: String
    public var lot: String
    public var from: [Portion]
    public var quantity: Double
    public var unit: String
    public var supplier: String
    public var certificate: String?
    public var expiry: LocalDate?
    public var quarantined: Bool
    public init(
        material: String, lot: String, from: [Portion], quantity: Double, unit: String, supplier: String, certificate: String?,
        expiry: LocalDate?, quarantined: Bool
    ) {
        self.material = material; self.lot = lot; self.from = from; self.quantity = quantity; self.unit = unit; self.supplier = supplier
        self.certificate = certificate; self.expiry = expiry; self.quarantined = quarantined
    }
}

/// Incoming inspection's verdict on a lot (signed): released for use, or rejected under an NCR.
public struct LotVerdict: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var note: String
    public var ncr: String?
    public init(material: String, lot: String, note: String = "", ncr: String? = nil) {
        self.material = material; self.lot = lot; self.note = note; self.ncr = ncr
    }
}

/// A lot used by a traveler at a step (with `material.consumed` on the part): it counts the lot down.
public struct LotConsumed: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var serial: String
    public var step: String
    public var qty: Double
    public init(material: String, lot: String, serial: String, step: String, qty: Double) {
        self.material = material; self.lot = lot; self.serial = serial; self.step = step; self.qty = qty
    }
}
