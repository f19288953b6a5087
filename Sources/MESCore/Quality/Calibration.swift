import Foundation

/// A calibration recorded for a machine or gauge (signed): when, until when, the result and the
/// certificate. The aggregate `calibration:EQUIPMENT`.
public struct EquipmentCalibrated: Codable, Equatable, Sendable {
    public var equipment: String
    public var on: LocalDate
    /// Until when it may be used (a pass); nil for a failure.
    public var due: LocalDate?
    public var passed: Bool
    public var certificate: String
    public var note: String
    public init(equipment: String, on: LocalDate, due: LocalDate?, passed: Bool, certificate: String, note: String = "") {
        self.equipment = equipment; self.on = on; self.due = due; self.passed = passed; self.certificate = certificate; self.note = note
    }
}

/// A machine's or gauge's calibration history, in canonical order.
public struct CalibrationState: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var on: LocalDate
        public var due: LocalDate?
        public var passed: Bool
        public var certificate: String
        public var note: String
        public var by: String
        public var at: Int64
    }
    public var equipment: String
    public var history: [Entry]
    public init(equipment: String) { self.equipment = equipment; history = [] }

    /// The calibration in force: the latest by calibration date (then as recorded).
    public var current: Entry? { history.enumerated().max { ($0.element.on, $0.offset) < ($1.element.on, $1.offset) }?.element }
    /// The last passed calibration (what an impact assessment after a failure counts from).
    public var lastGood: Entry? {
        history.enumerated().filter(\.element.passed).max { ($0.element.on, $0.offset) < ($1.element.on, $1.offset) }?.element
    }

    public mutating func apply(_ r: RecordedEvent) {
        guard case .quality(.calibrated(let e)) = r.event else { return }
        history.append(
            Entry(on: e.on, due: e.due, passed: e.passed, certificate: e.certificate, note: e.note, by: r.actor, at: r.millis))
    }
}

extension AggregateID {
    public static func calibration(_ equipment: String) -> AggregateID { AggregateID(rawValue: "calibration:" + equipment) }
}

/// Whether equipment may be used: its recorded calibrations first, the plant file's
/// `calibration_due` when none is recorded.
public enum Calibration {
    public enum Status: Equatable, Sendable {
        case unmanaged
        case ok(due: LocalDate)
        case overdue(due: LocalDate)
        case failed(on: LocalDate)
    }

    public static func status(_ e: Equipment, _ state: CalibrationState?, on date: LocalDate) -> Status {
        if let c = state?.current {
            if !c.passed { return .failed(on: c.on) }
            guard let due = c.due else { return .unmanaged }
            return date > due ? .overdue(due: due) : .ok(due: due)
        }
        guard let due = e.calibrationDue else { return .unmanaged }
        return date > due ? .overdue(due: due) : .ok(due: due)
    }

    /// Days left until the calibration is due (negative: overdue; nil: failed or not managed).
    public static func daysLeft(_ s: Status, today: LocalDate) -> Int? {
        switch s {
        case .ok(let due), .overdue(let due): return today.days(until: due)
        case .failed, .unmanaged: return nil
        }
    }

    /// Whether a calibration list "due within `days`" shows it: failed, overdue, or due in time.
    public static func isDue(_ s: Status, today: LocalDate, within days: Int) -> Bool {
        if case .unmanaged = s { return false }
        return daysLeft(s, today: today).map { $0 <= days } ?? true
    }

    /// The status in words.
    public static func words(_ s: Status, today: LocalDate) -> String {
        switch s {
        case .unmanaged: return "not calibrated"
        case .failed(let on): return "FAILED on \(on): not to be used"
        case .overdue(let due): return "OVERDUE since \(due)"
        case .ok: return daysLeft(s, today: today) == 0 ? "due today" : "due in \(daysLeft(s, today: today)!) days"
        }
    }

    /// Why `e` may not be used on `date`, or nil: the one place that says so, for a machine at the
    /// start gate, a gauge scanned at a station, a gauge's reading.
    public static func reason(_ e: Equipment, state: StateReader, on date: LocalDate) throws -> RefusalReason? {
        switch status(e, try state.calibration(e.id), on: date) {
        case .overdue(let due): return RefusalReason(.calibrationExpired, "\(e.id) is past its calibration date (\(due))")
        case .failed(let on): return RefusalReason(.calibrationExpired, "\(e.id) failed its calibration on \(on)")
        case .ok, .unmanaged: return nil
        }
    }

    /// What may be recorded: known equipment, a certificate, not in the future; a pass carries a
    /// due date after its calibration date.
    public static func refusal(_ e: EquipmentCalibrated, plant: PlantIndex, today: LocalDate) -> Refusal? {
        var reasons: [RefusalReason] = []
        if plant.equipment[e.equipment] == nil { reasons.append(RefusalReason(.unknownEquipment, "no equipment \(e.equipment)")) }
        if e.certificate.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            reasons.append(RefusalReason(.emptyNote, "a calibration names its certificate (--certificate)"))
        }
        if e.on > today { reasons.append(RefusalReason(.badDate, "a calibration on \(e.on) has not happened yet (today is \(today))")) }
        if e.passed {
            if let due = e.due {
                if due <= e.on { reasons.append(RefusalReason(.badDate, "the calibration is due again (\(due)) after it was done (\(e.on))")) }
            } else {
                reasons.append(RefusalReason(.badDate, "a passed calibration says until when (--due)"))
            }
        }
        return reasons.isEmpty ? nil : Refusal(reasons)
    }
}
