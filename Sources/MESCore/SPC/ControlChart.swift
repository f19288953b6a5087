import Foundation

/// The control-chart constants of the standard tables (ASTM E2587, Montgomery's appendix) for a
/// subgroup size n from 2 to 25. `d2`, `d3` and `c4` are the table's; the factors are derived
/// from them by their definitions (A2 = 3/(d2·√n), D3/D4 = 1 ∓ 3·d3/d2, A3 = 3/(c4·√n),
/// B3/B4 = 1 ∓ 3·√(1−c4²)/c4, E2 = 3/d2 for moving ranges of two), so no column can drift from
/// another. A test recomputes d2 by integration and c4 from the gamma function.
public struct SPCConstants: Equatable, Sendable {
    public var n: Int
    public var d2: Double
    public var d3: Double
    public var c4: Double

    public var A2: Double { 3 / (d2 * Double(n).squareRoot()) }
    public var D3: Double { max(0, 1 - 3 * d3 / d2) }
    public var D4: Double { 1 + 3 * d3 / d2 }
    public var A3: Double { 3 / (c4 * Double(n).squareRoot()) }
    public var B3: Double { max(0, 1 - 3 * (1 - c4 * c4).squareRoot() / c4) }
    public var B4: Double { 1 + 3 * (1 - c4 * c4).squareRoot() / c4 }
    /// For individuals: 3/d2 of a moving range of two (2.66).
    public static var E2: Double { 3 / table[2]!.d2 }

    /// n → (d2, d3, c4), as the published tables give them.
    public static let table: [Int: SPCConstants] = {
        let rows: [(Int, Double, Double, Double)] = [
            (2, 1.128, 0.853, 0.7979), (3, 1.693, 0.888, 0.8862), (4, 2.059, 0.880, 0.9213), (5, 2.326, 0.864, 0.9400),
            (6, 2.534, 0.848, 0.9515), (7, 2.704, 0.833, 0.9594), (8, 2.847, 0.820, 0.9650), (9, 2.970, 0.808, 0.9693),
            (10, 3.078, 0.797, 0.9727), (11, 3.173, 0.787, 0.9754), (12, 3.258, 0.778, 0.9776), (13, 3.336, 0.770, 0.9794),
            (14, 3.407, 0.763, 0.9810), (15, 3.472, 0.756, 0.9823), (16, 3.532, 0.750, 0.9835), (17, 3.588, 0.744, 0.9845),
            (18, 3.640, 0.739, 0.9854), (19, 3.689, 0.734, 0.9862), (20, 3.735, 0.729, 0.9869), (21, 3.778, 0.724, 0.9876),
            (22, 3.819, 0.720, 0.9882), (23, 3.858, 0.716, 0.9887), (24, 3.895, 0.712, 0.9892), (25, 3.931, 0.708, 0.9896),
        ]
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, SPCConstants(n: $0.0, d2: $0.1, d3: $0.2, c4: $0.3)) })
    }()

    public static func of(_ n: Int) -> SPCConstants? { table[n] }
}

/// A chart's centre line and control limits (for the values plotted and, where there is one, for
/// their spread), with σ within subgroups that set them.
public struct ControlLimits: Equatable, Sendable, Codable {
    public enum Kind: String, Codable, Sendable { case individuals, xbarR = "xbar_r", xbarS = "xbar_s" }
    public var kind: Kind
    public var subgroupSize: Int
    public var center: Double
    public var lower: Double
    public var upper: Double
    /// The spread chart: moving range, range or standard deviation.
    public var spreadCenter: Double
    public var spreadLower: Double
    public var spreadUpper: Double
    /// σ estimated within subgroups (MR̄/d2, R̄/d2 or S̄/c4).
    public var sigma: Double
    /// σ of the plotted statistic (a subgroup mean's: σ/√n), what the Nelson rules count in.
    public var pointSigma: Double { sigma / Double(max(1, subgroupSize)).squareRoot() }

    /// The chart a subgroup size calls for: 1 → individuals and moving range, 2–9 → X̄–R, ≥ 10 → X̄–S.
    public static func kind(forSubgroupSize n: Int) -> Kind { n <= 1 ? .individuals : (n < 10 ? .xbarR : .xbarS) }

