import Foundation
import Testing

@testable import MESCore

/// Issue 16's foundation: the control-chart constants against the published tables and against
/// their own definitions (d2 by integrating the range of n normals, c4 from the gamma function),
/// limits on baselines worked by hand, and each Nelson rule firing and not firing.
@Suite struct ControlChartTests {
    /// Published factor columns (ASTM E2587 / Montgomery, Appendix VI), n = 2 ... 10.
    static let published: [String: [Double]] = [
        "A2": [1.880, 1.023, 0.729, 0.577, 0.483, 0.419, 0.373, 0.337, 0.308],
        "D3": [0, 0, 0, 0, 0, 0.076, 0.136, 0.184, 0.223],
        "D4": [3.267, 2.574, 2.282, 2.114, 2.004, 1.924, 1.864, 1.816, 1.777],
        "A3": [2.659, 1.954, 1.628, 1.427, 1.287, 1.182, 1.099, 1.032, 0.975],
        "B3": [0, 0, 0, 0, 0.030, 0.118, 0.185, 0.239, 0.284],
        "B4": [3.267, 2.568, 2.266, 2.089, 1.970, 1.882, 1.815, 1.761, 1.716],
    ]

    /// d2(n) = ∫ 1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ dx, the mean range of n standard normals.
    static func d2(_ n: Int) -> Double {
        func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        let h = 0.001
        return stride(from: -12.0, to: 12.0, by: h).reduce(0) { acc, x in
            let p = phi(x + h / 2)
            return acc + (1 - pow(p, Double(n)) - pow(1 - p, Double(n))) * h
        }
    }

    static func c4(_ n: Int) -> Double {
        (2 / Double(n - 1)).squareRoot() * exp(lgamma(Double(n) / 2) - lgamma(Double(n - 1) / 2))
    }

    @Test func theTableAgreesWithTheDefinitionsAndThePublishedFactors() throws {
        for n in 2...25 {
            let k = try #require(SPCConstants.of(n))
            #expect(abs(k.d2 - Self.d2(n)) < 0.0006, "d2(\(n)) = \(k.d2), integrated \(Self.d2(n))")
            #expect(abs(k.c4 - Self.c4(n)) < 0.00006, "c4(\(n)) = \(k.c4), from gamma \(Self.c4(n))")
        }
        for (name, column) in Self.published {
            for (i, value) in column.enumerated() {
                let k = try #require(SPCConstants.of(i + 2))
                let derived = ["A2": k.A2, "D3": k.D3, "D4": k.D4, "A3": k.A3, "B3": k.B3, "B4": k.B4][name]!
                #expect(abs(derived - value) < 0.002, "\(name)(\(i + 2)) = \(derived), published \(value)")
            }
        }
        #expect(abs(SPCConstants.E2 - 2.660) < 0.001)
        #expect(SPCConstants.of(1) == nil && SPCConstants.of(26) == nil)
    }

    @Test func limitsFromABaselineWorkedByHand() throws {
        // X̄–R, n = 2: means 2, 3, 3 (X̄ 8/3), ranges 2, 2, 0 (R̄ 4/3).
        let r = try #require(ControlLimits.establish([[1, 3], [2, 4], [3, 3]], subgroupSize: 2))
        #expect(r.kind == .xbarR)
        #expect(abs(r.center - 8.0 / 3) < 1e-12 && abs(r.spreadCenter - 4.0 / 3) < 1e-12)
        #expect(abs(r.upper - (8.0 / 3 + 1.880 * 4.0 / 3)) < 0.002 && abs(r.lower - (8.0 / 3 - 1.880 * 4.0 / 3)) < 0.002)
        #expect(abs(r.spreadUpper - 3.267 * 4.0 / 3) < 0.003 && r.spreadLower == 0)
        #expect(abs(r.sigma - (4.0 / 3) / 1.128) < 1e-9 && abs(r.pointSigma - r.sigma / 2.0.squareRoot()) < 1e-12)
        // Individuals: 10, 12, 11, 13: X̄ 11.5, MR 2, 1, 2 (MR̄ 5/3), limits X̄ ± 2.66 MR̄.
        let i = try #require(ControlLimits.establish([[10], [12], [11], [13]], subgroupSize: 1))
        #expect(i.kind == .individuals && i.center == 11.5 && abs(i.spreadCenter - 5.0 / 3) < 1e-12)
        #expect(abs(i.upper - (11.5 + 2.66 * 5.0 / 3)) < 0.003 && abs(i.sigma - (5.0 / 3) / 1.128) < 1e-9)
        // X̄–S from n = 10: two subgroups, S̄ from the sample standard deviations.
        let a = (1...10).map(Double.init), b = (1...10).map { Double($0) + 1 }
        let s = try #require(ControlLimits.establish([a, b], subgroupSize: 10))
        let sd = Statistics.sampleSD(a)
        #expect(s.kind == .xbarS && abs(s.center - 6.0) < 1e-12 && abs(s.spreadCenter - sd) < 1e-12)
        #expect(abs(s.upper - (6 + 0.975 * sd)) < 0.005 && abs(s.sigma - sd / 0.9727) < 1e-9)
        // What cannot set limits.
        #expect(ControlLimits.establish([[1, 2]], subgroupSize: 2) == nil)
        #expect(ControlLimits.establish([[1, 2], [1, 2, 3]], subgroupSize: 2) == nil)
        #expect(ControlLimits.establish([[1]], subgroupSize: 1) == nil)
        #expect(ControlLimits.kind(forSubgroupSize: 9) == .xbarR && ControlLimits.kind(forSubgroupSize: 10) == .xbarS)
    }

