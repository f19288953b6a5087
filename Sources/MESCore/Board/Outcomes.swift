import Foundation

/// Pieces scrapped on a traveler, with why, where and when (scrap Pareto).
public struct ScrapEntry: Codable, Equatable, Sendable {
    public var event: EventID
    public var step: String
    public var station: String
    public var count: Int
    public var reason: String
    public var at: Int64
}

/// How one traveler went through one step: the facts FPY, output and OEE are counted from.
public struct StepYield: Equatable, Sendable {
    public var step: String
    /// Where it was first completed (or failed).
    public var station: String
    /// The first completion (or, if it never completed, the first failure).
    public var at: Int64
    /// Good pieces passed on by the first completion.
    public var good: Int
    /// Pieces scrapped at this step, whenever.
    public var scrap: Int
    /// Right first time: completed once, with no nonconformance and no scrap at this step.
    public var firstPass: Bool
    public init(step: String, station: String, at: Int64, good: Int, scrap: Int, firstPass: Bool) {
        self.step = step; self.station = station; self.at = at; self.good = good; self.scrap = scrap; self.firstPass = firstPass
    }
}

extension DomainEvent {
    /// Whether folding this event can change a traveler's `outcomes` or `scrapLog` (they are
    /// functions of its completions, nonconformances and scrap only).
    public var affectsYield: Bool {
        switch self {
        case .stepCompleted, .stepUndone, .partHeld, .dispositionDecided, .scrapRecorded: return true
        default: return false
        }
    }
}

extension PartState {
    /// One outcome per step this traveler went through: completed (undone completions do not
    /// count), or failed there (a nonconformance or scrap at that step without a completion).
    /// A step completed again after rework is not right first time; neither is one with an NCR
    /// or scrap at it.
    public var outcomes: [StepYield] {
        var order: [String] = []
        var firstAt: [String: Int64] = [:]
        func touch(_ step: String, _ at: Int64) {
            if firstAt[step] == nil { order.append(step); firstAt[step] = at } else { firstAt[step] = min(firstAt[step]!, at) }
        }
        let done = completions.filter { !$0.undone }
        for c in done { touch(c.step, c.at) }
        for n in ncrs { if let s = n.step { touch(s, n.openedAt) } }
        for x in scrapLog ?? [] { touch(x.step, x.at) }
        return order.sorted { (firstAt[$0]!, $0) < (firstAt[$1]!, $1) }.map { step in
            let comps = done.filter { $0.step == step }
            let scraps = (scrapLog ?? []).filter { $0.step == step }
            let failed = ncrs.contains { $0.step == step } || !scraps.isEmpty || comps.count > 1
            let first = comps.first
            let found = ncrs.first { $0.step == step }?.station
            return StepYield(
                step: step, station: first?.station ?? scraps.first?.station ?? found ?? "",
                at: first?.at ?? firstAt[step]!, good: first?.good ?? 0,
                scrap: scraps.reduce(0) { $0 + $1.count }, firstPass: first != nil && !failed)
        }
    }
}
