import Foundation
import GRDB
import Testing

@testable import LocalStore
@testable import MESCore

/// OEE, FPY and Pareto from a store, against figures worked out by hand.
@Suite struct BoardReportTests {
    /// A day after the simulated history ends.
    static let t0 = ProjectionTests.start.addingTimeInterval(3 * 86_400).epochMillis

    func at(_ minutes: Int) -> Date { Date(timeIntervalSince1970: Double(Self.t0 + Int64(minutes) * 60_000) / 1000) }

    @Test func oeeFpyAndParetoMatchAHandComputedShift() throws {
        let store = try ProjectionTests.simulatedStore()
        let plant = try #require(try FloorService(store: store).plantIndex())
        // Three queued travelers at one step, and a station of that step's work center.
        let (serials, step, wc) = try store.read { db -> ([String], String, String) in
            let r = try #require(
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT step, work_center FROM parts WHERE status = 'queued' GROUP BY step, work_center HAVING COUNT(*) >= 3 LIMIT 1
                        """))
            let serials = try String.fetchAll(
                db, sql: "SELECT serial FROM parts WHERE status = 'queued' AND step = ? AND work_center = ? LIMIT 3",
                arguments: [r[0], r[1]])
            return (serials, r[0], r[1])
        }
        let station = try #require(plant.plant.stations.first { $0.workCenter == wc })
        let machine = plant.downtimeTarget(of: station)
        let runMin = try store.read { db in
            try BoardQueries.routingStep(
                try String.fetchOne(db, sql: "SELECT work_order FROM parts WHERE serial = ?", arguments: [serials[0]])!, step,
                StoreState(db: db, plant: plant))
        }!.runMin
        let planned = try #require(plant.plant.reasons.downtime.first { $0.planned }).code
        let unplanned = try #require(plant.plant.reasons.downtime.first { !$0.planned }).code
        let scrapReason = try #require(plant.plant.reasons.scrap.first).code
        func append(_ e: DomainEvent, _ minute: Int) throws {
            _ = try store.write { db in try EventLog.append([(e, "101")], now: at(minute), db: db) }
        }
        // 08:00-10:00. Planned stop 08:00-08:30, unplanned 09:00-09:15.
        try append(.downtimeStarted(DowntimeStarted(machine: machine, reason: planned, station: station.id)), 0)
        try append(.downtimeEnded(DowntimeEnded(machine: machine, station: station.id)), 30)
        try append(.downtimeStarted(DowntimeStarted(machine: machine, reason: unplanned, station: station.id)), 60)
        try append(.downtimeEnded(DowntimeEnded(machine: machine, station: station.id)), 75)
        // Three pieces: two good first time, one scrapped at completion.
        for (i, serial) in serials.enumerated() {
            try append(.stepStarted(StepStarted(serial: serial, step: step, station: station.id)), 31 + i * 10)
            let scrap = i == 2
            try append(
                .stepCompleted(
                    StepCompleted(
                        serial: serial, step: step, station: station.id, good: scrap ? 0 : 1, scrap: scrap ? 1 : 0,
                        scrapReason: scrap ? scrapReason : nil, next: nil)), 38 + i * 10)
        }
        let (oee, fpy, pareto) = try store.read { db in
            (
                try Reports.oee(db, plant: plant, from: Self.t0, to: Self.t0 + 120 * 60_000),
                try Reports.fpy(db, from: Self.t0, to: Self.t0 + 120 * 60_000),
                try Reports.scrapPareto(db, plant: plant, from: Self.t0, to: Self.t0 + 120 * 60_000)
            )
        }
        let row = try #require(oee.rows.first { $0[0] == .text(station.id) })
        // By hand: planned production 120 - 30 = 90; operating 90 - 15 = 75; availability 75/90 = 83.3 %;
        // performance = 3 pieces × run minutes / 75; quality 2/3 = 66.7 %.
        let a = 75.0 / 90, p = 3 * runMin / 75, q = 2.0 / 3
        func pct(_ x: Double) -> ReportTable.Cell { .number((x * 1000).rounded() / 10) }
        #expect(row[2] == pct(a) && row[3] == pct(p) && row[4] == pct(q) && row[5] == pct(a * p * q))
        #expect(row[6] == .int(2) && row[7] == .int(1) && row[8] == .number(15) && row[9] == .number(30))
        // FPY at the step: 2 of 3 right first time.
        #expect(fpy.rows.first { $0[0] == .text(step) } == [.text(step), .int(3), .int(2), .number(66.7)])
        #expect(pareto.rows == [[.text(scrapReason), .text(plant.plant.reasons.scrap.first!.label), .int(1), .number(100), .number(100)]])
    }

    @Test func theBoardMigrationBackfillsOutcomesOfAnExistingStore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("floor-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.db").path
        var store: Store? = try Store.open(path: path, nodeID: "K1")
        let plant = SimulatedPlant.make(stations: 8)
        let options = Simulator.Options(days: 1, seed: 5, end: ProjectionTests.start.addingTimeInterval(86_400), batch: 100)
        _ = try store!.append([(.plantLoaded(PlantLoaded(plant: plant)), "")], now: options.start(in: PlantCalendar(plant: plant)))
        _ = try Simulator(store: store!, options: options).run()
        let scrapLines = try store!.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scraps") ?? 0 }
        let expected = try store!.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM step_outcomes") ?? 0 }
        #expect(expected > 0)
        // As an older build left it: no board tables, no migration record.
        try store!.write { db in
            for t in ["step_outcomes", "scraps", "andon", "override_requests"] { try db.execute(sql: "DROP TABLE \(t)") }
            for i in ["parts_done", "parts_at_station", "fpi_pending", "parts_open_by_order"] { try db.execute(sql: "DROP INDEX \(i)") }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-board'")
        }
        try store!.close()
        store = nil
        let reopened = try Store.open(path: path)
        #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM step_outcomes") } == expected)
        #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scraps") } == scrapLines)
    }
}
