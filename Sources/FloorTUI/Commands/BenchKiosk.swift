import ArgumentParser
import Foundation
import LocalStore
import MESCore

#if canImport(Glibc)
import Glibc
#endif

// `floor bench kiosk` and `floor bench wedge`: figures taken through the real binary. The bench
// starts `floor kiosk` in a pseudo-terminal with FLOOR_TRACE_FD set, types into it with precise
// timing (a scanner's burst, a person's keys) and reads back what the kiosk received and when each
// frame reached the terminal (see `KioskRunner`'s trace).

// MARK: - Commands

/// `floor bench kiosk`: cold start, scan-to-screen latency, memory and idle CPU of a real kiosk.
struct BenchKiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Time the real kiosk in a pseudo-terminal: cold start, scan-to-screen latency, memory, idle CPU.",
        discussion: """
            Starts `floor kiosk` (this binary) in a 120x40 pseudo-terminal and reads its trace. Cold start: fork to \
            the first frame, --starts times. Then logs in with a badge scan and scans --codes travelers of the \
            station's queue in turn (SN:<serial>, 2 ms per character, ~20 ms apart), timing each from the last byte \
            written to the frame that shows it selected. Then leaves the kiosk idle --idle-seconds and reads its CPU \
            time. Selecting a part writes nothing, but use a copy of a store you care about. Build with -c release.
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "The station the kiosk serves.") var station: String
    @Option(help: "How many traveler scans to time.") var codes = 1000
    @Option(help: "Seconds the kiosk is left idle for the CPU figure.") var idleSeconds = 60
    @Option(help: "Badge to log in with (default: the first person of the plant).") var badge: String?
    @Option(help: "How many cold starts to time.") var starts = 5
    @Option(help: "Output: table or json.") var format: BenchFormat = .table

    func run() throws {
        try runReporting {
            let setup = try BenchSetup.read(store, station: station, badge: badge)
            guard setup.serials.count >= 2 else {
                throw ValidationError("the queue of \(station) has \(setup.serials.count) part(s); the bench needs at least 2")
            }
            let result = try KioskBenchRun(setup: setup, codes: codes, idleSeconds: idleSeconds, starts: starts).run()
            print(format == .json ? BenchJSON.text(result) : result.table)
        }
    }
}

/// `floor bench wedge`: scanner bursts mixed with typing through the real kiosk; what got lost,
/// misread or leaked, and the latency the decoder adds to a typed key.
struct BenchWedge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wedge",
        abstract: "Scanner bursts mixed with typing through the real kiosk: scans lost, misread, leaked; typed-key latency.",
        discussion: """
            Logs in, opens the manual entry field (F2) and sends --scans bursts at 2 ms per character (codes the \
            kiosk refuses, and gauge scans), --scan-gap ms apart. After every --typed-every scans a person types 1-3 \
            digits into the field and erases them, 100-200 ms per key, while the scanner goes on in the gaps (never \
            closer than --guard ms to a typed key). The trace must show every scan once, in order, with the same \
            text, no scan character as a key or in the field, and every typed key; the decoder's added latency \
            is the time from writing a key to its trace line. Refused codes write nothing to the store.
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "The station the kiosk serves.") var station: String
    @Option(help: "How many scans to send.") var scans = 10_000
    @Option(help: "A person types after this many scans without typing.") var typedEvery = 5
    @Option(help: "Random seed for codes and human timing.") var seed: UInt64 = 1
    @Option(help: "ms from the end of one scan to the start of the next.") var scanGap = 20
    @Option(name: .customLong("guard"), help: "Least ms between a typed key and a burst (default: the station's max gap + 5).")
    var guardMs: Int?
    @Option(help: "Badge to log in with (default: the first person of the plant).") var badge: String?
    @Option(help: "Output: table or json.") var format: BenchFormat = .table
    @Option(help: "Write what was sent and the kiosk's trace, merged in time order, to this file.") var dump: String?

    func run() throws {
        try runReporting {
            let setup = try BenchSetup.read(store, station: station, badge: badge)
            let guardUs = Int64(guardMs ?? setup.maxGap + 5) * 1000
            var bench = WedgeBenchRun(setup: setup, scans: scans, typedEvery: max(1, typedEvery), seed: seed,
                                      scanGapUs: Int64(scanGap) * 1000, guardUs: guardUs)
            let result = try bench.run(dump: dump)
            print(format == .json ? BenchJSON.text(result) : result.table)
        }
    }
}

