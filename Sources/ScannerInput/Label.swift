import Foundation
import MESCore

/// What a scanned (or typed) code means, before any lookup in the plant (`docs/scanner.md`,
/// and the typed codes of the README). Prefixes are case-insensitive; what follows keeps its case.
public enum Label: Equatable, Sendable {
    case badge(String)
    case workOrder(String)
    case serial(String)
    case lot(material: String, lot: String)
    case equipment(String)
    case command(verb: CommandVerb, arg: String?)
    /// `M:<characteristic>=<value>`
    case measurement(characteristic: String, value: String)
    /// `QTY:<good>`
    case quantity(Int)
    /// `SCRAP:<count>:<reason>`
    case scrapCount(Int, reason: String)
    /// `NOTE:<text>`
    case note(String)
    /// `SUP:<supplier>`, `COC:<certificate>`, `EXP:<date>`: a receipt's fields at a receiving station.
    case supplier(String)
    case certificate(String)
    case expiry(LocalDate)
    /// No prefix: looked up as a serial, then a work order, then a badge.
    case bare(String)
    /// Something that cannot mean anything (empty, malformed prefix form).
    case invalid(String, why: String)

    public static func parse(_ raw: String) -> Label {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .invalid(raw, why: "empty code") }
        guard let colon = text.firstIndex(of: ":") else { return .bare(text) }
        let prefix = text[..<colon].uppercased()
        guard let known = ScanPrefix(rawValue: prefix) else { return .bare(text) }
        let rest = String(text[text.index(after: colon)...])
        func need(_ s: String, _ what: String) -> Label? { s.isEmpty ? .invalid(raw, why: "\(prefix): needs \(what)") : nil }
        switch known {
        case .emp: return need(rest, "a badge") ?? .badge(rest)
        case .wo: return need(rest, "a work order number") ?? .workOrder(rest)
        case .sn: return need(rest, "a serial") ?? .serial(rest)
        case .eq: return need(rest, "an equipment id") ?? .equipment(rest)
        case .lot:
            guard let c = rest.firstIndex(of: ":"), c != rest.startIndex, rest.index(after: c) != rest.endIndex else {
                return .invalid(raw, why: "LOT: needs LOT:<material>:<lot>")
            }
            return .lot(material: String(rest[..<c]), lot: String(rest[rest.index(after: c)...]))
        case .cmd:
            let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let word = parts[0].uppercased()
            guard let verb = CommandVerb(rawValue: word) else { return .invalid(raw, why: "unknown command \(word.isEmpty ? "(none)" : word)") }
            let arg = parts.count > 1 ? String(parts[1]) : nil
            return .command(verb: verb, arg: arg?.isEmpty == true ? nil : arg)
        case .m:
            guard let eq = rest.firstIndex(of: "="), eq != rest.startIndex else { return .invalid(raw, why: "M: needs M:<characteristic>=<value>") }
            return .measurement(characteristic: String(rest[..<eq]), value: String(rest[rest.index(after: eq)...]))
        case .qty:
            guard let n = Int(rest), n >= 0 else { return .invalid(raw, why: "QTY: needs a whole number") }
            return .quantity(n)
        case .scrap:
            let p = rest.split(separator: ":", maxSplits: 1)
            guard p.count == 2, let n = Int(p[0]), n > 0 else { return .invalid(raw, why: "SCRAP: needs SCRAP:<count>:<reason>") }
            return .scrapCount(n, reason: String(p[1]))
        case .note: return .note(rest)
        case .sup: return need(rest, "a supplier") ?? .supplier(rest)
        case .coc: return need(rest, "a certificate reference") ?? .certificate(rest)
        case .exp:
            guard let d = LocalDate(rest.trimmingCharacters(in: .whitespaces)) else { return .invalid(raw, why: "EXP: needs EXP:<YYYY-MM-DD>") }
            return .expiry(d)
        }
    }
}