    @Test func eachNelsonRuleFiresOnItsPatternAndNotOnANearMiss() {
        func fires(_ rule: NelsonRule, _ z: [Double]) -> Bool { rule.fires(z.map { 100 + 2 * $0 }, center: 100, sigma: 2) }
        #expect(fires(.beyond3Sigma, [0, 3.1]) && fires(.beyond3Sigma, [-3.5]) && !fires(.beyond3Sigma, [3.0]))
        #expect(fires(.nineOneSide, Array(repeating: 0.5, count: 9)) && !fires(.nineOneSide, Array(repeating: 0.5, count: 8) + [-0.1]))
        #expect(fires(.sixTrending, [0, 0.1, 0.2, 0.3, 0.4, 0.5]) && fires(.sixTrending, [1, 0.8, 0.6, 0.4, 0.2, 0]))
        #expect(!fires(.sixTrending, [0, 0.1, 0.2, 0.2, 0.4, 0.5]) && !fires(.sixTrending, [0.1, 0.2, 0.3, 0.4, 0.5]))
        let zigzag = (0..<14).map { $0 % 2 == 0 ? 0.5 : -0.5 }
        #expect(fires(.fourteenAlternating, zigzag) && !fires(.fourteenAlternating, Array(zigzag.dropLast())))
        #expect(!fires(.fourteenAlternating, Array(zigzag.dropLast()) + [0.5]))
        #expect(fires(.twoOfThreeBeyond2Sigma, [2.5, 0, 2.1]) && !fires(.twoOfThreeBeyond2Sigma, [2.5, 0, -2.1]))
        #expect(!fires(.twoOfThreeBeyond2Sigma, [2.5, 2.1, 0]), "judged at the newest point")
        #expect(fires(.fourOfFiveBeyond1Sigma, [1.5, 1.2, 0, 1.1, 1.3]) && !fires(.fourOfFiveBeyond1Sigma, [1.5, 1.2, 0, -1.1, 1.3]))
        #expect(
            fires(.fifteenWithin1Sigma, Array(repeating: 0.2, count: 15)) && !fires(.fifteenWithin1Sigma, Array(repeating: 0.2, count: 14) + [1.2]))
        #expect(fires(.eightOutside1Sigma, [1.5, -1.5, 1.2, -1.2, 1.1, -1.1, 1.3, -1.3]))
        #expect(!fires(.eightOutside1Sigma, Array(repeating: 1.5, count: 8)), "all on one side is rule 2's business")
        // A set in force: only its rules are asked.
        let points = Array(repeating: 102.0, count: 9)
        #expect(NelsonRule.signals(points, center: 100, sigma: 2) == [.nineOneSide], "exactly 1 sigma is not within it, nor outside")
        #expect(NelsonRule.signals(points, center: 100, sigma: 2, rules: [.beyond3Sigma]).isEmpty)
        #expect(NelsonRule.signals([1, 2, 3], center: 2, sigma: 0).isEmpty)
        #expect(NelsonRule.nineOneSide.words == "9 points in a row on one side of the centre line")
    }

    @Test func capabilityWithinAndOverallTwoSidedAndOneSided() throws {
        // Mean 10, sample σ 0.1 exactly: 9.9 and 10.1, alternating, 50 of them.
        let values = (0..<50).map { $0 % 2 == 0 ? 9.9 : 10.1 }
        let overall = Statistics.sampleSD(values)
        let c = try #require(Capability.of(values, lower: 9.4, upper: 10.9, sigmaWithin: 0.1))
        #expect(c.n == 50 && abs(c.mean - 10) < 1e-12 && c.warning == nil)
        #expect(abs(c.cp! - 1.5 / 0.6) < 1e-9, "Cp = (USL − LSL) / 6σ")
        #expect(abs(c.cpk! - 0.6 / 0.3) < 1e-9, "Cpk = min(USL − x̄, x̄ − LSL) / 3σ: the lower side, 0.6 away")
        #expect(abs(c.pp! - 1.5 / (6 * overall)) < 1e-9 && abs(c.ppk! - 0.6 / (3 * overall)) < 1e-9)
        // One-sided (flatness ≤ 10.3): no Cp or Pp, Cpk is CPU alone.
        let one = try #require(Capability.of(values, lower: nil, upper: 10.3, sigmaWithin: 0.1))
        #expect(one.cp == nil && one.pp == nil && abs(one.cpk! - 1.0) < 1e-9)
        // Too few readings are said so; nothing to compute is nil.
        #expect(Capability.of(Array(values.prefix(10)), lower: 9, upper: 11, sigmaWithin: 0.1)?.warning?.hasPrefix("only 10 readings") == true)
        #expect(Capability.of(values, lower: nil, upper: nil, sigmaWithin: 0.1) == nil)
        #expect(Capability.of([10, 10, 10], lower: 9, upper: 11, sigmaWithin: 0.1) == nil)
        #expect(Capability.of([10], lower: 9, upper: 11, sigmaWithin: 0.1) == nil)
    }
}
