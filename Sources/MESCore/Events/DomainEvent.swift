import Foundation

/// The shop-floor vocabulary. Each case carries a payload struct; `type` and `version` name it in
/// the log. An event of a type or version this build does not know decodes as `.unknown`: it is
/// stored, flagged and passed on, never dropped and never blocking.
public enum DomainEvent: Equatable, Sendable {
    // Master data
    case plantLoaded(PlantLoaded)
    case workOrderReleased(WorkOrderReleased)
    case workOrderHeld(WorkOrderHeld)
    case workOrderHoldReleased(HoldReleased)
    case workOrderCancelled(WorkOrderCancelled)
    case workOrderPriority(WorkOrderPriority)
    // Part travel
    case stepStarted(StepStarted)
    case stepPaused(StepPaused)
    case stepResumed(StepResumed)
    case stepCompleted(StepCompleted)
    case stepUndone(StepUndone)
    case measurementRecorded(MeasurementRecorded)
    case materialConsumed(MaterialConsumed)
    case partHeld(PartHeld)
    case partHoldReleased(HoldReleased)
    case dispositionDecided(DispositionDecided)
    case scrapRecorded(ScrapRecorded)
    // First piece
    case fpiDesignated(FPIDesignated)
    case fpiPassed(FPIVerdictEvent)
    case fpiFailed(FPIVerdictEvent)
    case fpiWaived(FPIVerdictEvent)
    // Overrides
    case overrideRequested(OverrideRequested)
    case overrideApproved(OverrideApproved)
    case overrideUsed(OverrideUsed)
    // Machines
    case downtimeStarted(DowntimeStarted)
    case downtimeEnded(DowntimeEnded)
    // Lots
    case lotHeld(LotHeld)
    case lotHoldReleased(HoldReleased)
    // Anything
    case noteAdded(NoteAdded)

    case andonCalled(AndonCalled)
    case andonAcknowledged(AndonAnswered)
    case andonCleared(AndonAnswered)
    // Signing (a person's aggregate): the secret's hash, wrong secrets, the lock.
    case signingSecretSet(SigningSecretSet)
    case signatureFailed(SigningAttempt)
    case signatureAccepted(SigningAttempt)
    case signingLocked(SigningPerson)
    case signingUnlocked(SigningPerson)
    /// A person's skill certified or withdrawn at the console (signed), on top of the plant file.
    case qualificationGranted(QualificationGranted)
    case qualificationRevoked(QualificationRevoked)
    /// An electronic signature: who, when, what it means, and the hashes of the records it signs.
    /// It sits on the aggregate of the records it signs, right after them.
    case signatureApplied(SignatureApplied)
    /// A routing version approved for release under the plant's change control (signed).
    case routingApproved(RoutingApproved)
    /// The quality registers: nonconformance reports and received lots (`QualityEvent`).
    case quality(QualityEvent)
    case unknown(type: String, version: Int, payload: String)

    /// Stable name in the log.
    public var type: String {
        switch self {
        case .plantLoaded: return "plant.loaded"
        case .workOrderReleased: return "wo.released"
        case .workOrderHeld: return "wo.held"
        case .workOrderHoldReleased: return "wo.hold_released"
        case .workOrderCancelled: return "wo.cancelled"
        case .workOrderPriority: return "wo.priority"
        case .stepStarted: return "step.started"
        case .stepPaused: return "step.paused"
        case .stepResumed: return "step.resumed"
        case .stepCompleted: return "step.completed"
        case .stepUndone: return "step.undone"
        case .measurementRecorded: return "measurement.recorded"
        case .materialConsumed: return "material.consumed"
        case .partHeld: return "part.held"
        case .partHoldReleased: return "part.hold_released"
        case .dispositionDecided: return "disposition.decided"
        case .scrapRecorded: return "scrap.recorded"
        case .fpiDesignated: return "fpi.designated"
        case .fpiPassed: return "fpi.passed"
        case .fpiFailed: return "fpi.failed"
        case .fpiWaived: return "fpi.waived"
        case .overrideRequested: return "override.requested"
        case .overrideApproved: return "override.approved"
        case .overrideUsed: return "override.used"
        case .downtimeStarted: return "downtime.started"
        case .downtimeEnded: return "downtime.ended"
        case .lotHeld: return "lot.held"
        case .lotHoldReleased: return "lot.hold_released"
        case .noteAdded: return "note.added"
        case .andonCalled: return "andon.called"
        case .andonAcknowledged: return "andon.acknowledged"
        case .andonCleared: return "andon.cleared"
        case .signingSecretSet: return "signing.secret_set"
        case .signatureFailed: return "signing.failed"
        case .signatureAccepted: return "signing.accepted"
        case .signingLocked: return "signing.locked"
        case .signingUnlocked: return "signing.unlocked"
        case .qualificationGranted: return "qualification.granted"
        case .qualificationRevoked: return "qualification.revoked"
        case .signatureApplied: return "signature.applied"
        case .routingApproved: return "routing.approved"
        case .quality(let q): return q.type
        case .unknown(let t, _, _): return t
        }
    }

