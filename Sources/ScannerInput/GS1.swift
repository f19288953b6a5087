import Foundation
import MESCore

// GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR, DataBar), as a scanner types them:
// * with an AIM identifier in front (`]C1`, `]d2`, `]Q3`, `]e0`, `]J1`), stripped and kept as the
//   symbology; another AIM identifier (`]C0`, `]E0`...) is refused as not GS1; a leading GS
//   (FNC1 sent as GS) is skipped; a trailing CR, LF or CRLF is dropped;
// * raw, with ASCII GS (29) after each variable-length field; a predefined-length field needs none
//   (the `*` entries of `GS1.dictionaryText`). Other fixed-length AIs (402, 422, 7003...) are read
//   by their length too, with or without the GS the standard asks for;
// * `%` is data, as a scanner transmits it (it stands for FNC1 only inside a GS1 QR symbol, which
//   the scanner decodes to GS). A station whose scanner really sends the raw `%` turns on
//   `percentIsSeparator`; then `%%` is a literal `%`;
// * in the human-readable form `(01)09506000134352(17)201225(10)ABC` (spaces between elements
//   tolerated, `\(` a literal bracket). Inside a value, `(` + 2 to 4 digits + `)` starts the next
//   element: a known AI is read, an unknown one refuses the code (never glued into the value).
// The AI table is the whole of GS1's (`GS1Dictionary.swift`), each component checked as the
// standard says (`GS1Lint`). Two-digit years follow the standard's sliding century window around
// the current year unless a reference year is given.
// Missing GS between two variable fields: the first field runs on. Over its maximum length it is
// refused (`tooLong`, message hints at the missing GS); within it, it is accepted and
// `GS1Data.warnings` says which AI the tail looks like, so the kiosk can say so if the lot is
// then unknown.

public struct GS1Element: Equatable, Sendable {
    public let ai: String
    public let value: String
    /// The GS1 data title (`BATCH/LOT`, `USE BY OR EXPIRY`...).
    public let title: String
    /// For AIs whose value starts with a date (11–17, 7003, 7006, 7007 ...): the date, day 00 read
    /// as the month's last day.
    public let date: LocalDate?
}

public struct GS1Data: Equatable, Sendable {
    /// The AIM identifier the text came with (`]C1`, `]d2`, `]Q3`...), if any.
    public var symbology: String?
    /// Every element, in the order read.
    public var elements: [GS1Element]
    /// Suspicions that did not make the text unreadable (a GS separator that may be missing).
    public var warnings: [String]

    public func value(_ ai: String) -> String? { elements.first { $0.ai == ai }?.value }
    public func element(_ ai: String) -> GS1Element? { elements.first { $0.ai == ai } }

    /// GTIN-14: AI 01 (the item), else AI 02 (the items contained in a logistic unit).
    public var gtin: String? { value("01") ?? value("02") }
    public var lot: String? { value("10") }
    public var serial: String? { value("21") }
    /// AI 17, use-by / expiry date; else the date of AI 7003 (expiration date and time).
    public var expiry: LocalDate? { element("17")?.date ?? element("7003")?.date }
    /// AI 15.
    public var bestBefore: LocalDate? { element("15")?.date }
    /// AI 11.
    public var productionDate: LocalDate? { element("11")?.date }
    /// AI 37 (items in a logistic unit), else AI 30 (variable count).
    public var count: Int? { (value("37") ?? value("30")).flatMap { Int($0) } }
    /// AI 00, the logistic unit's SSCC.
    public var sscc: String? { value("00") }
}

