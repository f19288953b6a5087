import Foundation
import MESCore

// GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR, DataBar), as a scanner types them:
// * with an AIM identifier in front (`]C1`, `]d2`, `]Q3`, `]e0`, `]J1`), stripped and kept as the
//   symbology; another AIM identifier (`]C0`, `]E0`...) is refused as not GS1; a leading GS
//   (FNC1 sent as GS) is skipped;
// * raw, with ASCII GS (29) after each variable-length field; a fixed-length field needs none
//   (predefined-length AIs 00–04, 11–20, 31–36, 41...). Fixed-length AIs outside that table
//   (402, 422, 7003) are read by their length too, with or without the GS the standard asks for;
// * in GS1 QR (`]Q3`), or raw with no AIM identifier and no GS at all, `%` stands for GS and
//   `%%` for a literal `%`;
// * in the human-readable form `(01)09506000134352(17)201225(10)ABC` (spaces between elements
//   tolerated). A `(` inside a value starts a new element only when `(NN)` names a known AI.
// Missing GS between two variable fields: the first field runs on. Over its maximum length it is
// refused (`tooLong`, message hints at the missing GS); within it, it is accepted and
// `GS1Data.warnings` says which AI the tail looks like, so the kiosk can say so if the lot is
// then unknown.

public struct GS1Element: Equatable, Sendable {
    public let ai: String
    public let value: String
    /// The GS1 data title (`BATCH/LOT`, `USE BY OR EXPIRY`...).
    public let title: String
    /// For date AIs (11, 12, 13, 15, 16, 17): the date, day 00 read as the month's last day.
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
    /// AI 17, use-by / expiry date.
    public var expiry: LocalDate? { element("17")?.date }
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
        case .malformed(let w): why = w
        }
        return "GS1 code '\(s(text))' refused: \(why)"
    }

    public var description: String { message }
}

public enum GS1 {
    static let gs: Character = "\u{1D}"

    enum Format: Sendable { case numeric, alphanumeric }
    enum Kind: Sendable { case plain, checkDigit, date }

    struct AIInfo: Sendable {
        let title: String
        let format: Format
        let min: Int
        let max: Int
        let kind: Kind
        var fixed: Bool { min == max }
    }

    private static func n(_ len: Int, _ title: String, _ kind: Kind = .plain) -> AIInfo {
        AIInfo(title: title, format: .numeric, min: len, max: len, kind: kind)
    }
    private static func nv(_ max: Int, _ title: String) -> AIInfo { AIInfo(title: title, format: .numeric, min: 1, max: max, kind: .plain) }
    private static func xv(_ max: Int, _ title: String) -> AIInfo { AIInfo(title: title, format: .alphanumeric, min: 1, max: max, kind: .plain) }

    /// The AIs understood here (GS1 General Specifications, section 3).
    static let table: [String: AIInfo] = {
        var t: [String: AIInfo] = [
            "00": n(18, "SSCC", .checkDigit),
            "01": n(14, "GTIN", .checkDigit),
            "02": n(14, "CONTENT", .checkDigit),
            "10": xv(20, "BATCH/LOT"),
            "11": n(6, "PROD DATE", .date),
            "12": n(6, "DUE DATE", .date),
            "13": n(6, "PACK DATE", .date),
            "15": n(6, "BEST BEFORE", .date),
            "16": n(6, "SELL BY", .date),
            "17": n(6, "USE BY OR EXPIRY", .date),
            "20": n(2, "VARIANT"),
            "21": xv(20, "SERIAL"),
            "22": xv(20, "CPV"),
            "235": xv(28, "TPX"),
            "240": xv(30, "ADDITIONAL ID"),
            "241": xv(30, "CUST. PART No."),
            "242": nv(6, "MTO VARIANT"),
            "250": xv(30, "SECONDARY SERIAL"),
            "251": xv(30, "REF. TO SOURCE"),
            "254": xv(20, "GLN EXTENSION COMPONENT"),
            "30": nv(8, "VAR. COUNT"),
            "37": nv(8, "COUNT"),
            "400": xv(30, "ORDER NUMBER"),
            "401": xv(30, "GINC"),
            "402": n(17, "GSIN", .checkDigit),
            "403": xv(30, "ROUTE"),
            "420": xv(20, "SHIP TO POST"),
            "422": n(3, "ORIGIN"),
            "7003": n(10, "EXPIRY TIME"),
            "90": xv(30, "INTERNAL"),
        ]
        for (ai, title) in [("410", "SHIP TO LOC"), ("411", "BILL TO"), ("412", "PURCHASE FROM"), ("413", "SHIP FOR LOC"),
                            ("414", "LOC No."), ("415", "PAY TO"), ("416", "PROD/SERV LOC"), ("417", "PARTY")] {
            t[ai] = n(13, title, .checkDigit)
        }
        for i in 91...99 { t[String(i)] = xv(90, "INTERNAL") }
        // Trade and logistic measures: 31nn–36nn, the fourth digit the decimal point position.
        for p in ["310", "311", "312", "313", "314", "315", "316", "320", "321", "322", "323", "324", "325", "326", "327",
                  "328", "329", "330", "331", "332", "333", "334", "335", "336", "337", "340", "341", "342", "343", "344",
                  "345", "346", "347", "348", "349", "350", "351", "352", "353", "354", "355", "356", "357", "360", "361",
                  "362", "363", "364", "365", "366", "367", "368", "369"] {
            for d in 0...5 { t[p + String(d)] = n(6, "MEASURE") }
        }
        return t
    }()

