import Foundation
import MESCore
import Testing

@testable import ScannerInput

/// Scripted timings through the keyboard-wedge decoder (`docs/scanner.md`).
@Suite struct WedgeDecoderTests {
    @Test func aPersonTypingThenEnterIsTyped() {
        var t = Timeline()
        t.type([.char("4"), .char("2"), .char("7")], gaps: [0, 120, 200])
        t.type([.enter], gaps: [160])
        #expect(outputs(drive(t.strokes)) == typed(Key.keys("427\r")))
    }

    @Test func aFastBurstWithEnterIsOneScan() {
        var t = Timeline()
        t.type("WO:10442\r", gap: 2)
        #expect(outputs(drive(t.strokes)) == [.scan("WO:10442", symbology: nil)])
    }

    @Test func aScanEndingInTabOrLineFeedIsAScanToo() {
        var t = Timeline()
        t.type("SN:A1\t", gap: 3)
        t.type([Key.char("E"), .char("Q"), .char(":"), .char("7"), .char("\n")], gap: 4, after: 500)
        #expect(outputs(drive(t.strokes)) == [.scan("SN:A1", symbology: nil), .scan("EQ:7", symbology: nil)])
    }

    @Test func crThenLfAfterAScanIsConsumed() {
        var t = Timeline()
        t.type("EMP:0042\r", gap: 2)
        t.type([.char("\n")], gaps: [1])
        #expect(outputs(drive(t.strokes)) == [.scan("EMP:0042", symbology: nil)])
        // ...but an Enter a person presses later is theirs.
        t.type([.enter], gaps: [400])
        #expect(outputs(drive(t.strokes)) == [.scan("EMP:0042", symbology: nil), .typed(.enter)])
    }

    @Test func anEightyMillisecondScannerFailsOnDefaultsAndPassesOnceCalibrated() {
        // Three test scans of a slow scanner: 75–85 ms per character.
        var samples: [[Int]] = []
        var rng = SplitMix64(seed: 80)
        for _ in 0..<3 {
            var t = Timeline()
            t.type(Key.keys("CMD:START"), gaps: [0] + (0..<8).map { _ in Int64.random(in: 75...85, using: &rng) })
            t.type([.enter], gaps: [Int64.random(in: 75...85, using: &rng)])
            samples.append(gaps(t.strokes))
        }
        var scan = Timeline()
        scan.type("LOT:AL6061:H4471\r", gap: 80)
        #expect(outputs(drive(scan.strokes)) == typed(Key.keys("LOT:AL6061:H4471\r")))

        let calibrated = WedgeSettings.defaults.calibrated(from: samples)
        #expect(calibrated.maxGap >= 120 && calibrated.maxAverageGap >= 100 && calibrated.settle > calibrated.maxGap)
        #expect(outputs(drive(scan.strokes, settings: calibrated)) == [.scan("LOT:AL6061:H4471", symbology: nil)])
        // A person is still a person (a slow scanner costs typing latency, not correctness).
        var human = Timeline()
        human.type("1234\r", gap: 180)
        #expect(outputs(drive(human.strokes, settings: calibrated)) == typed(Key.keys("1234\r")))
    }

    @Test func calibrationFromAFastScannerTightensTheThresholds() {
        let s = WedgeSettings.defaults.calibrated(from: [[2, 3, 2, 2], [1, 2, 4, 2], [2, 2, 2, 3]])
        #expect(s.maxGap == 20 && s.maxAverageGap == 15)
        #expect(WedgeSettings.defaults.calibrated(from: []) == .defaults)
    }

    @Test func keyAutoRepeatIsNotAScan() {
        var t = Timeline()
        t.type([.char("a")], gaps: [0])
        t.type(Array(repeating: Key.char("a"), count: 6), gap: 33, after: 500)
        t.type([.enter], gaps: [33])
        let expected = typed(Array(repeating: Key.char("a"), count: 7) + [.enter])
        #expect(outputs(drive(t.strokes)) == expected)
        // Even where a slow scanner's calibration lets 33 ms gaps through.
        let slow = WedgeSettings.defaults.calibrated(from: [[80, 82, 78, 80]])
        #expect(outputs(drive(t.strokes, settings: slow)) == expected)
        // Repeated characters inside a real burst are fine.
        var scan = Timeline()
        scan.type("0000\r", gap: 2)
        #expect(outputs(drive(scan.strokes)) == typed(Key.keys("0000\r")))
        scan.type("000123\r", gap: 2, after: 500)
        #expect(outputs(drive(scan.strokes)).last == .scan("000123", symbology: nil))
    }

