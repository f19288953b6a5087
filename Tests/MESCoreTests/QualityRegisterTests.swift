import Foundation
import Testing

@testable import MESCore

/// The quality registers' rules (issue 15): NCR numbers and states, lots at receipt, at
/// incoming inspection and at the point of use, containment of a suspect lot.
@Suite struct QualityRegisterTests {
    static func plant(inspect: Bool = true, requireReceipt: Bool = false) -> Plant {
        Fixtures.plant { p in
            p.quality = QualityPolicy(
                defects: [
                    DefectCode(code: "DIM", label: "Dimension", severity: .major), DefectCode(code: "SURF", label: "Surface"),
                    DefectCode(code: "MAT", label: "Material", severity: .critical),
                ], requireReceipt: requireReceipt)
            if inspect { p.materials[0].incomingInspection = true }
        }
    }
    static let m = "AL6061-25"

    static func ncrs(_ evs: [DomainEvent]) -> [NCRRaised] {
        evs.compactMap {
            if case .quality(.ncrRaised(let e)) = $0 { return e }; return nil
        }
    }

    @Test func numbersAreTheNodesOwnPerDayAndSortByDay() throws {
        #expect(NCRNumber.make(on: Fixtures.d("2026-12-02"), node: "K07", n: 3) == "NCR-261202-K07-3")
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        let a = try w.ok(
            .quality(.raiseNCR(subject: .part(serial: "WO-1001-001"), defect: "SURF", severity: nil, description: "scratch", containment: "")),
            "1001", "ST-10")
        let b = try w.ok(
            .quality(.raiseNCR(subject: .workOrder("WO-1001"), defect: "DIM", severity: nil, description: "drawing rev", containment: "")),
            "1001", "ST-10")
        // t0 is 2026-11-24 15:00 UTC, 09:00 in Chicago.
        #expect(Self.ncrs(a).map(\.number) == ["NCR-261124-K1-1"])
        #expect(Self.ncrs(b).map(\.number) == ["NCR-261124-K1-2"])
        #expect(Self.ncrs(b).first?.severity == .major, "the defect code's severity")
        // A part NCR holds the traveler under it.
        #expect(try w.part("WO-1001-001").holds.map(\.ncr) == ["NCR-261124-K1-1"])
        w.advance(minutes: 24 * 60)
        let c = try w.ok(
            .quality(.raiseNCR(subject: .workOrder("WO-1001"), defect: "SURF", severity: .critical, description: "x", containment: "")),
            "1001", "ST-10")
        #expect(Self.ncrs(c).map(\.number) == ["NCR-261125-K1-1"] && Self.ncrs(c).first?.severity == .critical)
        #expect(["NCR-261125-K1-1", "NCR-261124-K1-2"].sorted().first == "NCR-261124-K1-2")
    }

