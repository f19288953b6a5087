import ArgumentParser
import FloorCommandLine
import Foundation
import GRDB
import LocalStore
import MESCore

/// `floor-bench spc`: issue 16's figures on an existing store (a simulated one charts P-A's bore
/// and P-B's OD). Everything runs in one write transaction that is rolled back: limits are set,
/// `--synthetic` readings are added to the busiest chart, and the store is left as it was.
struct BenchSPC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spc", abstract: "Time the measurement report, the SPC report and a chart's evaluation after a reading (issue 16).")
    @OptionGroup var store: StoreOptions
    @Option(help: "Readings added to the busiest chart (rolled back) so the SPC report runs on at least this many.") var synthetic = 50_000
    @Option(help: "Repetitions of each timed read.") var repeats = 20

    struct Rollback: Error {}

    func run() throws {
        try runReporting {
            let s = try store.open(create: false, interactive: true)
            let service = FloorService(store: s)
            guard let plant = try service.plantIndex(), let charts = plant.plant.spc?.charts, !charts.isEmpty else {
                throw CommandFailure("the store's plant charts nothing (spc.charts)")
            }
            do {
                try s.write { db in
                    try measure(db, plant: plant, charts: charts, service: service)
                    throw Rollback()
                }
            } catch is Rollback {}
        }
    }

    func micros(_ body: () throws -> Void) rethrows -> Int64 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Int64((DispatchTime.now().uptimeNanoseconds - t0) / 1000)
    }

    func measure(_ db: Database, plant: PlantIndex, charts: [SPCPlan], service: FloorService) throws {
        func count(_ p: SPCPlan) throws -> Int {
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM measurements WHERE part = ? AND step = ? AND characteristic = ? AND replaced = 0",
                arguments: [p.part, p.step, p.characteristic]) ?? 0
        }
        let counted = try charts.map { ($0, try count($0)) }
        let (plan, readings) = counted.max { $0.1 < $1.1 }!
        print(row("store", "\(try EventLog.count(db: db)) events, \(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM measurements") ?? 0) readings"))
        print(row("busiest chart", "\(plan.key): \(readings) readings"))

        // 2. Limits set from the first 25 subgroups (signed as a simulation), then the evaluation a
        //    kiosk makes after each reading at a charted step: the open signals at that station.
        let inspector = plant.plant.people.first { $0.role == .inspector }!.badge
        // Set at the store's last moment, so that the synthetic readings after it are judged by them.
        let end = try Int64.fetchOne(db, sql: "SELECT MAX(hlc_wall) FROM events") ?? 0
        let set = try service.run(
            .quality(.setSPCLimits(chart: plan.key, subgroups: nil, from: nil, to: nil, reason: "bench")), badge: inspector,
            station: Station.console.id, now: Date(timeIntervalSince1970: Double(end + 1) / 1000), db: db, signature: .simulated)
        if let r = set.refusal { throw CommandFailure("limits: \(r)") }
        let state = StoreState(db: db, plant: plant)
        let stations = try String.fetchAll(
            db, sql: "SELECT DISTINCT station FROM measurements WHERE part = ? AND step = ? AND characteristic = ?",
            arguments: [plan.part, plan.step, plan.characteristic])
        var evals: [Int64] = []
        var open = 0
        for i in 0..<(repeats * 50) {
            let st = stations[i % stations.count]
            evals.append(try micros { open = try SPCChart.openSignals(plan: plan, station: st, state: state).count })
        }
        print(row("open signals after a reading", Quantiles(micros: evals).text + "   (\(stations.count) stations; \(open) open at the last)"))

        // 3. The SPC report over the whole chart, then with synthetic readings up to `--synthetic`.
        func spcReport(_ label: String) throws {
            var times: [Int64] = [], rawAll: [Int64] = []
            var summary: SPCSummary?
            for _ in 0..<max(3, repeats / 4) {
                rawAll.append(
                    try micros {
                        _ = try Double.fetchAll(
                            db,
                            sql: """
                                SELECT value FROM measurements WHERE part = ? AND step = ? AND characteristic = ? AND replaced = 0
                                ORDER BY hlc_wall, hlc_logical, node, seq
                                """, arguments: [plan.part, plan.step, plan.characteristic])
                    })
                times.append(try micros { summary = try SPCReports.chart(db, plant: plant, plan: plan) })
            }
            let q = Quantiles(micros: times), qb = Quantiles(micros: rawAll)
            let s = summary!
            print(
                row(
                    "spc report, \(s.readings) readings",
                    q.text + String(format: "   (raw SELECT p50 %@: %.1fx raw)", ms(qb.p50), q.p50 / qb.p50)
                        + "; \(s.points.count) points, \(s.signals.count) signals, Cpk \(s.capability?.cpk.map { String(format: "%.2f", $0) } ?? "-")"
                ))
        }
        try spcReport("real")
        let extra = max(0, synthetic - readings)
        if extra > 0 {
            let base = try Row.fetchOne(
                db,
                sql: """
                    SELECT serial, work_order, work_center, station, person, hlc_wall FROM measurements
                    WHERE part = ? AND step = ? AND characteristic = ? ORDER BY hlc_wall DESC LIMIT 1
                    """, arguments: [plan.part, plan.step, plan.characteristic])!
            var rng = SplitMix64(seed: 16)
            let c = plant.plant.characteristic(of: plan)
            let mid = ((c?.lower ?? 0) + (c?.upper ?? 1)) / 2, width = ((c?.upper ?? 1) - (c?.lower ?? 0))
            let stmt = try db.makeStatement(
                sql: """
                    INSERT INTO measurements(event, serial, work_order, part, step, characteristic, work_center, station, person, gauge,
                        value, passed, in_tolerance, unit, lower, upper, hlc_wall, hlc_logical, node, seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, 1, ?, ?, ?, ?, 0, 'BENCH', ?)
                    """)
            let t0: Int64 = max(base[5] as Int64, try Int64.fetchOne(db, sql: "SELECT MAX(hlc_wall) FROM events") ?? 0) + 1000
            for i in 0..<extra {
                let v = mid + width * 0.08 * (Double(rng.next() % 2001) / 1000 - 1)
                try stmt.execute(arguments: [
                    "bench/\(i)", "BENCH-\(i)", base[1] as String, plan.part, plan.step, plan.characteristic, base[2] as String, base[3] as String,
                    base[4] as String, v, c?.unit, c?.lower, c?.upper, t0 + Int64(i + 1) * 1000, Int64(i),
                ])
            }
            try spcReport("synthetic")
        }
        // 4. The measurement report (with the synthetic readings, when added): the chart's last 10,000 readings; raw baseline the same rows by SQL.
        let last = 10_000
        var report: [Int64] = [], raw: [Int64] = []
        var rows = 0
        for _ in 0..<repeats {
            raw.append(
                try micros {
                    rows = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM measurements WHERE part = ? AND characteristic = ?
                            ORDER BY hlc_wall DESC, hlc_logical DESC, node, seq LIMIT ?
                            """, arguments: [plan.part, plan.characteristic, last]
                    ).count
                })
            report.append(
                try micros { _ = try SPCReports.measurements(db, .init(part: plan.part, characteristic: plan.characteristic, last: last)) })
        }
        let qr = Quantiles(micros: report), qraw = Quantiles(micros: raw)
        print(row("measurements, last \(rows) rows", qr.text + String(format: "   (raw SELECT p50 %@: %.1fx raw)", ms(qraw.p50), qr.p50 / qraw.p50)))

    }
}
