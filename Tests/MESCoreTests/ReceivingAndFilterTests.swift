import Foundation
import Testing

@testable import MESCore

/// What a receipt at a receiving station still needs, and the console's NCR filter.
@Suite struct ReceivingAndFilterTests {
    static let bar = { () -> Material in
        var m = Material(id: "BAR", name: "Bar", unit: "mm", gtin: "00614141000029")
        m.supplier = "Alcoa"; m.incomingInspection = true
        return m
    }()

    @Test func aReceiptSaysWhatItStillNeedsAndBecomesTheReceiveCommand() throws {
        var d = ReceiptDraft(material: Self.bar, lot: "H-1", expiry: LocalDate(year: 2027, month: 1, day: 31), count: nil, fromLabel: true)
        #expect(d.supplier == "Alcoa" && d.sources[.supplier] == "plant file" && d.sources[.expiry] == "label" && d.quarantine)
        #expect(d.missing == [.quantity])
        guard case .failure(let r) = d.command else { Issue.record("incomplete receipt made a command"); return }
        #expect(r.codes == ["receipt_incomplete"] && r.reasons[0].message.contains("its quantity (QTY:<quantity>)"))
        d.quantity = 250
        #expect(d.missing.isEmpty)
        #expect(
            try d.command.get()
                == .quality(
                    .receiveLot(
                        material: "BAR", lot: "H-1", quantity: 250, supplier: "Alcoa", certificate: nil,
                        expiry: LocalDate(year: 2027, month: 1, day: 31))))
        // A material with no usual supplier, typed at the keyboard: both fields are asked for, in order.
        let plain = ReceiptDraft(material: Material(id: "PIN", name: "Pin", unit: "ea"), lot: "P", fromLabel: false)
        #expect(plain.missing == [.quantity, .supplier] && !plain.quarantine && plain.sources.isEmpty)
        // A label's count fills the quantity; a zero count does not.
        #expect(ReceiptDraft(material: Self.bar, lot: "x", count: 40, fromLabel: true).quantity == 40)
        #expect(ReceiptDraft(material: Self.bar, lot: "x", count: 0, fromLabel: true).quantity == nil)
        #expect(ReceiptDraft.quantityText(250) == "250" && ReceiptDraft.quantityText(2.5) == "2.5")
    }

    @Test func anExpiredLotIsNotReceived() throws {
        var w = World(plant: QualityRegisterTests.plant())
        func receive(_ lot: String, _ expiry: String) throws -> Result<[DomainEvent], Refusal> {
            try w.run(
                .quality(.receiveLot(material: "AL6061-25", lot: lot, quantity: 1, supplier: "Alcoa", certificate: nil, expiry: Fixtures.d(expiry))),
                badge: "1001", station: "ST-10")
        }
        // t0 is 2026-11-24 in the plant's zone.
        guard case .failure(let r) = try receive("L1", "2026-11-23") else { Issue.record("expired lot received"); return }
        #expect(r.codes == ["lot_expired"] && r.reasons[0].message.contains("expired on 2026-11-23: it is not received"))
        // Its last day is still a day it may be received.
        guard case .success = try receive("L2", "2026-11-24") else { Issue.record("a lot on its last day refused"); return }
    }

    @Test func theNCRFilterReadsItsTermsAndMatchesEveryOne() throws {
        var n = NCRState(number: "NCR-261124-K1-3")
        n.raised = NCRRaised(
            number: n.number, defect: "DIM", severity: .major, source: .manual, serials: ["S1"], part: "BRK-7741", workOrder: "W1", material: "BAR",
            lot: "H-1", supplier: "Acme Metals", station: "ST-20", description: "Bore oversize", containment: "")
        n.defect = "DIM"; n.severity = .major; n.description = "Bore oversize"
        func match(_ text: String, wc: String? = "MILL") throws -> Bool { try NCRViewFilter.parse(text).get().matches(n, workCenter: wc) }
        #expect(try match(""))
        #expect(try match("part:BRK-7741 wc:MILL defect:DIM sev:major supplier:acme lot:H-1 bore"))
        #expect(try match("SEV:MAJOR K1-3"))
        #expect(try !match("part:BRK-7742"))
        #expect(try !match("wc:MILL", wc: "SAW"))
        #expect(try !match("wc:MILL", wc: nil))
        #expect(try !match("defect:SURF"))
        #expect(try !match("sev:minor"))
        #expect(try !match("supplier:alcoa"))
        #expect(try !match("bore crack"))
        let f = try NCRViewFilter.parse("bore  defect:DIM wc:MILL").get()
        let empty = try NCRViewFilter.parse("  ").get()
        #expect(f.text == "wc:MILL defect:DIM bore" && !f.isEmpty && empty.isEmpty)
        for bad in ["sev:huge", "colour:red", "part:"] {
            guard case .failure(let r) = NCRViewFilter.parse(bad) else { Issue.record("\(bad) accepted"); continue }
            #expect(r.codes == ["bad_code"], "\(bad)")
        }
    }
}
