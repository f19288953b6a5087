import ArgumentParser
import Foundation
import GRDB
import LocalStore
import MESCore

/// `floor-bench quality`: containing a lot that `--parts` travelers used (list them, then hold
/// every open one under one NCR, signed, in one transaction), and the NCR Pareto over a year of
/// `--ncrs` NCRs. Baseline in the same run: the raw SQLite read of the lot's users.
struct BenchQuality: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality", abstract: "Time a lot's containment and the NCR Pareto over a year (issue 15's figures).")
    @Option(help: "Travelers that used the suspect lot.") var parts = 5000
    @Option(help: "NCRs spread over the year for the Pareto.") var ncrs = 20000
    @Option(help: "Where to make the store (deleted first).") var db = NSTemporaryDirectory() + "floor-bench-quality.db"

    static func plant() -> Plant {
        var p = Plant(
            id: "BENCH", name: "Bench plant", timezone: "Europe/Berlin",
            reasons: Reasons(scrap: [Reason(code: "DIM", label: "Dimension")], hold: [Reason(code: "SUSPECT", label: "Suspect")]),
            people: [
                Person(badge: "1", name: "Operator One", role: .operator_, skills: ["CUT"]),
                Person(badge: "2", name: "Inspector Two", role: .inspector),
            ],
            workCenters: [WorkCenter(id: "CUT", name: "Cutting"), WorkCenter(id: "PACK", name: "Pack")],
            stations: [Station(id: "S1", name: "Saw", workCenter: "CUT"), Station(id: "S2", name: "Pack", workCenter: "PACK")],
            materials: [Material(id: "BAR", name: "Bar", unit: "mm")],
            parts: [PartDefinition(id: "P1", name: "Pin", revision: "A", routing: "R1")],
            routings: [
                Routing(
                    id: "R1", version: 1, status: .approved, effective: LocalDate(year: 2020, month: 1, day: 1),
                    steps: [
                        Step(id: "OP10", name: "Cut", workCenter: "CUT", skill: "CUT", materials: [MaterialRequirement(material: "BAR", qty: 1)]),
                        Step(id: "OP20", name: "Pack", workCenter: "PACK"),
                    ])
            ])
        p.quality = QualityPolicy(defects: ["DIM", "SURF", "MAT", "BURR", "WELD"].map { DefectCode(code: $0, label: $0) })
        return p
    }

    func run() throws {
        try? FileManager.default.removeItem(atPath: db)
        let store = try Store.open(path: db, nodeID: "K1")
        let service = FloorService(store: store)
        let now = Date()
        let spec = WorkOrderSpec(number: "W1", part: "P1", quantity: parts, due: .date(LocalDate(year: 2030, month: 1, day: 1)))
        let serials = spec.serials
        try store.write { db in
            _ = try EventLog.append([(.plantLoaded(PlantLoaded(plant: Self.plant())), "")], now: now, db: db)
            _ = try EventLog.append(
                [(.workOrderReleased(WorkOrderReleased(order: spec, routing: "R1", routingVersion: 1, serials: serials)), "")], now: now, db: db)
            _ = try service.run(
                .quality(.receiveLot(material: "BAR", lot: "L1", quantity: Double(parts * 2), supplier: "Acme", certificate: nil, expiry: nil)),
                badge: "1", station: "S1", now: now, db: db)
        }
        // Every traveler starts the step and uses the lot.
        let t0 = Date()
        for chunk in stride(from: 0, to: serials.count, by: 500) {
            try store.write { db in
                for s in serials[chunk..<min(chunk + 500, serials.count)] {
                    for c: Command in [.start(serial: s), .consume(serial: s, material: "BAR", lot: "L1", expiry: nil)] {
                        if let r = try service.run(c, badge: "1", station: "S1", now: now, db: db).refusal { throw r }
                    }
                }
            }
        }
        print(String(format: "made %d travelers using lot BAR:L1 in %.1f s", parts, Date().timeIntervalSince(t0)))

        func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
            let t = DispatchTime.now().uptimeNanoseconds
            let v = try body()
            return (v, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
        }
        let (raw, rawMs) = try time {
            try store.read { db in try String.fetchAll(db, sql: "SELECT serial FROM lot_uses WHERE material = 'BAR' AND lot = 'L1'") }
        }
        let (list, listMs) = try time { try store.read { db in try QualityReports.containment(db, material: "BAR", lot: "L1") } }
        let (held, holdMs) = try time {
            try store.write { db in
                try service.run(
                    .quality(.holdLot(material: "BAR", lot: "L1", reason: "supplier recall")), badge: "2", station: "S2", now: now, db: db,
                    signature: .simulated)
            }
        }
        if let r = held.refusal { throw r }
        let holds = held.events.filter { $0.event.type == "part.held" }.count
        print(String(format: "raw SELECT of the lot's %d users: %.1f ms (baseline)", raw.count, rawMs))
        print(
            String(
                format: "containment list (%d rows, each traveler's state read): %.1f ms = %.1fx the raw read", list.rows.count, listMs,
                listMs / rawMs))
        print(String(format: "hold the lot and its %d open travelers under one NCR, signed, one transaction: %.0f ms", holds, holdMs))

        // A year of NCRs, raised by hand across the days, for the Pareto.
        let year = 365.0 * 86_400
        try store.write { db in
            for i in 0..<ncrs {
                let at = now.addingTimeInterval(-year * Double(i) / Double(ncrs))
                let code = ["DIM", "SURF", "MAT", "BURR", "WELD"][i % 7 % 5]
                _ = try service.run(
                    .quality(.raiseNCR(subject: .workOrder("W1"), defect: code, severity: nil, description: "bench \(i)", containment: "")),
                    badge: "1",
                    station: "S1", now: at, db: db)
            }
        }
        let plant = try service.plantIndex()!
        let from = now.addingTimeInterval(-year).epochMillis
        let (pareto, paretoMs) = try time {
            try store.read { db in try QualityReports.pareto(db, plant: plant, by: .defect, from: from, to: now.epochMillis + 1) }
        }
        let (rawCount, rawCountMs) = try time {
            try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ncrs WHERE raised_at >= ?", arguments: [from]) ?? 0 }
        }
        let (bySupplier, supplierMs) = try time {
            try store.read { db in try QualityReports.pareto(db, plant: plant, by: .workCenter, from: from, to: now.epochMillis + 1) }
        }
        print(
            String(
                format: "ncr-pareto by defect over a year (%d NCRs, %d rows): %.1f ms; by work center: %.1f ms (%d rows); raw COUNT baseline %.1f ms",
                rawCount, pareto.rows.count, paretoMs, supplierMs, bySupplier.rows.count, rawCountMs))
        try? FileManager.default.removeItem(atPath: db)
    }
}
