import ArgumentParser
import FloorCommandLine
import FloorStation
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

// MARK: - Commands

/// `floor-bench kiosk`: cold start, scan-to-screen latency, memory and idle CPU of a real kiosk.
struct BenchKiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Time the real kiosk in a pseudo-terminal: cold start, scan-to-screen latency, memory, idle CPU.",
        discussion: """
            Starts `floor kiosk` (the floor binary beside this one, or $FLOOR_BIN) in a 120x40 pseudo-terminal and reads its trace. \
            Cold start: fork to \
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
                throw CommandFailure("the queue of \(station) has \(setup.serials.count) part(s); the bench needs at least 2")
            }
            let result = try KioskBenchRun(setup: setup, codes: codes, idleSeconds: idleSeconds, starts: starts).run()
            print(format == .json ? BenchJSON.text(result) : result.table)
        }
    }
}

/// `floor-bench wedge`: scanner bursts mixed with typing through the real kiosk; what got lost,
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
            var bench = WedgeBenchRun(
                setup: setup, scans: scans, typedEvery: max(1, typedEvery), seed: seed,
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
let buildKind = "debug"
#else
let buildKind = "release"
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
            throw CommandFailure(
                "station \(station) is not in plant \(plant.plant.id) (stations: \(plant.stations.keys.sorted().prefix(20).joined(separator: ", ")))")
        }
        guard let who = badge ?? plant.plant.people.first(where: { $0.role >= .operator_ })?.badge else {
            throw CommandFailure("no person in the plant; pass --badge")
        }
        let serials = try store.read { db in try Queries.queue(workCenter: st.workCenter, limit: 200, db).map(\.serial) }
        return BenchSetup(
            path: options.path, station: station, badge: who, serials: serials,
            gauges: plant.plant.equipment.filter { $0.kind == .gauge }.map(\.id),
            maxGap: StationScanner.saved(store, station: station).maxGap)
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
            "floor-bench kiosk (\(build) build) · store \(store) · station \(station) · badge \(badge)",
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
func row(_ label: String, _ value: String) -> String {
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

func ms(_ x: Double) -> String { x < 10 ? String(format: "%.2f ms", x) : String(format: "%.1f ms", x) }

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
            guard exit.clean else { throw CommandFailure("cold start \(i + 1): the kiosk did not stop cleanly on SIGTERM: \(exit.text)") }
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
