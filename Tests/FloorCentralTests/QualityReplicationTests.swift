import Foundation
import GRDB
import Testing

@testable import FloorCentral
@testable import LocalStore
@testable import MESCore

/// Issue 15's offline checks between real stores over HTTP: two kiosks raise NCRs while cut off
/// and every node then lists both under distinct numbers; a lot held at the central node is
/// refused at a kiosk after its next exchange; a kiosk that used the lot after the hold, before it
/// heard of it, shows up as the lot's conflict and in the containment list as not held.
@Suite struct QualityReplicationTests {
    @Test func offlineNCRsStayDistinctAndALotHeldCentrallyIsRefusedAndItsOfflineUseListed() async throws {
        let h = try Harness()
        var plant = SimulatedPlant.make(stations: 6)
        plant.quality = QualityPolicy(defects: [DefectCode(code: "DIM", label: "Dimension", severity: .major)])
        _ = try h.central.append([(.plantLoaded(PlantLoaded(plant: plant)), "")], now: Harness.start.addingTimeInterval(60))
        try await h.serve()
        defer { Task { await h.stop() } }
        let (k1, c1) = try h.kiosk("K1")
        let (k2, c2) = try h.kiosk("K2")
        _ = try await c1.exchange()
        _ = try await c2.exchange()
        let s1 = FloorService(store: k1), s2 = FloorService(store: k2), central = FloorService(store: h.central)
        let t = Harness.start.addingTimeInterval(3600)
        func ok(_ s: FloorService, _ c: Command, _ badge: String, at: Date, signed: Bool = false) throws -> [RecordedEvent] {
            let out = try s.store.write { db in
                try s.run(c, badge: badge, station: "ST-CUT-01", now: at, db: db, signature: signed ? .simulated : nil)
            }
            if let r = out.refusal { Issue.record("\(c): \(r)") }
            return out.events
        }
        func raise(_ s: FloorService, _ wo: String, at: Date) throws {
            _ = try ok(
                s, .quality(.raiseNCR(subject: .workOrder(wo), defect: "DIM", severity: nil, description: "bores over", containment: "")), "1001",
                at: at)
        }

        // Cut off from each other: each kiosk raises an NCR.
        try raise(s1, "WO-1", at: t)
        try raise(s2, "WO-2", at: t)
        // The central node holds lot L-9 (signed), then K2, not yet told, uses it.
        _ = try central.store.write { db in
            try central.run(
                .quality(.holdLot(material: "BAR-25", lot: "L-9", reason: "mill cert mismatch")), badge: "8001", station: Station.console.id,
                now: t.addingTimeInterval(60), db: db, signature: .simulated)
        }
        _ = try ok(s2, .start(serial: "WO-1-002"), "1002", at: t.addingTimeInterval(120))
        _ = try ok(s2, .consume(serial: "WO-1-002", material: "BAR-25", lot: "L-9", expiry: nil), "1002", at: t.addingTimeInterval(121))

        // K1 exchanges: its next use of the lot is refused at the station.
        _ = try await c1.exchange()
        _ = try ok(s1, .start(serial: "WO-1-003"), "1001", at: t.addingTimeInterval(180))
        let refused = try s1.store.write { db in
            try s1.run(
                .consume(serial: "WO-1-003", material: "BAR-25", lot: "L-9", expiry: nil), badge: "1001", station: "ST-CUT-01",
                now: t.addingTimeInterval(181), db: db)
        }
        #expect(refused.refusal?.codes == ["lot_on_hold"], "\(String(describing: refused.refusal))")

        // Everyone exchanges: three NCRs everywhere, under three numbers, each its node's own.
        _ = try await c2.exchange()
        _ = try await c1.exchange()
        // The central node folds what it took in after the push (its read models catch up behind ingest).
        try h.central.write { db in _ = try Projections.catchUp(db) }
        let numbers = try [k1, k2, h.central].map { store in
            try store.read { db in try String.fetchAll(db, sql: "SELECT number FROM ncrs ORDER BY number") }
        }
        #expect(numbers[0] == numbers[1] && numbers[1] == numbers[2], "\(numbers)")
        #expect(Set(numbers[0]) == ["NCR-260921-K1-1", "NCR-260921-K2-1", "NCR-260921-central-1"], "\(numbers[0])")

        // The lot's use at K2 after the hold: a conflict on the lot, and in the containment list
        // as an open traveler not held, for the next hold to take. Every node says the same.
        for store in [h.central, k1, k2] {
            try store.read { db in
                let lot = try #require(try StoreState(db: db, plant: nil).lot(material: "BAR-25", lot: "L-9"))
                #expect(lot.conflicts?.contains { $0.text.contains("WO-1-002") && $0.text.contains("on hold") } == true, "\(lot.conflicts ?? [])")
                let list = try QualityReports.containment(db, material: "BAR-25", lot: "L-9").rows.map { $0.map(\.plain) }
                #expect(list.count == 1 && list.first?[0] == "WO-1-002" && list.first?.last == "not held: open", "\(list)")
            }
        }
        #expect(try NodeView(k1).parts == NodeView(h.central).parts)
    }
}
