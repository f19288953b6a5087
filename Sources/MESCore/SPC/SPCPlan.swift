import Foundation

/// What a signal calls for at the station (the plant file's control plan).
public enum SPCReaction: String, Codable, CaseIterable, Sendable, Comparable {
    /// Shown at the station and on the board; nothing waits.
    case warn
    /// The operator acknowledges it, with a reason, before the next start at that station.
    case acknowledge
    /// Further starts of the step at that station wait until an inspector clears it, signed.
    case stop
    public var rank: Int { SPCReaction.allCases.firstIndex(of: self)! }
    public static func < (a: SPCReaction, b: SPCReaction) -> Bool { a.rank < b.rank }
}

/// How readings form subgroups.
public enum SPCSubgrouping: String, Codable, CaseIterable, Sendable {
    /// n consecutive readings of the characteristic, in canonical order, whatever order they belong to.
    case consecutive
    /// n consecutive readings of one work order (a batch's pieces are never mixed with another's).
    case order
}

/// A characteristic under statistical process control (the plant file's `spc.charts[]`).
public struct SPCPlan: Codable, Equatable, Sendable {
    public var part: String
    public var step: String
    public var characteristic: String
    /// 1 → individuals and moving range; 2–9 → X̄–R; 10–25 → X̄–S.
    public var subgroupSize: Int
    public var subgrouping: SPCSubgrouping
    /// The Nelson rules in force.
    public var rules: [NelsonRule]
    /// The reaction to a signal of a rule not named in `stopOn` or `warnOn`.
    public var reaction: SPCReaction
    public var stopOn: [NelsonRule]
    public var warnOn: [NelsonRule]
    /// Subgroups a baseline needs before limits can be set from it.
    public var baseline: Int

    /// Western Electric's four (Nelson 1, 2, 5, 6) unless the plan says otherwise.
    public static let defaultRules: [NelsonRule] = [.beyond3Sigma, .nineOneSide, .twoOfThreeBeyond2Sigma, .fourOfFiveBeyond1Sigma]
    public static let defaultBaseline = 25

    public init(
        part: String, step: String, characteristic: String, subgroupSize: Int = 1, subgrouping: SPCSubgrouping = .consecutive,
        rules: [NelsonRule] = SPCPlan.defaultRules, reaction: SPCReaction = .acknowledge, stopOn: [NelsonRule] = [],
        warnOn: [NelsonRule] = [], baseline: Int = SPCPlan.defaultBaseline
    ) {
        self.part = part; self.step = step; self.characteristic = characteristic; self.subgroupSize = subgroupSize
        self.subgrouping = subgrouping; self.rules = rules; self.reaction = reaction; self.stopOn = stopOn; self.warnOn = warnOn
        self.baseline = baseline
    }

    /// The chart's key: `PART/STEP/CHARACTERISTIC` (its aggregate is `spc:` + key).
    public var key: String { SPCPlan.key(part: part, step: step, characteristic: characteristic) }
    public static func key(part: String, step: String, characteristic: String) -> String { "\(part)/\(step)/\(characteristic)" }

    public var kind: ControlLimits.Kind { ControlLimits.kind(forSubgroupSize: subgroupSize) }

    /// Whether a window needs its position in the whole stream (consecutive subgroups of more
    /// than one reading are aligned by it; a store skips the count otherwise).
    public var countsPosition: Bool { subgroupSize > 1 && subgrouping == .consecutive }

    public func reaction(to rule: NelsonRule) -> SPCReaction {
        if stopOn.contains(rule) { return .stop }
        if warnOn.contains(rule) { return .warn }
        return reaction
    }
}

/// The plant file's `spc` section: the charts and who may set their limits.
public struct SPCPolicy: Codable, Equatable, Sendable {
    /// Setting or recalculating a chart's control limits is a signed act of this role or higher.
    public var setLimits: Role
    public var charts: [SPCPlan]
    public init(setLimits: Role = .inspector, charts: [SPCPlan] = []) { self.setLimits = setLimits; self.charts = charts }

    public func plan(part: String, step: String, characteristic: String) -> SPCPlan? {
        charts.first { $0.part == part && $0.step == step && $0.characteristic == characteristic }
    }
    public func plan(key: String) -> SPCPlan? { charts.first { $0.key == key } }
}

extension AggregateID {
    /// A control chart's limits and what people did about its signals: `spc:PART/STEP/CHARACTERISTIC`.
    public static func spc(_ key: String) -> AggregateID { AggregateID(rawValue: "spc:" + key) }
}
