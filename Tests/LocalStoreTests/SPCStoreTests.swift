import Foundation
import GRDB
import Testing

@testable import LocalStore
@testable import MESCore

/// The store's measurements table and chart windows against MESCore's pure fold, the reports
/// built on them, and the SVG a report writes (read back by an XML parser).
@Suite struct SPCStoreTests {
    static let bore = SPCPlan(part: "P-A", step: "OP20", characteristic: "BORE", reaction: .warn)

    static func setLimits(_ store: Store, _ plan: SPCPlan, subgroups: Int, at now: Date) throws -> Refusal? {
        try store.write { db in
            try FloorService(store: store).run(
                .quality(.setSPCLimits(chart: plan.key, subgroups: subgroups, from: nil, to: nil, reason: "baseline")), badge: "8001",
                station: Station.console.id, now: now, db: db, signature: .simulated)
        }.refusal
    }

    @Test func theChartsWindowsAndSignalsEqualThePureFold() throws {
        let store = try ProjectionTests.simulatedStore(days: 3, seed: 11)
        let now = ProjectionTests.start.addingTimeInterval(4 * 86_400)
        #expect(try Self.setLimits(store, Self.bore, subgroups: 20, at: now) == nil)
        let pure = try ProjectionTests.pureFold(store)
        let plant = try #require(pure.plant)
        for plan in plant.plant.spc!.charts {
            let all = pure.spcSeries(chart: plan, after: nil, lookback: .max)
            #expect(all.readings.count > 40, "\(plan.key)")
            try store.read { db in
                let s = StoreState(db: db, plant: plant)
                #expect(try s.spcSeries(chart: plan, after: nil, lookback: .max) == all)
                #expect(try s.spcChart(plan.key) == pure.spcChart(plan.key))
                for i in [0, all.readings.count / 3, all.readings.count - 1] {
                    let after = all.readings[i].order
                    #expect(try s.spcSeries(chart: plan, after: after, lookback: 32) == pure.spcSeries(chart: plan, after: after, lookback: 32))
                }
                #expect(try s.spcSeries(chart: plan, after: nil, lookback: 10) == pure.spcSeries(chart: plan, after: nil, lookback: 10))
                let summary = try SPCReports.chart(db, plant: plant, plan: plan)
                let expected = SPCChart.points(all, plan: plan, state: pure.spcChart(plan.key))
                #expect(summary.points == expected)
                #expect(summary.capability != nil && summary.capability!.n == summary.readings)
            }
        }
        // Every reading is a row of the report, a re-measurement marked as replaced.
        let recorded = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = 'measurement.recorded'")!
        }
        let table = try store.read { db in try SPCReports.measurements(db, .init()) }
        #expect(table.rows.count == recorded && table.columns == SPCReports.measurementColumns)
        let bores = try store.read { db in try SPCReports.measurements(db, .init(part: "P-A", characteristic: "BORE")) }
        let current = bores.rows.filter { $0[15] == .text("") }
        #expect(current.count == pure.spcReadings[Self.bore.key]!.count)
        #expect(bores.rows.allSatisfy { $0[11] == .text("mm") && $0[12] == .number(11.99) && $0[13] == .number(12.018) })
        let last = try store.read { db in try SPCReports.measurements(db, .init(part: "P-A", characteristic: "BORE", last: 5)) }
        #expect(last.rows.map { $0[16] } == bores.rows.suffix(5).map { $0[16] })
    }

    @Test func aLateReadingFromAnotherNodeRedrawsTheSameChartEverywhere() throws {
        let store = try ProjectionTests.simulatedStore(days: 2, seed: 5)
        let pure0 = try ProjectionTests.pureFold(store)
        let readings = try #require(pure0.spcReadings[Self.bore.key])
        // K2 re-measured a bore early in the day, offline: its reading sorts among K1's.
        let target = readings[readings.count / 2]
        let other = try Store.inMemory(nodeID: "K2")
        let k2 = try other.write { db in
            try EventLog.append(
                [
                    (
                        .measurementRecorded(
                            MeasurementRecorded(
                                serial: target.serial, step: "OP20", characteristic: "BORE", value: .number(12.017), inTolerance: true,
                                station: target.station)), "1001"
                    )
                ], now: Date(timeIntervalSince1970: Double(target.at + 1) / 1000), db: db)
        }
        _ = try store.ingest(k2)
        let pure = try ProjectionTests.pureFold(store)
        let series = pure.spcSeries(chart: Self.bore, after: nil, lookback: .max)
        #expect(series.readings.count == readings.count, "a re-measurement replaces, it does not add")
        #expect(series.readings.contains { $0.serial == target.serial && $0.value == 12.017 })
        try store.read { db in
            #expect(try StoreState(db: db, plant: pure.plant).spcSeries(chart: Self.bore, after: nil, lookback: .max) == series)
            let replaced = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM measurements WHERE serial = ? AND step = 'OP20' AND characteristic = 'BORE' AND replaced = 1",
                arguments: [target.serial])
            #expect(replaced == 1)
        }
    }

    @Test func theSVGIsWellFormedAndEscapesWhatTheStoreHolds() throws {
        let store = try ProjectionTests.simulatedStore(days: 2, seed: 3)
        #expect(try Self.setLimits(store, Self.bore, subgroups: 20, at: ProjectionTests.start.addingTimeInterval(3 * 86_400)) == nil)
        let plant = try #require(try FloorService(store: store).plantIndex())
        let summary = try store.read { db in try SPCReports.chart(db, plant: plant, plan: Self.bore) }
        let svg = SPCReports.svg(summary, title: "bore <P-A> & \"OP20\"\u{1B}[31m")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("floor-spc-\(UUID().uuidString).svg")
        try Data(svg.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        // Python's XML parser (not ours) reads it back: the root, the panes, one mark per point, the title's text.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c",
            """
            import sys, xml.etree.ElementTree as ET
            r = ET.parse(sys.argv[1]).getroot(); ns = '{http://www.w3.org/2000/svg}'
            print(r.tag == ns + 'svg', len(r.findall(ns + 'polyline')), len(r.findall(ns + 'circle')), r.findall(ns + 'text')[0].text)
            """, url.path,
        ]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(p.terminationStatus == 0)
        let marks = summary.points.count + summary.points.filter { $0.spread != nil }.count
        #expect(out == "True 2 \(marks) bore <P-A> & \"OP20\"[31m")
        #expect(!svg.contains("\u{1B}"))
    }
}
