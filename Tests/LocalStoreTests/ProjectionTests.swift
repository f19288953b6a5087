import Foundation
import GRDB
import Testing

@testable import LocalStore
@testable import MESCore

/// The store's incremental projections must always equal MESCore's pure fold of the same events,
/// including when events of another node arrive late and out of order.
@Suite struct ProjectionTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21, a Monday

    /// A store with the simulated plant, some released orders and a few days of simulated history.
    static func simulatedStore(days: Int = 2, seed: UInt64 = 3) throws -> Store {
        let store = try Store.inMemory(nodeID: "K1")
        let plant = SimulatedPlant.make(stations: 8)
        let end = start.addingTimeInterval(Double(days) * 86400)
        let options = Simulator.Options(days: days, seed: seed, end: end, batch: 100)
        _ = try store.append([(.plantLoaded(PlantLoaded(plant: plant)), "")], now: options.start(in: PlantCalendar(plant: plant)))
        _ = try Simulator(store: store, options: options).run()
        return store
    }

    static func pureFold(_ store: Store) throws -> PlantState {
        let events = try store.read { db in try EventLog.events(after: 0, limit: Int.max, db: db) }
        return PlantState.fold(events.map { RecordedEvent(envelope: $0.envelope) })
    }

    static func projected(
        _ store: Store, like pure: PlantState
    ) throws -> (
        parts: [String: PartState], orders: [String: WorkOrderState],
        fpis: [FPIKey: FPIState], machines: [String: MachineState]
    ) {
        try store.read { db in
            let s = StoreState(db: db, plant: pure.plant)
            var parts: [String: PartState] = [:], orders: [String: WorkOrderState] = [:]
            var fpis: [FPIKey: FPIState] = [:], machines: [String: MachineState] = [:]
            for k in pure.parts.keys { parts[k] = try s.part(k) }
            for k in pure.workOrders.keys { orders[k] = try s.workOrder(k) }
            for k in pure.fpis.keys { fpis[k] = try s.fpi(k) }
            for k in pure.machines.keys { machines[k] = try s.machine(k) }
            return (parts, orders, fpis, machines)
        }
    }

    @Test func incrementalProjectionsEqualThePureFold() throws {
        let store = try Self.simulatedStore()
        let pure = try Self.pureFold(store)
        #expect(pure.parts.count > 50)
        #expect(pure.parts.values.contains { !$0.completions.isEmpty })
        let p = try Self.projected(store, like: pure)
        #expect(p.parts == pure.parts)
        #expect(p.orders == pure.workOrders)
        #expect(p.fpis == pure.fpis)
        #expect(p.machines == pure.machines)
        // The quality registers too: lots (each consumption counts one down) and the NCRs the rules raised.
        #expect(!pure.lots.isEmpty && !pure.ncrs.isEmpty)
        try store.read { db in
            let s = StoreState(db: db, plant: pure.plant)
            for (k, l) in pure.lots { #expect(try s.lot(material: l.material, lot: l.lot) == l, "\(k)") }
            for (k, n) in pure.ncrs { #expect(try s.ncr(k) == n, "\(k)") }
            let open = pure.ncrs.values.filter(\.isOpen)
            let board = try BoardQueries.load(db, plant: pure.plant, now: Self.start.addingTimeInterval(3 * 86_400))
            #expect(board.openNCRs == open.count && board.oldestNCRAt == open.map(\.raisedAt).min())
            #expect(try QualityReports.ncrs(db, plant: pure.plant).rows.count == pure.ncrs.count)
        }
        // The query tables agree with the folded parts.
        let statuses = try store.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT serial, status FROM parts").map { ($0[0] as String, $0[1] as String) })
        }
        for (serial, part) in pure.parts { #expect(statuses[serial] == part.displayStatus.rawValue, "\(serial)") }
    }

    /// The store answers a lot's containment list from its tables; it must equal the list made
    /// from folded states (MESCore's meaning) and the pure fold's, before and after a lot hold,
    /// and with a cancelled order among the users.
    @Test func aLotsUsageFromTheTablesEqualsTheFoldedStates() throws {
        let store = try Self.simulatedStore()
        let service = FloorService(store: store)
        let pure0 = try Self.pureFold(store)
        let (material, lot) = try #require(
            pure0.lotUses.max { $0.value.count < $1.value.count }.map { k, _ in
                (String(k.split(separator: ":")[0]), String(k.split(separator: ":")[1]))
            })
        let users = pure0.lotUsers(material: material, lot: lot)
        #expect(users.count >= 3)
        let now = Self.start.addingTimeInterval(3 * 86_400)
        // Cancel the order of one user that is still open, then hold the lot: its open users go on hold under one NCR.
        let open = try #require(users.compactMap { pure0.parts[$0] }.first { !$0.status.isTerminal })
        let cancelled = try store.write { db in
            try service.run(
                .cancelWorkOrder(number: open.workOrder, reason: "customer cancelled"), badge: "9001", station: Station.console.id, now: now,
                db: db, signature: .simulated)
        }
        #expect(cancelled.refusal == nil)
        var checked = 0
        for step in 0..<2 {
            if step == 1 {
                let r = try store.write { db in
                    try service.run(
                        .quality(.holdLot(material: material, lot: lot, reason: "supplier recall")), badge: "8001", station: Station.console.id,
                        now: now, db: db, signature: .simulated)
                }
                #expect(r.refusal == nil)
            }
            let pure = try Self.pureFold(store)
            try store.read { db in
                let s = StoreState(db: db, plant: pure.plant)
                let fromTables = try s.lotUsage(material: material, lot: lot)
                #expect(fromTables == (try Containment.usage(material: material, lot: lot, state: s)))
                #expect(fromTables == (try pure.lotUsage(material: material, lot: lot)))
                #expect(fromTables.map(\.serial) == users)
                if step == 1 {
                    let plan = try Containment.plan(material: material, lot: lot, state: s)
                    #expect(plan.toHold.isEmpty && !plan.held.isEmpty)
                    #expect(Set(plan.held.flatMap(\.onHoldUnder)).count == 1)
                    #expect(plan.done.contains { $0.serial == open.serial && $0.status == .cancelled })
                }
                checked += fromTables.count
            }
        }
        #expect(checked == 2 * users.count)
    }

    @Test func lateEventsFromAnotherNodeRefoldOnlyTheirAggregateAndConverge() throws {
        // Node K1 works; node K2 did conflicting work earlier (its HLC sorts before K1's later events).
        let store = try Self.simulatedStore(days: 1, seed: 5)
        let pure = try Self.pureFold(store)
        let running = try #require(pure.parts.values.first { $0.status == .running || $0.status == .queued && !$0.completions.isEmpty })
        let t0 = try #require(running.run?.startedAt ?? running.completions.last?.at)
        // K2: a hold on that part, dated before K1's last event on it, and a start at another station.
        let k2Events: [DomainEvent] = [
            .partHeld(PartHeld(serial: running.serial, hold: "K2-H1", reason: "SUSPECT", note: "offline at K2")),
            .noteAdded(NoteAdded(aggregate: "part:" + running.serial, text: "seen at K2")),
        ]
        let other = try Store.inMemory(nodeID: "K2")
        let k2 = try other.write { db in
            try EventLog.append(k2Events.map { ($0, "9001") }, now: Date(timeIntervalSince1970: Double(t0 - 1000) / 1000), db: db)
        }
        #expect(k2.count == 2)
        _ = try store.ingest(k2)
        let after = try Self.pureFold(store)
        let projectedNow = try Self.projected(store, like: after)
        #expect(projectedNow.parts == after.parts)
        #expect(projectedNow.parts[running.serial]?.holds.contains { $0.id == "K2-H1" } == true)
        // Re-ingesting is a no-op.
        let again = try store.ingest(k2)
        #expect(again.duplicates == 2)
        #expect(again.applied == 0)
        #expect(try Self.projected(store, like: after).parts == after.parts)
    }

    @Test func aRefusedCommandChangesNothing() throws {
        let store = try Self.simulatedStore(days: 1)
        let service = FloorService(store: store)
        let before = try store.read { try EventLog.count(db: $0) }
        let plant = try #require(try service.plantIndex())
        let serial = try #require(
            try store.read { db in try String.fetchOne(db, sql: "SELECT serial FROM parts WHERE step = 'OP10' AND status = 'queued'") })
        // A milling station cannot start a part that waits at the saw.
        let mill = try #require(plant.plant.stations.first { $0.workCenter == "MILL" })
        let outcome = try service.run(.start(serial: serial), badge: "9001", station: mill.id)
        #expect(outcome.refusal?.codes.contains(BlockerKind.notAtStep.rawValue) == true)
        #expect(try store.read { try EventLog.count(db: $0) } == before)
    }

    @Test func simulationIsReproducible() throws {
        let a = try Self.pureFold(try Self.simulatedStore(days: 1, seed: 11))
        let b = try Self.pureFold(try Self.simulatedStore(days: 1, seed: 11))
        #expect(a.parts.count == b.parts.count)
        #expect(a.parts.mapValues(\.displayStatus) == b.parts.mapValues(\.displayStatus))
        #expect(a.parts.mapValues { $0.run?.measurements.mapValues(\.value) } == b.parts.mapValues { $0.run?.measurements.mapValues(\.value) })
    }
}

