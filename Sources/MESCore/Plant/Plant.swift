import Foundation

/// The plant as the plant file describes it (`docs/plant-file.md`). Plain values,
/// validated by `PlantDecoder`; every field of the spec has a home here.
public struct Plant: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    /// IANA time zone name; shifts and "today" are computed in it.
    public var timezone: String
    public var shifts: [Shift]
    public var reasons: Reasons
    public var people: [Person]
    public var workCenters: [WorkCenter]
    public var equipment: [Equipment]
    public var stations: [Station]
    public var materials: [Material]
    public var parts: [PartDefinition]
    public var routings: [Routing]
    /// Change control (nil: none, today's behaviour: the file's `status` decides what releases).
    public var changeControl: ChangeControlPolicy?
    /// The quality system's policy: defect codes, receiving, who closes a CAPA (nil: defaults).
    public var quality: QualityPolicy?
    /// Statistical process control: the charted characteristics and who sets their limits (nil: none).
    public var spc: SPCPolicy?

    public init(
        id: String, name: String, timezone: String, shifts: [Shift] = [], reasons: Reasons = Reasons(),
        people: [Person] = [], workCenters: [WorkCenter] = [], equipment: [Equipment] = [],
        stations: [Station] = [], materials: [Material] = [], parts: [PartDefinition] = [],
        routings: [Routing] = []
    ) {
        self.id = id; self.name = name; self.timezone = timezone; self.shifts = shifts
        self.reasons = reasons; self.people = people; self.workCenters = workCenters
        self.equipment = equipment; self.stations = stations; self.materials = materials
        self.parts = parts; self.routings = routings
    }
}

/// The plant file's `change_control`: who approves routing versions. With it, a routing version
/// releases work orders only once a person of that role (or higher) approved it, signed
/// (`routing.approved`); the file's `status: approved` alone no longer does.
public struct ChangeControlPolicy: Codable, Equatable, Sendable {
    public var approveRoutings: Role
    public init(approveRoutings: Role) { self.approveRoutings = approveRoutings }
}

/// The plant file's `quality` section.
public struct QualityPolicy: Codable, Equatable, Sendable {
    /// Codes a nonconformance is classified by (separate from hold reasons), each with the
    /// severity it gets unless the person raising it says otherwise.
    public var defects: [DefectCode]
    /// Only lots received into stock (`floor lots receive`) may be used at a station.
    public var requireReceipt: Bool
    /// Who may close a CAPA (signed); the role named or higher.
    public var closeCAPA: Role
    public init(defects: [DefectCode] = [], requireReceipt: Bool = false, closeCAPA: Role = .supervisor) {
        self.defects = defects; self.requireReceipt = requireReceipt; self.closeCAPA = closeCAPA
    }
    public static let `default` = QualityPolicy()
}

public struct DefectCode: Codable, Equatable, Sendable {
    public var code: String
    public var label: String
    public var severity: NCRSeverity
    public init(code: String, label: String, severity: NCRSeverity = .minor) { self.code = code; self.label = label; self.severity = severity }
}

public enum Weekday: String, Codable, CaseIterable, Sendable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun
    /// 0 = Monday.
    public var index: Int { Weekday.allCases.firstIndex(of: self)! }
    /// From Foundation's Gregorian weekday (1 = Sunday).
    public init(gregorian: Int) { self = [.sun, .mon, .tue, .wed, .thu, .fri, .sat][(gregorian - 1) % 7] }
    public static func < (a: Weekday, b: Weekday) -> Bool { a.index < b.index }
}

/// "HH:MM" local time of the plant.
public struct ClockTime: Codable, Equatable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var minutes: Int  // minutes after midnight, 0..<1440
    public init(minutes: Int) { self.minutes = minutes }
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        minutes = h * 60 + m
    }
    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
    public static func < (a: ClockTime, b: ClockTime) -> Bool { a.minutes < b.minutes }
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let t = ClockTime(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad time \(s)"))
        }
        self = t
    }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}

/// A calendar date with no time zone ("2026-11-27").
public struct LocalDate: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int
    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }
    public init?(_ text: String) {
        let p = text.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
            let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m),
            d >= 1, d <= LocalDate.daysIn(year: y, month: m)
        else { return nil }
        year = y; month = m; day = d
    }
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = LocalDate(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date \(s)"))
        }
        self = d
    }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}

