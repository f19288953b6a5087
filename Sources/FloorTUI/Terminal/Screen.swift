import MESCore

/// What a cell means; the terminal layer turns roles into colours and attributes (with a word or
/// a glyph always carrying the meaning too: never colour alone).
public enum Paint: UInt8, CaseIterable, Sendable {
    case normal, dim, title, header, selected, ok, warn, stop, info, banner, field, key, stale
    /// One letter per role for golden files.
    var letter: Character { Array(".dthsowxibfkg")[Int(rawValue)] }
}

/// Line-drawing glyphs: Unicode box characters in a UTF-8 locale, ASCII otherwise.
public struct Glyphs: Sendable, Equatable {
    public var h, v, tl, tr, bl, br, lt, rt: Character
    public var block: Character, arrow: Character, ellipsis: Character
    public static let unicode = Glyphs(
        h: "─", v: "│", tl: "┌", tr: "┐", bl: "└", br: "┘", lt: "├", rt: "┤",
        block: "█", arrow: "▶", ellipsis: "…")
    public static let ascii = Glyphs(
        h: "-", v: "|", tl: "+", tr: "+", bl: "+", br: "+", lt: "+", rt: "+",
        block: "#", arrow: ">", ellipsis: "~")
}

/// A virtual screen: a grid of cells each holding one character and its role. Views draw here;
/// the ncurses layer copies only changed rows to the terminal. Every string is sanitized on the
/// way in, so text from files, scans or the network cannot reach the terminal raw.
public struct Screen: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public var char: Character
        public var role: Paint
        public var bold: Bool
        /// The right half of a double-width character (drawn by the cell to its left).
        public var continuation: Bool
        static let blank = Cell(char: " ", role: .normal, bold: false, continuation: false)
    }

    public let width: Int
    public let height: Int
    public var glyphs: Glyphs
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, glyphs: Glyphs = .unicode) {
        self.width = max(0, width); self.height = max(0, height); self.glyphs = glyphs
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x x: Int, y y: Int) -> Cell { cells[y * width + x] }

    /// Columns a character takes: 2 for East Asian wide and emoji, 1 otherwise. Control characters
    /// never get here (see `put`).
    static func columns(_ c: Character) -> Int {
        guard let s = c.unicodeScalars.first?.value else { return 1 }
        if s < 0x1100 { return 1 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(s) } ? 2 : 1
    }

    /// Replaces what must never reach a terminal: C0/C1 controls, DEL, and (in the ASCII glyph
    /// set) anything outside printable ASCII.
    static func clean(_ c: Character, ascii: Bool) -> Character {
        if c.unicodeScalars.contains(where: Sanitize.isControl) { return "?" }
        if ascii && !(c.isASCII) { return asciiFallback[c] ?? "?" }
        return c
    }

    /// What the symbols the views use become on an ASCII terminal (one column each).
    static let asciiFallback: [Character: Character] = [
        "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "·": "-", "…": "~",
        "✔": "+", "✖": "x", "⚠": "!", "■": "#", "▶": ">", "×": "x", "█": "#", "≤": "<", "≥": ">", "▼": "v", "☎": "@",
    ]

    /// Display width of a string as `put` would draw it.
    public func columns(of text: String) -> Int {
        Sanitize.line(text).reduce(0) { $0 + Screen.columns(Screen.clean($1, ascii: glyphs == .ascii)) }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns (and the screen). Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Paint = .normal, bold: Bool = false, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        var col = x
        let ascii = glyphs == .ascii
        for raw in Sanitize.line(text) {
            let c = Screen.clean(raw, ascii: ascii)
            let w = Screen.columns(c)
            if col + w > limit { break }
            if col >= 0 {
                cells[y * width + col] = Cell(char: c, role: role, bold: bold, continuation: false)
                if w == 2 { cells[y * width + col + 1] = Cell(char: " ", role: role, bold: bold, continuation: true) }
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Fills a rectangle with spaces of a role (a background band).
    public mutating func fill(x: Int = 0, y: Int, width w: Int? = nil, height h: Int = 1, role: Paint, char: Character = " ") {
        let x0 = max(0, x), x1 = min(width, x + (w ?? width - x))
        for row in max(0, y)..<min(height, y + h) where x0 < x1 {
            for col in x0..<x1 { cells[row * width + col] = Cell(char: char, role: role, bold: false, continuation: false) }
        }
    }

    /// Sets the role of existing cells (e.g. the selected row).
    public mutating func paint(x: Int = 0, y: Int, width w: Int? = nil, role: Paint, bold: Bool? = nil) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<min(width, x + (w ?? width - x)) {
            cells[y * width + col].role = role
            if let bold { cells[y * width + col].bold = bold }
        }
    }

    /// A box with an optional title in its top edge.
    public mutating func box(x: Int, y: Int, width w: Int, height h: Int, title: String? = nil, role: Paint = .dim) {
        guard w >= 2, h >= 2 else { return }
        let g = glyphs
        put(String(g.tl) + String(repeating: g.h, count: w - 2) + String(g.tr), x: x, y: y, role: role)
        for row in (y + 1)..<(y + h - 1) {
            put(String(g.v), x: x, y: row, role: role)
            put(String(g.v), x: x + w - 1, y: row, role: role)
        }
        put(String(g.bl) + String(repeating: g.h, count: w - 2) + String(g.br), x: x, y: y + h - 1, role: role)
        if let title, w > 6 { put(" \(title) ", x: x + 2, y: y, role: .title, bold: true, maxWidth: w - 4) }
    }

    /// A horizontal rule.
    /// A framed box centred on the screen, cleared, with a title; its frame (x, y, width, height).
    public mutating func centeredBox(width: Int, height: Int, title: String) -> (x: Int, y: Int, w: Int, h: Int) {
        let w = min(self.width - 4, width), h = min(self.height - 2, height)
        let x = (self.width - w) / 2, y = max(1, (self.height - h) / 2)
        fill(x: x, y: y, width: w, height: h, role: .normal)
        box(x: x, y: y, width: w, height: h, title: title, role: .title)
        return (x, y, w, h)
    }

    /// The smallest terminal every full-screen mode draws in.
    public static let minWidth = 80
    public static let minHeight = 24

    /// What a terminal below the minimum shows instead.
    public static func tooSmall(width: Int, height: Int, glyphs: Glyphs) -> Screen {
        var s = Screen(width: width, height: height, glyphs: glyphs)
        let lines = [
            "Terminal too small", "\(width)x\(height): Floor needs \(minWidth)x\(minHeight)",
            "Enlarge the window or use a smaller font.",
        ]
        for (i, l) in lines.enumerated() where i < s.height {
            s.put(l, x: max(0, (s.width - l.count) / 2), y: max(0, s.height / 2 - 1) + i, role: i == 0 ? .warn : .normal, bold: i == 0)
        }
        return s
    }

    public mutating func rule(y: Int, x: Int = 0, width w: Int? = nil, role: Paint = .dim) {
        put(String(repeating: glyphs.h, count: max(0, w ?? width - x)), x: x, y: y, role: role)
    }

    /// One row as text (continuation cells skipped), trailing spaces kept.
    public func row(_ y: Int) -> String {
        var s = ""
        for x in 0..<width where !self[x: x, y: y].continuation { s.append(self[x: x, y: y].char) }
        return s
    }

    /// The whole screen as text, trailing spaces trimmed: what a person would read.
    public var text: String {
        (0..<height).map { y in
            var r = row(y)
            while r.last == " " { r.removeLast() }
            return r
        }.joined(separator: "\n")
    }

    /// Roles as letters ('.' normal), one line per row, for golden files.
    public var roleMap: String {
        (0..<height).map { y in
            var r = String((0..<width).map { self[x: $0, y: y].role.letter })
            while r.last == "." { r.removeLast() }
            return r
        }.joined(separator: "\n")
    }

    /// Whether `needle` appears anywhere on screen.
    public func contains(_ needle: String) -> Bool { (0..<height).contains { row($0).contains(needle) } }
}

extension String {
    /// Pads or clips to exactly `n` characters (by count; screens clip by columns anyway).
    func fit(_ n: Int, ellipsis: Character = "…") -> String {
        guard n > 0 else { return "" }
        if count <= n { return self + String(repeating: " ", count: n - count) }
        return String(prefix(n - 1)) + String(ellipsis)
    }
    /// Right-aligns in `n` characters.
    func right(_ n: Int) -> String { count >= n ? String(prefix(n)) : String(repeating: " ", count: n - count) + self }
}