/// How the kiosk benches print their figures.
enum BenchFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

enum BenchJSON {
    /// One pretty-printed JSON document with sorted keys.
    static func text<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? String(decoding: e.encode(value), as: UTF8.self)) ?? "{}"
    }
}

#if DEBUG
private let buildKind = "debug"
#else
private let buildKind = "release"
#endif

// MARK: - What the benches need from the store

/// Read once before any kiosk starts; the store is closed again before forking.
struct BenchSetup {
    var path: String
    var station: String
    var badge: String
    /// Serials in the station's queue (at most 200), in queue order.
    var serials: [String]
    var gauges: [String]
    /// The decoder's largest gap within a burst (the station's saved setting, or the default), ms.
    var maxGap: Int

    static func read(_ options: StoreOptions, station: String, badge: String?) throws -> BenchSetup {
        let store = try options.open(create: false)
        defer { try? store.close() }
        guard let plant = try FloorService(store: store).plantIndex() else { throw ServiceError.noPlant }
        guard let st = plant.stations[station] else {
            throw ValidationError("station \(station) is not in plant \(plant.plant.id) (stations: \(plant.stations.keys.sorted().prefix(20).joined(separator: ", ")))")
        }
        guard let who = badge ?? plant.plant.people.first(where: { $0.role >= .operator_ })?.badge else {
            throw ValidationError("no person in the plant; pass --badge")
        }
        let serials = try store.read { db in try Queries.queue(workCenter: st.workCenter, limit: 200, db).map(\.serial) }
        return BenchSetup(path: options.path, station: station, badge: who, serials: serials,
                          gauges: plant.plant.equipment.filter { $0.kind == .gauge }.map(\.id),
                          maxGap: KioskDriver.savedWedge(store, station: station).maxGap)
    }

    var kioskArguments: [String] { ["kiosk", "--station", station, "--db", path] }
}

// MARK: - bench kiosk

struct KioskBenchResult: Codable {
    var build = buildKind
    var store: String
    var station: String
    var badge: String
    var coldStartMs: [Double]
    var coldStartMedianMs: Double
    var coldStartMaxMs: Double
    var loginMs: Double
    var codes: Int
    var scanToScreen: Quantiles
    /// Last byte written to the decoder's `scan` trace line.
    var scanToDecoder: Quantiles
    var timeouts: Int
    var rssMB: Double
    var hwmMB: Double
    var idleSeconds: Int
    var idleCPUSeconds: Double
    var idleCPUPercent: Double
    var idleFrames: Int
    var exit: PtyKiosk.Exit

    var table: String {
        let starts = coldStartMs.map { String(format: "%.0f", $0) }.joined(separator: ", ")
        return [
            "floor bench kiosk (\(build) build) · store \(store) · station \(station) · badge \(badge)",
            row("cold start, fork → first frame", "median \(ms(coldStartMedianMs))  max \(ms(coldStartMaxMs))  (\(starts) ms)"),
            row("badge scan → logged-in frame", ms(loginMs)),
            row("scan → screen, \(codes) codes", "\(scanToScreen.text)  timeouts (>2 s): \(timeouts)"),
            row("  of which last byte → decoder", scanToDecoder.text),
            row("memory at the end", String(format: "VmRSS %.1f MB  VmHWM %.1f MB", rssMB, hwmMB)),
            row("idle \(idleSeconds) s", String(format: "CPU %.2f s (%.3f %%), %d frame(s) drawn", idleCPUSeconds, idleCPUPercent, idleFrames)),
            row("SIGTERM", exit.text),
        ].joined(separator: "\n")
    }
}

/// A table row: the label padded to one column.
private func row(_ label: String, _ value: String) -> String {
    label.padding(toLength: max(label.count, 34), withPad: " ", startingAt: 0) + value
}

/// Percentiles of a sample in ms.
struct Quantiles: Codable {
    var n: Int
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double

    /// From samples in µs.
    init(micros xs: [Int64]) {
        let s = xs.sorted()
        n = s.count
        func q(_ p: Double) -> Double { s.isEmpty ? 0 : Double(s[Swift.min(s.count - 1, Int(Double(s.count) * p))]) / 1000 }
        p50 = q(0.5); p90 = q(0.9); p99 = q(0.99); max = Double(s.last ?? 0) / 1000
    }

