import Foundation
import MESCore

@testable import ScannerInput

/// One key at one instant.
struct Stroke: Equatable {
    var key: Key
    var at: Int64
}

/// Builds keystroke timelines.
struct Timeline {
    var strokes: [Stroke] = []
    var now: Int64 = 1_000

    /// Keys typed `gap` ms apart, the first `after` ms after the previous stroke.
    mutating func type(_ keys: [Key], gap: Int64, after: Int64? = nil) {
        for (i, k) in keys.enumerated() {
            if !strokes.isEmpty || i > 0 { now += i == 0 ? (after ?? gap) : gap }
            strokes.append(Stroke(key: k, at: now))
        }
    }

    mutating func type(_ text: String, gap: Int64, after: Int64? = nil) { type(Key.keys(text), gap: gap, after: after) }

    /// Keys at explicit gaps: `gaps[i]` before `keys[i]` (the first relative to the previous stroke).
    mutating func type(_ keys: [Key], gaps: [Int64]) {
        for (k, g) in zip(keys, gaps) {
            if !strokes.isEmpty { now += g }
            strokes.append(Stroke(key: k, at: now))
        }
    }
}

/// An output and the instant it came out.
struct Emitted: Equatable {
    var output: WedgeOutput
    var at: Int64
}

/// Drives a decoder the way the kiosk does: keys at their instants, `tick` every `tickEvery` ms
/// (on multiples of it), until everything has settled.
func drive(_ strokes: [Stroke], settings: WedgeSettings = .defaults, tickEvery: Int64 = 5) -> [Emitted] {
    var d = WedgeDecoder(settings: settings)
    var out: [Emitted] = []
    guard let first = strokes.first, let last = strokes.last else { return [] }
    var t = first.at - first.at % tickEvery
    var i = 0
    let end = last.at + Int64(max(settings.settle, settings.maxGap)) + 10 * tickEvery
    while t <= end {
        while i < strokes.count, strokes[i].at <= t {
            out += d.feed(strokes[i].key, at: strokes[i].at).map { Emitted(output: $0, at: strokes[i].at) }
            i += 1
        }
        out += d.tick(at: t).map { Emitted(output: $0, at: t) }
        t += tickEvery
    }
    return out
}

func outputs(_ e: [Emitted]) -> [WedgeOutput] { e.map(\.output) }

func typed(_ keys: [Key]) -> [WedgeOutput] { keys.map { .typed($0) } }

func typedKeys(_ e: [Emitted]) -> [Key] {
    e.compactMap { if case .typed(let k) = $0.output { return k } else { return nil } }
}

func scans(_ e: [Emitted]) -> [String] {
    e.compactMap { if case .scan(let s, let sym) = $0.output { return (sym ?? "") + s } else { return nil } }
}

/// Added latency of each typed key, for timelines where every key is typed by a person: the
/// instant it came out minus the instant it was pressed (typed outputs keep input order).
func typedLatencies(_ strokes: [Stroke], _ e: [Emitted]) -> [Int64] {
    let out = e.compactMap { x -> (Key, Int64)? in if case .typed(let k) = x.output { return (k, x.at) } else { return nil } }
    precondition(out.count == strokes.count)
    return zip(strokes, out).map { s, o in
        precondition(s.key == o.0)
        return o.1 - s.at
    }
}

/// Gaps of a timeline (for calibration).
func gaps(_ strokes: [Stroke]) -> [Int] { WedgeSettings.gaps(strokes.map(\.at)) }
