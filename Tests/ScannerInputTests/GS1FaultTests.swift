import Foundation
import MESCore
import Testing

@testable import ScannerInput

/// Each fault an independent run found in the GS1 reader, with the input that showed it.
@Suite struct GS1FaultTests {
    let gs = "\u{1D}"

    func ok(_ text: String) throws -> GS1Data { try GS1.parse(text, referenceYear: 2026).get() }
    func reason(_ text: String) -> GS1Error.Reason? {
        if case .failure(let e) = GS1.parse(text, referenceYear: 2026) { return e.reason }
        return nil
    }

    @Test func aisOutsideTheOldSubsetNoLongerLoseTheRestOfTheLabel() throws {
        let a = try ok("]C1" + "01095060001343524212761234" + gs + "10L")  // 421: ship-to postal code with country
        #expect(a.gtin == "09506000134352" && a.value("421") == "2761234" && a.lot == "L")
        let b = try ok("]C1" + "8003" + "09506000134352" + "SER77")  // 8003: GRAI
        #expect(b.value("8003") == "09506000134352SER77")
        let c = try ok("]d2" + "0109506000134352" + "714ABCD1234567")  // 714: a three-digit AI
        #expect(c.gtin == "09506000134352" && c.value("714") == "ABCD1234567")
        let d = try ok("]C1" + "01095060001343523922000499" + gs + "3103000750")  // 392n price, 310n weight
        #expect(d.value("3922") == "000499" && d.value("3103") == "000750")
        // A check the table names still holds: 421's country must be an ISO 3166 code.
        #expect(reason("]C1" + "4219991234") == .invalidValue(ai: "421", value: "9991234", why: "999 is not an ISO 3166 country code"))
    }

    @Test func theDictionaryIsTheWholeTable() {
        let t = GS1.table
        #expect(t.count > 500, "\(t.count) AIs")  // 224 entries, ranges expanded
        #expect(t["01"]?.predefined == true && t["01"]?.max == 14 && t["01"]?.components[0].checks == ["csum", "gcppos2"])
        #expect(t["10"]?.predefined == false && t["10"]?.min == 1 && t["10"]?.max == 20)
        #expect(t["17"]?.components[0].checks == ["yymmd0"])
        #expect(t["7003"]?.max == 10 && t["7003"]?.components.map(\.checks) == [["yymmdd"], ["hhmi"]])
        #expect(t["8003"]?.min == 14 && t["8003"]?.max == 30)
        #expect(t["3103"] != nil && t["3106"] == nil && t["3929"] != nil)
        #expect(t["714"] != nil && t["7140"] == nil && t["71"] == nil)
        #expect(t["8110"]?.components[0].checks == ["couponcode"])
        // Every check the table names is one the reader knows, and the AIs are prefix-free.
        for (ai, info) in t {
            for c in info.components { for check in c.checks { #expect(GS1Lint.names.contains(check), "\(ai): \(check)") } }
            for n in 2..<ai.count { #expect(t[String(ai.prefix(n))] == nil, "\(ai) starts with the AI \(ai.prefix(n))") }
        }
    }

    @Test func anUnknownAIInTheBracketedFormIsRefusedNotGluedIntoTheValue() throws {
        // 7007 is a known AI now; an unallocated one is refused by name.
        let d = try ok("(01)09506000134352(10)AB12(7007)261201")
        #expect(d.lot == "AB12" && d.value("7007") == "261201")
        #expect(reason("(01)09506000134352(10)AB12(8899)261201") == .unknownAI("8899"))
        // Brackets that are not an AI stay in the value; `\(` is a literal bracket.
        #expect(try ok("(10)AB(C)").lot == "AB(C)")
        #expect(try ok("(10)12345\\(11)991225").lot == "12345(11)991225")
    }

    @Test func aTrailingCRLFIsDropped() throws {
        #expect(try ok("]C1" + "0109506000134352" + "10ABC\r\n").lot == "ABC")
        #expect(try ok("0109506000134352" + "10ABC\n").lot == "ABC")
    }

    @Test func ai7003IsValidatedAndIsAnExpiry() throws {
        #expect(reason("]C1" + "0109506000134352" + "70032613312359") == .badDate(ai: "7003", value: "2613312359", why: "month 13 is not 01–12"))
        #expect(
            reason("]C1" + "0109506000134352" + "70032612312460")
                == .badDate(
                    ai: "7003", value: "2612312460",
                    why: "time 2460 is not "
                        + "0000–2359"))
        let d = try ok("]C1" + "0109506000134352" + "70032612311430")
        #expect(d.expiry == LocalDate(year: 2026, month: 12, day: 31))
        // AI 17 wins where both are there.
        #expect(try ok("]C1" + "0109506000134352" + "17261130" + "70032612311430").expiry == LocalDate(year: 2026, month: 11, day: 30))
    }

    @Test func aCodeOfOnlyAnAIMIdentifierIsEmpty() {
        #expect(reason("]C1") == .empty)
        #expect(reason("]d2" + gs + gs) == .empty)
    }

    @Test func manyLeadingSeparatorsAreSkippedInLinearTime() throws {
        // Stripping them one `removeFirst` at a time was quadratic: 400,000 took minutes.
        let label = String(repeating: gs, count: 400_000) + "0109506000134352"
        #expect(try ok(label).gtin == "09506000134352")
    }

    @Test func aMalformedBracketedCodeNamesWhatItFoundSafely() throws {
        // Found by scripts/fuzz (gs1): the "expected '(AI)'" message carried the raw NULs it quoted.
        let e = try #require(reason("(01I\u{0}\u{0}\u{0})09506000134352").map { GS1Error(text: "x", reason: $0) })
        #expect(!e.message.unicodeScalars.contains(where: Sanitize.isControl))
        #expect(e.message.contains("found '(01I\\u{0}\\u{0}'"), "\(e.message)")
    }

    @Test func theContentChecksOfTheStandard() {
        #expect(reason("8007" + "GB82WEST12345698765432") == nil)  // a valid IBAN
        #expect(reason("8007" + "GB82WEST12345698765433").map { if case .invalidValue = $0 { true } else { false } } == true)
        #expect(reason("8013" + "1987654Ad4X4bL5ttr2310c2K") == nil)  // GMN with its check pair
        #expect(reason("8013" + "1987654Ad4X4bL5ttr2310c2L") != nil)
        #expect(reason("4307" + "DE") == nil && reason("4307" + "XX") != nil)  // ISO 3166 alpha-2
        #expect(reason("3910" + "978123") == nil && reason("3910" + "000123") != nil)  // ISO 4217 currency
        #expect(reason("8008" + "26123123") == nil && reason("8008" + "26123124") != nil)  // hour 24
        #expect(reason("7007" + "261201261231") == nil && reason("7007" + "261201261") != nil)
    }
}
