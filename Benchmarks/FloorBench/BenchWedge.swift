import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

#if canImport(Glibc)
import Glibc
#endif

// `floor-bench kiosk` and `floor-bench wedge`: figures taken through the real binary. The bench
// starts `floor kiosk` in a pseudo-terminal with FLOOR_TRACE_FD set, types into it with precise
// timing (a scanner's burst, a person's keys) and reads back what the kiosk received and when each
// frame reached the terminal (see `KioskRunner`'s trace).

// MARK: - bench wedge

struct WedgeBenchResult: Codable {
    var build = buildKind
    var store: String
    var station: String
    var scansSent: Int
    var scansTraced: Int
    var scansLost: Int
    var scansMisread: Int
    /// Key trace lines no typed key explains: scan characters that came out typed.
    var keysLeaked: Int
    /// Frames whose field text differs from what the typed keys alone give.
    var fieldLeaks: Int
    var typedKeys: Int
    var typedKeysLost: Int
    /// Bursts this process wrote with a gap over 10 ms (held up by the scheduler): not the decoder's fault.
    var burstsHeldUp: Int
    var largestBurstGapMs: Double
    /// Times the entry field had to be reopened because something closed it.
    var entryReopened: Int
    var digitLatency: Quantiles
    var backspaceLatency: Quantiles
    var scanLatency: Quantiles
    var seconds: Double
    var guardMs: Double
    var examples: [String]
    var exit: PtyKiosk.Exit

