import Foundation
import Testing

@testable import MESCore

/// Sampling at incoming inspection: a material's characteristics are measured on a quarantined
/// lot with the step's measurement rules, and the lot is released only once every reading the
/// plan asks for is taken and in tolerance; out of tolerance, it can only be rejected.
@Suite struct IncomingInspectionTests {
    static let m = QualityRegisterTests.m

    static func plant() -> Plant {
        var p = QualityRegisterTests.plant(inspect: true)
        p.materials[0].inspection = [
            Characteristic(id: "HARD", name: "Hardness", unit: "HRB", lower: 60, upper: 80),
            Characteristic(id: "CERT", name: "Certificate matches the heat", kind: .passFail),
        ]
        p.materials[0].inspectionSample = 2
        return p
    }

    @Test func aLotIsReleasedOnlyWithEveryReadingInTolerance() throws {
        var w = World(plant: Self.plant())
        for l in ["H1", "H2"] {
            try w.ok(
                .quality(.receiveLot(material: Self.m, lot: l, quantity: 500, supplier: "Alcoa", certificate: nil, expiry: nil)), "1001", "ST-10")
        }
        func measure(_ l: String, _ c: String, _ v: String, gauge: String? = nil) throws -> [DomainEvent] {
            try w.ok(.quality(.measureLot(material: Self.m, lot: l, characteristic: c, value: v, gauge: gauge)), "2001", "ST-40")
        }
        func release(_ l: String) throws -> Refusal {
            try w.refused(.quality(.releaseLot(material: Self.m, lot: l, note: "")), "2001", "ST-40")
        }
        #expect(try release("H1").reasons.map(\.message) == ["incoming inspection still needs readings of HARD (0 of 2), CERT (0 of 2)"])
        _ = try measure("H1", "hard", "71,5")
        _ = try measure("H1", "HARD", "66")
        _ = try measure("H1", "CERT", "PASS")
        #expect(try release("H1").codes == ["inspection_incomplete"] && (try release("H1").reasons[0].message.hasSuffix("CERT (1 of 2)")))
        _ = try measure("H1", "CERT", "ok")
        try w.ok(.quality(.releaseLot(material: Self.m, lot: "H1", note: "sampled 2")), "2001", "ST-40")
        let h1 = try #require(try w.state.lot(material: Self.m, lot: "H1"))
        #expect(h1.status == .released && h1.readings?.map(\.characteristic) == ["HARD", "HARD", "CERT", "CERT"])
        #expect(h1.readings?.first?.value == .number(71.5))

        // Out of tolerance: never released, rejected instead (with its NCR).
        let out = try measure("H2", "HARD", "85")
        guard case .quality(.lotMeasured(let e)) = out.first else { Issue.record("\(out)"); return }
        #expect(!e.inTolerance)
        _ = try measure("H2", "HARD", "70")
        _ = try measure("H2", "CERT", "PASS")
        _ = try measure("H2", "CERT", "PASS")
        #expect(try release("H2").codes == ["inspection_failed"] && (try release("H2").reasons[0].message.contains("HARD = 85")))
        try w.ok(.quality(.rejectLot(material: Self.m, lot: "H2", defect: "MAT", note: "hardness 85 HRB")), "2001", "ST-40")

        // Readings are refused off the plan, in words: a characteristic it does not have, a bad
        // value, a gauge out of calibration, a lot no longer in quarantine.
        func refused(_ l: String, _ c: String, _ v: String, gauge: String? = nil) throws -> [String] {
            try w.refused(.quality(.measureLot(material: Self.m, lot: l, characteristic: c, value: v, gauge: gauge)), "2001", "ST-40").codes
        }
        try w.ok(
            .quality(.receiveLot(material: Self.m, lot: "H3", quantity: 500, supplier: "Alcoa", certificate: nil, expiry: nil)), "1001", "ST-10")
        #expect(try refused("H3", "LEN", "12") == ["unknown_characteristic"])
        #expect(try refused("H3", "HARD", "soft") == ["bad_value"])
        #expect(try refused("H3", "HARD", "70", gauge: "NOPE") == ["unknown_gauge"])
        #expect(try refused("H1", "HARD", "70") == ["bad_disposition"])
    }

    @Test func aMaterialWithoutAPlanIsReleasedAsBefore() throws {
        var w = World(plant: QualityRegisterTests.plant(inspect: true))
        try w.ok(.quality(.receiveLot(material: Self.m, lot: "H1", quantity: 5, supplier: "Alcoa", certificate: nil, expiry: nil)), "1001", "ST-10")
        #expect(
            try w.refused(.quality(.measureLot(material: Self.m, lot: "H1", characteristic: "HARD", value: "70", gauge: nil)), "2001", "ST-40").codes
                == ["unknown_characteristic"])
        try w.ok(.quality(.releaseLot(material: Self.m, lot: "H1", note: "")), "2001", "ST-40")
    }
}
