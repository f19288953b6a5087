import Foundation

/// Tolerance verdicts (rules.md, Completing a step).
public enum Verdict: String, Codable, Equatable, Sendable {
    /// lower ≤ value ≤ upper (inclusive; a missing limit does not bound).
    case inTolerance = "in"
    case low, high
    /// A failed pass/fail check.
    case failed
    /// A passed pass/fail check.
    case passed
    /// A variable with no limit at all: recorded, never "in tolerance" by accident.
    case noLimits = "no_limits"

    public var isGood: Bool { self == .inTolerance || self == .passed }
    /// The word shown beside the value: meaning is never colour alone.
    public var word: String {
        switch self {
        case .inTolerance: return "IN TOL"
        case .low: return "LOW - OUT"
        case .high: return "HIGH - OUT"
        case .failed: return "FAIL"
        case .passed: return "PASS"
        case .noLimits: return "NO LIMITS"
        }
    }
}

public enum Tolerance {
    public static func verdict(_ c: Characteristic, _ value: MeasuredValue) -> Verdict {
        switch (c.kind, value) {
        case (.passFail, .passFail(let ok)): return ok ? .passed : .failed
        case (.passFail, .number): return .failed
        case (.variable, .passFail): return .noLimits
        case (.variable, .number(let v)):
            if c.lower == nil && c.upper == nil { return .noLimits }
            if !v.isFinite { return .high }
            if let lo = c.lower, v < lo { return .low }
            if let hi = c.upper, v > hi { return .high }
            return .inTolerance
        }
    }

    /// Parses what a person or gauge typed: a number (comma or dot), or PASS/FAIL/OK/NG.
    public static func parseValue(_ text: String, kind: CharacteristicKind) -> MeasuredValue? {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .passFail:
            switch t.uppercased() {
            case "PASS", "P", "OK", "1", "Y", "YES": return .passFail(true)
            case "FAIL", "F", "NG", "0", "N", "NO": return .passFail(false)
            default: return nil
            }
        case .variable:
            guard let v = Double(t.replacingOccurrences(of: ",", with: ".")), v.isFinite, !t.isEmpty else { return nil }
            return .number(v)
        }
    }

    /// Compact number text: no trailing zeros, up to 6 decimals.
    public static func format(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e12 { return String(Int64(v)) }
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// "11.990 .. 12.018 mm", "≤ 0.05 mm", "≥ 3", for screens and messages.
    public static func limitsText(_ c: Characteristic) -> String {
        let unit = c.unit.map { " " + $0 } ?? ""
        switch (c.lower, c.upper) {
        case let (lo?, hi?): return "\(format(lo)) .. \(format(hi))\(unit)"
        case let (lo?, nil): return ">= \(format(lo))\(unit)"
        case let (nil, hi?): return "<= \(format(hi))\(unit)"
        case (nil, nil): return c.kind == .passFail ? "pass/fail" : "no limits"
        }
    }
}

/// Sampling (rules.md, Sampling). Pieces are numbered from 1 per work order and step, in the
/// canonical order pieces were started.
public enum Sampling {
    public static func isDue(_ plan: SamplePlan, piece k: Int) -> Bool {
        guard k >= 1 else { return false }
        switch plan {
        case .every: return true
        case .first(let n): return k <= n
        case .everyNth(let n): return k % n == 0
        case .percent(let n): return (k * n) / 100 > ((k - 1) * n) / 100
        }
    }

    /// The characteristics of `step` due for piece `k`.
    public static func due(_ step: Step, piece k: Int) -> [Characteristic] {
        step.measurements.filter { isDue($0.sample, piece: k) }
    }
}