    @Test func keyRolloverIsTyping() {
        var t = Timeline()
        t.type([.char("a"), .char("s")], gaps: [0, 10])
        t.type(Key.keys("df"), gap: 150)
        t.type([.enter], gaps: [150])
        #expect(outputs(drive(t.strokes)) == typed(Key.keys("asdf\r")))
    }

    @Test func aBurstRightAfterTypingIsSplit() {
        var t = Timeline()
        t.type("12", gap: 140)
        t.type("SN:WO-1001-001\r", gap: 2, after: 150)
        #expect(outputs(drive(t.strokes)) == typed(Key.keys("12")) + [.scan("SN:WO-1001-001", symbology: nil)])
        // Even when the scanner starts only 30 ms after the person's last key.
        var close = Timeline()
        close.type("7", gap: 0)
        close.type("SN:WO-1001-001\r", gap: 2, after: 30)
        #expect(outputs(drive(close.strokes)) == typed(Key.keys("7")) + [.scan("SN:WO-1001-001", symbology: nil)])
    }

    @Test func aFramedTwoDimensionalCodeMayHoldCarriageReturns() {
        let settings = WedgeSettings(prefix: "\u{02}")
        var t = Timeline()
        t.type("\u{02}]d2LINE1\rLINE2\r", gap: 3)
        #expect(outputs(drive(t.strokes, settings: settings)) == [.scan("LINE1\rLINE2", symbology: "]d2")])
        // Framed, slow and short: still a scan (whatever the timing, within settle).
        var slow = Timeline()
        slow.type("\u{02}AB\r", gap: 50)
        #expect(outputs(drive(slow.strokes, settings: settings)) == [.scan("AB", symbology: nil)])
        // Two framed codes back to back.
        var two = Timeline()
        two.type("\u{02}A\rB\r\u{02}C\r", gap: 2)
        #expect(outputs(drive(two.strokes, settings: settings)) == [.scan("A\rB", symbology: nil), .scan("C", symbology: nil)])
        // No terminator: decided after settle.
        var open = Timeline()
        open.type("\u{02}XYZ", gap: 2)
        let e = drive(open.strokes, settings: settings)
        #expect(outputs(e) == [.scan("XYZ", symbology: nil)])
        #expect(e[0].at > open.strokes.last!.at + Int64(settings.settle))
        // A lone prefix is given back as typing.
        var lone = Timeline()
        lone.type("\u{02}", gap: 0)
        #expect(outputs(drive(lone.strokes, settings: settings)) == typed(Key.keys("\u{02}")))
    }

    @Test func anAIMIdentifierCanFrameTheBurst() {
        let settings = WedgeSettings(aimFraming: true)
        var t = Timeline()
        t.type("]d2010950600013435210LOT1\r21SN9\r", gap: 2)
        #expect(outputs(drive(t.strokes, settings: settings)) == [.scan("010950600013435210LOT1\r21SN9", symbology: "]d2")])
        let configured = WedgeSettings(prefix: "]Q3")
        var q = Timeline()
        q.type("]Q3ABC\rDEF\r", gap: 2)
        #expect(outputs(drive(q.strokes, settings: configured)) == [.scan("ABC\rDEF", symbology: "]Q3")])
        // A person typing "]" then stopping gets it after settle.
        var human = Timeline()
        human.type("]", gap: 0)
        #expect(outputs(drive(human.strokes, settings: settings)) == typed(Key.keys("]")))
    }

    @Test func embeddedGroupSeparatorPassesThrough() throws {
        var t = Timeline()
        t.type("]C1010950600013435217201225" + "10ABC\u{1D}" + "21XYZ\r", gap: 2)
        let out = outputs(drive(t.strokes))
        #expect(out == [.scan("010950600013435217201225" + "10ABC\u{1D}" + "21XYZ", symbology: "]C1")])
        guard case .scan(let text, let sym) = out.first else { return }
        let data = try GS1.parse(text, symbology: sym).get()
        #expect(data.gtin == "09506000134352" && data.lot == "ABC" && data.serial == "XYZ")
    }