    var text: String { n == 0 ? "no samples" : "p50 \(ms(p50))  p90 \(ms(p90))  p99 \(ms(p99))  max \(ms(max))" }
}

private func ms(_ x: Double) -> String { x < 10 ? String(format: "%.2f ms", x) : String(format: "%.1f ms", x) }

/// One `bench kiosk` run.
struct KioskBenchRun {
    let setup: BenchSetup
    let codes: Int
    let idleSeconds: Int
    let starts: Int
    static let timeoutUs: Int64 = 2_000_000

    func run() throws -> KioskBenchResult {
        let cold = try coldStarts()
        let kiosk = try PtyKiosk.spawn(arguments: setup.kioskArguments)
        defer { kiosk.kill() }
        _ = try kiosk.firstFrame()
        let login = try kiosk.logIn(badge: setup.badge)
        let (screen, decoder, timeouts) = scanTravelers(kiosk)
        let cpu0 = kiosk.cpuSeconds(), frames0 = kiosk.frameCount
        progress("bench kiosk: idle for \(idleSeconds) s")
        kiosk.wait(until: Monotonic.now() + Int64(idleSeconds) * 1_000_000)
        let cpu = kiosk.cpuSeconds() - cpu0, idleFrames = kiosk.frameCount - frames0
        let memory = kiosk.memory()
        let exit = kiosk.terminate()
        let sorted = cold.sorted()
        return KioskBenchResult(
            store: setup.path, station: setup.station, badge: setup.badge, coldStartMs: cold,
            coldStartMedianMs: sorted[sorted.count / 2], coldStartMaxMs: sorted.last!, loginMs: Double(login) / 1000,
            codes: codes, scanToScreen: Quantiles(micros: screen), scanToDecoder: Quantiles(micros: decoder),
            timeouts: timeouts, rssMB: memory.rssMB, hwmMB: memory.hwmMB, idleSeconds: idleSeconds, idleCPUSeconds: cpu,
            idleCPUPercent: idleSeconds > 0 ? cpu / Double(idleSeconds) * 100 : 0, idleFrames: idleFrames, exit: exit)
    }

    /// Fork to first frame, `starts` times; each kiosk is stopped with SIGTERM and must exit cleanly.
    private func coldStarts() throws -> [Double] {
        var out: [Double] = []
        for i in 0..<max(1, starts) {
            let kiosk = try PtyKiosk.spawn(arguments: setup.kioskArguments)
            defer { kiosk.kill() }
            let first = try kiosk.firstFrame()
            out.append(Double(first.at - kiosk.forkedAt) / 1000)
            let exit = kiosk.terminate()
            guard exit.clean else { throw ValidationError("cold start \(i + 1): the kiosk did not stop cleanly on SIGTERM: \(exit.text)") }
        }
        return out
    }

