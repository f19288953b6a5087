import Foundation

public enum Priority: String, Codable, CaseIterable, Sendable, Comparable {
    case urgent, high, normal, low
    /// 0 = most urgent.
    public var rank: Int { Priority.allCases.firstIndex(of: self)! }
    public static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }
}

public enum Tracking: String, Codable, Sendable { case serial, batch }

/// When a work order is due: a plain date (end of that day, plant time) or an instant.
public enum DueDate: Codable, Hashable, Sendable, CustomStringConvertible {
    case date(LocalDate)
    case instant(Date)

    public init?(_ text: String) {
        if let d = LocalDate(text) { self = .date(d); return }
        if let t = ISO8601.parse(text) { self = .instant(t); return }
        return nil
    }
    public var description: String {
        switch self {
        case .date(let d): return d.description
        case .instant(let t): return ISO8601.format(t, timeZone: TimeZone(identifier: "UTC")!)
        }
    }
    /// The instant the order is due: for a date, the end of that day in `timeZone`.
    public func deadline(in timeZone: TimeZone) -> Date {
        switch self {
        case .instant(let t): return t
        case .date(let d): return PlantCalendar(timeZone: timeZone).startOfDay(d.adding(days: 1))
        }
    }
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = DueDate(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad due \(s)"))
        }
        self = d
    }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}

/// One row of the work-order file (`number,part,quantity,due,priority,customer,tracking,note`).
public struct WorkOrderSpec: Codable, Equatable, Sendable {
    public var number: String
    public var part: String
    public var quantity: Int
    public var due: DueDate
    public var priority: Priority
    public var customer: String
    public var tracking: Tracking
    public var note: String
    public init(
        number: String, part: String, quantity: Int, due: DueDate, priority: Priority = .normal,
        customer: String = "", tracking: Tracking = .serial, note: String = ""
    ) {
        self.number = number; self.part = part; self.quantity = quantity; self.due = due
        self.priority = priority; self.customer = customer; self.tracking = tracking; self.note = note
    }

    /// Travelers made when the order is released: NUMBER-001 ... for serial orders (width grows
    /// past 999), the order number itself for a batch.
    public var serials: [String] {
        switch tracking {
        case .batch: return [number]
        case .serial:
            let width = max(3, String(quantity).count)
            return (1...max(quantity, 1)).prefix(quantity).map {
                number + "-" + String(repeating: "0", count: max(0, width - String($0).count)) + String($0)
            }
        }
    }
}

extension WorkOrderSpec {
    /// Releasing the order on `date`: it gets the routing version in effect then (the approved
    /// version with the latest effective date that has come) and its travelers. nil when the part
    /// has no such routing.
    /// `approved`: the routing versions approved under change control (`PlantState.routingKey`).
    public func release(plant: PlantIndex, on date: LocalDate, approved: Set<String> = []) -> WorkOrderReleased? {
        guard let routing = plant.routingForRelease(part: part, on: date, approved: approved) else { return nil }
        return WorkOrderReleased(order: self, routing: routing.id, routingVersion: routing.version, serials: serials)
    }
}
