import Foundation

// Keyboard-wedge scanners type a barcode as keystrokes, in a burst (1–20 ms per character, a few
// around 80 ms), usually ending with Enter. People type 100 ms and more apart. `WedgeDecoder` is a
// pure state machine, fed timed keys and ticked by a timer, that tells the two apart
// (`docs/scanner.md`: a scan's characters must never leak into a text field).
//
// Rules (defaults in brackets):
// * Unframed burst (timing on). A key is held while it may start a burst. Keys keep
//   accumulating while each comes within `maxGap` [35 ms] of the previous one. When a suffix key
//   (Enter, LF, Tab) arrives, the held keys before it are a scan if there are at least
//   `minLength` [4] of them, every gap (suffix included) is ≤ `maxGap`, the average gap is ≤
//   `maxAverageGap` [25 ms], and they are not all the same character (key auto-repeat). A person's
//   key that came just before the scanner started (up to two leading keys whose gap to the next
//   is over `maxAverageGap` and over 3 times the rest's average gap) is left out of the scan and
//   typed; if the whole run fails, the test is also tried without its first one or two keys.
//   Otherwise everything held, suffix included, comes out typed, in order. The suffix is consumed by a scan; one more suffix key
//   within `maxGap` after it (CR then LF) is consumed too.
// * Held keys that get no further key within `maxGap` can no longer be a burst: they come out
//   typed (on `tick` or on the next `feed`). So a person's key reaches the screen at most
//   `maxGap` + the tick period after it was pressed [≤ 40 ms with a 5 ms tick], or that plus the
//   rollover gap when two keys were pressed together.
// * Auto-repeat: the same character again after more than `maxAverageGap`, with only that
//   character held, is released at once as typing.
// * A key with no text (backspace, escape, arrows, function keys) can never be inside a scan: it
//   and everything held before it come out typed at once.
// * Framed burst. When `prefix` is configured (or `aimFraming` is on and `]` + letter + modifier
//   arrives), a burst starting with it is a scan whatever the timing and may contain CR/LF/Tab:
//   it ends after `settle` [60 ms] with no key, and its trailing suffix keys are dropped (inner
//   ones are kept). The prefix is consumed. A prefix right after a suffix inside a framed burst
//   starts a new framed burst (two scans back to back). A framed burst with nothing after the
//   prefix comes out typed. A printable prefix (like an AIM identifier) is recognised only at
//   the start of a burst; a prefix starting with a control character (STX) anywhere in a
//   pending run. A partial prefix waits at most `settle` for its next key.
// * `timingEnabled == false` (e.g. over SSH, where timing means nothing): only framed bursts
//   are scans; every other key is typed at once (a possible prefix start is held up to `settle`).
// * A run longer than `maxLength` comes out typed. Time going backwards is treated as no gap.
//
// Invariants (tested): every key fed comes out exactly once, in order, either typed or inside a
// scan, except the suffix keys and prefixes a scan consumes (an AIM identifier at the start of a
// scan goes to `symbology`). The machine always returns to idle after `settle` of silence.

/// One keystroke as the terminal layer reports it.
public enum Key: Hashable, Sendable {
    case char(Character)
    case enter, tab, backspace, delete, escape, insert
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)

    /// A key from a character: CR is Enter, HT is Tab, BS/DEL are Backspace, ESC is Escape.
    public init(_ c: Character) {
        switch c {
        case "\r": self = .enter
        case "\t": self = .tab
        case "\u{08}", "\u{7F}": self = .backspace
        case "\u{1B}": self = .escape
        default: self = .char(c)
        }
    }

    /// The keys a string types, one per character.
    public static func keys(_ text: String) -> [Key] { text.map(Key.init) }

    /// What the key contributes to scanned text; nil for keys that cannot be in a scan.
    public var text: String? {
        switch self {
        case .char(let c): return String(c)
        case .enter: return "\r"
        case .tab: return "\t"
        default: return nil
        }
    }
}

public enum WedgeOutput: Equatable, Sendable {
    /// A key a person typed, for whatever has focus.
    case typed(Key)
    /// A scanned code, framing and suffix removed. `symbology` is the AIM identifier (`]C1`...)
    /// when the scanner sent one (in front of the data, or as the configured prefix).
    case scan(String, symbology: String?)
}