public struct GS1Error: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case empty
        /// Came with an AIM identifier of a symbology that does not carry GS1 data.
        case notGS1(symbology: String)
        /// Where an AI was expected, something other than its digits.
        case expectedAI(position: Int, found: String)
        case unknownAI(String)
        case tooShort(ai: String, value: String, min: Int)
        case tooLong(ai: String, value: String, max: Int)
        case notNumeric(ai: String, value: String)
        case invalidCharacter(ai: String, value: String, character: String)
        case badCheckDigit(ai: String, value: String, expected: Int)
        case badDate(ai: String, value: String, why: String)
        case conflicting(ai: String, first: String, second: String)
        /// A value that breaks one of the standard's content rules (a country code, a coupon's structure ...).
        case invalidValue(ai: String, value: String, why: String)
        case malformed(why: String)
    }

    /// The text as read (raw; sanitized in `message`).
    public let text: String
    public let reason: Reason

    public init(text: String, reason: Reason) { self.text = text; self.reason = reason }

    /// One line, safe for a terminal: what was read and why it was refused.
    public var message: String {
        let s = Sanitize.line
        let why: String
        switch reason {
        case .empty: why = "nothing was read"
        case .notGS1(let sym): why = "symbology \(s(sym)) does not carry GS1 data"
        case .expectedAI(let pos, let found): why = "expected an application identifier (digits) at position \(pos), found '\(s(found))'"
        case .unknownAI(let ai): why = "unknown application identifier (\(s(ai)))"
        case .tooShort(let ai, let v, let min): why = "(\(ai)) \(GS1.title(ai)) '\(s(v))' is \(v.count) characters, needs \(min)"
        case .tooLong(let ai, let v, let max):
            why = "(\(ai)) \(GS1.title(ai)) '\(s(v))' is \(v.count) characters, at most \(max) allowed (a GS separator may be missing)"
        case .notNumeric(let ai, let v): why = "(\(ai)) \(GS1.title(ai)) '\(s(v))' must be digits only"
        case .invalidCharacter(let ai, let v, let c): why = "(\(ai)) \(GS1.title(ai)) '\(s(v))' holds a character not allowed in GS1: '\(s(c))'"
        case .badCheckDigit(let ai, let v, let expected): why = "(\(ai)) \(GS1.title(ai)) '\(s(v))' has a wrong check digit (expected \(expected))"
        case .badDate(let ai, let v, let w): why = "(\(ai)) \(GS1.title(ai)) '\(s(v))' is not a date: \(w)"
        case .conflicting(let ai, let a, let b): why = "(\(ai)) appears twice with different values '\(s(a))' and '\(s(b))'"
        case .invalidValue(let ai, let v, let w): why = "(\(ai)) \(GS1.title(ai)) '\(s(v))': \(s(w))"
        case .malformed(let w): why = s(w)
        }
        return "GS1 code '\(s(text))' refused: \(why)"
    }

    public var description: String { message }
}

public enum GS1 {
    static let gs: Unicode.Scalar = "\u{1D}"

    enum Charset: Sendable {
        case numeric, cset82, cset39, cset64
        func allows(_ c: Unicode.Scalar) -> Bool {
            guard c.isASCII else { return false }
            let b = UInt8(c.value)
            switch self {
            case .numeric: return GS1Lint.isDigit(b)
            case .cset82: return GS1.cset82.contains(b)
            case .cset39: return GS1Lint.isDigit(b) || (0x41...0x5A).contains(b) || b == 0x23 || b == 0x2D || b == 0x2F
            case .cset64: return GS1Lint.isDigit(b) || GS1Lint.isLetter(b) || b == 0x2D || b == 0x5F || b == 0x3D
            }
        }
    }

    /// One part of an AI's value: its character set, length and checks.
    struct Component: Sendable {
        let charset: Charset
        let min: Int
        let max: Int
        let optional: Bool
        let checks: [String]
    }

    struct AIInfo: Sendable {
        let title: String
        /// Predefined length: never followed by a GS.
        let predefined: Bool
        let components: [Component]
        var min: Int { components.filter { !$0.optional }.reduce(0) { $0 + $1.min } }
        var max: Int { components.reduce(0) { $0 + $1.max } }
        var fixed: Bool { min == max }
        var numeric: Bool { components.allSatisfy { $0.charset == .numeric } }
    }

    /// The AI table, read from `dictionaryText` once.
    static let table: [String: AIInfo] = readDictionary(dictionaryText)

