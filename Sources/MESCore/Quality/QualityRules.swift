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

/// Sampling at incoming inspection: what a quarantined lot still lacks before release.
extension QualityRules {
    /// Why `l` may not be released yet by its material's inspection plan: a characteristic with
    /// fewer readings than the sample, or a reading out of tolerance (then the lot is rejected).
    /// Each inspection characteristic of `m` with the readings `l` has of it and the readings
    /// it needs (empty: the material has no plan).
    public static func inspectionProgress(_ l: LotState, material m: Material) -> [(characteristic: String, have: Int, need: Int)] {
        let need = max(1, m.inspectionSample ?? 1)
        return (m.inspection ?? []).map { c in (c.id, (l.readings ?? []).filter { $0.characteristic == c.id }.count, need) }
    }

    /// Whether a lot of `m` with `status` waits for readings at incoming inspection: in quarantine,
    /// its material having characteristics to measure.
    public static func awaitsInspection(_ status: LotStatus?, material m: Material) -> Bool {
        status == .quarantined && !(m.inspection ?? []).isEmpty
    }

    /// A lot past its expiry on `today` is not received (its last day still is a day of use).
    public static func expiredAtReceipt(_ expiry: LocalDate?, today: LocalDate) -> Bool { expiry.map { $0 < today } ?? false }

    public static func inspectionRefusal(_ l: LotState, material m: Material) -> Refusal? {
        let progress = inspectionProgress(l, material: m)
        guard !progress.isEmpty else { return nil }
        let readings = l.readings ?? []
        var r: [RefusalReason] = []
        let out = readings.filter { !$0.inTolerance }
        if !out.isEmpty {
            r.append(
                RefusalReason(
                    .inspectionFailed,
                    "incoming inspection found " + out.map { "\($0.characteristic) = \($0.value)" }.joined(separator: ", ")
                        + " out of tolerance: reject the lot"))
        }
        let short = progress.filter { $0.have < $0.need }.map { "\($0.characteristic) (\($0.have) of \($0.need))" }
        if !short.isEmpty {
            r.append(RefusalReason(.inspectionIncomplete, "incoming inspection still needs readings of " + short.joined(separator: ", ")))
        }
        return r.isEmpty ? nil : Refusal(r)
    }
}

/// Lot split and merge: what makes a sub-lot or a merged lot refused.
extension QualityRules {
    /// Why a new lot may not be called `into` (`existing`: what is known of that number already).
    /// Why `lot` cannot be a lot number: empty, or with a control character (a receipt, a lot
    /// file's row, a sub-lot or a merged lot all ask this).
    public static func lotNumberRefusal(_ lot: String) -> RefusalReason? {
        if lot.trimmingCharacters(in: .whitespaces).isEmpty { return RefusalReason(.badCode, "a lot needs its number") }
        if lot.unicodeScalars.contains(where: Sanitize.isControl) {
            return RefusalReason(.badCode, "lot number \"\(Sanitize.line(lot))\" holds a control character")
        }
        return nil
    }

    static func newLotRefusal(_ into: String, material: String, existing: LotState?) -> RefusalReason? {
        if let why = lotNumberRefusal(into) { return why }
        if existing?.receipt != nil || existing?.uses != nil {
            return RefusalReason(.lotAlreadyReceived, "lot \(into) of \(material) exists already: give the new lot a number of its own")
        }
        return nil
    }

    /// Why `l` cannot give to another lot now (a held or rejected lot stays whole where it is).
    static func sourceRefusal(_ l: LotState) -> RefusalReason? {
        if !l.holds.isEmpty { return RefusalReason(.lotOnHold, "lot \(l.lot) of \(l.material) is on hold: release it first") }
        if l.status == .rejected { return RefusalReason(.lotRejected, "lot \(l.lot) of \(l.material) was rejected at incoming inspection") }
        return nil
    }

    public static func splitRefusal(_ l: LotState, into: String, quantity: Double, existing: LotState?) -> Refusal? {
        var r: [RefusalReason] = []
        if into == l.lot { r.append(RefusalReason(.badCode, "a sub-lot needs a number other than its parent's")) }
        if let why = newLotRefusal(into, material: l.material, existing: existing) { r.append(why) }
        if let why = sourceRefusal(l) { r.append(why) }
        let left = l.remaining ?? 0
        if !(quantity > 0) || !quantity.isFinite {
            r.append(RefusalReason(.badCount, "a split takes a quantity greater than 0"))
        } else if quantity > left {
            r.append(
                RefusalReason(
                    .lotUsedUp, "lot \(l.lot) has \(Tolerance.format(left)) \(l.receipt?.unit ?? "") left, less than \(Tolerance.format(quantity))"))
        }
        return r.isEmpty ? nil : Refusal(r)
    }