public struct WedgeSettings: Codable, Equatable, Sendable {
    /// Largest gap between two keys of one burst, ms.
    public var maxGap: Int
    /// Largest average gap over a burst (its suffix included), ms.
    public var maxAverageGap: Int
    /// Fewest characters (suffix excluded) an unframed scan has.
    public var minLength: Int
    /// Silence after which a framed burst (or a partial prefix) is decided, ms.
    public var settle: Int
    /// Characters a scanner sends before each code (`"\u{02}"`, `"]C1"`...); consumed.
    public var prefix: String?
    /// Any AIM identifier (`]` + letter + modifier) at the start of a burst frames it.
    public var aimFraming: Bool
    /// Keys that end a scan, each one key's text. Default CR, LF, Tab.
    public var suffixes: [String]
    /// False where key timing means nothing (SSH): then only framed bursts are scans.
    public var timingEnabled: Bool
    /// Longest run held before it is given up as typing.
    public var maxLength: Int
    /// The scanner sends a GS1 QR symbol's `%` separators raw instead of GS (rare; off by default,
    /// when a `%` in a GS1 label is data).
    public var gs1PercentIsSeparator: Bool

    public init(
        maxGap: Int = 35, maxAverageGap: Int = 25, minLength: Int = 4, settle: Int = 60, prefix: String? = nil,
        aimFraming: Bool = false, suffixes: [String] = ["\r", "\n", "\t"], timingEnabled: Bool = true,
        maxLength: Int = 8192, gs1PercentIsSeparator: Bool = false
    ) {
        self.maxGap = maxGap; self.maxAverageGap = maxAverageGap; self.minLength = minLength; self.settle = settle
        self.prefix = prefix; self.aimFraming = aimFraming; self.suffixes = suffixes; self.timingEnabled = timingEnabled
        self.maxLength = maxLength; self.gs1PercentIsSeparator = gs1PercentIsSeparator
    }

    public static let defaults = WedgeSettings()

    /// Thresholds set from the gaps (ms) measured in a few test scans of this scanner, with a
    /// safety margin: `maxGap` = 1.5 × the largest gap + 10 (at least 20), `maxAverageGap` =
    /// 1.3 × the largest burst average + 5 (at least 15, at most `maxGap`), `settle` at least
    /// `maxGap` + 20. A fast scanner lowers the thresholds (less latency for typing); a slow one
    /// (80 ms) raises them, at the cost of holding typed keys longer. No gaps: unchanged.
    public func calibrated(from bursts: [[Int]]) -> WedgeSettings {
        let samples = bursts.map { $0.filter { $0 >= 0 } }.filter { !$0.isEmpty }
        guard !samples.isEmpty else { return self }
        let largest = samples.flatMap { $0 }.max()!
        let worstAverage = samples.map { Double($0.reduce(0, +)) / Double($0.count) }.max()!
        var s = self
        s.maxGap = max(20, Int((Double(largest) * 1.5).rounded(.up)) + 10)
        s.maxAverageGap = min(s.maxGap, max(15, Int((worstAverage * 1.3).rounded(.up)) + 5))
        s.settle = max(settle, s.maxGap + 20)
        return s
    }

    /// Gaps between successive instants (for `calibrated(from:)`).
    public static func gaps(_ instants: [Int64]) -> [Int] {
        zip(instants.dropFirst(), instants).map { Int($0 - $1) }
    }

    enum CodingKeys: String, CodingKey {
        case maxGap, maxAverageGap, minLength, settle, prefix, aimFraming, suffixes, timingEnabled, maxLength, gs1PercentIsSeparator
    }

    /// Missing fields take their defaults, so a settings file can name only what it changes.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = WedgeSettings()
        maxGap = try c.decodeIfPresent(Int.self, forKey: .maxGap) ?? d.maxGap
        maxAverageGap = try c.decodeIfPresent(Int.self, forKey: .maxAverageGap) ?? d.maxAverageGap
        minLength = try c.decodeIfPresent(Int.self, forKey: .minLength) ?? d.minLength
        settle = try c.decodeIfPresent(Int.self, forKey: .settle) ?? d.settle
        prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
        aimFraming = try c.decodeIfPresent(Bool.self, forKey: .aimFraming) ?? d.aimFraming
        suffixes = try c.decodeIfPresent([String].self, forKey: .suffixes) ?? d.suffixes
        timingEnabled = try c.decodeIfPresent(Bool.self, forKey: .timingEnabled) ?? d.timingEnabled
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength) ?? d.maxLength
        gs1PercentIsSeparator = try c.decodeIfPresent(Bool.self, forKey: .gs1PercentIsSeparator) ?? d.gs1PercentIsSeparator
    }
}

public struct WedgeDecoder: Sendable {
    public var settings: WedgeSettings

    struct Stamped: Sendable {
        var key: Key
        var at: Int64
    }

    struct Frame: Sendable {
        var prefixCount: Int
        var symbology: String?
        var lastSuffix: Int?
    }

    enum PrefixMatch {
        case none, partial
        case complete(count: Int, symbology: String?)
    }

    private var held: [Stamped] = []
    private var frame: Frame?
    /// Start (in `held`) of a partial prefix, while pending.
    private var candidate: Int?
    private var lastAt: Int64 = .min
    /// After a suffix-terminated scan, one more suffix key up to this instant is consumed.
    private var absorbUntil: Int64?