    static func title(_ ai: String) -> String { table[ai]?.title ?? "" }

    /// How many digits an AI starting with these two digits has (GS1 General Specifications 3.2).
    static func aiLength(_ two: Int) -> Int {
        switch two {
        case 0...22, 30, 37, 90...99: return 2
        case 23...29, 40...42: return 3
        default: return 4
        }
    }

    /// Reads a GS1 element string. `referenceYear` (e.g. this year) applies the standard's
    /// sliding century window to YYMMDD dates; without it they are read as 20YY.
    public static func parse(_ text: String, referenceYear: Int? = nil) -> Result<GS1Data, GS1Error> {
        parse(text, symbology: nil, referenceYear: referenceYear)
    }

    /// The same, for a scan whose AIM identifier was already split off (`WedgeOutput.scan`).
    public static func parse(_ text: String, symbology: String?, referenceYear: Int? = nil) -> Result<GS1Data, GS1Error> {
        let raw = (symbology ?? "") + text
        var body = text
        var sym = symbology
        if sym == nil { (sym, body) = AIMIdentifier.split(text) }
        if let sym, !AIMIdentifier.gs1.contains(sym) {
            return .failure(GS1Error(text: raw, reason: .notGS1(symbology: sym)))
        }
        var chars = Array(body)
        while let last = chars.last, last == "\r" || last == "\n" { chars.removeLast() }
        while chars.first == gs { chars.removeFirst() }
        guard !chars.isEmpty else { return .failure(GS1Error(text: raw, reason: .empty)) }
        var p = Parser(raw: raw, referenceYear: referenceYear)
        let result = chars.first == "(" ? p.readBracketed(chars) : p.readRaw(chars, percentIsGS: sym == "]Q3" || (sym == nil && !chars.contains(gs)))
        switch result {
        case .failure(let e): return .failure(e)
        case .success(let elements):
            return .success(GS1Data(symbology: sym, elements: elements, warnings: missingSeparatorWarnings(elements)))
        }
    }

