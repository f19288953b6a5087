import Foundation
import MESCore
import Testing

@testable import ScannerInput

/// GS1 element strings with known answers.
@Suite struct GS1Tests {
    let gs = "\u{1D}"

    func ok(_ text: String, referenceYear: Int? = nil) throws -> GS1Data { try GS1.parse(text, referenceYear: referenceYear).get() }

    func refused(_ text: String) -> GS1Error? {
        if case .failure(let e) = GS1.parse(text) { return e }
        return nil
    }

    @Test func gs1128WithAIMIdentifierAndGroupSeparators() throws {
        let d = try ok("]C1" + "0109506000134352" + "17201225" + "10ABC" + gs + "21XYZ-9" + gs + "3712")
        #expect(d.symbology == "]C1")
        #expect(d.gtin == "09506000134352")
        #expect(d.expiry == LocalDate(year: 2020, month: 12, day: 25))
        #expect(d.lot == "ABC" && d.serial == "XYZ-9" && d.count == 12)
        #expect(d.elements.map(\.ai) == ["01", "17", "10", "21", "37"])
        #expect(d.elements[2].title == "BATCH/LOT")
        #expect(d.warnings.isEmpty)
    }

    @Test func dataMatrixAndRawFormsAndALeadingFNC1() throws {
        let a = try ok("]d2" + "0109506000134352" + "10ABC" + gs + "17201225")
        #expect(a.symbology == "]d2" && a.lot == "ABC" && a.expiry == LocalDate(year: 2020, month: 12, day: 25))
        let b = try ok(gs + "0109506000134352" + "10ABC" + gs + "17201225")
        #expect(b.symbology == nil && b.elements == a.elements)
        // A GS after a fixed-length field is tolerated.
        #expect(try ok("0109506000134352" + gs + "10ABC").lot == "ABC")
        // The split symbology of a scan.
        #expect(try GS1.parse("0109506000134352", symbology: "]C1").get().gtin == "09506000134352")
    }

    @Test func humanReadableForm() throws {
        let d = try ok("(01)09506000134352(17)201225(10)ABC")
        #expect(d.gtin == "09506000134352" && d.lot == "ABC" && d.expiry == LocalDate(year: 2020, month: 12, day: 25))
        let spaced = try ok("(01) 09506000134352 (10) AB(C) (21) 7")
        #expect(spaced.lot == "AB(C)" && spaced.serial == "7")
        #expect(refused("(01)0950600013435")?.reason == .tooShort(ai: "01", value: "0950600013435", min: 14))
        #expect(refused("(88)123")?.reason == .unknownAI("88"))
    }

    @Test func percentIsDataAsAScannerSendsItUnlessTheStationSaysOtherwise() throws {
        // A scanner decodes a GS1 QR's `%` separators to GS: a `%` it transmits is data.
        let d = try ok("]Q3" + "0109506000134352" + "10LOT%17261231")
        #expect(d.lot == "LOT%17261231" && d.expiry == nil)
        #expect(try ok("10L1%21S1").lot == "L1%21S1")
        #expect(try ok("]C1" + "10AB%C").lot == "AB%C")
        // A station whose scanner sends the raw `%` says so: then `%` separates and `%%` is a `%`.
        let raw = try GS1.parse("]Q3" + "0109506000134352" + "10AB%%C%" + "21XYZ%" + "17201225", percentIsSeparator: true).get()
        #expect(raw.lot == "AB%C" && raw.serial == "XYZ" && raw.expiry == LocalDate(year: 2020, month: 12, day: 25))
    }

    @Test func ssccWithItsCheckDigit() throws {
        let d = try ok("]C1" + "00106141411234567897" + "02" + "00614141000029" + "3724")
        #expect(d.sscc == "106141411234567897" && d.gtin == "00614141000029" && d.count == 24)
        #expect(refused("00106141411234567898")?.reason == .badCheckDigit(ai: "00", value: "106141411234567898", expected: 7))
    }

    @Test func aBadGTINCheckDigitIsRefused() {
        let e = refused("]C1" + "0109506000134353" + "10ABC")
        #expect(e?.reason == .badCheckDigit(ai: "01", value: "09506000134353", expected: 2))
        #expect(e?.message.contains("09506000134353") == true)
        #expect(e?.message.contains("check digit") == true)
    }

    @Test func anOverlongFieldIsRefused() {
        let lot = String(repeating: "A", count: 21)
        let e = refused("10" + lot)
        #expect(e?.reason == .tooLong(ai: "10", value: lot, max: 20))
        #expect(e?.message.contains("at most 20") == true)
        #expect(refused("30123456789")?.reason == .tooLong(ai: "30", value: "123456789", max: 8))
    }

    @Test func dayZeroIsTheEndOfTheMonth() throws {
        #expect(try ok("17240200").expiry == LocalDate(year: 2024, month: 2, day: 29))
        #expect(try ok("17250200").expiry == LocalDate(year: 2025, month: 2, day: 28))
        #expect(try ok("15241100").bestBefore == LocalDate(year: 2024, month: 11, day: 30))
    }