    public init(settings: WedgeSettings = .defaults) { self.settings = settings }

    /// Nothing held.
    public var isIdle: Bool { held.isEmpty }

    /// The first instant at which `tick` will decide what is held (nil when idle).
    public var nextDeadline: Int64? {
        held.isEmpty ? nil : lastAt + Int64(timeout) + 1
    }

    public mutating func feed(_ key: Key, at millis: Int64) -> [WedgeOutput] {
        let now = max(millis, lastAt)
        var out = expire(now)
        let previous = lastAt
        lastAt = now
        if frame != nil { return out + feedFramed(key, now) }
        if held.isEmpty, isSuffix(key), let until = absorbUntil, now <= until {
            absorbUntil = nil
            return out
        }
        absorbUntil = nil
        held.append(Stamped(key: key, at: now))
        if key.text == nil { return out + releaseAll() }

        if framing {
            candidate = nil
            let window = prefixWindow
            for i in max(0, held.count - window)..<held.count where i == 0 || startsWithControl(held[i].key) {
                switch matchPrefix(held[i...]) {
                case .complete(let n, let symbology):
                    out += release(upTo: i)
                    frame = Frame(prefixCount: n, symbology: symbology, lastSuffix: nil)
                    noteSuffixes(from: n)
                    return out
                case .partial:
                    if candidate == nil { candidate = i }
                case .none:
                    break
                }
            }
        }
        guard settings.timingEnabled else {
            if let c = candidate { out += release(upTo: c) } else { out += releaseAll() }
            return out
        }
        if isSuffix(key) { return out + decideAtSuffix(now) }
        // Auto-repeat: one character again, slower than a burst, with only that character held.
        if held.count >= 2, now - previous > Int64(settings.maxAverageGap), held.allSatisfy({ $0.key == key }) {
            return out + releaseAll()
        }
        if held.count > settings.maxLength { out += releaseAll() }
        return out
    }

    /// Decides what has waited long enough; call it on a timer (every 5–10 ms).
    public mutating func tick(at millis: Int64) -> [WedgeOutput] {
        expire(max(millis, lastAt))
    }

    /// Decides everything held now (focus change, shutdown): framed bursts as scans, the rest typed.
    public mutating func flush() -> [WedgeOutput] {
        guard !held.isEmpty else { return [] }
        return frame != nil ? endFramed() : releaseAll()
    }

    // MARK: - Framed bursts

    private mutating func feedFramed(_ key: Key, _ now: Int64) -> [WedgeOutput] {
        guard let f = frame else { return [] }
        if key.text == nil {
            // A scanner never sends it: end a terminated scan, else give everything up as typing.
            if let s = f.lastSuffix, s == held.count - 1, s > f.prefixCount {
                return endFramed() + [.typed(key)]
            }
            held.append(Stamped(key: key, at: now))
            return releaseAll()
        }
        held.append(Stamped(key: key, at: now))
        if isSuffix(key) {
            frame?.lastSuffix = held.count - 1
            return []
        }
        if let s = f.lastSuffix, held.count - (s + 1) <= prefixWindow,
            case .complete(let n, let symbology) = matchPrefix(held[(s + 1)...])
        {
            let next = Array(held[(s + 1)...])
            held.removeLast(next.count)
            let out = endFramed()
            held = next
            frame = Frame(prefixCount: n, symbology: symbology, lastSuffix: nil)
            noteSuffixes(from: n)
            return out
        }
        if held.count > settings.maxLength { return releaseAll() }
        return []
    }

    private mutating func noteSuffixes(from start: Int) {
        for i in start..<held.count where isSuffix(held[i].key) { frame?.lastSuffix = i }
    }

    private mutating func endFramed() -> [WedgeOutput] {
        guard let f = frame else { return releaseAll() }
        var end = held.count
        while end > f.prefixCount, isSuffix(held[end - 1].key) { end -= 1 }
        guard end > f.prefixCount else { return releaseAll() }
        let text = held[f.prefixCount..<end].map { $0.key.text ?? "" }.joined()
        held.removeAll(keepingCapacity: true)
        frame = nil
        candidate = nil
        if let symbology = f.symbology { return [.scan(text, symbology: symbology)] }
        let (symbology, data) = AIMIdentifier.split(text)
        return [.scan(data, symbology: symbology)]
    }

    // MARK: - Unframed bursts