    public var version: Int {
        if case .unknown(_, let v, _) = self { return v }
        return 1
    }

    /// The aggregate the event is folded into.
    public var aggregate: AggregateID {
        switch self {
        case .plantLoaded: return .plant
        case .workOrderReleased(let e): return .workOrder(e.order.number)
        case .workOrderHeld(let e): return .workOrder(e.workOrder)
        case .workOrderHoldReleased(let e): return .workOrder(e.subject)
        case .workOrderCancelled(let e): return .workOrder(e.workOrder)
        case .workOrderPriority(let e): return .workOrder(e.workOrder)
        case .stepStarted(let e): return .part(e.serial)
        case .stepPaused(let e): return .part(e.serial)
        case .stepResumed(let e): return .part(e.serial)
        case .stepCompleted(let e): return .part(e.serial)
        case .stepUndone(let e): return .part(e.serial)
        case .measurementRecorded(let e): return .part(e.serial)
        case .materialConsumed(let e): return .part(e.serial)
        case .partHeld(let e): return .part(e.serial)
        case .partHoldReleased(let e): return .part(e.subject)
        case .dispositionDecided(let e): return .part(e.serial)
        case .scrapRecorded(let e): return .part(e.serial)
        case .fpiDesignated(let e): return .fpi(e.key)
        case .fpiPassed(let e), .fpiFailed(let e), .fpiWaived(let e): return .fpi(e.key)
        case .overrideRequested(let e): return .part(e.serial)
        case .overrideApproved(let e): return .part(e.serial)
        case .overrideUsed(let e): return .part(e.serial)
        case .downtimeStarted(let e): return .machine(e.machine)
        case .downtimeEnded(let e): return .machine(e.machine)
        case .lotHeld(let e): return .lot(e.material, e.lot)
        case .lotHoldReleased(let e): return .lotKey(e.subject)
        case .noteAdded(let e): return AggregateID(rawValue: e.aggregate)
        case .andonCalled(let e): return .andon(e.station)
        case .andonAcknowledged(let e), .andonCleared(let e): return .andon(e.station)
        case .signingSecretSet(let e): return .person(e.badge)
        case .signatureFailed(let e), .signatureAccepted(let e): return .person(e.badge)
        case .signingLocked(let e), .signingUnlocked(let e): return .person(e.badge)
        case .qualificationGranted(let e): return .person(e.badge)
        case .qualificationRevoked(let e): return .person(e.badge)
        case .signatureApplied(let e): return AggregateID(rawValue: e.aggregate)
        case .routingApproved(let e): return .routing(e.routing, e.version)
        case .quality(let q): return q.aggregate
        case .unknown: return .unknown
        }
    }
}

