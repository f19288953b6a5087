import CNCurses
import Foundation
import ScannerInput

/// The one place that owns the terminal (as htop's CRT.c): locale, TERM check, modes, colours,
/// drawing a virtual Screen, reading keys, and restoring the terminal on every exit path.
final class Terminal {
    enum SetupError: Error, CustomStringConvertible {
        case notATerminal
        case noTerm
        case unknownTerm(String)
        case noTerminfo(String)
        case cannotStart(String)
        var description: String {
            switch self {
            case .notATerminal: return "this screen needs a terminal (standard input and output are not a tty)"
            case .noTerm: return "TERM is not set: set it to your terminal type, e.g. TERM=xterm-256color (or TERM=vt100 on a basic console)"
            case .unknownTerm(let t):
                return "unknown terminal type TERM=\(t): install its terminfo entry (ncurses-term) or use TERM=xterm-256color or TERM=vt100"
            case .noTerminfo(let t): return "no terminfo database found for TERM=\(t): install ncurses-base"
            case .cannotStart(let t): return "cannot set up the terminal TERM=\(t)"
            }
        }
    }

    /// What reading the keyboard produced.
    enum Input: Equatable { case key(Key), resize }

    let utf8: Bool
    let colors: Int
    private var last: Screen?
    private var attrs: [UInt32] = []
    private var codes: [Int32: Key] = [:]
    private var resizeCode: Int32 = -1
    /// A UTF-8 character whose bytes came in two reads is held here between them.
    private var bytes = UTF8Keys()
    private(set) var stopped = false

    /// Checks everything that would make ncurses exit abruptly, before it is touched.
    static func preflight(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw SetupError.notATerminal }
        guard let term = environment["TERM"], !term.isEmpty else { throw SetupError.noTerm }
        switch floor_term_usable(term) {
        case 1: return
        case -1: throw SetupError.noTerminfo(term)
        default: throw SetupError.unknownTerm(term)
        }
    }

    init(escapeDelay: Int32 = 25, colour: Bool = true) throws {
        utf8 = floor_setlocale_utf8() == 1
        try Terminal.preflight()
        guard floor_start(escapeDelay) == 0 else {
            throw SetupError.cannotStart(ProcessInfo.processInfo.environment["TERM"] ?? "")
        }
        colors = colour ? Int(floor_colors()) : 0
        setupColours()
        for (name, key) in [
            ("up", Key.up), ("down", .down), ("left", .left), ("right", .right), ("home", .home), ("end", .end),
            ("ppage", .pageUp), ("npage", .pageDown), ("backspace", .backspace), ("dc", .delete), ("ic", .insert),
            ("enter", .enter), ("btab", .tab),
        ] {
            codes[floor_key_code(name)] = key
        }
        for n in 1...12 { codes[floor_key_f(Int32(n))] = .function(n) }
        resizeCode = floor_key_code("resize")
    }

    deinit { stop() }

    /// Restores the terminal. Safe to call more than once.
    func stop() {
        guard !stopped else { return }
        stopped = true
        floor_stop()
    }

    var size: (width: Int, height: Int) { (Int(floor_cols()), Int(floor_lines())) }

    // MARK: colours

    private func setupColours() {
        let bold = floor_attr_bold(), reverse = floor_attr_reverse(), underline = floor_attr_underline(), dim = floor_attr_dim()
        attrs = Array(repeating: 0, count: Paint.allCases.count)
        if colors == 0 {
            // No colour: attributes carry emphasis; words carry the meaning.
            attrs[Int(Paint.dim.rawValue)] = dim
            attrs[Int(Paint.title.rawValue)] = bold
            attrs[Int(Paint.header.rawValue)] = reverse
            attrs[Int(Paint.selected.rawValue)] = reverse
            attrs[Int(Paint.stop.rawValue)] = reverse | bold
            attrs[Int(Paint.banner.rawValue)] = reverse | bold
            attrs[Int(Paint.field.rawValue)] = underline
            attrs[Int(Paint.key.rawValue)] = bold
            attrs[Int(Paint.stale.rawValue)] = dim
            return
        }
        // (fg, bg) per role; -1 is the terminal's default. 256 colours get softer greys.
        let grey: Int16 = colors >= 256 ? 245 : -1
        let table: [Paint: (Int16, Int16, UInt32)] = [
            .dim: (grey, -1, colors >= 256 ? 0 : dim),
            .title: (6, -1, bold),
            .header: (0, 6, 0),
            .selected: (7, 4, bold),
            .ok: (2, -1, 0),
            .warn: (3, -1, 0),
            .stop: (7, 1, bold),
            .info: (6, -1, 0),
            .banner: (0, 3, bold),
            .field: (0, 7, 0),
            .key: (3, -1, bold),
            .stale: (colors >= 256 ? 250 : 7, colors >= 256 ? 238 : 0, 0),
        ]
        for role in Paint.allCases where role != .normal {
            guard let (fg, bg, extra) = table[role] else { continue }
            floor_init_pair(Int16(role.rawValue), fg, bg)
            attrs[Int(role.rawValue)] = floor_color_pair(Int32(role.rawValue)) | extra
        }
    }

    // MARK: drawing

    /// Forgets what is on the terminal so the next draw repaints everything.
    func invalidate() {
        last = nil
        floor_clear()
    }

    /// Copies the rows that changed since the last draw to ncurses (which diffs again), then
    /// refreshes. Returns false when nothing changed (nothing is written then).
    @discardableResult
    func draw(_ screen: Screen) -> Bool {
        if let last, last == screen { return false }
        let previous = (last?.width == screen.width && last?.height == screen.height) ? last : nil
        if previous == nil { floor_clear() }
        for y in 0..<screen.height {
            if let previous, (0..<screen.width).allSatisfy({ previous[x: $0, y: y] == screen[x: $0, y: y] }) { continue }
            var x = 0
            while x < screen.width {
                let start = screen[x: x, y: y]
                var run: [wchar_t] = []
                var x1 = x
                while x1 < screen.width {
                    let c = screen[x: x1, y: y]
                    if c.role != start.role || c.bold != start.bold { break }
                    if !c.continuation { for u in c.char.unicodeScalars { run.append(wchar_t(Int32(bitPattern: u.value))) } }
                    x1 += 1
                }
                var attr = attrs[Int(start.role.rawValue)]
                if start.bold { attr |= floor_attr_bold() }
                run.withUnsafeBufferPointer { floor_put(Int32(y), Int32(x), $0.baseAddress, Int32(run.count), attr) }
                x = x1
            }
        }
        floor_refresh()
        last = screen
        return true
    }

    // MARK: keys

    /// Every key waiting, without blocking (empty when none: after a poll that said readable, that
    /// means end of input). Bytes are decoded here (`UTF8Keys`): a byte that is not UTF-8 is a
    /// visible character of its own, so it neither ends a scanner burst nor looks like the end of input.
    func readKeys() -> [Input] {
        var out: [Input] = []
        var ch: Int32 = 0
        func chars(_ scalars: [Unicode.Scalar]) {
            for u in scalars { out.append(.key(u == "\n" ? .enter : Key(Character(u)))) }
        }
        while true {
            let r = floor_read_key(&ch)
            if r < 0 { break }
            if r == 1 {
                chars(bytes.flush())
                if ch == resizeCode { out.append(.resize) } else if let k = codes[ch] { out.append(.key(k)) }
                continue
            }
            chars(bytes.feed(CollectionOfOne(UInt8(truncatingIfNeeded: ch))))
        }
        return out
    }
}
