import Foundation

/// Process capability of a characteristic against its specification limits: Cp and Cpk with σ
/// within subgroups (the chart's: MR̄/d2, R̄/d2 or S̄/c4), Pp and Ppk with the overall sample σ.
/// A one-sided specification has no Cp or Pp, only the index on its side (CPU / CPL).
public struct Capability: Equatable, Sendable {
    public var n: Int
    public var mean: Double
    public var sigmaWithin: Double
    public var sigmaOverall: Double
    public var cp: Double?
    public var cpk: Double?
    public var pp: Double?
    public var ppk: Double?
    /// Fewer readings than `trustedCount`: the indices are shown with this warning.
    public var warning: String?

    /// Below this many readings an index is too uncertain to act on (a common rule of thumb;
    /// the 95 % interval of Cpk at n = 50 is still about ±20 %).
    public static let trustedCount = 50

    /// nil without readings, without a limit, or with no spread to measure.
    public static func of(_ values: [Double], lower: Double?, upper: Double?, sigmaWithin: Double) -> Capability? {
        guard values.count >= 2, lower != nil || upper != nil else { return nil }
        let m = Statistics.mean(values), overall = Statistics.sampleSD(values)
        guard sigmaWithin > 0, overall > 0, sigmaWithin.isFinite else { return nil }
        func indices(_ s: Double) -> (p: Double?, pk: Double?) {
            let upperSide = upper.map { ($0 - m) / (3 * s) }, lowerSide = lower.map { (m - $0) / (3 * s) }
            let p = lower.flatMap { lo in upper.map { hi in (hi - lo) / (6 * s) } }
            let sides = [upperSide, lowerSide].compactMap { $0 }
            return (p, sides.min())
        }
        let w = indices(sigmaWithin), o = indices(overall)
        return Capability(
            n: values.count, mean: m, sigmaWithin: sigmaWithin, sigmaOverall: overall, cp: w.p, cpk: w.pk, pp: o.p, ppk: o.pk,
            warning: values.count < trustedCount ? "only \(values.count) readings: too few to trust (\(trustedCount) or more)" : nil)
    }
}
