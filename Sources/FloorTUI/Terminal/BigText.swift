/// Big digits for figures read across a room (the wall board's headline numbers): a 3×5 font,
/// each pixel drawn as `scale` columns × `scale` rows of the screen's block glyph, so the same
/// figure fits 80×24 (scale 1) and a 4K console (scale 3 or more).
enum BigText {
    /// Rows of each glyph, '#' set. Digits, and the few signs figures need.
    static let font: [Character: [String]] = [
        "0": ["###", "# #", "# #", "# #", "###"], "1": [" # ", "## ", " # ", " # ", "###"],
        "2": ["###", "  #", "###", "#  ", "###"], "3": ["###", "  #", "###", "  #", "###"],
        "4": ["# #", "# #", "###", "  #", "  #"], "5": ["###", "#  ", "###", "  #", "###"],
        "6": ["###", "#  ", "###", "# #", "###"], "7": ["###", "  #", "  #", "  #", "  #"],
        "8": ["###", "# #", "###", "# #", "###"], "9": ["###", "# #", "###", "  #", "###"],
        "%": ["# #", "  #", " # ", "#  ", "# #"], ".": ["   ", "   ", "   ", "   ", " # "],
        "-": ["   ", "   ", "###", "   ", "   "], ":": ["   ", " # ", "   ", " # ", "   "],
        " ": ["   ", "   ", "   ", "   ", "   "],
    ]

    /// Width in columns of `text` at `scale` (one blank column between glyphs).
    static func width(_ text: String, scale: Int) -> Int {
        text.isEmpty ? 0 : text.count * 4 * scale - scale
    }
    static func height(scale: Int) -> Int { 5 * scale }

    /// The largest scale at which `text` fits in `columns` × `rows` (0 when even scale 1 does not).
    static func scale(for text: String, columns: Int, rows: Int) -> Int {
        var s = 0
        while width(text, scale: s + 1) <= columns && height(scale: s + 1) <= rows { s += 1 }
        return s
    }

    /// Draws `text` at (x, y). Characters without a glyph draw as blanks.
    static func draw(_ text: String, into screen: inout Screen, x: Int, y: Int, scale: Int, role: Paint) {
        guard scale > 0 else { return }
        let block = String(screen.glyphs.block)
        for (i, c) in text.enumerated() {
            let rows = font[c] ?? font[" "]!
            let gx = x + i * 4 * scale
            for (r, line) in rows.enumerated() {
                for (col, pixel) in line.enumerated() where pixel == "#" {
                    for dy in 0..<scale {
                        screen.put(String(repeating: block, count: scale), x: gx + col * scale, y: y + r * scale + dy, role: role)
                    }
                }
            }
        }
    }
}