    @Test func withTimingOffOnlyFramedBurstsAreScans() {
        let off = WedgeSettings(prefix: "\u{02}", timingEnabled: false)
        var t = Timeline()
        t.type("WO:1001\r", gap: 2)
        t.type("\u{02}WO:1002\r", gap: 2, after: 300)
        t.type("ok\r", gap: 150, after: 300)
        let e = drive(t.strokes, settings: off)
        #expect(outputs(e) == typed(Key.keys("WO:1001\r")) + [.scan("WO:1002", symbology: nil)] + typed(Key.keys("ok\r")))
        // Unframed keys come out at once.
        #expect(e.prefix(8).allSatisfy { x in t.strokes.contains { $0.at == x.at } })
        // No prefix and timing off: everything is typing.
        var fast = Timeline()
        fast.type("EMP:1\r", gap: 1)
        #expect(outputs(drive(fast.strokes, settings: WedgeSettings(timingEnabled: false))) == typed(Key.keys("EMP:1\r")))
    }

    @Test func keysWithoutTextAreNeverInAScan() {
        var t = Timeline()
        t.type([.char("A"), .char("B"), .backspace, .char("C"), .char("D"), .char("E"), .enter], gap: 2)
        #expect(outputs(drive(t.strokes)) == typed([.char("A"), .char("B"), .backspace, .char("C"), .char("D"), .char("E"), .enter]))
        var f = Timeline()
        f.type([.function(2)], gaps: [0])
        #expect(outputs(drive(f.strokes)) == typed([.function(2)]))
    }

    @Test func aBurstWithoutTerminatorIsTypedAfterTheGap() {
        var t = Timeline()
        t.type("ABCDEFG", gap: 2)
        let e = drive(t.strokes)
        #expect(outputs(e) == typed(Key.keys("ABCDEFG")))
        #expect(e.allSatisfy { $0.at - t.strokes.last!.at <= Int64(WedgeSettings.defaults.maxGap) + 5 })
        var d = WedgeDecoder()
        _ = d.feed(.char("x"), at: 10)
        #expect(d.nextDeadline == Int64(46))
        #expect(d.tick(at: 45) == [])
        #expect(d.tick(at: 46) == [.typed(.char("x"))])
        #expect(d.isIdle)
    }

    @Test func timeGoingBackwardsLosesNothing() {
        var d = WedgeDecoder()
        var out: [WedgeOutput] = []
        for (i, c) in "SN:42".enumerated() { out += d.feed(.char(c), at: 100 - Int64(i)) }
        out += d.feed(.enter, at: 50)
        #expect(out == [.scan("SN:42", symbology: nil)])
    }

    /// Worst added latency for a typed key with the defaults, `tick` every 5 ms: a person at
    /// 100–300 ms, rollover pairs 10 ms apart, auto-repeat at 33 ms, backspace and Enter.
    @Test func typedKeysAreNeverHeldLong() {
        var rng = SplitMix64(seed: 7)
        var worst: Int64 = 0
        for round in 0..<50 {
            var t = Timeline()
            t.now += Int64(round)  // vary the phase against the tick
            for _ in 0..<40 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: t.type([.char("q"), .char("w")], gaps: [Int64.random(in: 100...300, using: &rng), 10])
                case 1: t.type(Array(repeating: Key.char("x"), count: 5), gaps: [Int64.random(in: 100...300, using: &rng), 500, 33, 33, 33])
                case 2: t.type([.backspace], gaps: [Int64.random(in: 100...300, using: &rng)])
                case 3: t.type([.enter], gaps: [Int64.random(in: 100...300, using: &rng)])
                default:
                    t.type(
                        [.char(Character(UnicodeScalar(UInt8.random(in: 0x21...0x7E, using: &rng))))],
                        gaps: [Int64.random(in: 100...300, using: &rng)])
                }
            }
            let e = drive(t.strokes)
            #expect(typedKeys(e) == t.strokes.map(\.key))
            worst = max(worst, typedLatencies(t.strokes, e).max()!)
        }
        print("wedge: worst added latency for a typed key with defaults, tick every 5 ms: \(worst) ms")
        #expect(worst <= 50)
    }

    @Test func settingsDecodeWithDefaultsForMissingFields() throws {
        let s = try JSONDecoder().decode(WedgeSettings.self, from: Data(#"{"prefix":"\u0002","timingEnabled":false}"#.utf8))
        #expect(s == WedgeSettings(prefix: "\u{02}", timingEnabled: false))
        let round = try JSONDecoder().decode(WedgeSettings.self, from: JSONEncoder().encode(WedgeSettings.defaults.calibrated(from: [[80]])))
        #expect(round == WedgeSettings.defaults.calibrated(from: [[80]]))
    }
}