public struct Shift: Codable, Equatable, Sendable {
    public var id: String
    public var start: ClockTime
    public var end: ClockTime
    public var days: [Weekday]
    public init(id: String, start: ClockTime, end: ClockTime, days: [Weekday]) {
        self.id = id; self.start = start; self.end = end; self.days = days
    }
    /// A shift whose end is not after its start runs past midnight.
    public var crossesMidnight: Bool { end <= start }
}

public struct Reason: Codable, Equatable, Sendable {
    public var code: String
    public var label: String
    /// Downtime only: planned downtime does not count against OEE availability.
    public var planned: Bool
    public init(code: String, label: String, planned: Bool = false) { self.code = code; self.label = label; self.planned = planned }
}

public struct Reasons: Codable, Equatable, Sendable {
    public var downtime: [Reason]
    public var scrap: [Reason]
    public var hold: [Reason]
    public init(downtime: [Reason] = [], scrap: [Reason] = [], hold: [Reason] = []) {
        self.downtime = downtime; self.scrap = scrap; self.hold = hold
    }
}

/// Roles are ordered: a role includes the roles before it.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    case operator_ = "operator", inspector, supervisor
    public var rank: Int { Role.allCases.firstIndex(of: self)! }
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
    public var label: String { rawValue }
}

public struct Person: Codable, Equatable, Sendable {
    public var badge: String
    public var name: String
    public var role: Role
    public var skills: [String]
    /// Operating-system user names that are this person at the supervisor console over SSH.
    public var logins: [String]?
    /// Skills held under a certification that expires (nil: none).
    public var qualifications: [Qualification]?
    public init(badge: String, name: String, role: Role, skills: [String] = [], logins: [String]? = nil, qualifications: [Qualification]? = nil) {
        self.badge = badge; self.name = name; self.role = role; self.skills = skills; self.logins = logins
        self.qualifications = qualifications
    }
}

/// A skill held under a certification: since when, and until when (the last day it holds).
public struct Qualification: Codable, Equatable, Sendable {
    public var skill: String
    public var certified: LocalDate?
    public var expires: LocalDate
    public init(skill: String, certified: LocalDate? = nil, expires: LocalDate) {
        self.skill = skill; self.certified = certified; self.expires = expires
    }
}

public struct WorkCenter: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public init(id: String, name: String) { self.id = id; self.name = name }
}

public enum EquipmentKind: String, Codable, Sendable { case machine, gauge }

public struct Equipment: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var workCenter: String?
    public var kind: EquipmentKind
    /// Past this date (in the plant's time zone) the equipment cannot be used.
    public var calibrationDue: LocalDate?
    public init(id: String, name: String, workCenter: String? = nil, kind: EquipmentKind = .machine, calibrationDue: LocalDate? = nil) {
        self.id = id; self.name = name; self.workCenter = workCenter; self.kind = kind; self.calibrationDue = calibrationDue
    }
}

public struct Station: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var workCenter: String
    public var equipment: [String]
    /// A receiving station: its kiosk receives material lots (GS1 label or typed) instead of
    /// working a queue (`ReceiptDraft`).
    public var receiving: Bool?
    public init(id: String, name: String, workCenter: String, equipment: [String] = [], receiving: Bool? = nil) {
        self.id = id; self.name = name; self.workCenter = workCenter; self.equipment = equipment; self.receiving = receiving
    }
    public var isReceiving: Bool { receiving ?? false }
}

public struct Material: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var unit: String
    public var gtin: String?
    /// Its lots are quarantined at receipt until an inspector releases them (incoming inspection).
    public var incomingInspection: Bool?
    /// Who supplies it, when one supplier does: the supplier a receipt starts with.
    public var supplier: String?
    /// Characteristics measured at incoming inspection (the step's measurement rules), and how
    /// many readings of each a lot needs before it may be released (`inspectionSample`, default 1).
    public var inspection: [Characteristic]?
    public var inspectionSample: Int?
    public init(id: String, name: String, unit: String, gtin: String? = nil) {
        self.id = id; self.name = name; self.unit = unit; self.gtin = gtin
    }
}

public struct PartDefinition: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var revision: String
    public var gtin: String?
    /// The routing id; the version is chosen at release (see `Plant.routingForRelease`).
    public var routing: String
    public init(id: String, name: String, revision: String, gtin: String? = nil, routing: String) {
        self.id = id; self.name = name; self.revision = revision; self.gtin = gtin; self.routing = routing
    }
}

