import Foundation

/// Register numbers that are unique across nodes without asking anyone, so an NCR raised at a
/// kiosk with the network down has its final number at once: `NCR-261202-K07-3` is the third
/// NCR node `K07` raised on 2 December 2026 (plant time). Sorted as text they sort by day; the
/// node id makes them unique (node ids are unique in a deployment); they are short enough to say
/// aloud when node ids are (the deployment guide asks for short node ids).
public enum NCRNumber {
    public static func prefix(_ kind: String = "NCR", on date: LocalDate, node: String) -> String {
        "\(kind)-" + String(format: "%02d%02d%02d", date.year % 100, date.month, date.day) + "-\(node)-"
    }
    public static func make(_ kind: String = "NCR", on date: LocalDate, node: String, n: Int) -> String {
        prefix(kind, on: date, node: node) + String(n)
    }
    /// The next number this node gives today: one more than the numbers with its prefix known here.
    public static func next(_ kind: String = "NCR", on date: LocalDate, node: String, state: StateReader, offset: Int = 0) throws -> String {
        make(kind, on: date, node: node, n: try state.registerCount(prefix: prefix(kind, on: date, node: node)) + 1 + offset)
    }
}

/// The quality registers' rules: who may do what to an NCR and when, and whether a lot may be used.
public enum QualityRules {
    /// The defect code `code` of the plant's list, or the refusal that names the list.
    public static func defect(_ code: String, plant: Plant) -> DefectCode? { plant.quality?.defects.first { $0.code == code } }

    /// The refusal of a defect code the plant does not list, naming the list.
    public static func unknownDefect(_ code: String, plant: Plant) -> RefusalReason {
        let list = plant.quality?.defects ?? []
        let known = list.isEmpty ? "the plant file lists none under quality.defects" : list.map(\.code).joined(separator: ", ")
        return RefusalReason(.unknownDefect, "no defect code \(code) (\(known))")
    }

    /// The defect a nonconformance raised by the rules gets: the plant's code of that name when it
    /// lists one (OOT, FPI, IQC, LOT), else the name itself as major (an inspector can reclassify).
    public static func automaticDefect(_ code: String, plant: Plant) -> DefectCode {
        defect(code, plant: plant) ?? DefectCode(code: code, label: code, severity: .major)
    }

    public static func requireOpen(_ ncr: NCRState) throws {
        if !ncr.isOpen { throw Refusal(.ncrClosed, "\(ncr.number) is closed") }
    }

    /// Why `person` may not disposition `ncr` now (nil: they may).
    public static func dispositionRefusal(_ ncr: NCRState, kind: DispositionKind, reference: String?, by person: Person) -> Refusal? {
        var r: [RefusalReason] = []
        if person.role < .inspector {
            r.append(RefusalReason(.insufficientRole, "\(person.name) (\(person.role.label)) may not disposition an NCR: it needs an inspector"))
        }
        if !ncr.isOpen { r.append(RefusalReason(.ncrClosed, "\(ncr.number) is closed")) }
        if let d = ncr.disposition {
            r.append(RefusalReason(.ncrDispositioned, "\(ncr.number) was dispositioned \(d.kind.rawValue) by \(ncr.dispositionBy ?? "?") already"))
        }
        if kind.needsReference, (reference ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            r.append(RefusalReason(.needsReference, "\(kind.rawValue) needs a customer or engineering reference"))
        }
        return r.isEmpty ? nil : Refusal(r)
    }

    /// Why `ncr` may not close now: it needs a disposition, and a critical or major one its
    /// containment written; an inspector closes it.
    public static func closeRefusal(_ ncr: NCRState, by person: Person) -> Refusal? {
        var r: [RefusalReason] = []
        if person.role < .inspector {
            r.append(RefusalReason(.insufficientRole, "\(person.name) (\(person.role.label)) may not close an NCR: it needs an inspector"))
        }
        if !ncr.isOpen { r.append(RefusalReason(.ncrClosed, "\(ncr.number) is closed already")) }
        if ncr.disposition == nil { r.append(RefusalReason(.ncrNotDispositioned, "\(ncr.number) has no disposition yet")) }
        if ncr.severity.needsContainment, ncr.containment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            r.append(RefusalReason(.needsContainment, "\(ncr.number) is \(ncr.severity.rawValue): write its containment before it closes"))
        }
        return r.isEmpty ? nil : Refusal(r)
    }

    /// Why a lot may not be used at a station today (nil: it may), most serious first: on hold,
    /// rejected, in quarantine, expired (by the label or the receipt), used up, or, where the
    /// plant uses only received lots, never received.
    public static func lotRefusal(
        material: String, lot: String, state: LotState?, labelExpiry: LocalDate?, needs qty: Double, requireReceipt: Bool, today: LocalDate
    ) -> RefusalReason? {
        let name = "lot \(lot) of \(material)"
        if let s = state, !s.holds.isEmpty {
            return RefusalReason(.lotOnHold, "\(name) is on hold (\(s.holds.map(\.reason).joined(separator: ", ")))")
        }
        switch state?.status {
        case .rejected?: return RefusalReason(.lotRejected, "\(name) was rejected at incoming inspection" + (state?.ncr.map { " (\($0))" } ?? ""))
        case .quarantined?: return RefusalReason(.lotQuarantined, "\(name) is in quarantine until incoming inspection releases it")
        default: break
        }
        if let expiry = labelExpiry ?? state?.receipt?.expiry, expiry < today {
            return RefusalReason(.lotExpired, "\(name) expired on \(expiry)")
        }
        if let left = state?.remaining, left < qty || left <= 0 {
            return RefusalReason(.lotUsedUp, "\(name) is used up (\(Tolerance.format(max(left, 0))) left, the step uses \(Tolerance.format(qty)))")
        }
        if requireReceipt, state?.receipt == nil {
            return RefusalReason(.lotNotReceived, "\(name) was never received: receive it first (floor lots receive)")
        }
        return nil
    }

    /// The status a person reads for a lot, in words.
    public static func statusText(_ l: LotState, today: LocalDate) -> String {
        if !l.holds.isEmpty { return "on hold" }
        if l.status == .rejected { return "rejected" }
        if l.status == .quarantined { return "quarantine" }
        if let e = l.receipt?.expiry, e < today { return "expired" }
        if let left = l.remaining, left <= 0 { return "used up" }
        return l.receipt == nil ? "not received" : "released"
    }
}
