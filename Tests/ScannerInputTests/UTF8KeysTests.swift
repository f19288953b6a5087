import Foundation
import MESCore
import Testing

@testable import ScannerInput

/// Bytes from the terminal into characters: nothing lost, nothing taken for the end of input.
@Suite struct UTF8KeysTests {
    func text(_ scalars: [Unicode.Scalar]) -> String { var s = ""; s.unicodeScalars.append(contentsOf: scalars); return s }

    @Test func asciiAndWholeCharactersPassThrough() {
        var d = UTF8Keys()
        #expect(text(d.feed(Array("EMP:101 é€😀".utf8))) == "EMP:101 é€😀")
        #expect(!d.isHolding)
    }

    @Test func aCharacterSplitAcrossReadsIsHeldUntilItsLastByte() {
        var d = UTF8Keys()
        #expect(d.feed([0xC3]).isEmpty && d.isHolding)
        #expect(text(d.feed([0xA9])) == "é")
        #expect(d.feed([0xF0, 0x9F]).isEmpty)
        #expect(d.feed([0x98]).isEmpty)
        #expect(text(d.feed([0x80, 0x41])) == "😀A")
    }

    @Test func aByteThatIsNotUTF8BecomesAVisibleCharacterOfItsOwn() {
        var d = UTF8Keys()
        let out = d.feed([0xFF, 0x41, 0xE9, 0x42, 0x80, 0xC0, 0xAF])
        #expect(out.count == 7)
        #expect(Sanitize.line(text(out)) == "\\xFFA\\xE9B\\x80\\xC0\\xAF")
        // An interrupted sequence gives up its lead byte and keeps the byte that interrupted it.
        #expect(Sanitize.line(text(d.feed([0xE2, 0x82, 0x41]))) == "\\xE2\\x82A")
        // Overlong forms and surrogates are not characters.
        #expect(Sanitize.line(text(d.feed([0xE0, 0x80, 0x80]))) == "\\xE0\\x80\\x80")
        #expect(Sanitize.line(text(d.feed([0xED, 0xA0, 0x80]))) == "\\xED\\xA0\\x80")
        #expect(d.feed([0xC3]).isEmpty)
        #expect(Sanitize.line(text(d.flush())) == "\\xC3")
    }

    @Test func aScanHoldingAnInvalidByteStaysOneScan() {
        var d = UTF8Keys()
        let keys = d.feed(Array("s7LOT".utf8) + [0xE9] + Array("ABCDEF\r".utf8)).map { Key(Character($0)) }
        var t = Timeline()
        t.type(keys, gap: 2)
        let out = drive(t.strokes)
        let scans = out.compactMap { if case .scan(let s, _) = $0.output { s } else { nil } }
        #expect(scans.count == 1, "\(out)")
        #expect(scans.first.map { Sanitize.line($0) } == "s7LOT\\xE9ABCDEF")
        #expect(!out.contains { if case .typed = $0.output { true } else { false } })
    }

    @Test func anyByteSequenceComesOutWhole() {
        // Every byte of random input comes out once: as part of a character or as itself.
        var rng = SplitMix64(seed: 12)
        for _ in 0..<2000 {
            var d = UTF8Keys()
            let bytes = (0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let out = d.feed(bytes) + d.flush()
            var back: [UInt8] = []
            for s in out { if let b = Sanitize.undecodableByte(s) { back.append(b) } else { back += Array(String(Character(s)).utf8) } }
            #expect(back == bytes)
        }
    }
}
