import Foundation

/// The full scope key of a first-piece inspection (rules.md, First piece inspection): work order
/// and step, plus the shift and its date, the machine or the person as the step's scope says.
/// A verdict counts only for exactly this key: a pass on another shift or machine does not.
public struct FPIKey: Codable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// nil when the step needs no first piece, or when the scope's dimension is unknown
    /// (per_shift outside any shift still gets a key: the "no shift" of that date).
    public static func make(
        scope: FirstPieceScope, workOrder: String, step: String, shift: ShiftInstance?,
        localDate: LocalDate, equipment: String?, person: String
    ) -> FPIKey? {
        let base = "\(workOrder)|\(step)"
        switch scope {
        case .none: return nil
        case .perWorkOrder: return FPIKey(rawValue: base)
        case .perShift:
            let s = shift ?? ShiftInstance(shift: "-", date: localDate)
            return FPIKey(rawValue: "\(base)|shift=\(s.shift)@\(s.date)")
        case .perEquipment: return FPIKey(rawValue: "\(base)|eq=\(equipment ?? "-")")
        case .perOperator: return FPIKey(rawValue: "\(base)|op=\(person)")
        }
    }
    public var workOrder: String { String(rawValue.split(separator: "|", omittingEmptySubsequences: false)[0]) }
    public var step: String {
        let p = rawValue.split(separator: "|", omittingEmptySubsequences: false)
        return p.count > 1 ? String(p[1]) : ""
    }
    public var description: String { rawValue }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }
}

extension FPIKey {
    /// The key a start of `step` of `workOrder` at `station` by `person` at `instant` falls under
    /// (the shift, day and machine of that start); nil when the step has no first-piece rule.
    /// The start gate and the station's FPI banner both ask this, so they can never disagree.
    public static func forStart(
        step: Step, workOrder: String, station: Station, person: String, plant: PlantIndex,
        at instant: Date
    ) -> FPIKey? {
        make(
            scope: step.firstPiece, workOrder: workOrder, step: step.id,
            shift: plant.calendar.shift(at: instant, shifts: plant.plant.shifts), localDate: plant.calendar.localDate(instant),
            equipment: plant.machine(of: station)?.id, person: person)
    }
}
