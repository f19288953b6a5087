import Foundation
import GRDB
import Testing

@testable import LocalStore
@testable import MESCore

/// The NCR Pareto by each of its groupings and the weekly trend, on NCRs whose counts are known.
@Suite struct QualityReportTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)  // Monday 2026-09-21, 14:13 UTC

    static func plant() -> Plant {
        var p = Plant(
            id: "Q", name: "Quality plant", timezone: "UTC",
            people: [Person(badge: "1", name: "One", role: .operator_), Person(badge: "2", name: "Two", role: .inspector)],
            workCenters: [WorkCenter(id: "CUT", name: "Cutting"), WorkCenter(id: "PACK", name: "Pack")],
            stations: [Station(id: "S1", name: "Saw", workCenter: "CUT"), Station(id: "S2", name: "Pack", workCenter: "PACK")],
            materials: [Material(id: "BAR", name: "Bar", unit: "mm")],
            parts: [
                PartDefinition(id: "P1", name: "Pin", revision: "A", routing: "R1"),
                PartDefinition(id: "P2", name: "Peg", revision: "A", routing: "R1"),
            ],
            routings: [
                Routing(
                    id: "R1", version: 1, status: .approved, effective: LocalDate(year: 2020, month: 1, day: 1),
                    steps: [Step(id: "OP10", name: "Cut", workCenter: "CUT")])
            ])
        p.quality = QualityPolicy(defects: [
            DefectCode(code: "DIM", label: "Dimension", severity: .major), DefectCode(code: "SURF", label: "Surface"),
        ])
        return p
    }

    @Test func theParetoCountsByDefectWorkCenterPartAndSupplierAndTheTrendByWeek() throws {
        let store = try Store.inMemory(nodeID: "K1")
        let service = FloorService(store: store)
        let plant = Self.plant()
        let index = PlantIndex(plant)
        _ = try store.append([(.plantLoaded(PlantLoaded(plant: plant)), "")], now: Self.now.addingTimeInterval(-60 * 86_400))
        for (n, part) in [("W1", "P1"), ("W2", "P2")] {
            let spec = WorkOrderSpec(number: n, part: part, quantity: 3, due: .date(LocalDate(year: 2030, month: 1, day: 1)))
            _ = try store.append(
                [(.workOrderReleased(try #require(spec.release(plant: index, on: LocalDate(year: 2026, month: 9, day: 1)))), "")],
                now: Self.now.addingTimeInterval(-60 * 86_400))
        }
        func run(_ c: QualityCommand, at station: String, daysAgo: Double, badge: String = "1") throws {
            let out = try service.run(.quality(c), badge: badge, station: station, now: Self.now.addingTimeInterval(-daysAgo * 86_400))
            #expect(out.refusal == nil, "\(c): \(String(describing: out.refusal))")
        }
        func raise(_ subject: NCRSubject, _ code: String, at station: String, daysAgo: Double) throws {
            try run(.raiseNCR(subject: subject, defect: code, severity: nil, description: "found", containment: ""), at: station, daysAgo: daysAgo)
        }
        // In time order (the clock of the log never goes back). 40 days ago, out of a 30-day window:
        try raise(.workOrder("W2"), "SURF", at: "S1", daysAgo: 40)
        try run(.receiveLot(material: "BAR", lot: "A1", quantity: 10, supplier: "Acme", certificate: nil, expiry: nil), at: "S1", daysAgo: 20)
        try run(.receiveLot(material: "BAR", lot: "B1", quantity: 10, supplier: "Beta", certificate: nil, expiry: nil), at: "S1", daysAgo: 20)
        // Last week: 2 lot NCRs of Acme's, 1 of Beta's, all at pack.
        try raise(.lot(material: "BAR", lot: "B1"), "SURF", at: "S2", daysAgo: 5)
        try raise(.lot(material: "BAR", lot: "A1"), "SURF", at: "S2", daysAgo: 4)
        try raise(.lot(material: "BAR", lot: "A1"), "DIM", at: "S2", daysAgo: 3)
        // This week (Monday): 3 × DIM on P1 at the saw, 1 × SURF on P2 at pack.
        try raise(.workOrder("W1"), "DIM", at: "S1", daysAgo: 0)
        try raise(.workOrder("W1"), "DIM", at: "S1", daysAgo: 0)
        try raise(.part(serial: "W1-001"), "DIM", at: "S1", daysAgo: 0)
        try raise(.workOrder("W2"), "SURF", at: "S2", daysAgo: 0)

        let from = Self.now.addingTimeInterval(-30 * 86_400).epochMillis, to = Self.now.epochMillis + 1
        func pareto(_ by: QualityReports.ParetoBy) throws -> [[String]] {
            try store.read { db in try QualityReports.pareto(db, plant: index, by: by, from: from, to: to).rows.map { $0.map(\.plain) } }
        }
        #expect(try pareto(.defect).map { [$0[0], $0[1], $0[2]] } == [["DIM", "Dimension", "4"], ["SURF", "Surface", "3"]])
        #expect(try pareto(.defect).first.flatMap { Double($0[3]) } == 57.1)
        #expect(try pareto(.workCenter).map { [$0[0], $0[2]] } == [["PACK", "4"], ["CUT", "3"]])
        // Ties in key order; lot NCRs have no part.
        #expect(try pareto(.part).map { [$0[0], $0[2]] } == [["(none)", "3"], ["P1", "3"], ["P2", "1"]])
        #expect(try pareto(.supplier).map { [$0[0], $0[2]] } == [["(none)", "4"], ["Acme", "2"], ["Beta", "1"]])
        #expect(try pareto(.supplier).last.flatMap { Double($0[4]) } == 100)

        let weeks = try store.read { db in try QualityReports.weekly(db, plant: index, weeks: 7, now: Self.now).rows.map { $0.map(\.plain) } }
        #expect(weeks.map(\.[0]) == ["2026-08-10", "2026-08-17", "2026-08-24", "2026-08-31", "2026-09-07", "2026-09-14", "2026-09-21"])
        #expect(weeks.map(\.[1]) == ["1", "0", "0", "0", "0", "3", "4"], "\(weeks)")
        #expect(weeks.last?[3] == "8" && weeks.first?[3] == "1")
    }
}
