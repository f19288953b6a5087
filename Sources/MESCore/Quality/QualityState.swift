import Foundation

public enum NCRStatus: String, Codable, Sendable { case open, dispositioned, closed }

/// A nonconformance report folded from its `ncr.*` events in canonical order. Concurrent acts
/// made offline converge: the first raise, disposition and close (canonical order) stand; a later
/// one is listed as a conflict.
public struct NCRState: Codable, Equatable, Sendable {
    public var number: String
    public var raised: NCRRaised?
    public var raisedBy: String = ""
    public var raisedAt: Int64 = 0
    public var defect: String = ""
    public var severity: NCRSeverity = .minor
    public var description: String = ""
    public var containment: String = ""
    public var disposition: NCRDispositioned?
    public var dispositionBy: String?
    public var dispositionAt: Int64?
    public var closedBy: String?
    public var closedAt: Int64?
    public var closeNote: String?
    public var conflicts: [Conflict] = []

    public init(number: String) { self.number = number }

    public var status: NCRStatus { closedAt != nil ? .closed : disposition != nil ? .dispositioned : .open }
    public var isOpen: Bool { closedAt == nil }

    public mutating func apply(_ r: RecordedEvent) {
        guard case .quality(let q) = r.event else { return }
        func conflict(_ text: String) {
            conflicts.append(Conflict(event: r.id, aggregate: AggregateID.ncr(number).rawValue, at: r.millis, text: text))
        }
        switch q {
        case .ncrRaised(let e):
            guard raised == nil else { return conflict("raised again under the same number; the first stands") }
            raised = e; raisedBy = r.actor; raisedAt = r.millis
            defect = e.defect; severity = e.severity; description = e.description; containment = e.containment
        case .ncrUpdated(let e):
            guard closedAt == nil else { return conflict("changed after it was closed; the closed record stands") }
            if let d = e.defect { defect = d }
            if let s = e.severity { severity = s }
            if let c = e.containment { containment = c }
            if let d = e.description { description = d }
        case .ncrDispositioned(let e):
            guard disposition == nil, closedAt == nil else {
                return conflict("dispositioned \(e.kind.rawValue) by \(r.actor) as well; the first disposition stands")
            }
            disposition = e; dispositionBy = r.actor; dispositionAt = r.millis
        case .ncrClosed(let e):
            guard closedAt == nil else { return conflict("closed again by \(r.actor); the first close stands") }
            closedBy = r.actor; closedAt = r.millis; closeNote = e.note
        default:
            break
        }
    }
}

public enum LotStatus: String, Codable, Sendable {
    /// Received; waiting for incoming inspection.
    case quarantined
    /// Free to use (received without inspection, or released by it).
    case released
    case rejected
}

public struct LotReceipt: Codable, Equatable, Sendable {
    public var quantity: Double
    public var unit: String
    public var supplier: String
    public var certificate: String?
    public var expiry: LocalDate?
    public var by: String
    public var at: Int64
}

/// One reading of a lot at incoming inspection.
public struct LotReading: Codable, Equatable, Sendable {
    public var characteristic: String
    public var value: MeasuredValue
    public var inTolerance: Bool
    public var gauge: String?
    public var by: String
    public var at: Int64
}

/// One change of a lot's status, for its page (received, released, rejected, held, released from hold).
public struct LotStatusChange: Codable, Equatable, Sendable {
    public var at: Int64
    public var by: String
    public var what: String
}

