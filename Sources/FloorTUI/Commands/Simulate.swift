import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write realistic, reproducible (seeded) history through the same code path as real work.",
        discussion: """
            On a store with no plant, a generated plant with --stations stations is loaded first (at the start of the \
            simulated period). Starts, lots, measurements (about 1% out of tolerance), holds and dispositions, first \
            pieces, downtime and scrap, over --days days ending now.
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "Stations of the generated plant (when the store has no plant).") var stations = 10
    @Option(help: "Days of history, ending now.") var days = 7
    @Option(help: "Random seed: the same seed on an empty store gives the same history.") var seed: UInt64 = 1
    @Option(help: "Actions per transaction.") var batch = 400
    @Option(
        help: ArgumentHelp(
            "End of the simulated period (ISO-8601, e.g. 2026-11-24T00:00:00Z); default now. With --seed on an empty store it makes the history "
                + "reproducible.")
    )
    var end: String?

    func run() throws {
        try runReporting {
            let endDate: Date
            if let end {
                guard let d = ISO8601.parse(end) else { throw ValidationError("--end takes an ISO-8601 instant such as 2026-11-24T00:00:00Z") }
                endDate = d
            } else {
                endDate = Date()
            }
            let s = try store.open()
            let report = try Self.simulate(
                store: s, stations: stations, days: days, seed: seed, batch: batch, prefix: "SIM", verbose: true,
                end: endDate)
            let size = (try? FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0
            let wal = (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
            print(
                """
                simulated \(days) days: \(report.events) events from \(report.commands) actions (\(report.refusals) refused), \
                \(report.piecesReleased) pieces released, \(report.piecesDone) step completions
                \(String(format: "%.1f", report.seconds)) s, \(Int(Double(report.events) / max(report.seconds, 0.001))) events/s; \
                store \(String(format: "%.1f", Double(size + wal) / 1_048_576)) MiB
                refused: \(report.refusedBy.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                """)
        }
    }

    static func simulate(
        store: Store, stations: Int, days: Int, seed: UInt64, batch: Int, prefix: String, verbose: Bool,
        end: Date = Date(), load: Int = 150
    ) throws -> Simulator.Report {
        let options = Simulator.Options(days: days, seed: seed, end: end, batch: batch, orderPrefix: prefix, loadPerStation: load)
        if try store.read({ try StoreState.loadPlant($0) }) == nil {
            let plant = SimulatedPlant.make(stations: max(6, stations))
            let start = options.start(in: PlantCalendar(plant: plant))
            _ = try store.append([(.plantLoaded(PlantLoaded(plant: plant)), "")], now: start)
        }
        let sim = Simulator(store: store, options: options)
        var lastPrint = Date()
        return try sim.run { day, r in
            guard verbose, Date().timeIntervalSince(lastPrint) > 5 else { return }
            lastPrint = Date()
            warn("  \(ISO8601.format(day, timeZone: TimeZone(identifier: "UTC")!).prefix(10)): \(r.events) events")
        }
    }
}
