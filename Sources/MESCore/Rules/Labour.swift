import Foundation

/// Labour time per person, part and step, derived from start, pause and complete. When a person
/// runs several parts at once, each moment of their time is split equally between them.
public struct LabourShare: Equatable, Sendable {
    public var person: String
    public var serial: String
    public var step: String
    public var seconds: Double
}

public enum Labour {
    /// `segments` of any number of people and parts; open segments run until `now` (ms).
    public static func split(_ segments: [LabourSegment], now: Int64) -> [LabourShare] {
        var totals: [String: LabourShare] = [:]
        let byPerson = Dictionary(grouping: segments, by: \.person)
        for (person, segs) in byPerson {
            // Sweep the boundaries; between two boundaries the open segments share the time.
            let closed = segs.map { (seg: $0, to: max($0.from, $0.to ?? now)) }
            let bounds = Set(closed.flatMap { [$0.seg.from, $0.to] }).sorted()
            for (a, b) in zip(bounds, bounds.dropFirst()) {
                let open = closed.filter { $0.seg.from <= a && $0.to >= b }
                guard !open.isEmpty else { continue }
                let share = Double(b - a) / 1000 / Double(open.count)
                for o in open {
                    let key = "\(person)|\(o.seg.serial)|\(o.seg.step)"
                    totals[key, default: LabourShare(person: person, serial: o.seg.serial, step: o.seg.step, seconds: 0)].seconds += share
                }
            }
        }
        return totals.values.sorted { ($0.person, $0.serial, $0.step) < ($1.person, $1.serial, $1.step) }
    }
}