/// A material lot: what was received, what incoming inspection decided, its holds, and how much
/// the stations used (`lot.consumed`; the travelers that used it are the `lot_uses` read model).
/// A lot used while it was on hold, quarantined or rejected (by a kiosk that had not heard yet)
/// is a conflict listed with it.
public struct LotState: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var holds: [OpenHold]
    public var receipt: LotReceipt?
    public var status: LotStatus?
    public var verdictBy: String?
    public var verdictNote: String?
    public var ncr: String?
    public var used: Double?
    public var uses: Int?
    public var history: [LotStatusChange]?
    public var conflicts: [Conflict]?
    /// Given to sub-lots or a merged lot (`lot.split`), and the lots given to, in order.
    public var given: Double?
    public var children: [String]?
    /// The lots this one was made from (`lot.derived`).
    public var parents: [String]?
    /// Readings taken at incoming inspection, in order.
    public var readings: [LotReading]?
    public init(material: String, lot: String) { self.material = material; self.lot = lot; holds = [] }

    /// Quantity left, when the lot was received with one.
    public var remaining: Double? { receipt.map { $0.quantity - (used ?? 0) - (given ?? 0) } }

    public mutating func apply(_ r: RecordedEvent) {
        func log(_ what: String) { history = (history ?? []) + [LotStatusChange(at: r.millis, by: r.actor, what: what)] }
        func conflict(_ text: String) {
            conflicts = (conflicts ?? []) + [Conflict(event: r.id, aggregate: AggregateID.lot(material, lot).rawValue, at: r.millis, text: text)]
        }
        /// Founds the lot's receipt (a receipt or a derivation), once: false when it had one already.
        func found(_ q: Double, _ unit: String, _ supplier: String, _ certificate: String?, _ expiry: LocalDate?, quarantined: Bool) -> Bool {
            guard receipt == nil else { return false }
            receipt = LotReceipt(quantity: q, unit: unit, supplier: supplier, certificate: certificate, expiry: expiry, by: r.actor, at: r.millis)
            if status == nil { status = quarantined ? .quarantined : .released }
            return true
        }
        switch r.event {
        case .lotHeld(let e):
            material = e.material; lot = e.lot
            if !holds.contains(where: { $0.id == e.hold }) {
                holds.append(OpenHold(id: e.hold, reason: e.reason, note: "", by: r.actor, at: r.millis))
                log("held (\(e.reason))")
            }
        case .lotHoldReleased(let e):
            let before = holds.count
            holds.removeAll { e.holds.contains($0.id) }
            if holds.count < before { log("hold released") }
        case .quality(.lotReceived(let e)):
            material = e.material; lot = e.lot
            guard receipt == nil else {
                return conflict("received again; the first receipt stands")
            }
            receipt = LotReceipt(
                quantity: e.quantity, unit: e.unit, supplier: e.supplier, certificate: e.certificate, expiry: e.expiry, by: r.actor, at: r.millis)
            if status == nil { status = e.quarantined ? .quarantined : .released }
            log(e.quarantined ? "received into quarantine" : "received")
        case .quality(.lotReleased(let e)):
            guard status != .rejected else {
                return conflict("released after it was rejected; the rejection stands")
            }
            status = .released; verdictBy = r.actor; verdictNote = e.note
            log("released by incoming inspection")
        case .quality(.lotRejected(let e)):
            status = .rejected; verdictBy = r.actor; verdictNote = e.note; ncr = e.ncr
            log("rejected by incoming inspection" + (e.ncr.map { " (\($0))" } ?? ""))
        case .quality(.lotSplit(let e)):
            material = e.material; lot = e.lot
            given = (given ?? 0) + e.qty
            if !(children ?? []).contains(e.into) { children = (children ?? []) + [e.into] }
            log("gave \(Tolerance.format(e.qty)) to lot \(e.into)")
        case .quality(.lotDerived(let e)):
            material = e.material; lot = e.lot
            guard receipt == nil else {
                return conflict("made again from \(e.from.map(\.lot).joined(separator: ", ")); the first stands")
            }
            receipt = LotReceipt(
                quantity: e.quantity, unit: e.unit, supplier: e.supplier, certificate: e.certificate, expiry: e.expiry, by: r.actor, at: r.millis)
            parents = e.from.map(\.lot)
            if status == nil { status = e.quarantined ? .quarantined : .released }
            log(
                (e.from.count == 1 ? "split from lot " : "merged from lots ")
                    + e.from.map { "\($0.lot) (\(Tolerance.format($0.qty)))" }.joined(separator: ", "))
        case .quality(.lotMeasured(let e)):
            material = e.material; lot = e.lot
            readings =
                (readings ?? []) + [
                    LotReading(
                        characteristic: e.characteristic, value: e.value, inTolerance: e.inTolerance, gauge: e.gauge, by: r.actor, at: r.millis)
                ]
        case .quality(.lotConsumed(let e)):
            material = e.material; lot = e.lot
            used = (used ?? 0) + e.qty; uses = (uses ?? 0) + 1
            let why = !holds.isEmpty ? "on hold" : status == .quarantined ? "in quarantine" : status == .rejected ? "rejected" : nil
            if let why {
                conflict("used by \(e.serial) at \(e.step) while \(why)")
            }
        default:
            break
        }
    }
}
