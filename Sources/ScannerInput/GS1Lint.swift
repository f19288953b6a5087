import Foundation
import MESCore

/// The content checks a component of a GS1 value must pass (the `,name` after a component in
/// `GS1.dictionaryText`), as the GS1 General Specifications define them. Each takes the
/// component's bytes (already checked against its character set) and says what is wrong, or nil.
enum GS1Lint {
    enum Failure: Equatable {
        case checkDigit(expected: Int)
        case date(String)
        case other(String)
    }

    typealias Bytes = ArraySlice<UInt8>

    /// Every check the table may name.
    static let names: Set<String> = [
        "csum", "csumalpha", "gcppos1", "gcppos2", "yymmd0", "yymmdd", "yyyymmdd", "yyyymmd0", "hh", "hhmi", "mi", "ss",
        "iso3166", "iso3166999", "iso3166alpha2", "iso4217", "iso5218", "pcenc", "yesno", "zero", "nonzero",
        "nozeroprefix", "hasnondigit", "winding", "pieceoftotal", "posinseqslash", "latitude", "longitude",
        "importeridx", "mediatype", "packagetype", "hyphen", "iban", "couponcode", "couponposoffer",
    ]

    static func check(_ name: String, _ v: Bytes, referenceYear: Int) -> Failure? {
        switch name {
        case "csum": return csum(v)
        case "csumalpha": return csumalpha(v)
        case "gcppos1": return gcp(v.dropFirst(0))
        case "gcppos2": return v.count < 2 ? .other("too short for a company prefix") : gcp(v.dropFirst(1))
        case "yymmd0": return date(v, digits: 2, dayZero: true, referenceYear: referenceYear).failure
        case "yymmdd": return date(v, digits: 2, dayZero: false, referenceYear: referenceYear).failure
        case "yyyymmdd": return date(v, digits: 4, dayZero: false, referenceYear: referenceYear).failure
        case "yyyymmd0": return date(v, digits: 4, dayZero: true, referenceYear: referenceYear).failure
        case "hh": return number(v).map { $0 <= 23 } == true ? nil : .date("hour \(text(v)) is not 00–23")
        case "mi", "ss": return number(v).map { $0 <= 59 } == true ? nil : .date("\(text(v)) is not 00–59")
        case "hhmi":
            guard v.count == 4, let h = number(v.prefix(2)), let m = number(v.suffix(2)) else { return .date("needs HHMM") }
            return h <= 23 && m <= 59 ? nil : .date("time \(text(v)) is not 0000–2359")
        case "iso3166": return Codes.iso3166.contains(text(v)) ? nil : .other("\(text(v)) is not an ISO 3166 country code")
        case "iso3166999":
            return text(v) == "999" || Codes.iso3166.contains(text(v)) ? nil : .other("\(text(v)) is not an ISO 3166 country code or 999")
        case "iso3166alpha2":
            return Codes.iso3166alpha2.contains(text(v)) ? nil : .other("\(text(v)) is not an ISO 3166 alpha-2 country code")
        case "iso4217": return Codes.iso4217.contains(text(v)) ? nil : .other("\(text(v)) is not an ISO 4217 currency code")
        case "iso5218": return oneOf(v, "0129", "a sex code (0, 1, 2 or 9)")
        case "winding": return oneOf(v, "019", "a winding direction (0, 1 or 9)")
        case "yesno": return oneOf(v, "01", "0 or 1")
        case "zero": return oneOf(v, "0", "0")
        case "hyphen": return v.allSatisfy { $0 == UInt8(ascii: "-") } ? nil : .other("expected '-'")
        case "nonzero": return v.allSatisfy { $0 == UInt8(ascii: "0") } ? .other("must not be zero") : nil
        case "nozeroprefix": return v.count > 1 && v.first == UInt8(ascii: "0") ? .other("must not start with 0") : nil
        case "hasnondigit": return v.allSatisfy(isDigit) ? .other("must hold a character other than a digit") : nil
        case "pcenc": return percentEncoding(v)
        case "pieceoftotal": return pieceOfTotal(v)
        case "posinseqslash": return positionInSequence(v)
        case "latitude": return v.count == 10 && (number(v) ?? .max) <= 1_800_000_000 ? nil : .other("latitude out of range")
        case "longitude": return v.count == 10 && (number(v) ?? .max) <= 3_600_000_000 ? nil : .other("longitude out of range")
        case "importeridx":
            guard v.count == 1, let c = v.first else { return .other("an importer index is one character") }
            return isDigit(c) || isLetter(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") ? nil : .other("bad importer index")
        case "mediatype":
            guard let n = number(v), v.count == 2 else { return .other("a media type is two digits") }
            return (1...10).contains(n) || (80...99).contains(n) ? nil : .other("\(text(v)) is not an AIDC media type")
        case "packagetype": return packageType(v)
        case "iban": return iban(v)
        case "couponcode": return Coupon.code(v, referenceYear: referenceYear)
        case "couponposoffer": return Coupon.positiveOffer(v)
        default: return .other("unknown check \(name)")
        }
    }

    // MARK: Helpers

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    static func text(_ v: Bytes) -> String { String(decoding: v, as: UTF8.self) }
    static func number(_ v: Bytes) -> Int? {
        guard !v.isEmpty, v.count <= 18, v.allSatisfy(isDigit) else { return nil }
        return v.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
    static func oneOf(_ v: Bytes, _ allowed: String, _ what: String) -> Failure? {
        v.count == 1 && allowed.utf8.contains(v.first!) ? nil : .other("expected \(what)")
    }

    /// GS1 mod-10 check digit over every digit but the last.
    static func csum(_ v: Bytes) -> Failure? {
        guard let last = v.last, v.allSatisfy(isDigit) else { return .other("a check digit needs digits") }
        let expected = GS1.checkDigit(v.dropLast().map { Character(Unicode.Scalar($0)) })
        return Int(last - 0x30) == expected ? nil : .checkDigit(expected: expected)
    }

    /// The check character pair of a GMN (GS1 General Specifications 7.9.5): the characters'
    /// values in set 82 weighted by the primes, right to left, modulo 1021, as two set-32 characters.
    static func csumalpha(_ v: Bytes) -> Failure? {
        let cset32 = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
        let cset82 = Array("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".utf8)
        guard v.count >= 2 else { return .other("too short for a check character pair") }
        let body = v.dropLast(2)
        guard body.count <= primes.count else { return .other("too long for a check character pair") }
        var sum = 0
        for (i, c) in body.reversed().enumerated() {
            guard let w = cset82.firstIndex(of: c) else { return .other("bad character") }
            sum += w * primes[i]
        }
        sum %= 1021
        let pair = [cset32[sum >> 5], cset32[sum & 31]]
        return Array(v.suffix(2)) == pair ? nil : .other("wrong check character pair (expected \(text(pair[...])))")
    }

    static let primes: [Int] = {
        var out: [Int] = [], n = 2
        while out.count < 99 {
            if !out.contains(where: { n % $0 == 0 }) { out.append(n) }
            n += 1
        }
        return out
    }()

    /// A GS1 company prefix starts the value: its first four characters (the shortest prefix) are digits.
    static func gcp(_ v: Bytes) -> Failure? {
        v.count >= 4 && v.prefix(4).allSatisfy(isDigit) ? nil : .other("does not start with a GS1 company prefix")
    }

    /// YYMMDD (or YYYYMMDD); day 00 (where allowed) is the month's last day. Two-digit years follow
    /// the standard's sliding century window around `referenceYear`.
    static func date(_ v: Bytes, digits: Int, dayZero: Bool, referenceYear: Int) -> (date: LocalDate?, failure: Failure?) {
        guard v.count == digits + 4, let yy = number(v.prefix(digits)), let mm = number(v.dropFirst(digits).prefix(2)),
            let dd = number(v.suffix(2))
        else { return (nil, .date("needs \(digits == 2 ? "YYMMDD" : "YYYYMMDD")")) }
        let year = digits == 4 ? yy : GS1.year(yy, referenceYear: referenceYear)
        guard (1...12).contains(mm) else { return (nil, .date("month \(mm) is not 01–12")) }
        let last = LocalDate.daysIn(year: year, month: mm)
        if dd == 0 && !dayZero { return (nil, .date("day 00 is not allowed here")) }
        guard dd <= last else { return (nil, .date("day \(dd) is past the month's end (\(last))")) }
        return (LocalDate(year: year, month: mm, day: dd == 0 ? last : dd), nil)
    }

    static func percentEncoding(_ v: Bytes) -> Failure? {
        let hex: (UInt8) -> Bool = { isDigit($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        var i = v.startIndex
        while i < v.endIndex {
            if v[i] == UInt8(ascii: "%") {
                guard i + 2 < v.endIndex, hex(v[i + 1]), hex(v[i + 2]) else { return .other("a '%' must be followed by two hex digits") }
                i += 2
            }
            i += 1
        }
        return nil
    }

    static func pieceOfTotal(_ v: Bytes) -> Failure? {
        guard !v.isEmpty, v.count % 2 == 0, v.allSatisfy(isDigit) else { return .other("piece and total need equal lengths") }
        let piece = Array(v.prefix(v.count / 2)), total = Array(v.suffix(v.count / 2))
        if piece.allSatisfy({ $0 == 0x30 }) || total.allSatisfy({ $0 == 0x30 }) { return .other("piece and total must not be zero") }
        return piece.lexicographicallyPrecedes(total) || piece == total ? nil : .other("the piece number exceeds the total")
    }

    static func positionInSequence(_ v: Bytes) -> Failure? {
        let parts = v.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, let p = parts.first, let e = parts.last, !p.isEmpty, !e.isEmpty,
            p.allSatisfy(isDigit), e.allSatisfy(isDigit)
        else { return .other("expected POSITION/END") }
        if p.first == 0x30 || e.first == 0x30 { return .other("no leading zeros, and not zero") }
        if p.count > e.count || (p.count == e.count && Array(e).lexicographicallyPrecedes(Array(p))) {
            return .other("the position exceeds the end")
        }
        return nil
    }

    /// An IBAN: country letters, check digits, then up to 30 letters and digits, mod 97 == 1.
    static func iban(_ v: Bytes) -> Failure? {
        let c = Array(v)
        guard c.count >= 5, isLetter(c[0]), isLetter(c[1]), c[0] <= 0x5A, c[1] <= 0x5A, isDigit(c[2]), isDigit(c[3]),
            Codes.iso3166alpha2.contains(text(v.prefix(2))),
            c.dropFirst(4).allSatisfy({ isDigit($0) || (0x41...0x5A).contains($0) })
        else { return .other("not an IBAN") }
        var rem = 0
        for b in c.dropFirst(4) + c.prefix(4) {
            let n = isDigit(b) ? Int(b - 0x30) : Int(b - 0x41) + 10
            rem = (n >= 10 ? rem * 100 : rem * 10) + n
            rem %= 97
        }
        return rem == 1 ? nil : .other("the IBAN's check digits are wrong")
    }

    /// UN/ECE Recommendation 21 package type codes: two or three upper-case letters and digits.
    static func packageType(_ v: Bytes) -> Failure? {
        (1...3).contains(v.count) && v.allSatisfy({ isDigit($0) || (0x41...0x5A).contains($0) }) ? nil : .other("not a package type code")
    }

    // MARK: Coupons (GS1 General Specifications 3.9.14: the North American coupon codes)

    /// A reader over a coupon value's digits, one field at a time.
    struct Cursor {
        let d: [Int]
        var p = 0
        var atEnd: Bool { p >= d.count }
        var peek: Int? { atEnd ? nil : d[p] }
        mutating func next() -> Int? { defer { p += 1 }; return atEnd ? nil : d[p] }
        /// `n` digits, or nil when fewer are left.
        mutating func take(_ n: Int) -> [Int]? {
            guard d.count - p >= n else { return nil }
            defer { p += n }
            return Array(d[p..<(p + n)])
        }
    }

    enum Coupon {
        static func digits(_ v: Bytes) -> Cursor? { v.allSatisfy(isDigit) ? Cursor(d: v.map { Int($0 - 0x30) }) : nil }

        /// A length indicator in `range`, then `offset` + that many digits.
        static func vli(_ c: inout Cursor, _ range: ClosedRange<Int>, plus offset: Int, _ what: String) -> String? {
            guard let n = c.next() else { return "\(what) is missing" }
            guard range.contains(n) else { return "\(what) length \(n) is not allowed" }
            return c.take(n + offset) == nil ? "\(what) is cut short" : nil
        }

        static func purchase(_ c: inout Cursor, _ which: String, gcp: Bool) -> String? {
            if let e = vli(&c, 1...5, plus: 0, "\(which) purchase requirement") { return e }
            guard let code = c.next() else { return "\(which) purchase requirement code is missing" }
            guard code <= 4 || code == 9 else { return "\(which) purchase requirement code \(code) is not allowed" }
            guard c.take(3) != nil else { return "\(which) purchase family code is cut short" }
            guard gcp else { return nil }
            guard let g = c.next() else { return "\(which) purchase company prefix is missing" }
            guard g <= 6 || g == 9 else { return "\(which) purchase company prefix length \(g) is not allowed" }
            return g == 9 || c.take(g + 6) != nil ? nil : "\(which) purchase company prefix is cut short"
        }

        static func code(_ v: Bytes, referenceYear: Int) -> Failure? {
            guard var c = digits(v) else { return .other("a coupon code is digits only") }
            func fail(_ why: String) -> Failure { .other("coupon: \(why)") }
            if let e = vli(&c, 0...6, plus: 6, "company prefix") { return fail(e) }
            guard c.take(6) != nil else { return fail("the offer code is cut short") }
            if let e = vli(&c, 1...5, plus: 0, "save value") { return fail(e) }
            if let e = purchase(&c, "1st", gcp: false) { return fail(e) }
            if c.peek == 1 {
                _ = c.next()
                guard let rules = c.next() else { return fail("additional purchase rules code is missing") }
                guard rules <= 3 else { return fail("additional purchase rules code \(rules) is not allowed") }
                if let e = purchase(&c, "2nd", gcp: true) { return fail(e) }
            }
            if c.peek == 2 {
                _ = c.next()
                if let e = purchase(&c, "3rd", gcp: true) { return fail(e) }
            }
            var expiry: [Int]?
            if c.peek == 3 {
                _ = c.next()
                guard let d = c.take(6) else { return fail("the expiration date is cut short") }
                if date(ArraySlice(d.map { UInt8($0 + 0x30) }), digits: 2, dayZero: false, referenceYear: referenceYear).failure != nil {
                    return fail("the expiration date is not a date")
                }
                expiry = d
            }
            if c.peek == 4 {
                _ = c.next()
                guard let d = c.take(6) else { return fail("the start date is cut short") }
                if date(ArraySlice(d.map { UInt8($0 + 0x30) }), digits: 2, dayZero: false, referenceYear: referenceYear).failure != nil {
                    return fail("the start date is not a date")
                }
                if let expiry, expiry.lexicographicallyPrecedes(d) { return fail("the start date is after the expiration date") }
            }
            if c.peek == 5 {
                _ = c.next()
                if let e = vli(&c, 0...9, plus: 6, "serial number") { return fail(e) }
            }
            if c.peek == 6 {
                _ = c.next()
                if let e = vli(&c, 1...7, plus: 6, "retailer company prefix") { return fail(e) }
            }
            if c.peek == 9 {
                _ = c.next()
                guard let save = c.next() else { return fail("save value code is missing") }
                guard [0, 1, 2, 5, 6].contains(save) else { return fail("save value code \(save) is not allowed") }
                guard let applies = c.next() else { return fail("save value applies-to is missing") }
                guard applies <= 2 else { return fail("save value applies-to \(applies) is not allowed") }
                guard c.next() != nil else { return fail("store coupon flag is missing") }
                guard let multiply = c.next() else { return fail("don't-multiply flag is missing") }
                guard multiply <= 1 else { return fail("don't-multiply flag \(multiply) is not allowed") }
            }
            return c.atEnd ? nil : fail("unexpected data after the last field")
        }

        static func positiveOffer(_ v: Bytes) -> Failure? {
            guard var c = digits(v) else { return .other("a coupon code is digits only") }
            func fail(_ why: String) -> Failure { .other("coupon: \(why)") }
            guard let format = c.next() else { return fail("the format code is missing") }
            guard format <= 1 else { return fail("format code \(format) is not allowed") }
            if let e = vli(&c, 0...6, plus: 6, "funder") { return fail(e) }
            guard c.take(6) != nil else { return fail("the offer code is cut short") }
            if let e = vli(&c, 0...9, plus: 6, "serial number") { return fail(e) }
            return c.atEnd ? nil : fail("unexpected data after the serial number")
        }
    }

    // MARK: Code lists

    enum Codes {
        /// ISO 3166-1 numeric country codes.
        static let iso3166: Set<String> = Set(
            """
            004 008 010 012 016 020 024 028 031 032 036 040 044 048 050 051 052 056 060 064 068 070 072 074 076 084 086 090 \
            092 096 100 104 108 112 116 120 124 132 136 140 144 148 152 156 158 162 166 170 174 175 178 180 184 188 191 192 \
            196 203 204 208 212 214 218 222 226 231 232 233 234 238 239 242 246 248 250 254 258 260 262 266 268 270 275 276 \
            288 292 296 300 304 308 312 316 320 324 328 332 334 336 340 344 348 352 356 360 364 368 372 376 380 384 388 392 \
            398 400 404 408 410 414 417 418 422 426 428 430 434 438 440 442 446 450 454 458 462 466 470 474 478 480 484 492 \
            496 498 499 500 504 508 512 516 520 524 528 531 533 534 535 540 548 554 558 562 566 570 574 578 580 581 583 584 \
            585 586 591 598 600 604 608 612 616 620 624 626 630 634 638 642 643 646 652 654 659 660 662 663 666 670 674 678 \
            682 686 688 690 694 702 703 704 705 706 710 716 724 728 729 732 740 744 748 752 756 760 762 764 768 772 776 780 \
            784 788 792 795 796 798 800 804 807 818 826 831 832 833 834 840 850 854 858 860 862 876 882 887 894
            """.split(separator: " ").map(String.init))
        /// ISO 3166-1 alpha-2 country codes.
        static let iso3166alpha2: Set<String> = Set(
            """
            AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA \
            CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA \
            GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
            KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS \
            MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS \
            RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW \
            TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
            """.split(separator: " ").map(String.init))
        /// ISO 4217 numeric currency codes.
        static let iso4217: Set<String> = Set(
            """
            008 012 032 036 044 048 050 051 052 060 064 068 072 084 090 096 104 108 116 124 132 136 144 152 156 170 174 188 \
            192 203 208 214 222 230 232 238 242 262 270 292 320 324 328 332 340 344 348 352 356 360 364 368 376 388 392 396 \
            398 400 404 408 410 414 417 418 422 426 430 434 446 454 458 462 480 484 496 498 504 512 516 524 532 533 548 554 \
            558 566 578 586 590 598 600 604 608 634 643 646 654 682 690 702 704 706 710 728 748 752 756 760 764 776 780 784 \
            788 800 807 818 826 834 840 858 860 882 886 901 924 925 926 927 928 929 930 933 934 936 938 940 941 943 944 946 \
            947 948 949 950 951 952 953 955 956 957 958 959 960 961 962 963 964 965 967 968 969 970 971 972 973 975 976 977 \
            978 979 980 981 984 985 986 990 994 997 999
            """.split(separator: " ").map(String.init))
    }
}