/// What an event is about, as the string stored in the log.
public struct AggregateID: Hashable, Sendable, CustomStringConvertible, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let plant = AggregateID(rawValue: "plant")
    public static let unknown = AggregateID(rawValue: "unknown")
    public static func part(_ serial: String) -> AggregateID { AggregateID(rawValue: "part:" + serial) }
    public static func workOrder(_ n: String) -> AggregateID { AggregateID(rawValue: "wo:" + n) }
    public static func machine(_ id: String) -> AggregateID { AggregateID(rawValue: "machine:" + id) }
    public static func fpi(_ key: FPIKey) -> AggregateID { AggregateID(rawValue: "fpi:" + key.rawValue) }
    public static func lot(_ material: String, _ lot: String) -> AggregateID { AggregateID(rawValue: "lot:" + material + ":" + lot) }
    public static func lotKey(_ key: String) -> AggregateID { AggregateID(rawValue: "lot:" + key) }
    /// A station's andon light (one open call at a time).
    public static func andon(_ station: String) -> AggregateID { AggregateID(rawValue: "andon:" + station) }
    /// A person's signing: their secret's hash, wrong secrets, the lock.
    public static func person(_ badge: String) -> AggregateID { AggregateID(rawValue: "person:" + badge) }
    /// A routing version's approval: `routing:ID@VERSION`.
    public static func routing(_ id: String, _ version: Int) -> AggregateID { AggregateID(rawValue: "routing:\(id)@\(version)") }
    public var kind: Substring { rawValue.prefix { $0 != ":" } }
    /// The id after `kind:`.
    public var key: String {
        guard let i = rawValue.firstIndex(of: ":") else { return "" }
        return String(rawValue[rawValue.index(after: i)...])
    }
    public var description: String { rawValue }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }
}

// MARK: - Payloads

public struct PlantLoaded: Codable, Equatable, Sendable {
    public var plant: Plant
    public init(plant: Plant) { self.plant = plant }
}

public struct WorkOrderReleased: Codable, Equatable, Sendable {
    public var order: WorkOrderSpec
    public var routing: String
    public var routingVersion: Int
    public var serials: [String]
    public init(order: WorkOrderSpec, routing: String, routingVersion: Int, serials: [String]) {
        self.order = order; self.routing = routing; self.routingVersion = routingVersion; self.serials = serials
    }
}

public struct WorkOrderHeld: Codable, Equatable, Sendable {
    public var workOrder: String
    public var hold: String
    public var reason: String
    public var note: String
    public init(workOrder: String, hold: String, reason: String, note: String = "") {
        self.workOrder = workOrder; self.hold = hold; self.reason = reason; self.note = note
    }
}

/// Releases exactly the holds it names (observed-remove): a hold placed elsewhere meanwhile survives.
public struct HoldReleased: Codable, Equatable, Sendable {
    /// Serial, work-order number or `material:lot`, per the event type.
    public var subject: String
    public var holds: [String]
    public var note: String
    public init(subject: String, holds: [String], note: String = "") { self.subject = subject; self.holds = holds; self.note = note }
}

public struct WorkOrderCancelled: Codable, Equatable, Sendable {
    public var workOrder: String
    public var reason: String
    public init(workOrder: String, reason: String) { self.workOrder = workOrder; self.reason = reason }
}

public struct WorkOrderPriority: Codable, Equatable, Sendable {
    public var workOrder: String
    public var priority: Priority
    public init(workOrder: String, priority: Priority) { self.workOrder = workOrder; self.priority = priority }
}

public struct StepStarted: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    public var station: String
    /// The machine the step runs on, if the station has one.
    public var equipment: String?
    public var fpiKey: FPIKey?
    /// Overrides consumed by this start.
    public var overrides: [String]
    public init(serial: String, step: String, station: String, equipment: String? = nil, fpiKey: FPIKey? = nil, overrides: [String] = []) {
        self.serial = serial; self.step = step; self.station = station; self.equipment = equipment
        self.fpiKey = fpiKey; self.overrides = overrides
    }
}

public struct StepPaused: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    public var reason: String
    public init(serial: String, step: String, reason: String = "") { self.serial = serial; self.step = step; self.reason = reason }
}

public struct StepResumed: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    public var station: String
    public init(serial: String, step: String, station: String) { self.serial = serial; self.step = step; self.station = station }
}

