import Foundation
import Testing

@testable import MESCore

/// Lot split and merge: sub-lots keep their parent's receipt, status and genealogy; containing a
/// parent contains its sub-lots and their users; each refusal with its reason.
@Suite struct LotGenealogyTests {
    static let m = QualityRegisterTests.m

    func lot(_ w: World, _ l: String) throws -> LotState { try #require(try w.state.lot(material: Self.m, lot: l)) }

    @Test func aSplitSubLotKeepsItsParentsReceiptAndStatusAndTheParentCountsDown() throws {
        var w = World(plant: QualityRegisterTests.plant(inspect: true))
        try w.ok(
            .quality(
                .receiveLot(material: Self.m, lot: "H1", quantity: 1000, supplier: "Alcoa", certificate: "C-1", expiry: Fixtures.d("2027-06-30"))),
            "1001", "ST-10")
        let evs = try w.ok(.quality(.splitLot(material: Self.m, lot: "H1", into: "H1-A", quantity: 400)), "1001", "ST-10")
        #expect(evs.map(\.type) == ["lot.split", "lot.derived"])
        let parent = try lot(w, "H1"), child = try lot(w, "H1-A")
        #expect(parent.remaining == 600 && parent.children == ["H1-A"])
        #expect(child.remaining == 400 && child.parents == ["H1"] && child.status == .quarantined)
        #expect(child.receipt?.supplier == "Alcoa" && child.receipt?.certificate == "C-1" && child.receipt?.expiry == Fixtures.d("2027-06-30"))
        #expect(child.history?.last?.what == "split from lot H1 (400)")
        // In quarantine like its parent: refused at the station until released.
        w.release(Fixtures.wo())
        try w.ok(.start(serial: "WO-1001-001"), "1001", "ST-10")
        #expect(
            try w.refused(.consume(serial: "WO-1001-001", material: Self.m, lot: "H1-A", expiry: nil), "1001", "ST-10").codes == ["lot_quarantined"])

        func refused(_ c: QualityCommand) throws -> [String] { try w.refused(.quality(c), "1001", "ST-10").codes }
        #expect(try refused(.splitLot(material: Self.m, lot: "H1", into: "H1-B", quantity: 601)) == ["lot_used_up"])
        #expect(try refused(.splitLot(material: Self.m, lot: "H1", into: "H1-A", quantity: 1)) == ["lot_already_received"])
        #expect(try refused(.splitLot(material: Self.m, lot: "H1", into: "H1", quantity: 1)) == ["bad_code", "lot_already_received"])
        #expect(try refused(.splitLot(material: Self.m, lot: "H1", into: "X\u{7}Y", quantity: 1)) == ["bad_code"])
        #expect(try refused(.splitLot(material: Self.m, lot: "H1", into: "H1-B", quantity: 0)) == ["bad_count"])
        #expect(try refused(.splitLot(material: Self.m, lot: "NONE", into: "H1-B", quantity: 1)) == ["unknown_lot"])
    }

