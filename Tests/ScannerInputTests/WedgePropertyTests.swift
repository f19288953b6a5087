import Foundation
import MESCore
import Testing

@testable import ScannerInput

/// Random interleavings and a long fuzz run through the wedge decoder, seeded (SplitMix64).
@Suite struct WedgePropertyTests {
    static func printable(_ rng: inout SplitMix64) -> Character {
        Character(UnicodeScalar(UInt8.random(in: 0x21...0x7E, using: &rng)))
    }

    /// People typing (100–300 ms, printable characters, sometimes Enter) and scanner bursts
    /// (1–20 ms per character, 6–30 characters, Enter-terminated, at least 150 ms from typing)
    /// are split exactly: the scans are the bursts sent, the typed keys the person's keys.
    @Test func typingAndBurstsAreSplitExactly() {
        var worstLatency: Int64 = 0
        for seed in 0..<400 {
            var rng = SplitMix64(seed: UInt64(seed))
            var t = Timeline()
            var bursts: [String] = []
            var human: [Stroke] = []
            var lastWasBurst = true
            for _ in 0..<Int.random(in: 3...10, using: &rng) {
                if Bool.random(using: &rng) {
                    let text = String((0..<Int.random(in: 6...30, using: &rng)).map { _ in Self.printable(&rng) })
                    bursts.append(text)
                    let keys = Key.keys(text) + [.enter]
                    var g: [Int64] = [t.strokes.isEmpty ? 0 : Int64.random(in: 150...400, using: &rng)]
                    g += (1..<keys.count).map { _ in Int64.random(in: 1...20, using: &rng) }
                    t.type(keys, gaps: g)
                    lastWasBurst = true
                } else {
                    for i in 0..<Int.random(in: 1...8, using: &rng) {
                        let key: Key = Int.random(in: 0..<8, using: &rng) == 0 ? .enter : .char(Self.printable(&rng))
                        let gap =
                            t.strokes.isEmpty
                            ? 0
                            : (i == 0 && lastWasBurst
                                ? Int64.random(in: 150...400, using: &rng)
                                : Int64.random(in: 100...300, using: &rng))
                        t.type([key], gaps: [gap])
                        human.append(t.strokes.last!)
                    }
                    lastWasBurst = false
                }
            }
            let e = drive(t.strokes)
            let gotScans = scans(e), gotTyped = typedKeys(e)
            #expect(gotScans == bursts, "seed \(seed)")
            #expect(gotTyped == human.map(\.key), "seed \(seed)")
            if gotTyped == human.map(\.key) {
                worstLatency = max(worstLatency, typedLatencies(human, e.filter { if case .typed = $0.output { true } else { false } }).max() ?? 0)
            }
        }
        print("wedge property: worst added latency for a typed key: \(worstLatency) ms")
        #expect(worstLatency <= 50)
    }

    static let specials: [Key] = [
        .enter, .tab, .backspace, .escape, .delete, .up, .down, .left, .right, .home, .end,
        .function(1), .function(5), .function(12), .char("\n"), .char("\u{1D}"), .char("\u{02}"),
        .char("é"), .char("]"), .char(" "),
    ]

    /// Runs `count` random keys with random gaps (0–500 ms, half of them 0–40 ms so that bursts
    /// happen) and random ticks; checks that every non-terminator key comes out exactly once, in
    /// order, that the machine settles to idle, and that a clean scan decodes afterwards.
    static func fuzz(count: Int, seed: UInt64, settings: WedgeSettings) -> (ok: Bool, detail: String) {
        var rng = SplitMix64(seed: seed)
        var d = WedgeDecoder(settings: settings)
        let excluded: Set<Character> = settings.prefix.map { Set($0) } ?? []
        func isTerminator(_ s: String) -> Bool {
            settings.suffixes.contains(s) || s == "\r\n"
        }
        func counts(_ k: Key) -> Bool {
            guard let t = k.text else { return true }
            if isTerminator(t) { return false }
            if case .char(let c) = k, excluded.contains(c) { return false }
            return true
        }
        var input: [Key] = []
        input.reserveCapacity(count)
        var output: [Key] = []
        output.reserveCapacity(count)
        var scanned = 0
        func collect(_ outs: [WedgeOutput]) {
            for o in outs {
                switch o {
                case .typed(let k): if counts(k) { output.append(k) }
                case .scan(let text, let sym):
                    scanned += 1
                    for c in (sym ?? "") + text where !isTerminator(String(c)) && !excluded.contains(c) { output.append(.char(c)) }
                }
            }
        }
        var now: Int64 = 0
        for _ in 0..<count {
            let gap = Bool.random(using: &rng) ? Int64.random(in: 0...500, using: &rng) : Int64.random(in: 0...40, using: &rng)
            if gap > 0, Int.random(in: 0..<4, using: &rng) == 0 {
                collect(d.tick(at: now + Int64.random(in: 0..<gap, using: &rng)))
            }
            now += gap
            let key =
                Int.random(in: 0..<6, using: &rng) == 0
                ? specials.randomElement(using: &rng)!
                : .char(printable(&rng))
            if counts(key) { input.append(key) }
            collect(d.feed(key, at: now))
        }
        now += 10_000
        collect(d.tick(at: now))
        guard scanned > 0 else { return (false, "no scan at all: the fuzz does not exercise bursts") }
        print("wedge fuzz: \(count) keys, \(scanned) scans, \(output.count) keys out")
        guard d.isIdle else { return (false, "not idle after 10 s of silence") }
        guard input == output else {
            let i = (0..<min(input.count, output.count)).first { input[$0] != output[$0] } ?? min(input.count, output.count)
            return (false, "keys differ at \(i): in \(input.count), out \(output.count)")
        }
        var resync: [WedgeOutput] = []
        for (i, c) in ((settings.prefix ?? "") + "RESYNC-01").enumerated() { resync += d.feed(.char(c), at: now + 2 * Int64(i)) }
        resync += d.feed(.enter, at: now + 40)
        resync += d.tick(at: now + 1_000)
        guard resync == [.scan("RESYNC-01", symbology: nil)] else { return (false, "no resync: \(resync)") }
        return (true, "")
    }

    /// 1,000,000 keys with the defaults (about 2–4 s in a debug build).
    @Test func aMillionRandomKeysNeverLoseOrDuplicateOne() {
        let clock = ContinuousClock()
        var r: (ok: Bool, detail: String) = (false, "")
        let took = clock.measure { r = Self.fuzz(count: 1_000_000, seed: 2024, settings: .defaults) }
        print("wedge fuzz: 1,000,000 keys in \(took)")
        #expect(r.ok, "\(r.detail)")
    }

    /// The same with framing on (STX prefix, AIM identifiers) and with timing off.
    @Test func randomKeysWithFramingAndWithoutTiming() {
        let framed = Self.fuzz(count: 200_000, seed: 99, settings: WedgeSettings(prefix: "\u{02}", aimFraming: true))
        #expect(framed.ok, "\(framed.detail)")
        let off = Self.fuzz(count: 200_000, seed: 7, settings: WedgeSettings(prefix: "\u{02}", timingEnabled: false))
        #expect(off.ok, "\(off.detail)")
    }
}
