import Foundation
import MESCore

/// Turns the bytes a terminal delivers into characters, one read at a time. A character split
/// across two reads (a slow serial line: `C3`, then `A9`) is held until its last byte comes; a
/// byte that cannot be UTF-8 (a scanner set to another code page, line noise) becomes one
/// `Sanitize.undecodable` character in its place, never an error, never lost, and never a reason
/// for the terminal loop to think input has ended.
public struct UTF8Keys: Sendable {
    /// The start of a sequence still waiting for its continuation bytes.
    private var pending: [UInt8] = []

    public init() {}

    /// Whether bytes are held for a character not yet complete.
    public var isHolding: Bool { !pending.isEmpty }

    /// The characters these bytes complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        for b in bytes { feed(b, into: &out) }
        return out
    }

    /// What is held, given up as undecodable bytes (the input ended, or a key that is not a byte came).
    public mutating func flush() -> [Unicode.Scalar] {
        defer { pending.removeAll() }
        return pending.map(Sanitize.undecodable)
    }

    private static func length(_ lead: UInt8) -> Int? {
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return nil  // a continuation byte, or C0, C1, F5–FF: never a lead
        }
    }

    /// Whether `b` may follow `sequence` (the rules of RFC 3629: no overlong forms, no surrogates,
    /// nothing past U+10FFFF).
    private static func continues(_ sequence: [UInt8], with b: UInt8) -> Bool {
        guard (0x80...0xBF).contains(b) else { return false }
        guard sequence.count == 1 else { return true }
        switch sequence[0] {
        case 0xE0: return b >= 0xA0
        case 0xED: return b <= 0x9F
        case 0xF0: return b >= 0x90
        case 0xF4: return b <= 0x8F
        default: return true
        }
    }

    private mutating func feed(_ b: UInt8, into out: inout [Unicode.Scalar]) {
        if !pending.isEmpty {
            if Self.continues(pending, with: b) {
                pending.append(b)
                if pending.count == Self.length(pending[0]) {
                    var v = UInt32(pending[0]) & (pending.count == 2 ? 0x1F : pending.count == 3 ? 0x0F : 0x07)
                    for c in pending.dropFirst() { v = v << 6 | UInt32(c & 0x3F) }
                    if let u = Unicode.Scalar(v), Sanitize.undecodableByte(u) == nil {
                        out.append(u)
                    } else {
                        // The private range that stands for undecodable bytes is never read as text.
                        out.append(contentsOf: pending.map(Sanitize.undecodable))
                    }
                    pending.removeAll()
                }
                return
            }
            out.append(contentsOf: flush())
        }
        switch Self.length(b) {
        case 1?: out.append(Unicode.Scalar(b))
        case _?: pending = [b]
        case nil: out.append(Sanitize.undecodable(b))
        }
    }
}
