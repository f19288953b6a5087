import Foundation

/// AIM symbology identifiers (ISO/IEC 15424): `]` + a code letter + a modifier character, sent by
/// a scanner in front of the data when it is set to, e.g. `]C1` GS1-128, `]d2` GS1 DataMatrix,
/// `]Q3` GS1 QR, `]e0` GS1 DataBar, `]E0` EAN-13, `]C0` plain Code 128.
public enum AIMIdentifier {
    /// Symbology identifiers whose data is a GS1 element string (FNC1 in first position).
    public static let gs1: Set<String> = ["]C1", "]d2", "]Q3", "]e0", "]J1"]

    /// Is `text` (exactly three characters) shaped like an AIM identifier?
    public static func isIdentifier(_ text: String) -> Bool {
        let c = Array(text.unicodeScalars)
        return c.count == 3 && c[0] == "]" && isCode(c[1]) && isModifier(c[2])
    }

    /// Splits a leading AIM identifier off `text` (only when data follows it).
    public static func split(_ text: String) -> (symbology: String?, data: String) {
        let scalars = text.unicodeScalars
        guard scalars.count > 3 else { return (nil, text) }
        let head = String(String.UnicodeScalarView(scalars.prefix(3)))
        guard isIdentifier(head) else { return (nil, text) }
        return (head, String(String.UnicodeScalarView(scalars.dropFirst(3))))
    }

    static func isCode(_ s: Unicode.Scalar) -> Bool { (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") }
    static func isModifier(_ s: Unicode.Scalar) -> Bool { isCode(s) || (s >= "0" && s <= "9") }
}