public struct StepCompleted: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    public var station: String
    /// Good pieces passed on (1 for a serial traveler).
    public var good: Int
    /// Pieces scrapped at this step (batch travelers).
    public var scrap: Int
    public var scrapReason: String?
    /// The inspector whose badge signed the step off, for `signoff` steps.
    public var signoffBy: String?
    /// Where the part goes next, decided by the routing at completion (nil: the part is done).
    public var next: String?
    public init(
        serial: String, step: String, station: String, good: Int = 1, scrap: Int = 0, scrapReason: String? = nil,
        signoffBy: String? = nil, next: String?
    ) {
        self.serial = serial; self.step = step; self.station = station; self.good = good; self.scrap = scrap
        self.scrapReason = scrapReason; self.signoffBy = signoffBy; self.next = next
    }
}

public struct StepUndone: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    /// The completion being undone.
    public var completion: EventID
    /// The supervisor who approved it, when the undo needed approval.
    public var approvedBy: String?
    public var reason: String
    public init(serial: String, step: String, completion: EventID, approvedBy: String? = nil, reason: String = "") {
        self.serial = serial; self.step = step; self.completion = completion; self.approvedBy = approvedBy; self.reason = reason
    }
}

public enum MeasuredValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case number(Double)
    case passFail(Bool)
    public var description: String {
        switch self {
        case .number(let v): return Tolerance.format(v)
        case .passFail(let p): return p ? "PASS" : "FAIL"
        }
    }

    /// In the log: a JSON number for a variable, true/false for a pass/fail check. Stores written
    /// by early development builds hold Swift's synthesized form (`{"number":{"_0":3.5}}`); it is
    /// still read, so no store ever becomes unreadable.
    public init(from decoder: Decoder) throws {
        if let c = try? decoder.singleValueContainer() {
            if let b = try? c.decode(Bool.self) { self = .passFail(b); return }
            if let v = try? c.decode(Double.self) { self = .number(v); return }
        }
        let legacy = try decoder.container(keyedBy: LegacyKey.self)
        if let n = try legacy.decodeIfPresent([String: Double].self, forKey: .number), let v = n["_0"] { self = .number(v); return }
        if let p = try legacy.decodeIfPresent([String: Bool].self, forKey: .passFail), let b = p["_0"] { self = .passFail(b); return }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a measured value"))
    }
    private enum LegacyKey: String, CodingKey { case number, passFail }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let v): try c.encode(v)
        case .passFail(let p): try c.encode(p)
        }
    }
}

public struct MeasurementRecorded: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    public var characteristic: String
    public var value: MeasuredValue
    /// The verdict at the time of recording (derived from the plant's limits, kept for the record).
    public var inTolerance: Bool
    public var gauge: String?
    public var station: String
    public init(serial: String, step: String, characteristic: String, value: MeasuredValue, inTolerance: Bool, gauge: String? = nil, station: String)
    {
        self.serial = serial; self.step = step; self.characteristic = characteristic; self.value = value
        self.inTolerance = inTolerance; self.gauge = gauge; self.station = station
    }
}

public struct MaterialConsumed: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    public var material: String
    public var lot: String
    public var qty: Double
    public var expiry: LocalDate?
    public init(serial: String, step: String, material: String, lot: String, qty: Double, expiry: LocalDate? = nil) {
        self.serial = serial; self.step = step; self.material = material; self.lot = lot; self.qty = qty; self.expiry = expiry
    }
}

public struct PartHeld: Codable, Equatable, Sendable {
    public var serial: String
    /// Unique id of this hold (its release names it).
    public var hold: String
    public var reason: String
    public var note: String
    public var step: String?
    /// Nonconformance record number, for OOT and FPI holds.
    public var ncr: String?
    public init(serial: String, hold: String, reason: String, note: String = "", step: String? = nil, ncr: String? = nil) {
        self.serial = serial; self.hold = hold; self.reason = reason; self.note = note; self.step = step; self.ncr = ncr
    }
}

public enum DispositionKind: String, Codable, CaseIterable, Sendable {
    case useAsIs = "use_as_is", rework, repair, scrap, returnToSupplier = "return_to_supplier"
    /// Use as is and repair need a customer or engineering reference.
    public var needsReference: Bool { self == .useAsIs || self == .repair }
}