    /// A merge takes two lots or more with something left, of one supplier and one inspection
    /// status (a quarantined lot is not released by being merged into a released one).
    public static func mergeRefusal(_ lots: [LotState], into: String, existing: LotState?) -> Refusal? {
        var r: [RefusalReason] = []
        if Set(lots.map(\.lot)).count < 2 || Set(lots.map(\.lot)).count < lots.count {
            r.append(RefusalReason(.badCode, "a merge takes two different lots or more"))
        }
        if let first = lots.first, let why = newLotRefusal(into, material: first.material, existing: existing) { r.append(why) }
        for l in lots {
            if let why = sourceRefusal(l) { r.append(why) }
            if (l.remaining ?? 0) <= 0 { r.append(RefusalReason(.lotUsedUp, "lot \(l.lot) has nothing left to merge")) }
        }
        if Set(lots.compactMap { $0.receipt?.supplier }).count > 1 {
            r.append(RefusalReason(.badCode, "lots of different suppliers are not merged: the trace to each supplier would be lost"))
        }
        if Set(lots.map { $0.status == .quarantined }).count > 1 {
            r.append(RefusalReason(.lotQuarantined, "a lot in quarantine is merged only with lots in quarantine"))
        }
        return r.isEmpty ? nil : Refusal(r)
    }
}

/// What the console's NCR view is narrowed to: `part:`, `wc:` (work center), `defect:`,
/// `sev:` (severity), `supplier:` and `lot:` terms, and free words matched against the number
/// and description (case-insensitive). Every term must match.
public struct NCRViewFilter: Equatable, Sendable {
    public var part: String?
    public var workCenter: String?
    public var defect: String?
    public var severity: NCRSeverity?
    public var supplier: String?
    public var lot: String?
    public var words: [String] = []

    public init() {}

    /// The filter a person typed, or why it cannot be one (an unknown key, a bad severity).
    public static func parse(_ text: String) -> Result<NCRViewFilter, Refusal> {
        var f = NCRViewFilter()
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            guard let colon = token.firstIndex(of: ":"), colon != token.startIndex else { f.words.append(token.lowercased()); continue }
            let key = token[..<colon].lowercased(), value = String(token[token.index(after: colon)...])
            guard !value.isEmpty else { return .failure(Refusal(.badCode, "\(key): needs a value")) }
            switch key {
            case "part": f.part = value
            case "wc", "work-center", "work_center": f.workCenter = value
            case "defect": f.defect = value
            case "supplier": f.supplier = value.lowercased()
            case "lot": f.lot = value
            case "sev", "severity":
                guard let s = NCRSeverity(rawValue: value.lowercased()) else {
                    return .failure(
                        Refusal(.badCode, "sev:\(value) is not a severity (\(NCRSeverity.allCases.map(\.rawValue).joined(separator: ", ")))"))
                }
                f.severity = s
            default:
                return .failure(Refusal(.badCode, "\(key): is not a filter (part: wc: defect: sev: supplier: lot:, or words)"))
            }
        }
        return .success(f)
    }

    public var isEmpty: Bool { self == NCRViewFilter() }

    /// Whether `ncr`, found at `workCenter` (the work center of its step or station), passes.
    public func matches(_ ncr: NCRState, workCenter wc: String?) -> Bool {
        let r = ncr.raised
        if let part, r?.part != part { return false }
        if let workCenter, wc != workCenter { return false }
        if let defect, ncr.defect != defect { return false }
        if let severity, ncr.severity != severity { return false }
        if let supplier, !(r?.supplier?.lowercased().contains(supplier) ?? false) { return false }
        if let lot, r?.lot != lot { return false }
        let text = (ncr.number + " " + ncr.description).lowercased()
        return words.allSatisfy { text.contains($0) }
    }

    /// The filter as typed back (for the screen's summary).
    public var text: String {
        var t: [String] = []
        if let part { t.append("part:" + part) }
        if let workCenter { t.append("wc:" + workCenter) }
        if let defect { t.append("defect:" + defect) }
        if let severity { t.append("sev:" + severity.rawValue) }
        if let supplier { t.append("supplier:" + supplier) }
        if let lot { t.append("lot:" + lot) }
        return (t + words).joined(separator: " ")
    }
}