    /// Scans `codes` serials of the queue in turn; returns the scan-to-frame and scan-to-decoder
    /// latencies (µs) and the number of scans with no frame within 2 s.
    private func scanTravelers(_ kiosk: PtyKiosk) -> (screen: [Int64], decoder: [Int64], timeouts: Int) {
        var screen: [Int64] = [], decoder: [Int64] = [], timeouts = 0
        for i in 0..<codes {
            let serial = setup.serials[i % setup.serials.count]
            let from = kiosk.lines.count
            let t0 = kiosk.burst("SN:" + serial).end
            let selected = "selected \(serial):"
            if let frame = kiosk.waitForLine(from: from, until: t0 + Self.timeoutUs, where: { $0.frame?.message.contains(selected) == true }) {
                screen.append(frame.line.at - t0)
            } else {
                timeouts += 1
            }
            if let scan = kiosk.lines[from...].first(where: { $0.scan == "SN:" + serial }) { decoder.append(scan.at - t0) }
            kiosk.wait(until: Monotonic.now() + 20_000)
            if (i + 1) % 250 == 0 { progress("bench kiosk: \(i + 1)/\(codes) codes, \(timeouts) timeouts") }
        }
        return (screen, decoder, timeouts)
    }
}

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
            "floor bench wedge (\(build) build) · store \(store) · station \(station) · \(String(format: "%.0f", seconds)) s",
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
            throw ValidationError("F2 did not open the entry field")
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
        var rows: [(Int64, String)] = sentScans.map { ($0.start, "> scan \($0.code) (last byte +\($0.end - t0), largest gap \($0.maxGap))") }
            + sentKeys.map { ($0.at, "> key \($0.name)") }
        rows += lines.map { l in
            (l.at, "< " + (l.scan.map { "scan " + $0 } ?? l.key.map { "key " + $0 }
                ?? l.frame.map { "frame \($0.context) [\($0.field)] \($0.message)" } ?? "?"))
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
                episode = (0..<digits).map { _ in HumanKey.digit(Character(String(rng.next() % 10))) }
                    + Array(repeating: .backspace, count: digits)
                nextKey = lastScanEnd + guardUs + Int64(rng.next() % 100_000)
            }
            if (i + 1) % 1000 == 0 {
                let s = Double(Monotonic.now() - began) / 1e6
                progress(String(format: "bench wedge: %d/%d scans, %d keys typed, %d trace lines, %.0f s", i + 1, scans, sentKeys.count, kiosk.lines.count, s))
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
    private func matchScans(_ traced: [(at: Int64, code: String)], examples: inout [String])
        -> (traced: Int, lost: Int, misread: Int, latency: [Int64]) {
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
    private func matchKeys(_ lines: [TraceLine], examples: inout [String])
        -> (leaked: Int, lost: Int, fieldLeaks: Int, digit: [Int64], backspace: [Int64]) {
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

private func progress(_ text: String) { warn(text) }

// MARK: - The kiosk in a pseudo-terminal

/// CLOCK_MONOTONIC in microseconds: the clock of the kiosk's trace lines.
enum Monotonic {
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

/// One line of the kiosk's trace: `<µs> frame <context> [<field>] <message>`, `<µs> scan <code>`,
/// `<µs> key <name>`.
struct TraceLine {
    struct Frame { var context: String; var field: String; var message: String }
    var at: Int64
    var frame: Frame?
    var scan: String?
    var key: String?

    init?(_ text: Substring) {
        guard let space = text.firstIndex(of: " "), let at = Int64(text[..<space]) else { return nil }
        self.at = at
        let rest = text[text.index(after: space)...]
        if rest.hasPrefix("scan ") {
            scan = String(rest.dropFirst(5))
        } else if rest.hasPrefix("key ") {
            key = String(rest.dropFirst(4))
        } else if rest.hasPrefix("frame ") {
            let body = rest.dropFirst(6)
            guard let open = body.range(of: " ["), let close = body[open.upperBound...].range(of: "] ") ?? body[open.upperBound...].range(of: "]") else { return nil }
            frame = Frame(context: String(body[..<open.lowerBound]), field: String(body[open.upperBound..<close.lowerBound]),
                          message: String(body[close.upperBound...]))
        }
    }
}

/// The real `floor kiosk` (this binary) in a 120x40 pseudo-terminal (TERM=xterm-256color,
/// LANG=C.UTF-8) with FLOOR_TRACE_FD=3 on a pipe. One thread does everything: every wait drains
/// the terminal output and the trace, so the kiosk never blocks on a full pipe.
final class PtyKiosk {
    /// Gap between the characters of a scanner burst.
    static let burstGapUs: Int64 = 2000

    let pid: pid_t
    /// Monotonic µs just before forkpty.
    let forkedAt: Int64
    private var master: Int32
    private var traceFD: Int32
    private var partial: [UInt8] = []
    private(set) var lines: [TraceLine] = []
    private(set) var frameCount = 0
    private(set) var lastFrame: TraceLine.Frame?
    /// Everything the kiosk wrote to its terminal since `mark` (for the restore check on exit).
    private var output: [UInt8] = []
    private var recording = false
    private var waitStatus: Int32?

    private init(pid: pid_t, forkedAt: Int64, master: Int32, trace: Int32) {
        self.pid = pid; self.forkedAt = forkedAt; self.master = master; self.traceFD = trace
    }

    deinit { kill() }

    /// Forks and execs `/proc/self/exe` with `arguments` in a new pseudo-terminal.
    static func spawn(arguments: [String]) throws -> PtyKiosk {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw ValidationError("pipe failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let argv0 = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let argv: [UnsafeMutablePointer<CChar>?] = ([argv0] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = childEnvironment().map { strdup($0) } + [nil]
        let exe = strdup("/proc/self/exe")
        defer { (argv + envp + [exe]).forEach { free($0) } }
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        var master: Int32 = -1
        let traceWrite = fds[1]
        let forkedAt = Monotonic.now()
        let pid = forkpty(&master, nil, nil, &size)
        if pid == 0 {
            // The child: only async-signal-safe calls on what was prepared before the fork.
            if traceWrite == 3 { _ = fcntl(3, F_SETFD, 0) } else { _ = dup2(traceWrite, 3) }
            argv.withUnsafeBufferPointer { a in
                envp.withUnsafeBufferPointer { e in _ = execve(exe!, a.baseAddress!, e.baseAddress!) }
            }
            _exit(127)
        }
        close(traceWrite)
        guard pid > 0 else { close(fds[0]); throw ValidationError("forkpty failed: errno \(errno)") }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return PtyKiosk(pid: pid, forkedAt: forkedAt, master: master, trace: fds[0])
    }

    private static func childEnvironment() -> [String] {
        var env = ProcessInfo.processInfo.environment
        for name in ["LC_ALL", "LC_CTYPE", "LINES", "COLUMNS", "FLOOR_DB", "FLOOR_TRACE_FD"] { env[name] = nil }
        env["TERM"] = "xterm-256color"
        env["LANG"] = "C.UTF-8"
        env["FLOOR_TRACE_FD"] = "3"
        return env.map { "\($0.key)=\($0.value)" }
    }

    // MARK: reading

    /// Waits up to `timeoutMs` for output or trace, then reads all there is.
    func pump(timeoutMs: Int32) {
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0), pollfd(fd: traceFD, events: Int16(POLLIN), revents: 0)]
        guard master >= 0 || traceFD >= 0 else {
            if timeoutMs > 0 { usleep(UInt32(timeoutMs) * 1000) }
            return
        }
        guard poll(&fds, 2, timeoutMs) > 0 else { return }
        if fds[0].revents != 0 { drainMaster() }
        if fds[1].revents != 0 { drainTrace() }
    }

    private func drainMaster() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while master >= 0 {
            let n = read(master, &buffer, buffer.count)
            if n > 0 {
                if recording { output += buffer[0..<n] }
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
            close(master); master = -1  // EIO: the child's side is gone
        }
    }

    private func drainTrace() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while traceFD >= 0 {
            let n = read(traceFD, &buffer, buffer.count)
            if n > 0 {
                partial += buffer[0..<n]
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { break }
            close(traceFD); traceFD = -1
        }
        while let nl = partial.firstIndex(of: 10) {
            if let line = TraceLine(Substring(decoding: partial[..<nl], as: UTF8.self)) {
                lines.append(line)
                if let f = line.frame { frameCount += 1; lastFrame = f }
            }
            partial.removeSubrange(...nl)
        }
    }

    /// Sleeps until the monotonic instant `t` (µs), draining all the while; wakes within ~0.1 ms.
    func wait(until t: Int64) {
        while true {
            let left = t - Monotonic.now()
            if left <= 0 { return }
            if left > 1500 {
                pump(timeoutMs: Int32((left - 1000) / 1000))
            } else {
                pump(timeoutMs: 0)
                let rest = t - Monotonic.now()
                if rest > 0 { usleep(UInt32(rest)) }
            }
        }
    }

    /// The first trace line from index `from` on that satisfies `match`, waiting until `deadline`.
    func waitForLine(from: Int, until deadline: Int64, where match: (TraceLine) -> Bool) -> (index: Int, line: TraceLine)? {
        var i = from
        while true {
            while i < lines.count {
                if match(lines[i]) { return (i, lines[i]) }
                i += 1
            }
            let now = Monotonic.now()
            if now >= deadline || (traceFD < 0 && master < 0) { return nil }
            pump(timeoutMs: Int32(min(50, (deadline - now) / 1000 + 1)))
        }
    }

    /// The first frame (the screen is interactive), within 60 s.
    func firstFrame() throws -> TraceLine {
        guard let f = waitForLine(from: 0, until: forkedAt + 60_000_000, where: { $0.frame != nil }) else {
            throw ValidationError("the kiosk drew no frame within 60 s: \(terminate().text)")
        }
        return f.line
    }

    /// Scans `EMP:<badge>`; returns µs from the last byte to the logged-in frame.
    func logIn(badge: String) throws -> Int64 {
        wait(until: Monotonic.now() + 100_000)
        let from = lines.count
        let t0 = burst("EMP:" + badge).end
        guard let f = waitForLine(from: from, until: t0 + 5_000_000, where: { $0.frame?.message.hasPrefix("logged in:") == true }) else {
            throw ValidationError("the kiosk did not log \(badge) in: last message \(lastFrame?.message ?? "none")")
        }
        return f.line.at - t0
    }

    // MARK: writing

    /// Writes bytes to the terminal (as typed), draining while the kernel buffer is full.
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count, master >= 0 {
            let n = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if errno == EAGAIN || errno == EINTR { pump(timeoutMs: 1) } else { return }
        }
    }

    /// What writing a burst took: when its first byte was written, when the last write returned,
    /// and the largest gap between two writes (over 2 ms when this process was held up).
    struct Burst { var start: Int64; var end: Int64; var maxGap: Int64 }

    /// Types `text` and Enter as a scanner does, one byte every 2 ms.
    @discardableResult
    func burst(_ text: String) -> Burst {
        var due = Monotonic.now()
        var start: Int64 = 0, previous: Int64 = 0, maxGap: Int64 = 0
        for (i, byte) in (Array(text.utf8) + [13]).enumerated() {
            if i > 0 { due += Self.burstGapUs; wait(until: due) }
            let now = Monotonic.now()
            if i == 0 { start = now } else { maxGap = max(maxGap, now - previous) }
            previous = now
            send([byte])
        }
        return Burst(start: start, end: Monotonic.now(), maxGap: maxGap)
    }

    // MARK: the process

    /// utime + stime of the child, seconds.
    func cpuSeconds() -> Double {
        guard let stat = Self.readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmRSS and VmHWM of the child, MB.
    func memory() -> (rssMB: Double, hwmMB: Double) {
        let status = Self.readFile("/proc/\(pid)/status") ?? ""
        func kB(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (kB("VmRSS") / 1024, kB("VmHWM") / 1024)
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// How the kiosk ended after SIGTERM.
    struct Exit: Codable {
        /// `exit 0`, `signal 9`, or `did not exit`.
        var status: String
        var milliseconds: Double
        /// The terminal was given back: ncurses left the alternate screen (`ESC [?1049l`).
        var restored: Bool
        /// The text the kiosk printed after leaving full screen (its stop reason).
        var said: String
        var clean: Bool { status == "exit 0" && restored }
        var text: String {
            "\(status) after \(ms(milliseconds)), terminal \(restored ? "restored" : "NOT restored")" + (said.isEmpty ? "" : " (\"\(said)\")")
        }
    }

    /// SIGTERM, then waits up to 5 s for the exit (SIGKILL after that); reads what is left of the trace.
    @discardableResult
    func terminate() -> Exit {
        if waitStatus != nil { return Exit(status: describe(waitStatus!), milliseconds: 0, restored: false, said: "") }
        pump(timeoutMs: 0)
        output = []
        recording = true
        let t0 = Monotonic.now()
        Glibc.kill(pid, SIGTERM)
        while waitStatus == nil && Monotonic.now() - t0 < 5_000_000 {
            pump(timeoutMs: 5)
            reap()
        }
        let elapsed = Double(Monotonic.now() - t0) / 1000
        if waitStatus == nil {
            kill()
        } else {
            // The child is gone: both pipes reach their end once drained.
            while (traceFD >= 0 || master >= 0) && Monotonic.now() - t0 < 7_000_000 { pump(timeoutMs: 20) }
        }
        let text = String(decoding: output, as: UTF8.self)
        let restored = text.contains("\u{1B}[?1049l")
        let after = text.components(separatedBy: "\u{1B}[?1049l").last ?? ""
        let said = after.replacingOccurrences(of: "\u{1B}(\\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>])", with: "", options: .regularExpression)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.last ?? ""
        return Exit(status: waitStatus.map(describe) ?? "did not exit", milliseconds: elapsed, restored: restored, said: said)
    }

    private func reap() {
        guard waitStatus == nil else { return }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { waitStatus = status }
    }

    /// SIGKILL when still running; closes everything. Safe to call more than once.
    func kill() {
        if waitStatus == nil {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            if waitpid(pid, &status, 0) == pid { waitStatus = status }
        }
        if master >= 0 { close(master); master = -1 }
        if traceFD >= 0 { close(traceFD); traceFD = -1 }
    }

    private func describe(_ status: Int32) -> String {
        status & 0x7F == 0 ? "exit \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)"
    }
}