@Suite struct QueueTests {
    @Test func theQueueIsOrderedByPriorityThenDueAndFollowsTheParts() throws {
        let store = try Store.inMemory(nodeID: "K1")
        let plant = SimulatedPlant.make(stations: 6)
        let t = ProjectionTests.start
        _ = try store.append([(.plantLoaded(PlantLoaded(plant: plant)), "")], now: t)
        func order(_ n: String, _ p: Priority, _ due: String) -> DomainEvent {
            let spec = WorkOrderSpec(number: n, part: "P-A", quantity: 2, due: DueDate(due)!, priority: p)
            return .workOrderReleased(WorkOrderReleased(order: spec, routing: "R-A", routingVersion: 1, serials: spec.serials))
        }
        _ = try store.append(
            [
                (order("W-LOW", .low, "2026-09-22"), ""), (order("W-URG-LATE", .urgent, "2026-10-30"), ""),
                (order("W-URG-SOON", .urgent, "2026-09-25"), ""),
            ], now: t)
        var q = try store.read { try Queries.queue(workCenter: "CUT", $0) }
        #expect(q.map(\.serial) == ["W-URG-SOON-001", "W-URG-SOON-002", "W-URG-LATE-001", "W-URG-LATE-002", "W-LOW-001", "W-LOW-002"])
        #expect(try store.read { try Queries.queue(workCenter: "MILL", $0) }.isEmpty)
        // Completing the saw step moves the part to the milling queue.
        let service = FloorService(store: store)
        let cut = try #require(plant.stations.first { $0.workCenter == "CUT" })
        let now = t.addingTimeInterval(3600 * 10)  // Monday 10:00 local is inside a shift either way
        #expect(try service.run(.start(serial: "W-LOW-001"), badge: "9001", station: cut.id, now: now).refusal == nil)
        #expect(
            try service.run(.consume(serial: "W-LOW-001", material: "BAR-25", lot: "L1", expiry: nil), badge: "9001", station: cut.id, now: now)
                .refusal == nil)
        #expect(
            try service.run(.complete(serial: "W-LOW-001", good: nil, scrap: 0, scrapReason: nil), badge: "9001", station: cut.id, now: now).refusal
                == nil)
        q = try store.read { try Queries.queue(workCenter: "CUT", $0) }
        #expect(!q.map(\.serial).contains("W-LOW-001"))
        #expect(try store.read { try Queries.queue(workCenter: "MILL", $0) }.map(\.serial) == ["W-LOW-001"])
    }
}