    private mutating func decideAtSuffix(_ now: Int64) -> [WedgeOutput] {
        let term = held.count - 1
        // A person's key just before the scanner started: a first gap slower than a burst and
        // over 3 times the rest's average, the rest being a scan on its own.
        var trimmed = 0
        while trimmed < 2, trimmed + 1 < term, isLeadingOutlier(trimmed, term), qualifies(from: trimmed + 1, to: term) {
            trimmed += 1
        }
        let start = qualifies(from: trimmed, to: term) ? trimmed : (0...min(2, term)).first(where: { qualifies(from: $0, to: term) })
        guard let start else { return releaseAll() }
        var out = release(upTo: start)
        let text = held[0..<(held.count - 1)].map { $0.key.text ?? "" }.joined()
        held.removeAll(keepingCapacity: true)
        candidate = nil
        let (symbology, data) = AIMIdentifier.split(text)
        out.append(.scan(data, symbology: symbology))
        absorbUntil = now + Int64(settings.maxGap)
        return out
    }

    private func isLeadingOutlier(_ i: Int, _ term: Int) -> Bool {
        let gap = held[i + 1].at - held[i].at
        let restSpan = held[term].at - held[i + 1].at
        return gap > Int64(settings.maxAverageGap) && gap * Int64(term - i - 1) > 3 * restSpan
    }

    /// Are `held[start..<term]` a scanner burst ended by the suffix `held[term]`?
    private func qualifies(from start: Int, to term: Int) -> Bool {
        let count = term - start
        guard count >= max(1, settings.minLength) else { return false }
        guard held[term].at - held[start].at <= Int64(settings.maxAverageGap) * Int64(count) else { return false }
        var allSame = true
        for i in (start + 1)...term {
            if held[i].at - held[i - 1].at > Int64(settings.maxGap) { return false }
            if i < term, held[i].key != held[start].key { allSame = false }
            if i < term, held[i].key.text == nil || isSuffix(held[i].key) { return false }
        }
        return !(allSame && count >= 2)
    }

    // MARK: - Time

    private var timeout: Int {
        frame != nil || candidate != nil || !settings.timingEnabled ? settings.settle : settings.maxGap
    }

    private mutating func expire(_ now: Int64) -> [WedgeOutput] {
        guard !held.isEmpty, now - lastAt > Int64(timeout) else { return [] }
        return frame != nil ? endFramed() : releaseAll()
    }

    // MARK: - Helpers

    private mutating func releaseAll() -> [WedgeOutput] {
        let out = held.map { WedgeOutput.typed($0.key) }
        held.removeAll(keepingCapacity: true)
        frame = nil
        candidate = nil
        return out
    }

    private mutating func release(upTo i: Int) -> [WedgeOutput] {
        guard i > 0 else { return [] }
        let out = held[..<i].map { WedgeOutput.typed($0.key) }
        held.removeFirst(i)
        if let c = candidate { candidate = c >= i ? c - i : nil }
        return out
    }

    private func isSuffix(_ key: Key) -> Bool {
        guard let t = key.text else { return false }
        if settings.suffixes.contains(t) { return true }
        return t == "\r\n" && (settings.suffixes.contains("\r") || settings.suffixes.contains("\n"))
    }

    private var framing: Bool { settings.aimFraming || !(settings.prefix ?? "").isEmpty }

    private var prefixWindow: Int { max(3, settings.prefix?.unicodeScalars.count ?? 0) }

    private func startsWithControl(_ key: Key) -> Bool {
        guard let s = key.text?.unicodeScalars.first else { return false }
        return s.value < 0x20 || s.value == 0x7F
    }

    private func matchPrefix(_ keys: ArraySlice<Stamped>) -> PrefixMatch {
        var configured = PrefixMatch.none
        if let p = settings.prefix, !p.isEmpty {
            var s = ""
            loop: for (n, k) in keys.enumerated() {
                guard let t = k.key.text else { break }
                s += t
                if s == p { configured = .complete(count: n + 1, symbology: AIMIdentifier.isIdentifier(p) ? p : nil); break loop }
                if !p.hasPrefix(s) { break loop }
                if n == keys.count - 1 { configured = .partial }
            }
        }
        if case .complete = configured { return configured }
        var aim = PrefixMatch.none
        if settings.aimFraming {
            var scalars: [Unicode.Scalar] = []
            var n = 0
            for k in keys {
                guard let t = k.key.text else { break }
                scalars += t.unicodeScalars
                n += 1
                if scalars.count >= 3 { break }
            }
            let ok =
                (scalars.count < 1 || scalars[0] == "]") && (scalars.count < 2 || AIMIdentifier.isCode(scalars[1]))
                && (scalars.count < 3 || AIMIdentifier.isModifier(scalars[2]))
            if ok && scalars.count == 3 {
                aim = .complete(count: n, symbology: String(String.UnicodeScalarView(scalars)))
            } else if ok && !scalars.isEmpty && n == keys.count {
                aim = .partial
            }
        }
        if case .complete = aim { return aim }
        if case .partial = configured { return .partial }
        return aim
    }
}