    static func readDictionary(_ text: String) -> [String: AIInfo] {
        var out: [String: AIInfo] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 3 else { continue }
            var components: [Component] = []
            var k = 2
            while k < words.count, let c = component(String(words[k])) { components.append(c); k += 1 }
            let title = words[k...].joined(separator: " ")
            let info = AIInfo(title: title, predefined: words[1] == "*", components: components)
            let range = words[0].split(separator: "-")
            if range.count == 2, let a = Int(range[0]), let b = Int(range[1]), a <= b {
                for n in a...b { out[String(n).leftPadded(to: range[0].count)] = info }
            } else {
                out[String(words[0])] = info
            }
        }
        return out
    }

    /// `N6,yymmd0`, `X..20`, `[N4],hhmi`: a component, or nil when the word is the title's.
    static func component(_ word: String) -> Component? {
        var w = Substring(word)
        let optional = w.hasPrefix("[")
        if optional { w = w.dropFirst() }
        guard let first = w.first, let charset: Charset = ["N": .numeric, "X": .cset82, "Y": .cset39, "Z": .cset64][first] else { return nil }
        w = w.dropFirst()
        let parts = w.split(separator: ",", omittingEmptySubsequences: false)
        var length = parts[0]
        if optional {
            guard length.hasSuffix("]") else { return nil }
            length = length.dropLast()
        }
        let variable = length.hasPrefix("..")
        guard let n = Int(variable ? length.dropFirst(2) : length), n > 0 else { return nil }
        return Component(charset: charset, min: variable ? 1 : n, max: n, optional: optional, checks: parts.dropFirst().map(String.init))
    }

    static func title(_ ai: String) -> String { table[ai]?.title ?? "" }

    /// The lengths a value of `ai` may have, or nil for an AI the table does not hold.
    public static func lengths(of ai: String) -> ClosedRange<Int>? { table[ai].map { $0.min...$0.max } }

    /// The AI at the start of `c[i...]`: GS1's AIs are prefix-free, so at most one of the first
    /// two, three or four digits names one.
    static func knownAI(_ c: [Unicode.Scalar], _ i: Int) -> String? {
        var ai = ""
        for j in i..<min(c.count, i + 4) {
            guard Parser.isDigit(c[j]) else { return nil }
            ai.unicodeScalars.append(c[j])
            if ai.count >= 2, table[ai] != nil { return ai }
        }
        return nil
    }

    /// How many digits an AI starting with these two digits has (GS1 General Specifications 3.2),
    /// for naming an AI that is not in the table.
    static func aiLength(_ two: Int) -> Int {
        switch two {
        case 0...22, 30, 37, 90...99: return 2
        case 23...29, 40...42: return 3
        default: return 4
        }
    }

    /// This year, for the century window of two-digit years.
    static func currentYear() -> Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

    /// A two-digit year as the GS1 General Specifications (7.12) read it: within 49 years back and
    /// 50 years ahead of `referenceYear`.
    static func year(_ yy: Int, referenceYear ref: Int) -> Int {
        let century = ref - ref % 100
        let diff = yy - ref % 100
        return century + yy + (diff >= 51 ? -100 : diff <= -50 ? 100 : 0)
    }

    /// Reads a GS1 element string. Two-digit years are read in the standard's century window
    /// around `referenceYear` (this year when nil), so an expiry of `991231` is 1999, not 2099.
    public static func parse(_ text: String, referenceYear: Int? = nil, percentIsSeparator: Bool = false) -> Result<GS1Data, GS1Error> {
        parse(text, symbology: nil, referenceYear: referenceYear, percentIsSeparator: percentIsSeparator)
    }

    /// The same, for a scan whose AIM identifier was already split off (`WedgeOutput.scan`).
    public static func parse(
        _ text: String, symbology: String?, referenceYear: Int? = nil,
        percentIsSeparator: Bool = false
    ) -> Result<GS1Data, GS1Error> {
        let raw = (symbology ?? "") + text
        var body = text
        var sym = symbology
        if sym == nil {
            // An identifier alone (`]C1`, `]Q1`): a symbol with no data.
            if AIMIdentifier.isIdentifier(text) { (sym, body) = (text, "") } else { (sym, body) = AIMIdentifier.split(text) }
        }
        if let sym, !AIMIdentifier.gs1.contains(sym) {
            return .failure(GS1Error(text: raw, reason: .notGS1(symbology: sym)))
        }
        let scalars = Array(body.unicodeScalars)
        var end = scalars.count
        while end > 0, scalars[end - 1] == "\r" || scalars[end - 1] == "\n" { end -= 1 }
        var start = 0
        while start < end, scalars[start] == gs { start += 1 }
        guard start < end else { return .failure(GS1Error(text: raw, reason: .empty)) }
        let chars = Array(scalars[start..<end])
        var p = Parser(raw: raw, referenceYear: referenceYear ?? currentYear())
        let result = chars.first == "(" ? p.readBracketed(chars) : p.readRaw(chars, percentIsGS: percentIsSeparator)
        switch result {
        case .failure(let e): return .failure(e)
        case .success(let elements):
            return .success(GS1Data(symbology: sym, elements: elements, warnings: missingSeparatorWarnings(elements, referenceYear: p.referenceYear)))
        }
    }

    /// A variable-length value whose tail reads as another, variable-length element: the GS
    /// between them may be missing (`10ABC21XYZ` is lot `ABC21XYZ`, or lot `ABC` + serial `XYZ`).
    static func missingSeparatorWarnings(_ elements: [GS1Element], referenceYear: Int) -> [String] {
        var out: [String] = []
        for e in elements {
            guard let info = table[e.ai], !info.fixed else { continue }
            let v = Array(e.value.unicodeScalars)
            for k in 1..<max(1, v.count - 2) {
                guard let ai = knownAI(v, k), ai != e.ai, let other = table[ai], !other.fixed,
                    k + ai.count < v.count, !elements.contains(where: { $0.ai == ai })
                else { continue }
                var p = Parser(raw: "", referenceYear: referenceYear)
                if case .success(let tail) = p.readRaw(Array(v[k...]), percentIsGS: false), !tail.isEmpty {
                    out.append(
                        "(\(e.ai)) '\(Sanitize.line(e.value))' may hold (\(ai)) '\(Sanitize.line(tail[0].value))': a GS separator may be missing")
                    break
                }
            }
        }
        return out
    }

    /// GS1 mod-10 check digit of `digits` (without the check digit).
    public static func checkDigit(_ digits: some Collection<Character>) -> Int {
        var sum = 0
        for (i, c) in digits.reversed().enumerated() { sum += (c.wholeNumberValue ?? 0) * (i % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10
    }

    /// GS1 character set 82 (the printable characters an alphanumeric AI may hold).
    static let cset82: Set<UInt8> = Set("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".utf8)

    struct Parser {
        let raw: String
        let referenceYear: Int
        var elements: [GS1Element] = []

        func fail(_ r: GS1Error.Reason) -> Result<[GS1Element], GS1Error> { .failure(GS1Error(text: raw, reason: r)) }

        static func isDigit(_ c: Unicode.Scalar) -> Bool { c.isASCII && GS1Lint.isDigit(UInt8(c.value)) }

        /// Reads the AI at `i`; returns it and its definition, or the error.
        func readAI(_ c: [Unicode.Scalar], _ i: Int) -> Result<(String, AIInfo), GS1Error> {
            guard i + 1 < c.count, Self.isDigit(c[i]), Self.isDigit(c[i + 1]) else {
                return .failure(GS1Error(text: raw, reason: .expectedAI(position: i, found: Self.string(c[i..<min(c.count, i + 4)]))))
            }
            if let ai = knownAI(c, i), let info = table[ai] { return .success((ai, info)) }
            let len = aiLength(Int(Self.string(c[i...i + 1]))!)
            var ai = ""
            var j = i
            while j < c.count, j < i + len, Self.isDigit(c[j]) { ai.unicodeScalars.append(c[j]); j += 1 }
            return .failure(GS1Error(text: raw, reason: .unknownAI(ai)))
        }

        static func string(_ s: some Sequence<Unicode.Scalar>) -> String {
            var out = ""
            out.unicodeScalars.append(contentsOf: s)
            return out
        }

        mutating func readRaw(_ c: [Unicode.Scalar], percentIsGS: Bool) -> Result<[GS1Element], GS1Error> {
            var i = 0
            while i < c.count {
                if c[i] == gs || (percentIsGS && c[i] == "%" && !(i + 1 < c.count && c[i + 1] == "%")) { i += 1; continue }
                let ai: String, info: AIInfo
                switch readAI(c, i) {
                case .failure(let e): return .failure(e)
                case .success(let r): (ai, info) = r
                }
                i += ai.unicodeScalars.count
                var value: [Unicode.Scalar] = []
                if info.fixed {
                    while i < c.count, value.count < info.max, c[i] != gs { value.append(c[i]); i += 1 }
                } else {
                    while i < c.count, c[i] != gs {
                        if percentIsGS, c[i] == "%" {
                            if i + 1 < c.count, c[i + 1] == "%" { value.append("%"); i += 2; continue }
                            break
                        }
                        value.append(c[i]); i += 1
                    }
                }
                if case .failure(let e) = add(ai, info, value) { return .failure(e) }
            }
            return .success(elements)
        }

        mutating func readBracketed(_ c: [Unicode.Scalar]) -> Result<[GS1Element], GS1Error> {
            /// `(digits)` at `i`: the digits and the index after `)`.
            func opening(_ i: Int) -> (String, Int)? {
                guard i < c.count, c[i] == "(" else { return nil }
                var j = i + 1
                var ai = ""
                while j < c.count, Self.isDigit(c[j]), ai.count < 5 { ai.unicodeScalars.append(c[j]); j += 1 }
                guard j < c.count, c[j] == ")", !ai.isEmpty else { return nil }
                return (ai, j + 1)
            }
            /// An opening that ends the value before it: a known AI, or what looks like one (2 to 4 digits).
            func startsElement(_ i: Int) -> Bool {
                guard let (ai, _) = opening(i) else { return false }
                return table[ai] != nil || (2...4).contains(ai.count)
            }
            var i = 0
            while i < c.count {
                if c[i] == " " || c[i] == gs { i += 1; continue }
                guard let (ai, after) = opening(i), let info = table[ai] else {
                    if let (digits, _) = opening(i) { return fail(.unknownAI(digits)) }
                    return fail(.malformed(why: "expected '(AI)' at position \(i), found '\(Self.string(c[i..<min(c.count, i + 6)]))'"))
                }
                var j = after
                var value: [Unicode.Scalar] = []
                while j < c.count, !startsElement(j), c[j] != gs {
                    if c[j] == "\\", j + 1 < c.count, c[j + 1] == "(" { value.append("("); j += 2; continue }
                    value.append(c[j]); j += 1
                }
                i = j
                while value.first == " " { value.removeFirst() }
                while value.last == " " { value.removeLast() }
                if case .failure(let e) = add(ai, info, value) { return .failure(e) }
            }
            return .success(elements)
        }

        mutating func add(_ ai: String, _ info: AIInfo, _ scalars: [Unicode.Scalar]) -> Result<Void, GS1Error> {
            let value = Self.string(scalars)
            func fail(_ r: GS1Error.Reason) -> Result<Void, GS1Error> { .failure(GS1Error(text: raw, reason: r)) }
            if scalars.count < info.min { return fail(.tooShort(ai: ai, value: value, min: info.min)) }
            if scalars.count > info.max { return fail(.tooLong(ai: ai, value: value, max: info.max)) }
            if info.numeric, !scalars.allSatisfy(Self.isDigit) { return fail(.notNumeric(ai: ai, value: value)) }
            var date: LocalDate?
            var at = 0
            for (k, component) in info.components.enumerated() {
                let left = scalars.count - at
                if left == 0, component.optional { break }
                let isLast = k == info.components.count - 1
                let length = component.min == component.max || isLast ? min(left, component.max) : component.max
                if length < component.min || (component.min == component.max && length < component.max) {
                    let needed = info.components[...k].reduce(0) { $0 + $1.max }
                    return fail(.tooShort(ai: ai, value: value, min: needed))
                }
                let part = scalars[at..<(at + length)]
                if let bad = part.first(where: { !component.charset.allows($0) }) {
                    return fail(
                        component.charset == .numeric
                            ? .notNumeric(ai: ai, value: value)
                            : .invalidCharacter(ai: ai, value: value, character: Self.string([bad])))
                }
                let bytes = ArraySlice(part.map { UInt8($0.value) })
                if component.charset == .cset64 {
                    // base64url: '=' only as padding at the end, at most two, on a length that is a multiple of 3.
                    let pads = bytes.reversed().prefix { $0 == UInt8(ascii: "=") }.count
                    if bytes.dropLast(pads).contains(UInt8(ascii: "=")) || pads > 2 || (pads > 0 && bytes.count % 3 != 0) {
                        return fail(.invalidValue(ai: ai, value: value, why: "bad base64url padding"))
                    }
                }
                for check in component.checks {
                    switch GS1Lint.check(check, bytes, referenceYear: referenceYear) {
                    case nil: break
                    case .checkDigit(let expected)?: return fail(.badCheckDigit(ai: ai, value: value, expected: expected))
                    case .date(let why)?: return fail(.badDate(ai: ai, value: value, why: why))
                    case .other(let why)?: return fail(.invalidValue(ai: ai, value: value, why: why))
                    }
                    if date == nil, k == 0, ["yymmd0", "yymmdd", "yyyymmdd", "yyyymmd0"].contains(check) {
                        let digits = check.hasPrefix("yyyy") ? 4 : 2
                        date = GS1Lint.date(bytes, digits: digits, dayZero: check.hasSuffix("0"), referenceYear: referenceYear).date
                    }
                }
                at += length
            }
            if at < scalars.count { return fail(.tooLong(ai: ai, value: value, max: at)) }
            if let previous = elements.first(where: { $0.ai == ai }) {
                if previous.value != value { return fail(.conflicting(ai: ai, first: previous.value, second: value)) }
                return .success(())
            }
            elements.append(GS1Element(ai: ai, value: value, title: info.title, date: date))
            return .success(())
        }
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