public struct DispositionDecided: Codable, Equatable, Sendable {
    public var serial: String
    /// The holds this disposition closes (and releases).
    public var holds: [String]
    public var kind: DispositionKind
    public var reworkStep: String?
    public var reference: String?
    public var scrapReason: String?
    public var note: String
    public init(
        serial: String, holds: [String], kind: DispositionKind, reworkStep: String? = nil, reference: String? = nil, scrapReason: String? = nil,
        note: String = ""
    ) {
        self.serial = serial; self.holds = holds; self.kind = kind; self.reworkStep = reworkStep
        self.reference = reference; self.scrapReason = scrapReason; self.note = note
    }
}

public struct ScrapRecorded: Codable, Equatable, Sendable {
    public var serial: String
    public var step: String
    /// Pieces scrapped; for a serial traveler, 1 and the traveler is scrapped.
    public var count: Int
    public var reason: String
    public var station: String
    public init(serial: String, step: String, count: Int, reason: String, station: String) {
        self.serial = serial; self.step = step; self.count = count; self.reason = reason; self.station = station
    }
}

public struct FPIDesignated: Codable, Equatable, Sendable {
    public var key: FPIKey
    public var serial: String
    public init(key: FPIKey, serial: String) { self.key = key; self.serial = serial }
}

public struct FPIVerdictEvent: Codable, Equatable, Sendable {
    public var key: FPIKey
    public var serial: String
    public var reason: String
    public init(key: FPIKey, serial: String, reason: String = "") { self.key = key; self.serial = serial; self.reason = reason }
}

public struct OverrideRequested: Codable, Equatable, Sendable {
    public var id: String
    public var serial: String
    public var step: String
    public var blocker: BlockerKind
    public var reason: String
    public init(id: String, serial: String, step: String, blocker: BlockerKind, reason: String) {
        self.id = id; self.serial = serial; self.step = step; self.blocker = blocker; self.reason = reason
    }
}

public struct OverrideApproved: Codable, Equatable, Sendable {
    public var id: String
    public var serial: String
    /// Milliseconds since 1970; the override cannot be used after this.
    public var expiresAt: Int64
    public init(id: String, serial: String, expiresAt: Int64) { self.id = id; self.serial = serial; self.expiresAt = expiresAt }
}

public struct OverrideUsed: Codable, Equatable, Sendable {
    public var id: String
    public var serial: String
    public init(id: String, serial: String) { self.id = id; self.serial = serial }
}

public struct DowntimeStarted: Codable, Equatable, Sendable {
    /// An equipment id, or a station id for a station without a machine.
    public var machine: String
    public var reason: String
    public var station: String
    public init(machine: String, reason: String, station: String) { self.machine = machine; self.reason = reason; self.station = station }
}

public struct DowntimeEnded: Codable, Equatable, Sendable {
    public var machine: String
    public var station: String
    public init(machine: String, station: String) { self.machine = machine; self.station = station }
}

public struct LotHeld: Codable, Equatable, Sendable {
    public var material: String
    public var lot: String
    public var hold: String
    public var reason: String
    public init(material: String, lot: String, hold: String, reason: String) {
        self.material = material; self.lot = lot; self.hold = hold; self.reason = reason
    }
}

public struct NoteAdded: Codable, Equatable, Sendable {
    public var aggregate: String
    public var text: String
    public init(aggregate: String, text: String) { self.aggregate = aggregate; self.text = text }
}

/// The kinds of andon call a station can make (the light and the person it summons).
public enum AndonKind: String, Codable, CaseIterable, Sendable {
    case help, quality, maintenance, material
    public var label: String {
        switch self {
        case .help: return "supervisor needed"
        case .quality: return "quality problem"
        case .maintenance: return "maintenance needed"
        case .material: return "material needed"
        }
    }
}

public struct AndonCalled: Codable, Equatable, Sendable {
    public var id: String
    public var station: String
    /// An `AndonKind` raw value (kept as text so a newer kind passes through an older node).
    public var kind: String
    public var note: String
    public init(id: String, station: String, kind: String, note: String = "") {
        self.id = id; self.station = station; self.kind = kind; self.note = note
    }
}

/// Acknowledges or clears the call `id` at `station`.
public struct AndonAnswered: Codable, Equatable, Sendable {
    public var id: String
    public var station: String
    public init(id: String, station: String) { self.id = id; self.station = station }
}