public enum RoutingStatus: String, Codable, Sendable { case draft, approved, obsolete }

public struct Routing: Codable, Equatable, Sendable {
    public var id: String
    public var version: Int
    public var status: RoutingStatus
    public var effective: LocalDate
    public var steps: [Step]
    public init(id: String, version: Int, status: RoutingStatus, effective: LocalDate, steps: [Step]) {
        self.id = id; self.version = version; self.status = status; self.effective = effective; self.steps = steps
    }
    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }
    public func index(of stepID: String) -> Int? { steps.firstIndex { $0.id == stepID } }
}

public enum FirstPieceScope: String, Codable, Sendable {
    case none, perWorkOrder = "per_work_order", perShift = "per_shift",
        perEquipment = "per_equipment", perOperator = "per_operator"
}

public enum OnFail: Codable, Equatable, Sendable {
    case hold
    case rework(step: String)
}

public enum EdgeCondition: String, Codable, Sendable { case pass, fail, always }

public struct NextEdge: Codable, Equatable, Sendable {
    public var to: String
    public var when: EdgeCondition
    public init(to: String, when: EdgeCondition) { self.to = to; self.when = when }
}

public struct MaterialRequirement: Codable, Equatable, Sendable {
    public var material: String
    /// Quantity per piece.
    public var qty: Double
    public init(material: String, qty: Double) { self.material = material; self.qty = qty }
}

public struct Step: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var workCenter: String
    public var skill: String?
    public var role: Role
    public var setupMin: Double
    public var runMin: Double
    public var instructions: String
    public var materials: [MaterialRequirement]
    public var measurements: [Characteristic]
    public var firstPiece: FirstPieceScope
    public var signoff: Bool
    public var onFail: OnFail
    public var next: [NextEdge]
    public init(
        id: String, name: String, workCenter: String, skill: String? = nil, role: Role = .operator_,
        setupMin: Double = 0, runMin: Double = 0, instructions: String = "",
        materials: [MaterialRequirement] = [], measurements: [Characteristic] = [],
        firstPiece: FirstPieceScope = .none, signoff: Bool = false, onFail: OnFail = .hold,
        next: [NextEdge] = []
    ) {
        self.id = id; self.name = name; self.workCenter = workCenter; self.skill = skill; self.role = role
        self.setupMin = setupMin; self.runMin = runMin; self.instructions = instructions
        self.materials = materials; self.measurements = measurements; self.firstPiece = firstPiece
        self.signoff = signoff; self.onFail = onFail; self.next = next
    }
}

public enum CharacteristicKind: String, Codable, Sendable { case variable, passFail = "pass_fail" }

/// Sampling plan of a characteristic (rules.md, Sampling).
public enum SamplePlan: Codable, Equatable, Sendable, CustomStringConvertible {
    case every
    case first(Int)
    case everyNth(Int)
    case percent(Int)

    /// Parses `every`, `first N`, `every N`, `N%`.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let words = t.split(separator: " ")
        if t == "every" { self = .every; return }
        if words.count == 2, words[0] == "first", let n = Int(words[1]), n > 0 { self = .first(n); return }
        if words.count == 2, words[0] == "every", let n = Int(words[1]), n > 0 { self = .everyNth(n); return }
        if t.hasSuffix("%"), let n = Int(t.dropLast()), n > 0, n <= 100 { self = .percent(n); return }
        return nil
    }
    public var description: String {
        switch self {
        case .every: return "every"
        case .first(let n): return "first \(n)"
        case .everyNth(let n): return "every \(n)"
        case .percent(let n): return "\(n)%"
        }
    }
}

public struct Characteristic: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var kind: CharacteristicKind
    public var unit: String?
    public var nominal: Double?
    public var lower: Double?
    public var upper: Double?
    public var balloon: String?
    public var sample: SamplePlan
    /// Read only with a gauge scanned first (`EQ:`), so that every reading names its gauge.
    public var requireGauge: Bool?
    public init(
        id: String, name: String, kind: CharacteristicKind = .variable, unit: String? = nil,
        nominal: Double? = nil, lower: Double? = nil, upper: Double? = nil, balloon: String? = nil,
        sample: SamplePlan = .every
    ) {
        self.id = id; self.name = name; self.kind = kind; self.unit = unit; self.nominal = nominal
        self.lower = lower; self.upper = upper; self.balloon = balloon; self.sample = sample
    }
}
