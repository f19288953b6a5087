import Foundation

/// A span of downtime on one machine, in epoch milliseconds; `end` nil while still down.
public struct DowntimeSpanInput: Equatable, Sendable {
    public var start: Int64
    public var end: Int64?
    /// Planned stops (the plant's reason says `planned: true`) reduce planned production time;
    /// unplanned ones reduce availability.
    public var planned: Bool
    public init(start: Int64, end: Int64?, planned: Bool) { self.start = start; self.end = end; self.planned = planned }
}

/// Pieces a station made at one step, with that step's standard run minutes per piece.
public struct ProductionCount: Equatable, Sendable {
    public var good: Int
    public var scrap: Int
    public var standardMinutes: Double
    public init(good: Int, scrap: Int, standardMinutes: Double) { self.good = good; self.scrap = scrap; self.standardMinutes = standardMinutes }
}

/// OEE of one station over a window, with the figures it comes from (minutes).
public struct OEEFigures: Equatable, Sendable {
    public var windowMinutes: Double
    public var plannedDownMinutes: Double
    public var unplannedDownMinutes: Double
    /// Window less planned stops.
    public var plannedProductionMinutes: Double
    /// Planned production less unplanned stops.
    public var operatingMinutes: Double
    /// Σ standard minutes × pieces made (good and scrap).
    public var idealMinutes: Double
    public var good: Int
    public var scrap: Int
    /// nil when undefined (no planned time, no operating time, nothing made).
    public var availability: Double?
    public var performance: Double?
    public var quality: Double?
    public var oee: Double? {
        guard let a = availability, let p = performance, let q = quality else { return nil }
        return a * p * q
    }
}

/// Key performance indicators, computed from plain values (the store or the simulator gathers them).
public enum KPI {
    /// OEE = availability × performance × quality (the usual definitions):
    /// - availability = operating time / planned production time, where planned production time
    ///   is the window less planned stops and operating time is that less unplanned stops;
    /// - performance = ideal time (standard minutes × pieces made) / operating time; not capped,
    ///   so loose standards show as more than 100 %;
    /// - quality = good / (good + scrap).
    /// Downtime spans are clipped to the window and overlaps counted once (planned wins).
    public static func oee(from: Int64, to: Int64, downtime: [DowntimeSpanInput], counts: [ProductionCount]) -> OEEFigures {
        let window = Double(max(0, to - from)) / 60_000
        let planned = minutes(merge(downtime.filter(\.planned), from: from, to: to, open: to))
        let all = minutes(merge(downtime, from: from, to: to, open: to))
        let unplanned = max(0, all - planned)
        let plannedProduction = max(0, window - planned)
        let operating = max(0, plannedProduction - unplanned)
        let good = counts.reduce(0) { $0 + $1.good }, scrap = counts.reduce(0) { $0 + $1.scrap }
        let ideal = counts.reduce(0.0) { $0 + $1.standardMinutes * Double($1.good + $1.scrap) }
        return OEEFigures(
            windowMinutes: window, plannedDownMinutes: planned, unplannedDownMinutes: unplanned,
            plannedProductionMinutes: plannedProduction, operatingMinutes: operating, idealMinutes: ideal,
            good: good, scrap: scrap,
            availability: plannedProduction > 0 ? operating / plannedProduction : nil,
            performance: operating > 0 ? ideal / operating : nil,
            quality: good + scrap > 0 ? Double(good) / Double(good + scrap) : nil)
    }

    /// Clips spans to [from, to) and merges overlaps; an open span ends at `open`.
    static func merge(_ spans: [DowntimeSpanInput], from: Int64, to: Int64, open: Int64) -> [(Int64, Int64)] {
        let clipped = spans.compactMap { s -> (Int64, Int64)? in
            let a = max(from, s.start), b = min(to, s.end ?? open)
            return a < b ? (a, b) : nil
        }.sorted { $0.0 < $1.0 }
        var out: [(Int64, Int64)] = []
        for s in clipped {
            if let last = out.last, s.0 <= last.1 { out[out.count - 1].1 = max(last.1, s.1) } else { out.append(s) }
        }
        return out
    }

    static func minutes(_ spans: [(Int64, Int64)]) -> Double { spans.reduce(0.0) { $0 + Double($1.1 - $1.0) / 60_000 } }

    /// How one piece went through one step: right first time, or not.
    public struct StepOutcome: Equatable, Sendable {
        public var step: String
        /// Completed good at its first attempt: no hold, no rework, no scrap at this step.
        public var firstPass: Bool
        public init(step: String, firstPass: Bool) { self.step = step; self.firstPass = firstPass }
    }

    /// First-pass yield per step (pieces right first time / pieces through the step) and the
    /// rolled throughput yield (their product, in routing order as given). nil for no pieces.
    public static func firstPassYield(_ outcomes: [StepOutcome], steps: [String]) -> (perStep: [(step: String, fpy: Double?)], rolled: Double?) {
        var per: [(String, Double?)] = []
        var rolled: Double? = nil
        for step in steps {
            let at = outcomes.filter { $0.step == step }
            let fpy = at.isEmpty ? nil : Double(at.filter(\.firstPass).count) / Double(at.count)
            per.append((step, fpy))
            if let fpy { rolled = (rolled ?? 1) * fpy }
        }
        return (per, rolled)
    }

    /// A Pareto row: a reason, its count, its share and the cumulative share.
    public struct ParetoRow: Equatable, Sendable {
        public var reason: String
        public var count: Int
        public var share: Double
        public var cumulative: Double
    }

    /// Scrap (or any) counts by reason, largest first (ties by reason), with shares.
    public static func pareto(_ counts: [String: Int]) -> [ParetoRow] {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return [] }
        var running = 0
        return counts.filter { $0.value > 0 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { reason, n in
            running += n
            return ParetoRow(reason: reason, count: n, share: Double(n) / Double(total), cumulative: Double(running) / Double(total))
        }
    }
}
