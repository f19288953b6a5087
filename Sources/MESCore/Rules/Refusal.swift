import Foundation

/// One reason something was refused: a stable code (for scripts and tests) and words for people.
public struct RefusalReason: Equatable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(_ code: RefusalCode, _ message: String) { self.code = code.rawValue; self.message = message }
    /// The code as the catalogue knows it (nil only for a code from a newer Floor).
    public var refusalCode: RefusalCode? { RefusalCode(rawValue: code) }
    public var blocker: BlockerKind? { BlockerKind(rawValue: code) }
    public var description: String { message }
}

/// A refused action: every reason that applies, not only the first. Nothing changes.
public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    public var reasons: [RefusalReason]
    public init(_ reasons: [RefusalReason]) { self.reasons = reasons }
    public init(_ code: RefusalCode, _ message: String) { reasons = [RefusalReason(code, message)] }
    public var codes: [String] { reasons.map(\.code) }
    public var description: String { reasons.map(\.message).joined(separator: "; ") }
}

/// What a decision needs besides state: the instant, and fresh ids for holds, NCRs, overrides.
public struct DecisionEnv: Sendable {
    public var now: Date
    public var newID: @Sendable () -> String
    /// The badge whose signature (both components) was verified for this very command, by
    /// LocalStore's `SigningSecrets` (MESCore cannot check a secret: it decides whether one is
    /// needed, and refuses a signed record without it).
    public var signedBy: String?
    /// The node deciding (its id goes into the register numbers it gives: `NCRNumber`).
    public var node: String
    public init(now: Date, newID: @escaping @Sendable () -> String, signedBy: String? = nil, node: String = "local") {
        self.now = now; self.newID = newID; self.signedBy = signedBy; self.node = node
    }
    public var millis: Int64 { now.epochMillis }
}
