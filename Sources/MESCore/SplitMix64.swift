import Foundation

/// A small, fast, seedable random generator (SplitMix64): the same seed gives the same sequence on
/// every platform. Used wherever Floor needs reproducible randomness (simulation, property tests).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    public mutating func chance(_ p: Double) -> Bool { unit() < p }
    public mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &self) }
    public mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
    /// Normal deviate (Box–Muller).
    public mutating func normal(_ mean: Double, _ sd: Double) -> Double {
        let u1 = max(unit(), 1e-12), u2 = unit()
        return mean + sd * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
