/// Text from files, scans, the store or the network never reaches a terminal raw: control
/// characters (C0, DEL, C1) become visible escapes, so an ESC sequence prints as `\u{1B}[2J`.
public enum Sanitize {
    /// One line: every control character, newlines included, made visible.
    public static func line(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
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

    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || s.value == 0x7F || (0x80...0x9F).contains(s.value)
            // Bidirectional overrides can make a line read differently from what it holds.
            || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
    }
}