@Suite struct HoldsAndDownTests {
    @Test func openHoldsAndDownMachinesFollowTheirEvents() throws {
        let store = try Store.inMemory(nodeID: "K1")
        let plant = SimulatedPlant.make(stations: 6)
        let t = ProjectionTests.start.addingTimeInterval(3600 * 10)
        _ = try store.append([(.plantLoaded(PlantLoaded(plant: plant)), "")], now: t)
        let spec = WorkOrderSpec(number: "W1", part: "P-A", quantity: 1, due: DueDate("2026-10-01")!)
        _ = try store.append(
            [(.workOrderReleased(spec.release(plant: PlantIndex(plant), on: LocalDate(year: 2026, month: 9, day: 21))!), "")], now: t)
        let service = FloorService(store: store)
        let cut = try #require(plant.stations.first { $0.workCenter == "CUT" })
        #expect(try service.run(.hold(serial: "W1-001", reason: "SUSPECT", note: "check"), badge: "9001", station: cut.id, now: t).refusal == nil)
        #expect(try service.run(.downtimeStart(reason: "MECH"), badge: "9001", station: cut.id, now: t).refusal == nil)
        var holds = try store.read { try Queries.openHolds($0) }
        #expect(holds.map(\.aggregate) == ["part:W1-001"])
        #expect(holds.first?.reason == "SUSPECT")
        #expect(try store.read { try Queries.down($0) }.map(\.reason) == ["MECH"])
        // Releasing a hold is a signature: refused without one, recorded with the supervisor's.
        let release = Command.releaseHold(serial: "W1-001", holds: nil, note: "ok")
        #expect(try service.run(release, badge: "9001", station: cut.id, now: t).refusal?.codes == ["signature_required"])
        let cheap = SigningSecrets.Cost(ln: 10, r: 8, p: 1)
        #expect(
            try SigningSecrets.set("Quartz-17x", for: "9001", by: "9001", current: nil, service: service, station: cut.id, now: t, cost: cheap)
                .refusal == nil)
        #expect(try SigningSecrets.runSigned(release, badge: "9001", secret: "Quartz-17x", service: service, station: cut.id, now: t).refusal == nil)
        #expect(try service.run(.downtimeEnd, badge: "9001", station: cut.id, now: t).refusal == nil)
        holds = try store.read { try Queries.openHolds($0) }
        #expect(holds.isEmpty)
        #expect(try store.read { try Queries.down($0) }.isEmpty)
    }
}