    @Test func aDefectCodeMustBeThePlantsAndADescriptionIsNeeded() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        let r = try w.refused(
            .quality(.raiseNCR(subject: .part(serial: "WO-1001-001"), defect: "OOT", severity: nil, description: " ", containment: "")),
            "1001", "ST-10")
        #expect(r.codes == ["unknown_defect", "empty_note"])
        #expect(r.reasons[0].message.contains("DIM, SURF, MAT"))
    }

    @Test func outOfToleranceRaisesAnNCRWithWhereItWasFound() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        try w.bring("WO-1001-001", to: "OP20")
        try w.ok(.start(serial: "WO-1001-001"), "1002", "ST-20")
        let evs = try w.ok(.record(serial: "WO-1001-001", characteristic: "BORE", value: "12.05", gauge: nil), "1002", "ST-20")
        let n = try #require(Self.ncrs(evs).first)
        #expect(n.source == .measurement && n.characteristic == "BORE" && n.value == "12.05" && n.station == "ST-20")
        #expect(n.part == "BRK-7741" && n.workOrder == "WO-1001" && n.step == "OP20" && n.serials == ["WO-1001-001"])
        #expect(n.defect == "OOT" && n.severity == .major, "not in the plant's list: the cause's name, major")
        let state = try #require(w.state.ncrs[n.number])
        #expect(state.status == .open && state.raisedBy == "1002")
        #expect(try w.part("WO-1001-001").holds.first?.ncr == n.number)
    }

    @Test func anNCRIsDispositionedThenClosedAndMajorOnesNeedContainment() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        let number = try #require(
            Self.ncrs(
                try w.ok(
                    .quality(.raiseNCR(subject: .part(serial: "WO-1001-001"), defect: "DIM", severity: nil, description: "bore", containment: "")),
                    "1001", "ST-10")
            ).first?.number)
        #expect(
            try w.refused(.quality(.closeNCR(number: number, note: "")), "2001", "ST-40").codes == ["ncr_not_dispositioned", "needs_containment"])
        #expect(
            try w.refused(.quality(.dispositionNCR(number: number, kind: .scrap, reference: nil, note: "")), "1001", "ST-10").codes
                == ["insufficient_role"])
        #expect(
            try w.refused(.quality(.dispositionNCR(number: number, kind: .useAsIs, reference: nil, note: "")), "2001", "ST-40").codes
                == ["needs_reference"])
        let d = try w.ok(.quality(.dispositionNCR(number: number, kind: .scrap, reference: nil, note: "MRB 12")), "2001", "ST-40")
        // The traveler held under it takes the disposition with it, in the same signed act.
        #expect(
            d.contains {
                if case .dispositionDecided(let e) = $0 { return e.serial == "WO-1001-001" && e.kind == .scrap }; return false
            })
        #expect(try w.part("WO-1001-001").status == .scrapped)
        #expect(
            try w.refused(.quality(.dispositionNCR(number: number, kind: .scrap, reference: nil, note: "")), "2001", "ST-40").codes
                == ["ncr_dispositioned"])
        #expect(try w.refused(.quality(.closeNCR(number: number, note: "")), "2001", "ST-40").codes == ["needs_containment"])
        try w.ok(.quality(.updateNCR(NCRUpdated(number: number, containment: "sorted WIP: 0 more found"))), "2001", "ST-40")
        try w.ok(.quality(.closeNCR(number: number, note: "")), "2001", "ST-40")
        let n = try #require(w.state.ncrs[number])
        #expect(n.status == .closed && n.closedBy == "2001" && n.disposition?.kind == .scrap)
        #expect(try w.refused(.quality(.updateNCR(NCRUpdated(number: number, description: "later"))), "2001", "ST-40").codes == ["ncr_closed"])
        #expect(try w.refused(.quality(.closeNCR(number: "NCR-X", note: "")), "2001", "ST-40").codes == ["unknown_ncr"])
    }

    @Test func theSignedActsAreSignatures() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        let r = try w.run(.quality(.holdLot(material: Self.m, lot: "H1", reason: "supplier recall")), badge: "2001", station: "ST-40", signed: false)
        guard case .failure(let refusal) = r else { Issue.record("allowed unsigned"); return }
        #expect(refusal.codes == ["signature_required"])
        for c: QualityCommand in [
            .dispositionNCR(number: "N", kind: .scrap, reference: nil, note: ""), .closeNCR(number: "N", note: ""),
            .releaseLot(material: Self.m, lot: "H1", note: ""), .rejectLot(material: Self.m, lot: "H1", defect: "MAT", note: ""),
            .holdLot(material: Self.m, lot: "H1", reason: "x"), .releaseLotHold(material: Self.m, lot: "H1", note: ""),
        ] {
            #expect(Signature.isSigned(.quality(c)), "\(c)")
        }
        #expect(!Signature.isSigned(.quality(.raiseNCR(subject: .workOrder("W"), defect: "D", severity: nil, description: "", containment: ""))))
    }

    @Test func aLotThatNeedsInspectionIsQuarantinedUntilReleased() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        try w.ok(
            .quality(.receiveLot(material: Self.m, lot: "H1", quantity: 300, supplier: "Alcoa", certificate: "COC-1", expiry: nil)), "1001", "ST-10")
        #expect(w.state.lots["\(Self.m):H1"]?.status == .quarantined)
        #expect(
            try w.refused(
                .quality(.receiveLot(material: Self.m, lot: "H1", quantity: 1, supplier: "x", certificate: nil, expiry: nil)), "1001", "ST-10"
            )
            .codes == ["lot_already_received"])
        try w.ok(.start(serial: "WO-1001-001"), "1001", "ST-10")
        let r = try w.refused(.consume(serial: "WO-1001-001", material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10")
        #expect(r.codes == ["lot_quarantined"] && r.reasons[0].message.contains("in quarantine"))
        #expect(try w.refused(.quality(.releaseLot(material: Self.m, lot: "H1", note: "")), "1001", "ST-10").codes == ["insufficient_role"])
        try w.ok(.quality(.releaseLot(material: Self.m, lot: "H1", note: "certs and hardness ok")), "2001", "ST-40")
        let used = try w.ok(.consume(serial: "WO-1001-001", material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10")
        #expect(used.contains(.quality(.lotConsumed(LotConsumed(material: Self.m, lot: "H1", serial: "WO-1001-001", step: "OP10", qty: 130)))))
        let l = try #require(w.state.lots["\(Self.m):H1"])
        #expect(l.status == .released && l.remaining == 170 && l.uses == 1)
        #expect(l.history?.map(\.what) == ["received into quarantine", "released by incoming inspection"])
        // 170 left; the next traveler uses 130, the one after that finds too little.
        try w.ok(.start(serial: "WO-1001-002"), "1001", "ST-10")
        try w.ok(.consume(serial: "WO-1001-002", material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10")
        try w.ok(.start(serial: "WO-1001-003"), "1001", "ST-10")
        let empty = try w.refused(.consume(serial: "WO-1001-003", material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10")
        #expect(empty.codes == ["lot_used_up"] && empty.reasons[0].message.contains("40 left"))
    }

    @Test func aRejectedLotRaisesAnNCRWithItsSupplierAndIsRefused() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        try w.ok(.quality(.receiveLot(material: Self.m, lot: "H2", quantity: 300, supplier: "Alcoa", certificate: nil, expiry: nil)), "1001", "ST-10")
        let evs = try w.ok(.quality(.rejectLot(material: Self.m, lot: "H2", defect: "MAT", note: "wrong alloy on the cert")), "2001", "ST-40")
        let n = try #require(Self.ncrs(evs).first)
        #expect(n.source == .incoming && n.supplier == "Alcoa" && n.lot == "H2" && n.severity == .critical)
        #expect(w.state.lots["\(Self.m):H2"]?.ncr == n.number)
        try w.ok(.start(serial: "WO-1001-001"), "1001", "ST-10")
        let r = try w.refused(.consume(serial: "WO-1001-001", material: Self.m, lot: "H2", expiry: nil), "1001", "ST-10")
        #expect(r.codes == ["lot_rejected"] && r.reasons[0].message.contains(n.number))
        #expect(try w.refused(.quality(.releaseLot(material: Self.m, lot: "H2", note: "")), "2001", "ST-40").codes == ["bad_disposition"])
    }

    @Test func eachRefusalAtThePointOfUse() {
        let today = Fixtures.d("2026-12-02")
        func why(_ l: LotState?, label: LocalDate? = nil, qty: Double = 10, require: Bool = false) -> String? {
            QualityRules.lotRefusal(material: "M", lot: "L", state: l, labelExpiry: label, needs: qty, requireReceipt: require, today: today)?.code
        }
        var l = LotState(material: "M", lot: "L")
        l.receipt = LotReceipt(quantity: 100, unit: "ea", supplier: "S", expiry: Fixtures.d("2026-12-01"), by: "1", at: 0)
        l.status = .released
        #expect(why(l) == "lot_expired")
        l.receipt?.expiry = Fixtures.d("2026-12-02")
        #expect(why(l) == nil, "usable on its expiry day")
        #expect(why(l, label: Fixtures.d("2026-11-30")) == "lot_expired", "the label's AI 17 counts too")
        l.used = 95
        #expect(why(l) == "lot_used_up")
        l.used = 0
        l.status = .quarantined
        #expect(why(l) == "lot_quarantined")
        l.status = .rejected
        #expect(why(l) == "lot_rejected")
        l.holds = [OpenHold(id: "H", reason: "recall", note: "", by: "2", at: 0)]
        #expect(why(l) == "lot_on_hold", "a hold is said first")
        #expect(why(nil) == nil, "a plant that does not require receiving takes any lot")
        #expect(why(nil, require: true) == "lot_not_received")
    }

    /// End to end in MESCore: a held lot puts every open traveler that used it on hold under one
    /// NCR, lists the finished ones, and one disposition of that NCR reaches every held traveler.
    @Test func holdingALotContainsEveryOpenTravelerUnderOneNCR() throws {
        var w = World(plant: Self.plant(inspect: false))
        w.release(Fixtures.wo(qty: 3))
        try w.ok(
            .quality(.receiveLot(material: Self.m, lot: "H1", quantity: 1000, supplier: "Alcoa", certificate: nil, expiry: nil)), "1001", "ST-10")
        for s in ["WO-1001-001", "WO-1001-002"] {
            try w.ok(.start(serial: s), "1001", "ST-10")
            try w.ok(.consume(serial: s, material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10")
            try w.ok(.complete(serial: s, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        }
        try w.ok(.scrap(serial: "WO-1001-002", count: nil, reason: "DIM"), "1001", "ST-20")
        let plan = try Containment.plan(material: Self.m, lot: "H1", state: w.state)
        #expect(plan.toHold.map(\.serial) == ["WO-1001-001"] && plan.done.map(\.serial) == ["WO-1001-002"])

        let evs = try w.ok(.quality(.holdLot(material: Self.m, lot: "H1", reason: "supplier recall 77")), "2001", "ST-40")
        let n = try #require(Self.ncrs(evs).first)
        #expect(n.source == .containment && n.serials == ["WO-1001-001"] && n.supplier == "Alcoa")
        #expect(try w.part("WO-1001-001").holds.first?.ncr == n.number)
        let after = try Containment.plan(material: Self.m, lot: "H1", state: w.state)
        #expect(after.toHold.isEmpty && after.held.map(\.serial) == ["WO-1001-001"])
        // The lot is refused now.
        try w.ok(.start(serial: "WO-1001-003"), "1001", "ST-10")
        #expect(try w.refused(.consume(serial: "WO-1001-003", material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10").codes == ["lot_on_hold"])
        try w.ok(.quality(.dispositionNCR(number: n.number, kind: .useAsIs, reference: "ENG-5", note: "cert re-issued")), "2001", "ST-40")
        #expect(try w.part("WO-1001-001").holds.isEmpty)
        try w.ok(.quality(.closeNCR(number: n.number, note: "")), "2001", "ST-40")
        try w.ok(.quality(.releaseLotHold(material: Self.m, lot: "H1", note: "recall withdrawn")), "2001", "ST-40")
        try w.ok(.consume(serial: "WO-1001-003", material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10")
    }

    /// Offline: two kiosks raise NCRs while apart and get distinct numbers; a lot held at one is
    /// consumed at the other before it heard, which is listed as the lot's conflict after exchange.
    @Test func offlineNCRsGetDistinctNumbersAndALotUsedWhileHeldIsAConflict() throws {
        var base = World(plant: Self.plant(inspect: false))
        base.release(Fixtures.wo())
        try base.ok(
            .quality(.receiveLot(material: Self.m, lot: "H1", quantity: 1000, supplier: "Alcoa", certificate: nil, expiry: nil)), "1001", "ST-10")
        var a = base
        var b = World(plant: Self.plant(inspect: false), now: base.now, node: "K2")
        b.events = base.events
        let ra = try a.ok(
            .quality(.raiseNCR(subject: .workOrder("WO-1001"), defect: "DIM", severity: nil, description: "a", containment: "")), "1001", "ST-10")
        let rb = try b.ok(
            .quality(.raiseNCR(subject: .workOrder("WO-1001"), defect: "DIM", severity: nil, description: "b", containment: "")), "1001", "ST-10")
        #expect(Self.ncrs(ra).map(\.number) == ["NCR-261124-K1-1"] && Self.ncrs(rb).map(\.number) == ["NCR-261124-K2-1"])
        a.advance(minutes: 1)
        try a.ok(.quality(.holdLot(material: Self.m, lot: "H1", reason: "supplier recall")), "2001", "ST-40")
        b.advance(minutes: 2)
        try b.ok(.start(serial: "WO-1001-001"), "1001", "ST-10")
        try b.ok(.consume(serial: "WO-1001-001", material: Self.m, lot: "H1", expiry: nil), "1001", "ST-10")
        let merged = PlantState.fold(a.events + b.events.filter { $0.id.node == "K2" })
        let other = PlantState.fold(b.events.filter { $0.id.node == "K2" }.reversed() + a.events)
        #expect(merged == other, "the same state whatever the delivery order")
        #expect(merged.ncrs.keys.sorted().count == 3)
        let lot = try #require(merged.lots["\(Self.m):H1"])
        #expect(lot.conflicts?.map(\.text) == ["used by WO-1001-001 at OP10 while on hold"])
        // The containment list shows it as not held yet: the next hold takes it.
        #expect(try Containment.plan(material: Self.m, lot: "H1", state: merged).toHold.map(\.serial) == ["WO-1001-001"])
    }

    /// A CAPA from an NCR: its phases, and that it cannot close before its root cause, every
    /// action done and an effectiveness check passed, nor by someone below the plant's role.
    @Test func aCAPAClosesOnlyWhenEverythingIsDoneAndByThePlantsRole() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo())
        let ncr = try #require(
            Self.ncrs(
                try w.ok(
                    .quality(.raiseNCR(subject: .workOrder("WO-1001"), defect: "DIM", severity: nil, description: "bores", containment: "")),
                    "1001", "ST-10")
            ).first?.number)
        #expect(
            try w.refused(
                .quality(.openCAPA(source: .ncr, ncrs: [ncr], owner: "9001", due: Fixtures.d("2026-12-01"), problem: "x")), "1001", "ST-10"
            ).codes == ["insufficient_role"])
        #expect(
            try w.refused(
                .quality(.openCAPA(source: .ncr, ncrs: ["NCR-NOPE"], owner: "9001", due: Fixtures.d("2026-12-01"), problem: "x")), "2001", "ST-40"
            )
            .codes == ["unknown_ncr"])
        let opened = try w.ok(
            .quality(.openCAPA(source: .ncr, ncrs: [ncr], owner: "9001", due: Fixtures.d("2026-12-01"), problem: "bores oversize")), "2001", "ST-40")
        guard case .quality(.capaOpened(let o))? = opened.first else { Issue.record("no capa.opened"); return }
        #expect(o.number == "CAPA-261124-K1-1", "numbered like an NCR, in its own series")
        let n = o.number
        var c: CAPAState { w.state.capas[n]! }
        #expect(CAPARules.phase(c) == .rootCause)
        let early = try w.refused(.quality(.closeCAPA(number: n, note: "")), "9001", "ST-40")
        #expect(early.codes == ["capa_incomplete", "capa_incomplete", "capa_incomplete"])
        #expect(early.reasons.map(\.message) == ["\(n) has no root cause written", "\(n) has no action", "no effectiveness check recorded"])
        try w.ok(.quality(.updateCAPA(CAPAUpdated(number: n, rootCauseMethod: "5 whys", rootCause: "worn boring bar"))), "2001", "ST-40")
        try w.ok(.quality(.addCAPAAction(number: n, text: "tool life limit 200", owner: "1002", due: Fixtures.d("2026-11-30"))), "2001", "ST-40")
        try w.ok(.quality(.addCAPAAction(number: n, text: "train night shift", owner: "9001", due: Fixtures.d("2026-11-30"))), "2001", "ST-40")
        #expect(CAPARules.phase(c) == .actions)
        #expect(
            try w.refused(.quality(.checkCAPAEffectiveness(number: n, check: "30 days", passed: true, note: "")), "2001", "ST-40").codes
                == ["capa_incomplete"])
        #expect(try w.refused(.quality(.completeCAPAAction(number: n, action: "A2", note: "")), "1002", "ST-20").codes == ["insufficient_role"])
        #expect(try w.refused(.quality(.completeCAPAAction(number: n, action: "A3", note: "")), "2001", "ST-40").codes == ["bad_code"])
        try w.ok(.quality(.completeCAPAAction(number: n, action: "A1", note: "in O7741")), "1002", "ST-20")
        #expect(try w.refused(.quality(.closeCAPA(number: n, note: "")), "9001", "ST-40").reasons.map(\.message).contains("actions not done: A2"))
        try w.ok(.quality(.completeCAPAAction(number: n, action: "A2", note: "")), "9001", "ST-40")
        try w.ok(.quality(.checkCAPAEffectiveness(number: n, check: "no OOT on BORE for 30 days", passed: false, note: "1 more")), "2001", "ST-40")
        #expect(CAPARules.phase(c) == .effectiveness)
        #expect(
            try w.refused(.quality(.closeCAPA(number: n, note: "")), "9001", "ST-40").reasons.map(\.message)
                == ["the last effectiveness check failed: no OOT on BORE for 30 days"])
        try w.ok(.quality(.checkCAPAEffectiveness(number: n, check: "no OOT on BORE for 60 days", passed: true, note: "")), "2001", "ST-40")
        #expect(CAPARules.phase(c) == .readyToClose)
        // The plant names supervisors: an inspector may not close it.
        #expect(try w.refused(.quality(.closeCAPA(number: n, note: "")), "2001", "ST-40").codes == ["insufficient_role"])
        #expect(CAPARules.isOverdue(c, today: Fixtures.d("2026-12-02")) && !CAPARules.isOverdue(c, today: Fixtures.d("2026-12-01")))
        #expect(CAPARules.dueText(c, today: Fixtures.d("2026-12-03"), calendar: PlantCalendar(plant: w.plant)) == "OVERDUE 2 days")
        try w.ok(.quality(.closeCAPA(number: n, note: "effective")), "9001", "ST-40")
        #expect(CAPARules.phase(c) == .closed && c.closedBy == "9001" && !CAPARules.isOverdue(c, today: Fixtures.d("2027-06-01")))
        #expect(Signature.isSigned(.quality(.closeCAPA(number: n, note: ""))))
        #expect(
            try w.refused(.quality(.addCAPAAction(number: n, text: "more", owner: "9001", due: Fixtures.d("2027-01-01"))), "2001", "ST-40").codes == [
                "capa_closed"
            ])
    }

    /// Actions added at two nodes while apart both stand, in canonical order.
    @Test func capaActionsAddedOfflineBothStand() throws {
        var base = World(plant: Self.plant())
        base.release(Fixtures.wo())
        try base.ok(
            .quality(.openCAPA(source: .audit, ncrs: [], owner: "9001", due: Fixtures.d("2027-01-31"), problem: "audit finding 4")), "2001", "ST-40")
        let n = try #require(base.state.capas.keys.first)
        var a = base
        var b = World(plant: Self.plant(), now: base.now, node: "K2")
        b.events = base.events
        a.advance(minutes: 1); b.advance(minutes: 2)
        try a.ok(.quality(.addCAPAAction(number: n, text: "from K1", owner: "9001", due: Fixtures.d("2027-01-10"))), "2001", "ST-40")
        try b.ok(.quality(.addCAPAAction(number: n, text: "from K2", owner: "9001", due: Fixtures.d("2027-01-10"))), "2001", "ST-40")
        let merged = PlantState.fold(a.events + b.events.filter { $0.id.node == "K2" })
        #expect(merged.capas[n]?.actions.map(\.text) == ["from K1", "from K2"])
        #expect(merged == PlantState.fold((b.events.filter { $0.id.node == "K2" } + a.events).reversed()))
    }
}
