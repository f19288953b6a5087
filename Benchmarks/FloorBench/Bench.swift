import ArgumentParser
import FloorCommandLine
import Foundation
import GRDB
import LocalStore
import MESCore

@main
struct FloorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor-bench",
        abstract:
            "Floor's benchmarks (not part of the floor binary): the scan path, the kiosk and the wedge in a pty, the board and console, replication.",
        discussion: "The pty benchmarks drive the floor binary beside this one (or $FLOOR_BIN). Build both with -c release.",
        subcommands: [
            Bench.self, BenchKiosk.self, BenchWedge.self, BenchBoard.self, BenchCentral.self, BenchSigning.self, BenchQuality.self, BenchSPC.self,
        ],
        defaultSubcommand: Bench.self)
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Measure the store work behind scans on an existing store (it writes real events to it).",
        discussion: """
            For --samples parts queued somewhere, times each whole decision as a kiosk makes it: find the part, evaluate \
            the start gate, append the event, update the projections, commit. Then the same for a measurement and a \
            completion attempt on the started parts. Prints p50/p90/p99/max in microseconds. Build with -c release.
            `floor-bench kiosk` and `floor-bench wedge` measure the real kiosk in a pseudo-terminal.
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "How many parts to start.") var samples = 1000
    @Option(help: "Random seed for choosing parts.") var seed: UInt64 = 42

    func run() throws {
        try runReporting {
            let s = try store.open(create: false, interactive: true)
            let service = FloorService(store: s)
            guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
            let events = try s.read { try EventLog.count(db: $0) }
            // Queued parts with a station of their work center and a person who may start them.
            let candidates = try s.read { db in
                try Row.fetchAll(db, sql: "SELECT serial, work_center FROM parts WHERE status = 'queued' AND work_center != '' LIMIT 200000")
                    .map { (serial: $0[0] as String, wc: $0[1] as String) }
            }
            guard !candidates.isEmpty else { throw CommandFailure("no queued part in this store") }
            var rng = SplitMix64(simulationSeed: seed)
            var picked: [(serial: String, station: String)] = []
            var used = Set<String>()
            while picked.count < min(2 * samples, candidates.count) {
                let c = candidates[Int(rng.next() % UInt64(candidates.count))]
                guard !used.contains(c.serial), let st = plant.plant.stations.first(where: { $0.workCenter == c.wc }) else { continue }
                used.insert(c.serial)
                picked.append((c.serial, st.id))
            }
            // A supervisor holds every role and, in the simulated plant, every skill.
            let badge: String = plant.plant.people.max { $0.role < $1.role || ($0.role == $1.role && $0.skills.count < $1.skills.count) }!.badge
            var gateTimes: [Double] = [], startTimes: [Double] = [], recordTimes: [Double] = [], completeTimes: [Double] = [],
                checkpointTimes: [Double] = []
            var outcomes: [String: Int] = [:]
            let stations = plant.stations
            for (i, p) in picked.enumerated() {
                // Every other part: the read side alone, cold (find the part, evaluate the whole
                // start gate). The others are started cold; nothing is timed on a warmed part.
                if i % 2 == 0 {
                    let (_, tg) = try timed {
                        try service.read { state in
                            try StartGate.evaluate(
                                serial: p.serial, station: stations[p.station]!, person: plant.people[badge]!,
                                plant: plant, state: state, env: DecisionEnv(now: Date(), newID: { "" }))
                        }
                    }
                    gateTimes.append(tg)
                    continue
                }
                let (o, t) = try timed { try service.run(.start(serial: p.serial), badge: badge, station: p.station) }
                startTimes.append(t)
                outcomes[o.refusal.map { "refused (\($0.codes.first ?? "?"))" } ?? "started", default: 0] += 1
                guard o.refusal == nil else { continue }
                let part = try service.read { try $0.part(p.serial) }
                if let part, let wo = try service.read({ try $0.workOrder(part.workOrder) }),
                    let r = try service.read({ try $0.routing(id: wo.routing, version: wo.routingVersion) }),
                    let step = r.step(part.step), let c = step.measurements.first(where: { $0.kind == .variable })
                {
                    let value = Tolerance.format(c.nominal ?? c.upper ?? c.lower ?? 0)
                    let (_, t2) = try timed {
                        try service.run(
                            .record(serial: p.serial, characteristic: c.id, value: value, gauge: nil),
                            badge: badge, station: p.station)
                    }
                    recordTimes.append(t2)
                }
                let (_, t3) = try timed {
                    try service.run(.complete(serial: p.serial, good: nil, scrap: 0, scrapReason: nil), badge: badge, station: p.station)
                }
                completeTimes.append(t3)
                // What a kiosk does in its idle time between scans.
                let (did, t4) = try timed { try service.checkpointIfDue(every: 50) }
                if did { checkpointTimes.append(t4) }
            }
            print("store: \(store.path), \(events) events before the run")
            print("outcomes of the starts: \(outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            print(Self.line("scan lookup + start gate only (read transaction)", gateTimes))
            print(Self.line("start (gate + append + projections + commit)", startTimes))
            print(Self.line("measurement (verdict + append + projections)", recordTimes))
            print(Self.line("complete (completion gate, or refusal)", completeTimes))
            print(Self.line("WAL checkpoint between scans (every 50 kiosk actions, off the scan path)", checkpointTimes))
        }
    }

    func timed<T>(_ body: () throws -> T) throws -> (T, Double) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let r = try body()
        return (r, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
    }

    static func line(_ what: String, _ xs: [Double]) -> String {
        guard !xs.isEmpty else { return "\(what): no samples" }
        let s = xs.sorted()
        func q(_ p: Double) -> Int { Int(s[min(s.count - 1, Int(Double(s.count) * p))]) }
        return "\(what): n=\(s.count) p50=\(q(0.5)) us p90=\(q(0.9)) us p99=\(q(0.99)) us max=\(Int(s.last!)) us"
    }
}