    /// Limits from a baseline of subgroups (each of the chart's subgroup size; individuals: one
    /// value each). nil when the baseline cannot set them (fewer than two subgroups or values, a
    /// subgroup of another size, a size beyond the tables).
    public static func establish(_ subgroups: [[Double]], subgroupSize n: Int) -> ControlLimits? {
        guard subgroups.allSatisfy({ $0.count == max(1, n) }), n <= 25 else { return nil }
        switch kind(forSubgroupSize: n) {
        case .individuals:
            let x = subgroups.map { $0[0] }
            guard x.count >= 2, let k = SPCConstants.of(2) else { return nil }
            let mr = zip(x.dropFirst(), x).map { abs($0 - $1) }
            let mrBar = mr.reduce(0, +) / Double(mr.count), xBar = x.reduce(0, +) / Double(x.count)
            return ControlLimits(
                kind: .individuals, subgroupSize: 1, center: xBar, lower: xBar - SPCConstants.E2 * mrBar, upper: xBar + SPCConstants.E2 * mrBar,
                spreadCenter: mrBar, spreadLower: k.D3 * mrBar, spreadUpper: k.D4 * mrBar, sigma: mrBar / k.d2)
        case .xbarR:
            guard subgroups.count >= 2, let k = SPCConstants.of(n) else { return nil }
            let means = subgroups.map(Statistics.mean), ranges = subgroups.map { $0.max()! - $0.min()! }
            let xBar = Statistics.mean(means), rBar = Statistics.mean(ranges)
            return ControlLimits(
                kind: .xbarR, subgroupSize: n, center: xBar, lower: xBar - k.A2 * rBar, upper: xBar + k.A2 * rBar, spreadCenter: rBar,
                spreadLower: k.D3 * rBar, spreadUpper: k.D4 * rBar, sigma: rBar / k.d2)
        case .xbarS:
            guard subgroups.count >= 2, let k = SPCConstants.of(n) else { return nil }
            let means = subgroups.map(Statistics.mean), sds = subgroups.map(Statistics.sampleSD)
            let xBar = Statistics.mean(means), sBar = Statistics.mean(sds)
            return ControlLimits(
                kind: .xbarS, subgroupSize: n, center: xBar, lower: xBar - k.A3 * sBar, upper: xBar + k.A3 * sBar, spreadCenter: sBar,
                spreadLower: k.B3 * sBar, spreadUpper: k.B4 * sBar, sigma: sBar / k.c4)
        }
    }
}

public enum Statistics {
    public static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }
    /// The sample standard deviation (n − 1).
    public static func sampleSD(_ x: [Double]) -> Double {
        guard x.count > 1 else { return .nan }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }
}

/// The Western Electric / Nelson rules, evaluated on the points plotted (subgroup means or
/// individuals) against a chart's centre line and σ of the plotted statistic.
public enum NelsonRule: Int, CaseIterable, Codable, Sendable {
    case beyond3Sigma = 1, nineOneSide, sixTrending, fourteenAlternating, twoOfThreeBeyond2Sigma, fourOfFiveBeyond1Sigma,
        fifteenWithin1Sigma, eightOutside1Sigma

    /// What it means, in words for the operator.
    public var words: String {
        switch self {
        case .beyond3Sigma: return "a point beyond a control limit"
        case .nineOneSide: return "9 points in a row on one side of the centre line"
        case .sixTrending: return "6 points in a row steadily rising or falling"
        case .fourteenAlternating: return "14 points in a row alternating up and down"
        case .twoOfThreeBeyond2Sigma: return "2 of 3 points in a row beyond 2 sigma on one side"
        case .fourOfFiveBeyond1Sigma: return "4 of 5 points in a row beyond 1 sigma on one side"
        case .fifteenWithin1Sigma: return "15 points in a row within 1 sigma of the centre line"
        case .eightOutside1Sigma: return "8 points in a row outside 1 sigma, on both sides"
        }
    }

    /// Whether the rule fires at the last point of `points` (each new reading is judged as it
    /// comes; a run already signalled earlier fires again while it lasts).
    public func fires(_ points: [Double], center c: Double, sigma s: Double) -> Bool {
        guard s > 0, s.isFinite else { return false }
        let z = points.map { ($0 - c) / s }
        func last(_ k: Int) -> ArraySlice<Double>? { z.count >= k ? z.suffix(k) : nil }
        switch self {
        case .beyond3Sigma:
            return (z.last.map { abs($0) > 3 }) ?? false
        case .nineOneSide:
            guard let w = last(9) else { return false }
            return w.allSatisfy { $0 > 0 } || w.allSatisfy { $0 < 0 }
        case .sixTrending:
            guard let w = last(6) else { return false }
            let d = zip(w.dropFirst(), w).map { $0 - $1 }
            return d.allSatisfy { $0 > 0 } || d.allSatisfy { $0 < 0 }
        case .fourteenAlternating:
            guard let w = last(14) else { return false }
            let d = zip(w.dropFirst(), w).map { $0 - $1 }
            return !d.contains(0) && zip(d.dropFirst(), d).allSatisfy { ($0 > 0) != ($1 > 0) }
        case .twoOfThreeBeyond2Sigma:
            guard let w = last(3), let l = z.last, abs(l) > 2 else { return false }
            return w.filter { l > 0 ? $0 > 2 : $0 < -2 }.count >= 2
        case .fourOfFiveBeyond1Sigma:
            guard let w = last(5), let l = z.last, abs(l) > 1 else { return false }
            return w.filter { l > 0 ? $0 > 1 : $0 < -1 }.count >= 4
        case .fifteenWithin1Sigma:
            guard let w = last(15) else { return false }
            return w.allSatisfy { abs($0) < 1 }
        case .eightOutside1Sigma:
            guard let w = last(8) else { return false }
            return w.allSatisfy { abs($0) > 1 } && w.contains { $0 > 0 } && w.contains { $0 < 0 }
        }
    }

    /// Every rule of `set` that fires at the last point.
    public static func signals(_ points: [Double], center: Double, sigma: Double, rules set: [NelsonRule] = allCases) -> [NelsonRule] {
        set.filter { $0.fires(points, center: center, sigma: sigma) }
    }
}