/// A person's signing secret, set by them or reset by a supervisor (the event's actor says who).
/// Only a salted, memory-hard hash is recorded (`hash`, in the PHC string format); the secret
/// itself never reaches the log (`docs/signatures.md`).
public struct SigningSecretSet: Codable, Equatable, Sendable {
    public var badge: String
    public var hash: String
    /// Set by a supervisor for someone else: the person must choose their own at next use.
    public var mustChange: Bool
    public init(badge: String, hash: String, mustChange: Bool) { self.badge = badge; self.hash = hash; self.mustChange = mustChange }
}

/// A skill certified for a person until a date, by the event's actor (a supervisor, signed).
public struct QualificationGranted: Codable, Equatable, Sendable {
    public var badge: String
    public var qualification: Qualification
    public init(badge: String, qualification: Qualification) { self.badge = badge; self.qualification = qualification }
}

/// A skill withdrawn from a person (from the plant file's list too), with the reason.
public struct QualificationRevoked: Codable, Equatable, Sendable {
    public var badge: String
    public var skill: String
    public var reason: String
    public init(badge: String, skill: String, reason: String) { self.badge = badge; self.skill = skill; self.reason = reason }
}

/// A signature attempt at a station: a wrong secret (`signing.failed`), or a right one after
/// wrong ones (`signing.accepted`, which ends the run of wrong secrets).
public struct SigningAttempt: Codable, Equatable, Sendable {
    public var badge: String
    public var station: String
    public init(badge: String, station: String) { self.badge = badge; self.station = station }
}

/// One record a signature covers: the event (`node/epoch/seq`), its type, and the SHA-256 of its
/// canonical text (the checksum the log keeps for it, which covers every field: actor, aggregate,
/// time, payload). A signature copied onto another record names an event whose hash differs.
public struct SignedRecord: Codable, Equatable, Sendable {
    public var event: String
    public var type: String
    public var hash: String
    public init(event: String, type: String, hash: String) { self.event = event; self.type = type; self.hash = hash }
}

/// The manifestation of an electronic signature (21 CFR Part 11 §11.50) and its link to the
/// records it signs (§11.70): the signer's printed name and badge, when (local time with its
/// offset, and the plant's zone), what the signature means, how the signer was identified, and
/// the records. The event's own checksum (and the chain after it) protects these fields.
public struct SignatureApplied: Codable, Equatable, Sendable {
    /// The aggregate of the records (the signature sits with them).
    public var aggregate: String
    public var badge: String
    public var name: String
    /// approved, rejected, dispositioned, waived, released ... (`Signature.meaning(of:)`).
    public var meaning: String
    /// ISO 8601 local time with its offset: `2026-12-02T10:15:03+01:00`.
    public var signedAt: String
    /// The plant's time zone: `Europe/Berlin`.
    public var zone: String
    public var method: SignatureMethod
    public var records: [SignedRecord]
    public init(
        aggregate: String, badge: String, name: String, meaning: String, signedAt: String, zone: String, method: SignatureMethod,
        records: [SignedRecord]
    ) {
        self.aggregate = aggregate; self.badge = badge; self.name = name; self.meaning = meaning
        self.signedAt = signedAt; self.zone = zone; self.method = method; self.records = records
    }
}

/// How a signer was identified at the moment of signing.
public enum SignatureMethod: String, Codable, Equatable, Sendable {
    /// Both components given now: badge and secret (a kiosk, a command line).
    case badgeAndSecret = "badge+secret"
    /// The secret alone, within a console session its signer opened with badge + secret
    /// (Part 11 §11.200(a)(1)(i): later signings of one continuous session).
    case secretInSession = "secret-in-session"
    /// Made by `floor simulate` for a test store: no person signed it.
    case simulated
}

/// A routing version approved for release (the event's actor approved it; its signature follows).
public struct RoutingApproved: Codable, Equatable, Sendable {
    public var routing: String
    public var version: Int
    public init(routing: String, version: Int) { self.routing = routing; self.version = version }
}

/// The person whose signing is locked or unlocked.
public struct SigningPerson: Codable, Equatable, Sendable {
    public var badge: String
    public init(badge: String) { self.badge = badge }
}