@Test func aSimulationEndsWithEveryMachineUp() throws {
    // Seeds and spans that leave some station mid-downtime at the end, without the final step.
    for seed in UInt64(1)...6 {
        let store = try ProjectionTests.simulatedStore(days: 2, seed: seed)
        #expect(try store.read { try Queries.down($0) }.isEmpty, "seed \(seed)")
    }
}

@Suite struct OpenPartSQLTests {
    @Test func theOpenPartConditionIsTheTerminalSetOfMESCoreAndThePartialIndexesOwn() throws {
        // Stores made before this was one constant have their partial indexes on this very text.
        #expect(Projections.openPart() == "status NOT IN ('done', 'scrapped', 'cancelled')")
        #expect(Projections.openPart("p") == "p.status NOT IN ('done', 'scrapped', 'cancelled')")
        #expect(PartStatus.terminal == PartStatus.allCases.filter(\.isTerminal))
        // The queue query still uses the partial index.
        let store = try Store.inMemory(nodeID: "K1")
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT serial FROM parts p WHERE p.work_center = 'X' AND \(Projections.openPart("p"))")
                .map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.joined().contains("parts_queue"), "\(plan)")
    }
}

/// Migration v4-quality on a store an older build left: its held lots are folded into `lots`.
@Test func theQualityMigrationFoldsTheLotsOfAnExistingStore() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("floor-mig4-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("s.db").path
    var store: Store? = try Store.open(path: path, nodeID: "K1")
    let plant = SimulatedPlant.make(stations: 8)
    let material = try #require(plant.materials.first).id
    _ = try store!.append(
        [(.plantLoaded(PlantLoaded(plant: plant)), ""), (.lotHeld(LotHeld(material: material, lot: "OLD-1", hold: "H1", reason: "recall")), "201")],
        now: ProjectionTests.start)
    try store!.write { db in
        for t in ["ncrs", "lots", "capas", "capa_ncrs"] { try db.execute(sql: "DROP TABLE \(t)") }
        try db.execute(sql: "DROP INDEX lot_uses_serial")
        try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-quality'")
    }
    try store!.close()
    store = nil
    let reopened = try Store.open(path: path)
    let row = try reopened.read { db in try Row.fetchOne(db, sql: "SELECT lot, on_hold, used FROM lots WHERE material = ?", arguments: [material]) }
    #expect(row?[0] == "OLD-1" && row?[1] == 1 && row?[2] == 0.0)
    #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ncrs") } == 0)
}