    /// A variable-length value whose tail reads as another, variable-length element: the GS
    /// between them may be missing (`10ABC21XYZ` is lot `ABC21XYZ`, or lot `ABC` + serial `XYZ`).
    static func missingSeparatorWarnings(_ elements: [GS1Element]) -> [String] {
        var out: [String] = []
        for e in elements {
            guard let info = table[e.ai], !info.fixed else { continue }
            let v = Array(e.value)
            for k in 1..<max(1, v.count - 2) {
                guard v[k].isASCII, v[k].isNumber, v[k + 1].isASCII, v[k + 1].isNumber else { continue }
                let len = aiLength(Int(String(v[k...k + 1]))!)
                guard k + len < v.count else { continue }
                let ai = String(v[k..<(k + len)])
                guard ai != e.ai, let other = table[ai], !other.fixed, !elements.contains(where: { $0.ai == ai }) else { continue }
                var p = Parser(raw: "", referenceYear: nil)
                if case .success(let tail) = p.readRaw(Array(v[k...]), percentIsGS: false), !tail.isEmpty {
                    out.append("(\(e.ai)) '\(Sanitize.line(e.value))' may hold (\(ai)) '\(Sanitize.line(tail[0].value))': a GS separator may be missing")
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
    static let cset82: Set<Character> = Set("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")

    struct Parser {
        let raw: String
        let referenceYear: Int?
        var elements: [GS1Element] = []

        func fail(_ r: GS1Error.Reason) -> Result<[GS1Element], GS1Error> { .failure(GS1Error(text: raw, reason: r)) }

        /// Reads the AI at `i`; returns it and its definition, or the error.
        func readAI(_ c: [Character], _ i: Int) -> Result<(String, AIInfo), GS1Error> {
            guard i + 1 < c.count, c[i].isASCII, c[i].isNumber, c[i + 1].isASCII, c[i + 1].isNumber else {
                return .failure(GS1Error(text: raw, reason: .expectedAI(position: i, found: String(c[i..<min(c.count, i + 4)]))))
            }
            let len = aiLength(Int(String(c[i...i + 1]))!)
            var ai = ""
            var j = i
            while j < c.count, j < i + len, c[j].isASCII, c[j].isNumber { ai.append(c[j]); j += 1 }
            guard ai.count == len, let info = table[ai] else { return .failure(GS1Error(text: raw, reason: .unknownAI(ai))) }
            return .success((ai, info))
        }

        mutating func readRaw(_ c: [Character], percentIsGS: Bool) -> Result<[GS1Element], GS1Error> {
            var i = 0
            while i < c.count {
                if c[i] == gs || (percentIsGS && c[i] == "%" && !(i + 1 < c.count && c[i + 1] == "%")) { i += 1; continue }
                let ai: String, info: AIInfo
                switch readAI(c, i) {
                case .failure(let e): return .failure(e)
                case .success(let r): (ai, info) = r
                }
                i += ai.count
                var value = ""
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

        mutating func readBracketed(_ c: [Character]) -> Result<[GS1Element], GS1Error> {
            /// `(AI)` at `i` naming a known AI: the AI and the index after `)`.
            func opening(_ i: Int) -> (String, Int)? {
                guard i < c.count, c[i] == "(" else { return nil }
                var j = i + 1
                var ai = ""
                while j < c.count, c[j].isASCII, c[j].isNumber, ai.count < 4 { ai.append(c[j]); j += 1 }
                guard j < c.count, c[j] == ")", table[ai] != nil else { return nil }
                return (ai, j + 1)
            }
            var i = 0
            while i < c.count {
                if c[i] == " " || c[i] == gs { i += 1; continue }
                guard let (ai, after) = opening(i) else {
                    if c[i] == "(" {
                        var j = i + 1
                        var digits = ""
                        while j < c.count, c[j].isASCII, c[j].isNumber { digits.append(c[j]); j += 1 }
                        if !digits.isEmpty, j < c.count, c[j] == ")" { return fail(.unknownAI(digits)) }
                    }
                    return fail(.malformed(why: "expected '(AI)' at position \(i), found '\(String(c[i..<min(c.count, i + 6)]))'"))
                }
                var j = after
                var value = ""
                while j < c.count, opening(j) == nil, c[j] != gs { value.append(c[j]); j += 1 }
                i = j
                if case .failure(let e) = add(ai, table[ai]!, value.trimmingCharacters(in: .whitespaces)) { return .failure(e) }
            }
            return .success(elements)
        }

        mutating func add(_ ai: String, _ info: AIInfo, _ value: String) -> Result<Void, GS1Error> {
            func fail(_ r: GS1Error.Reason) -> Result<Void, GS1Error> { .failure(GS1Error(text: raw, reason: r)) }
            if value.count < info.min { return fail(.tooShort(ai: ai, value: value, min: info.min)) }
            if value.count > info.max { return fail(.tooLong(ai: ai, value: value, max: info.max)) }
            switch info.format {
            case .numeric:
                if !value.allSatisfy({ $0.isASCII && $0.isNumber }) { return fail(.notNumeric(ai: ai, value: value)) }
            case .alphanumeric:
                if let bad = value.first(where: { !cset82.contains($0) }) {
                    return fail(.invalidCharacter(ai: ai, value: value, character: String(bad)))
                }
            }
            var date: LocalDate?
            switch info.kind {
            case .plain: break
            case .checkDigit:
                let expected = checkDigit(value.dropLast())
                if value.last?.wholeNumberValue != expected { return fail(.badCheckDigit(ai: ai, value: value, expected: expected)) }
            case .date:
                switch GS1.date(value, referenceYear: referenceYear) {
                case .failure(let why): return fail(.badDate(ai: ai, value: value, why: why.text))
                case .success(let d): date = d
                }
            }
            if let previous = elements.first(where: { $0.ai == ai }) {
                if previous.value != value { return fail(.conflicting(ai: ai, first: previous.value, second: value)) }
                return .success(())
            }
            elements.append(GS1Element(ai: ai, value: value, title: info.title, date: date))
            return .success(())
        }
    }

    struct Why: Error { let text: String }

    /// YYMMDD: month 01–12; day 00 is the month's last day; otherwise a day of that month.
    static func date(_ v: String, referenceYear: Int?) -> Result<LocalDate, Why> {
        let d = v.compactMap(\.wholeNumberValue)
        guard d.count == 6 else { return .failure(Why(text: "needs YYMMDD")) }
        let yy = d[0] * 10 + d[1], mm = d[2] * 10 + d[3], dd = d[4] * 10 + d[5]
        var year = 2000 + yy
        if let ref = referenceYear {
            // GS1 General Specifications 7.12: within 49 years back and 50 years ahead.
            let century = ref - ref % 100
            let diff = yy - ref % 100
            year = century + yy + (diff >= 51 ? -100 : diff <= -50 ? 100 : 0)
        }
        guard (1...12).contains(mm) else { return .failure(Why(text: "month \(mm) is not 01–12")) }
        let last = LocalDate.daysIn(year: year, month: mm)
        guard dd <= last else { return .failure(Why(text: "day \(dd) is past the month's end (\(last))")) }
        return .success(LocalDate(year: year, month: mm, day: dd == 0 ? last : dd))
    }
}