    @Test func badDatesAreRefused() {
        #expect(refused("17241301").map { if case .badDate(let ai, _, _) = $0.reason { ai == "17" } else { false } } == true)
        #expect(refused("17240230").map { if case .badDate = $0.reason { true } else { false } } == true)
        #expect(refused("11240001").map { if case .badDate = $0.reason { true } else { false } } == true)
        #expect(refused("1724123A")?.reason == .notNumeric(ai: "17", value: "24123A"))
    }

    @Test func theCenturyFollowsTheStandardsSlidingWindow() throws {
        #expect(try ok("17991231", referenceYear: 2026).expiry == LocalDate(year: 1999, month: 12, day: 31))
        #expect(try ok("17751231", referenceYear: 2026).expiry == LocalDate(year: 2075, month: 12, day: 31))
        // Without a reference year the window is around this year: no caller can forget it, and an
        // expired lot from 1999 is never read as 2099.
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(try ok("]C1" + "010950600013435217991231").expiry?.year == (thisYear < 2049 ? 1999 : 2099))
        #expect(try ok("17" + String(format: "%02d", (thisYear + 1) % 100) + "0101").expiry?.year == thisYear + 1)
    }

    @Test func anUnknownAIIsRefusedByName() {
        let e = refused("0109506000134352" + "8899ABC")
        #expect(e?.reason == .unknownAI("8899"))
        #expect(e?.message.contains("8899") == true)
        #expect(refused("EMP:1234")?.reason == .expectedAI(position: 0, found: "EMP:"))
    }

    @Test func aMissingGSBetweenTwoVariableFields() throws {
        // Within the first field's maximum: read as one value, with a warning naming the AI it may hide.
        let d = try ok("]C1" + "0109506000134352" + "10ABC21XYZ")
        #expect(d.lot == "ABC21XYZ" && d.serial == nil)
        #expect(d.warnings.count == 1 && d.warnings[0].contains("(21)") && d.warnings[0].contains("XYZ"))
        // Past it: refused, and the message says a GS may be missing.
        let e = refused("]C1" + "10ABCDEFGHIJKLMNOPQ" + "21SERIAL12345")
        #expect(e?.reason == .tooLong(ai: "10", value: "ABCDEFGHIJKLMNOPQ21SERIAL12345", max: 20))
        #expect(e?.message.contains("GS separator may be missing") == true)
        // A lot that merely holds digits is not suspected.
        #expect(try ok("10L2024" + gs + "21S1").warnings.isEmpty)
    }

    @Test func otherRefusals() {
        #expect(refused("")?.reason == .empty)
        #expect(refused("]C1")?.reason == .empty)
        #expect(refused("]C1" + gs)?.reason == .empty)
        #expect(refused("]C0" + "ABC123")?.reason == .notGS1(symbology: "]C0"))
        #expect(refused("10AB CD")?.reason == .invalidCharacter(ai: "10", value: "AB CD", character: " "))
        #expect(refused("10A" + gs + "10B")?.reason == .conflicting(ai: "10", first: "A", second: "B"))
        #expect(refused("10" + gs + "21X")?.reason == .tooShort(ai: "10", value: "", min: 1))
    }

    @Test func messagesAreSafeForATerminal() {
        let e = refused("10AB\u{1B}[2J")
        #expect(e != nil)
        #expect(e?.message.unicodeScalars.contains { Sanitize.isControl($0) } == false)
        #expect(e?.message.contains("\\u{1B}[2J") == true)
        let gsText = refused("10" + String(repeating: "A", count: 19) + gs + "99" + String(repeating: "B", count: 91))
        #expect(gsText?.message.unicodeScalars.contains { Sanitize.isControl($0) } == false)
    }

    @Test func keyboardLayoutMismatch() {
        #expect(GS1.looksLikeLayoutMismatch("&é\"'(-è_çà"))  // 1234567890, US scanner on AZERTY
        #expect(GS1.looksLikeLayoutMismatch("E?PM&é\"'"))  // EMP:1234
        #expect(GS1.looksLikeLayoutMismatch("EMPÖ1234"))  // EMP:1234 on German QWERTZ
        #expect(GS1.looksLikeLayoutMismatch("!@#$%^"))  // 123456, AZERTY scanner on a US host
        #expect(GS1.looksLikeLayoutMismatch("SN.QB!@#"))  // SN:AB123
        #expect(!GS1.looksLikeLayoutMismatch("EMP:1234"))
        #expect(!GS1.looksLikeLayoutMismatch("WO-1001-001"))
        #expect(!GS1.looksLikeLayoutMismatch("]C10109506000134352"))
        #expect(!GS1.looksLikeLayoutMismatch("Café"))
        #expect(!GS1.looksLikeLayoutMismatch("é"))
    }
}