    var table: String {
        var lines = [
            "floor-bench wedge (\(build) build) · store \(store) · station \(station) · \(String(format: "%.0f", seconds)) s",
            row("scans", "sent \(scansSent), traced \(scansTraced): lost \(scansLost), misread \(scansMisread)"),
            row("leaks", "scan characters as keys \(keysLeaked), frames with a wrong field \(fieldLeaks)"),
            row("typed keys", "\(typedKeys), lost \(typedKeysLost); entry reopened \(entryReopened)x; guard \(Int(guardMs)) ms"),
            row("bench's own timing", "\(burstsHeldUp) burst(s) with a gap over 10 ms; largest gap \(ms(largestBurstGapMs))"),
            row("decoder latency, typed digit", digitLatency.text),
            row("decoder latency, Backspace", backspaceLatency.text),
            row("last byte of a scan → scan line", scanLatency.text),
            row("SIGTERM", exit.text),
        ]
        lines += examples.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// One `bench wedge` run: the schedule of scans and typed keys, then the check of the trace.
struct WedgeBenchRun {
    let setup: BenchSetup
    let scans: Int
    let typedEvery: Int
    var rng: SplitMix64
    let scanGapUs: Int64
    let guardUs: Int64

    /// A scan as sent: its text, when its first and last bytes were written, its largest gap.
    struct SentScan { var code: String; var start: Int64; var end: Int64; var maxGap: Int64 }
    /// A key as typed: its trace name and the instant just before it was written.
    struct SentKey { var name: String; var at: Int64 }

    private var sentScans: [SentScan] = []
    private var sentKeys: [SentKey] = []
    private var lastScanEnd: Int64 = 0
    private var lastKeyAt: Int64 = 0
    private var lastF2: Int64 = 0
    private var reopened = 0

    init(setup: BenchSetup, scans: Int, typedEvery: Int, seed: UInt64, scanGapUs: Int64, guardUs: Int64) {
        self.setup = setup; self.scans = scans; self.typedEvery = typedEvery; self.rng = SplitMix64(seed: seed)
        self.scanGapUs = scanGapUs; self.guardUs = guardUs
    }

    mutating func run(dump: String? = nil) throws -> WedgeBenchResult {
        let kiosk = try PtyKiosk.spawn(arguments: setup.kioskArguments)
        defer { kiosk.kill() }
        _ = try kiosk.firstFrame()
        _ = try kiosk.logIn(badge: setup.badge)
        type(.f2, kiosk)
        guard kiosk.waitForLine(from: 0, until: Monotonic.now() + 2_000_000, where: { $0.frame?.context == "entry" }) != nil else {
            throw CommandFailure("F2 did not open the entry field")
        }
        let started = Monotonic.now()
        sendAll(kiosk, from: started + 200_000)
        kiosk.wait(until: Monotonic.now() + 500_000)
        let exit = kiosk.terminate()
        if let dump { try write(dump: dump, kiosk.lines) }
        return check(kiosk.lines, exit: exit, seconds: Double(Monotonic.now() - started) / 1e6)
    }

    /// Sent scans and keys (`>` lines) and the trace (`<` lines) in time order, µs from the first scan.
    private func write(dump path: String, _ lines: [TraceLine]) throws {
        let t0 = sentScans.first?.start ?? 0
        var rows: [(Int64, String)] =
            sentScans.map { ($0.start, "> scan \($0.code) (last byte +\($0.end - t0), largest gap \($0.maxGap))") }
            + sentKeys.map { ($0.at, "> key \($0.name)") }
        rows += lines.map { l in
            (
                l.at,
                "< "
                    + (l.scan.map { "scan " + $0 } ?? l.key.map { "key " + $0 }
                        ?? l.frame.map { "frame \($0.context) [\($0.field)] \($0.message)" } ?? "?")
            )
        }
        let text = rows.sorted { $0.0 < $1.0 }.map { "\($0.0 - t0) \($0.1)" }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The schedule. Scans go every `scanGapUs`; after `typedEvery` scans without typing, a person
    /// types 1–3 digits and as many Backspaces, 100–200 ms apart, and the scanner goes on in the
    /// gaps where a burst fits `guardUs` away from both keys.
    private mutating func sendAll(_ kiosk: PtyKiosk, from start: Int64) {
        var nextScan = start
        var episode: [HumanKey] = []
        var nextKey: Int64?
        var sinceTyping = 0
        let began = Monotonic.now()
        for i in 0..<scans {
            let code = randomCode()
            let duration = Int64(code.utf8.count) * PtyKiosk.burstGapUs
            // Keys that a burst starting at nextScan would come too close to go first.
            while let k = nextKey, k < nextScan + duration + guardUs {
                let at = max(k, lastScanEnd + guardUs)
                kiosk.wait(until: at)
                type(episode.removeFirst(), kiosk)
                nextKey = episode.isEmpty ? nil : lastKeyAt + humanGap()
                nextScan = max(nextScan, lastKeyAt + guardUs)
                if episode.isEmpty { sinceTyping = 0 }
            }
            nextScan = reopenEntryIfClosed(kiosk, nextScan: nextScan)
            kiosk.wait(until: nextScan)
            let burst = kiosk.burst(code)
            sentScans.append(SentScan(code: code, start: burst.start, end: burst.end, maxGap: burst.maxGap))
            lastScanEnd = burst.end
            nextScan = burst.end + scanGapUs
            sinceTyping += 1
            if nextKey == nil && sinceTyping >= typedEvery {
                let digits = 1 + Int(rng.next() % 3)
                episode =
                    (0..<digits).map { _ in HumanKey.digit(Character(String(rng.next() % 10))) }
                    + Array(repeating: .backspace, count: digits)
                nextKey = lastScanEnd + guardUs + Int64(rng.next() % 100_000)
            }
            if (i + 1) % 1000 == 0 {
                let s = Double(Monotonic.now() - began) / 1e6
                progress(
                    String(
                        format: "bench wedge: %d/%d scans, %d keys typed, %d trace lines, %.0f s", i + 1, scans, sentKeys.count, kiosk.lines.count, s)
                )
            }
        }
        while let k = nextKey, !episode.isEmpty {
            kiosk.wait(until: max(k, lastScanEnd + guardUs))
            type(episode.removeFirst(), kiosk)
            nextKey = lastKeyAt + humanGap()
        }
    }

    /// When the last frame is not the entry field (something accepted or closed it), F2 again.
    private mutating func reopenEntryIfClosed(_ kiosk: PtyKiosk, nextScan: Int64) -> Int64 {
        guard let last = kiosk.lastFrame, last.context != "entry", Monotonic.now() - lastF2 > 300_000 else { return nextScan }
        kiosk.wait(until: max(Monotonic.now(), lastScanEnd + guardUs))
        type(.f2, kiosk)
        reopened += 1
        return max(nextScan, lastKeyAt + 200_000)
    }

    enum HumanKey {
        case digit(Character), backspace, f2
        var bytes: [UInt8] {
            switch self {
            case .digit(let c): return Array(String(c).utf8)
            case .backspace: return [0x7F]
            case .f2: return [0x1B, 0x4F, 0x51]  // xterm kf2: ESC O Q
            }
        }
        var traceName: String {
            switch self {
            case .digit(let c): return String(c)
            case .backspace: return "Backspace"
            case .f2: return "F2"
            }
        }
    }

    /// Writes a person's key. Its latency counts from just before the write; the schedule from
    /// when the write returned (this process may be held up in between).
    private mutating func type(_ key: HumanKey, _ kiosk: PtyKiosk) {
        let before = Monotonic.now()
        kiosk.send(key.bytes)
        lastKeyAt = Monotonic.now()
        if case .f2 = key { lastF2 = lastKeyAt }
        sentKeys.append(SentKey(name: key.traceName, at: before))
    }

    private mutating func humanGap() -> Int64 { 100_000 + Int64(rng.next() % 100_001) }

    /// A code the kiosk refuses (`XZ` and 4–12 digits) or, one time in four, a gauge.
    private mutating func randomCode() -> String {
        if !setup.gauges.isEmpty, rng.next() % 4 == 0 { return "EQ:" + setup.gauges[Int(rng.next() % UInt64(setup.gauges.count))] }
        let n = 4 + Int(rng.next() % 9)
        return "XZ" + String((0..<n).map { _ in Character(String(rng.next() % 10)) })
    }

    // MARK: checking the trace

    private func check(_ lines: [TraceLine], exit: PtyKiosk.Exit, seconds: Double) -> WedgeBenchResult {
        var examples: [String] = []
        // The login scan came before the first wedge scan.
        let begin = sentScans.first?.start ?? 0
        let scanCheck = matchScans(lines.compactMap { l in l.at >= begin ? l.scan.map { (l.at, $0) } : nil }, examples: &examples)
        let keyCheck = matchKeys(lines, examples: &examples)
        return WedgeBenchResult(
            store: setup.path, station: setup.station, scansSent: sentScans.count, scansTraced: scanCheck.traced,
            scansLost: scanCheck.lost, scansMisread: scanCheck.misread, keysLeaked: keyCheck.leaked,
            fieldLeaks: keyCheck.fieldLeaks, typedKeys: sentKeys.count, typedKeysLost: keyCheck.lost,
            burstsHeldUp: sentScans.filter { $0.maxGap > 10_000 }.count,
            largestBurstGapMs: Double(sentScans.map(\.maxGap).max() ?? 0) / 1000,
            entryReopened: reopened, digitLatency: Quantiles(micros: keyCheck.digit),
            backspaceLatency: Quantiles(micros: keyCheck.backspace), scanLatency: Quantiles(micros: scanCheck.latency),
            seconds: seconds, guardMs: Double(guardUs) / 1000, examples: Array(examples.prefix(12)), exit: exit)
    }

    /// Sent scans against traced ones, in order: a traced scan equal to one a few ahead means the
    /// ones between were lost; one equal to none is a misread of the next expected.
    private func matchScans(
        _ traced: [(at: Int64, code: String)], examples: inout [String]
    )
        -> (traced: Int, lost: Int, misread: Int, latency: [Int64])
    {
        var j = 0, lost = 0, misread = 0
        var latency: [Int64] = []
        for (at, code) in traced {
            if let k = (j..<min(sentScans.count, j + 8)).first(where: { sentScans[$0].code == code && at > sentScans[$0].end - 5000 }) {
                if k > j { examples.append("lost: \(sentScans[j..<k].map(\.code).joined(separator: " "))") }
                lost += k - j
                latency.append(at - sentScans[k].end)
                j = k + 1
            } else {
                misread += 1
                examples.append("misread: sent \(j < sentScans.count ? sentScans[j].code : "nothing"), traced \(code)")
                if j < sentScans.count { j += 1 }
            }
        }
        if j < sentScans.count { examples.append("lost at the end: \(sentScans.count - j)") }
        return (traced.count, lost + sentScans.count - j, misread, latency)
    }

    /// Traced keys against typed ones, in order and never before they were written; a traced key
    /// no typed key explains is a leak. Each frame's field must be what the typed keys so far give.
    private func matchKeys(
        _ lines: [TraceLine], examples: inout [String]
    )
        -> (leaked: Int, lost: Int, fieldLeaks: Int, digit: [Int64], backspace: [Int64])
    {
        let fields = expectedFields()
        var j = 0, leaked = 0, lost = 0, fieldLeaks = 0
        var digit: [Int64] = [], backspace: [Int64] = []
        for line in lines {
            if let name = line.key {
                let window = j..<min(sentKeys.count, j + 4)
                if let k = window.first(where: { sentKeys[$0].name == name && line.at >= sentKeys[$0].at && line.at - sentKeys[$0].at < 1_000_000 }) {
                    lost += k - j
                    let latency = line.at - sentKeys[k].at
                    if name == "Backspace" { backspace.append(latency) } else if name != "F2" { digit.append(latency) }
                    j = k + 1
                } else {
                    leaked += 1
                    examples.append("leaked key \(name) at +\((line.at - (sentScans.first?.start ?? 0)) / 1000) ms")
                }
            } else if let f = line.frame, sentScans.first.map({ line.at > $0.start }) == true, f.field != (fields[j] ?? "-") {
                fieldLeaks += 1
                examples.append("field [\(f.field)] where the typed keys give [\(fields[j] ?? "-")] (\(f.context): \(f.message.prefix(60)))")
            }
        }
        return (leaked, lost + sentKeys.count - j, fieldLeaks, digit, backspace)
    }

    /// The entry field's text after the first k typed keys (nil: no entry field).
    private func expectedFields() -> [String?] {
        var field: String? = nil
        var out: [String?] = [field]
        for key in sentKeys {
            switch key.name {
            case "F2": field = ""
            case "Backspace": if field?.isEmpty == false { field!.removeLast() }
            default: field? += key.name
            }
            out.append(field)
        }
        return out
    }
}

func progress(_ text: String) { warn(text) }