    @Test func aMergeTakesWhatIsLeftOfLotsOfOneSupplierAndStatus() throws {
        var w = World(plant: QualityRegisterTests.plant(inspect: false))
        func receive(_ l: String, _ q: Double, _ supplier: String, _ expiry: String) throws {
            try w.ok(
                .quality(.receiveLot(material: Self.m, lot: l, quantity: q, supplier: supplier, certificate: "C-" + l, expiry: Fixtures.d(expiry))),
                "1001", "ST-10")
        }
        try receive("A", 130, "Alcoa", "2027-06-30")
        try receive("B", 50, "Alcoa", "2027-03-31")
        try receive("C", 70, "Kaiser", "2027-06-30")
        w.release(Fixtures.wo())
        try w.ok(.start(serial: "WO-1001-001"), "1001", "ST-10")
        try w.ok(.consume(serial: "WO-1001-001", material: Self.m, lot: "A", expiry: nil), "1001", "ST-10")  // 130 per piece: nothing left of A
        try receive("D", 200, "Alcoa", "2027-06-30")
        let evs = try w.ok(.quality(.mergeLots(material: Self.m, lots: ["B", "D"], into: "M1")), "1001", "ST-10")
        #expect(evs.map(\.type) == ["lot.split", "lot.split", "lot.derived"])
        let merged = try lot(w, "M1")
        #expect(merged.remaining == 250 && merged.parents == ["B", "D"] && merged.status == .released)
        #expect(merged.receipt?.expiry == Fixtures.d("2027-03-31"), "the earliest expiry of the lots merged")
        #expect(merged.receipt?.certificate == "C-B C-D")
        #expect(try lot(w, "B").remaining == 0 && (try lot(w, "D").remaining) == 0)

        func refused(_ lots: [String], _ into: String = "M2") throws -> [String] {
            try w.refused(.quality(.mergeLots(material: Self.m, lots: lots, into: into)), "1001", "ST-10").codes
        }
        #expect(try refused(["C", "M1"]) == ["bad_code"], "different suppliers")
        #expect(try refused(["A", "M1"]) == ["lot_used_up"], "nothing left of A")
        #expect(try refused(["M1"]) == ["bad_code"])
        #expect(try refused(["M1", "M1"]) == ["bad_code"])
        #expect(try refused(["B", "M1"]) == ["lot_used_up"])
    }

    /// Containing a parent lot contains what was made from it: its sub-lots are held with it and
    /// the travelers that used a sub-lot are held under the parent's NCR.
    @Test func holdingAParentHoldsItsSubLotsAndTheirUsers() throws {
        var w = World(plant: QualityRegisterTests.plant(inspect: false))
        w.release(Fixtures.wo(qty: 3))
        try w.ok(
            .quality(.receiveLot(material: Self.m, lot: "H1", quantity: 1000, supplier: "Alcoa", certificate: nil, expiry: nil)), "1001", "ST-10")
        try w.ok(.quality(.splitLot(material: Self.m, lot: "H1", into: "H1-A", quantity: 300)), "1001", "ST-10")
        try w.ok(.quality(.splitLot(material: Self.m, lot: "H1-A", into: "H1-A1", quantity: 150)), "1001", "ST-10")
        for (s, l) in [("WO-1001-001", "H1"), ("WO-1001-002", "H1-A1")] {
            try w.ok(.start(serial: s), "1001", "ST-10")
            try w.ok(.consume(serial: s, material: Self.m, lot: l, expiry: nil), "1001", "ST-10")
        }
        #expect(try Containment.family(material: Self.m, lot: "H1", state: w.state) == ["H1", "H1-A", "H1-A1"])
        #expect(try Containment.plan(material: Self.m, lot: "H1", state: w.state).toHold.map(\.serial) == ["WO-1001-001", "WO-1001-002"])
        #expect(try Containment.plan(material: Self.m, lot: "H1-A", state: w.state).toHold.map(\.serial) == ["WO-1001-002"])

        let evs = try w.ok(.quality(.holdLot(material: Self.m, lot: "H1", reason: "supplier recall 12")), "2001", "ST-40")
        #expect(evs.filter { $0.type == "lot.held" }.count == 3)
        let n = try #require(QualityRegisterTests.ncrs(evs).first)
        #expect(n.serials == ["WO-1001-001", "WO-1001-002"])
        #expect(try w.part("WO-1001-002").holds.first?.ncr == n.number)
        #expect(try !lot(w, "H1-A1").holds.isEmpty)
        let after = try Containment.plan(material: Self.m, lot: "H1", state: w.state)
        #expect(after.toHold.isEmpty && after.held.map(\.serial) == ["WO-1001-001", "WO-1001-002"])
        try w.ok(.start(serial: "WO-1001-003"), "1001", "ST-10")
        #expect(try w.refused(.consume(serial: "WO-1001-003", material: Self.m, lot: "H1-A", expiry: nil), "1001", "ST-10").codes == ["lot_on_hold"])
        #expect(try w.refused(.quality(.splitLot(material: Self.m, lot: "H1", into: "H1-B", quantity: 1)), "1001", "ST-10").codes == ["lot_on_hold"])
    }
}
