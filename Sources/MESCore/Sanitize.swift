/// Text from files, scans, the store or the network never reaches a terminal raw: control
/// characters (C0, DEL, C1) become visible escapes, so an ESC sequence prints as `\u{1B}[2J`.
public enum Sanitize {
    /// One line: every control character, newlines included, made visible.
    public static func line(_ text: String) -> String {
        // Printable ASCII needs nothing (most text: ids, codes, numbers, English words).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        // Most other text (an arrow, a name with an accent) has nothing to escape either.
        if text.unicodeScalars.allSatisfy({ !isControl($0) && undecodableByte($0) == nil }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let byte = undecodableByte(scalar) {
                out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            } else if isControl(scalar) {
                switch scalar {
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Multi-line text (instructions): newlines kept, tabs become spaces, other controls made visible.
    public static func multiline(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line(String($0).replacingOccurrences(of: "\t", with: "    ")) }
    }

    /// A byte that was not UTF-8 (a scanner on the wrong code page, line noise), kept in text as
    /// one private-use scalar of plane 16 (U+10FF00 + byte) so that it is neither lost nor taken
    /// for another character; `line` shows it as `\xE9`.
    public static func undecodable(_ byte: UInt8) -> Unicode.Scalar { Unicode.Scalar(0x10FF00 + UInt32(byte))! }

    /// The byte an `undecodable` scalar stands for.
    public static func undecodableByte(_ s: Unicode.Scalar) -> UInt8? {
        s.value >= 0x10FF00 && s.value <= 0x10FFFF ? UInt8(s.value - 0x10FF00) : nil
    }

    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || s.value == 0x7F || (0x80...0x9F).contains(s.value)
            // Bidirectional overrides can make a line read differently from what it holds.
            || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
    }
}
