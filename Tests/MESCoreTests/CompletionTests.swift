import Foundation
import Testing

@testable import MESCore

/// rules.md, "Completing a step": lots, sign-off, batch counts.
@Suite struct CompletionTests {
    let s1 = "WO-1001-001"

    @Test func aStepWithMaterialsNeedsItsLotScanned() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        let r = try w.refused(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        #expect(r.codes == ["lots_missing"])
        #expect(r.message("lots_missing").contains("AL6061-25"))
        let evs = try w.ok(.consume(serial: s1, material: "AL6061-25", lot: "H4471", expiry: nil), "1001", "ST-10")
        #expect(
            evs == [
                .materialConsumed(MaterialConsumed(serial: s1, step: "OP10", material: "AL6061-25", lot: "H4471", qty: 130)),
                .quality(.lotConsumed(LotConsumed(material: "AL6061-25", lot: "H4471", serial: s1, step: "OP10", qty: 130))),
            ])
        #expect(try w.part(s1).run?.lots["AL6061-25"]?.lot == "H4471")
        let done = try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        #expect(done.first?.completed?.next == "OP20")
        let p = try w.part(s1)
        #expect(p.step == "OP20" && p.status == .queued)
        #expect(p.completions.map(\.step) == ["OP10"])
    }

    @Test func theWrongMaterialIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        let r = try w.refused(.consume(serial: s1, material: "HELICOIL-M6", lot: "L1", expiry: nil), "1001", "ST-10")
        #expect(r.codes == ["wrong_material"])
        #expect(r.message("wrong_material").contains("AL6061-25"))
        #expect(try w.part(s1).run?.lots.isEmpty == true)
    }

    @Test func anExpiredLotIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        let r = try w.refused(.consume(serial: s1, material: "AL6061-25", lot: "H1", expiry: Fixtures.d("2026-11-23")), "1001", "ST-10")
        #expect(r.codes == ["lot_expired"])
        #expect(r.message("lot_expired").contains("2026-11-23"))
        // Expiring today is still usable.
        try w.ok(.consume(serial: s1, material: "AL6061-25", lot: "H2", expiry: Fixtures.d("2026-11-24")), "1001", "ST-10")
    }

    @Test func aLotOnHoldIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        w.append(.lotHeld(LotHeld(material: "AL6061-25", lot: "H9", hold: "LH1", reason: "SUSPECT")), actor: "2001")
        try w.ok(.start(serial: s1), "1001", "ST-10")
        let r = try w.refused(.consume(serial: s1, material: "AL6061-25", lot: "H9", expiry: nil), "1001", "ST-10")
        #expect(r.codes == ["lot_on_hold"])
        #expect(r.message("lot_on_hold").contains("SUSPECT"))
        w.append(.lotHoldReleased(HoldReleased(subject: "AL6061-25:H9", holds: ["LH1"])), actor: "2001")
        try w.ok(.consume(serial: s1, material: "AL6061-25", lot: "H9", expiry: nil), "1001", "ST-10")
    }

    @Test func aLotHeldAfterItWasScannedBlocksTheCompletion() throws {
        // rules.md: a step completes only when every lot scanned is "not on hold".
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        try w.ok(.consume(serial: s1, material: "AL6061-25", lot: "H7", expiry: nil), "1001", "ST-10")
        w.append(.lotHeld(LotHeld(material: "AL6061-25", lot: "H7", hold: "LH7", reason: "SUSPECT")), actor: "2001")
        let r = try w.refused(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        #expect(r.codes == ["lot_on_hold"])
        #expect(r.message("lot_on_hold").contains("H7"))
        w.append(.lotHoldReleased(HoldReleased(subject: "AL6061-25:H7", holds: ["LH7"])), actor: "2001")
        try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
    }

    @Test func aSignoffStepNeedsAnInspectorWhoDidNotWorkOnIt() throws {
        var w = World(plant: Fixtures.plant { p in p.people.append(Person(badge: "2002", name: "Ines Park", role: .inspector)) })
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP40")
        try w.ok(.start(serial: s1), "2001", "ST-40")
        try w.fillStep(s1, "2001", "ST-40")
        let own = try w.refused(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "2001", "ST-40")
        #expect(own.codes == ["signoff_by_worker"])
        #expect(own.message("signoff_by_worker").contains("inspector"))
        let op = try w.refused(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1003", "ST-40")
        #expect(op.codes == ["needs_signoff"])
        // The sign-off is a signature: without the signer's badge + secret nothing is recorded.
        let unsigned = try w.run(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), badge: "2002", station: "ST-40", signed: false)
        #expect(unsigned.failure?.codes == ["signature_required"])
        let evs = try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "2002", "ST-40")
        #expect(evs.first?.completed?.signoffBy == "2002")
        #expect(evs.first.flatMap(Signature.meaning(of:)) == "reviewed (step sign-off)")
        #expect(evs.first?.completed?.next == "OP50")
        #expect(try w.part(s1).completions.last?.signoffBy == "2002")
    }

    @Test func aSupervisorMaySignOff() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP40")
        try w.ok(.start(serial: s1), "2001", "ST-40")
        try w.fillStep(s1, "2001", "ST-40")
        #expect(try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "9001", "ST-40").first?.completed?.signoffBy == "9001")
    }

    @Test func aStepCompletesOnlyAtAStationOfItsWorkCenter() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        try w.fillStep(s1, "1001", "ST-10")
        let r = try w.refused(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-20")
        #expect(r.codes == ["wrong_work_center"])
    }

    @Test func batchCountsGoodPlusScrapAtMostQuantityAndScrapNeedsAReason() throws {
        var w = World()
        let spec = Fixtures.wo("WO-2001", qty: 10, tracking: .batch)
        #expect(spec.serials == ["WO-2001"])
        w.release(spec)
        let b = "WO-2001"
        #expect(try w.part(b).quantity == 10)
        try w.ok(.start(serial: b), "1001", "ST-10")
        let lot = try w.ok(.consume(serial: b, material: "AL6061-25", lot: "H1", expiry: nil), "1001", "ST-10")
        if case .materialConsumed(let m)? = lot.first { #expect(m.qty == 1300) }

        let over = try w.refused(.complete(serial: b, good: 9, scrap: 2, scrapReason: "DIM"), "1001", "ST-10")
        #expect(over.codes == ["bad_count"])
        #expect(over.message("bad_count").contains("10"))
        #expect(try w.refused(.complete(serial: b, good: -1, scrap: 0, scrapReason: nil), "1001", "ST-10").codes == ["bad_count"])
        let noReason = try w.refused(.complete(serial: b, good: 8, scrap: 2, scrapReason: nil), "1001", "ST-10")
        #expect(noReason.codes == ["unknown_reason"])
        #expect(noReason.message("unknown_reason").contains("reason"))
        #expect(try w.refused(.complete(serial: b, good: 8, scrap: 2, scrapReason: "OOPS"), "1001", "ST-10").codes == ["unknown_reason"])

        let evs = try w.ok(.complete(serial: b, good: 8, scrap: 2, scrapReason: "DIM"), "1001", "ST-10")
        let c = try #require(evs.first?.completed)
        #expect(c.good == 8 && c.scrap == 2 && c.scrapReason == "DIM" && c.next == "OP20")
        var p = try w.part(b)
        #expect(p.quantity == 8 && p.scrapped == 2 && p.step == "OP20" && p.status == .queued)

        // The next step receives the good count: with no counts given, all 8 pass on.
        try w.ok(.start(serial: b), "1002", "ST-20")
        try w.fillStep(b, "1002", "ST-20")
        #expect(try w.refused(.complete(serial: b, good: nil, scrap: 1, scrapReason: nil), "1002", "ST-20").codes == ["unknown_reason"])
        let next = try w.ok(.complete(serial: b, good: nil, scrap: 1, scrapReason: "SURF"), "1002", "ST-20")
        #expect(next.first?.completed?.good == 7)
        p = try w.part(b)
        #expect(p.quantity == 7 && p.scrapped == 3 && p.step == "OP30")
    }

    @Test func aBatchWhoseEveryPieceIsScrappedIsScrapped() throws {
        var w = World()
        w.release(Fixtures.wo("WO-2002", qty: 2, tracking: .batch))
        try w.ok(.start(serial: "WO-2002"), "1001", "ST-10")
        try w.fillStep("WO-2002", "1001", "ST-10")
        try w.ok(.complete(serial: "WO-2002", good: 0, scrap: 2, scrapReason: "MAT"), "1001", "ST-10")
        let p = try w.part("WO-2002")
        #expect(p.status == .scrapped && p.quantity == 0 && p.scrapped == 2)
    }

    @Test func partialScrapOfABatchKeepsTheTravelerGoing() throws {
        var w = World()
        w.release(Fixtures.wo("WO-2003", qty: 5, tracking: .batch))
        #expect(try w.refused(.scrap(serial: "WO-2003", count: 6, reason: "DIM"), "1001", "ST-10").codes == ["bad_count"])
        #expect(try w.refused(.scrap(serial: "WO-2003", count: 2, reason: ""), "1001", "ST-10").codes == ["unknown_reason"])
        try w.ok(.scrap(serial: "WO-2003", count: 2, reason: "DIM"), "1001", "ST-10")
        var p = try w.part("WO-2003")
        #expect(p.quantity == 3 && p.scrapped == 2 && p.status == .queued)
        try w.ok(.scrap(serial: "WO-2003", count: nil, reason: "DIM"), "1001", "ST-10")
        p = try w.part("WO-2003")
        #expect(p.quantity == 0 && p.scrapped == 5 && p.status == .scrapped)
    }

    @Test func aSerialPartRunsTheWholeRoutingToDone() throws {
        var w = World()
        w.release(Fixtures.wo())
        for step in ["OP10", "OP20", "OP30", "OP40", "OP50"] {
            #expect(try w.part(s1).step == step)
            try w.passStep(s1)
        }
        let p = try w.part(s1)
        #expect(p.status == .done)
        #expect(p.step == "OP50")
        #expect(p.completions.map(\.step) == ["OP10", "OP20", "OP30", "OP40", "OP50"])
        #expect(p.completions.last?.next == nil)
        #expect(p.conflicts.isEmpty)
    }
}

/// rules.md, "Holds and dispositions" (dispositions).
@Suite struct DispositionTests {
    let s1 = "WO-1001-001"

    /// s1 running OP20 with an OOT hold from a bad bore.
    static func oot() throws -> (World, PartHeld) {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring("WO-1001-001", to: "OP20")
        try w.ok(.start(serial: "WO-1001-001"), "1002", "ST-20")
        let evs = try w.ok(.record(serial: "WO-1001-001", characteristic: "BORE", value: "12.03", gauge: nil), "1002", "ST-20")
        return (w, try #require(evs.compactMap(\.heldPayload).first))
    }

    func dispo(_ kind: DispositionKind, step: String? = nil, ref: String? = nil, scrap: String? = nil) -> Command {
        .disposition(serial: s1, kind: kind, reworkStep: step, reference: ref, scrapReason: scrap, note: "MRB")
    }

    @Test func useAsIsAndRepairNeedAReference() throws {
        var (w, hold) = try Self.oot()
        for kind in [DispositionKind.useAsIs, .repair] {
            for ref in [nil, "", "   ", "\n\t\n"] as [String?] {
                let r = try w.refused(dispo(kind, ref: ref), "2001", "ST-20")
                #expect(r.codes == ["needs_reference"], "\(kind) \(String(describing: ref))")
                #expect(r.message("needs_reference").contains(kind.rawValue))
            }
        }
        let evs = try w.ok(dispo(.useAsIs, ref: "ECR-2026-117"), "2001", "ST-20")
        guard case .dispositionDecided(let d)? = evs.first else { Issue.record("\(evs)"); return }
        #expect(d.holds == [hold.hold] && d.kind == .useAsIs && d.reference == "ECR-2026-117")
        let p = try w.part(s1)
        #expect(p.holds.isEmpty)
        #expect(p.status == .running && p.step == "OP20", "use as is carries on where it was")
        #expect(p.ncrs.first?.disposition == .useAsIs && p.ncrs.first?.dispositionBy == "2001" && p.ncrs.first?.reference == "ECR-2026-117")
        // Accepted: the part completes and goes on.
        try w.ok(.record(serial: s1, characteristic: "FLAT", value: "0.01", gauge: nil), "1002", "ST-20")
        #expect(try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1002", "ST-20").first?.completed?.next == "OP30")
    }

    @Test func reworkToANamedStepQueuesThePartThere() throws {
        var (w, _) = try Self.oot()
        #expect(try w.refused(dispo(.rework), "2001", "ST-20").codes == ["bad_rework_step"])
        #expect(try w.refused(dispo(.rework, step: "OP99"), "2001", "ST-20").codes == ["bad_rework_step"])
        try w.ok(dispo(.rework, step: "OP10"), "9001", "ST-20")
        let p = try w.part(s1)
        #expect(p.step == "OP10" && p.status == .queued && p.run == nil && p.holds.isEmpty)
        #expect(p.ncrs.first?.disposition == .rework && p.ncrs.first?.reworkStep == "OP10")
        #expect(p.labour.allSatisfy { $0.to != nil }, "labour closed")
        try w.ok(.start(serial: s1), "1001", "ST-10")
    }

    @Test func scrapDispositionScrapsThePart() throws {
        var (w, _) = try Self.oot()
        #expect(try w.refused(dispo(.scrap), "2001", "ST-20").codes == ["unknown_reason"])
        try w.ok(dispo(.scrap, scrap: "DIM"), "2001", "ST-20")
        let p = try w.part(s1)
        #expect(p.status == .scrapped && p.scrapped == 1 && p.holds.isEmpty && p.run == nil)
        #expect(try w.refused(.start(serial: s1), "1002", "ST-20").codes.contains("part_terminal"))
    }

    @Test func anOperatorMayNotDisposition() throws {
        var (w, _) = try Self.oot()
        let r = try w.refused(dispo(.useAsIs, ref: "ECR-1"), "1002", "ST-20")
        #expect(r.codes == ["insufficient_role"])
        #expect(r.message("insufficient_role").contains("disposition"))
    }

    @Test func aClosedDispositionCannotBeRedone() throws {
        var (w, hold) = try Self.oot()
        try w.ok(dispo(.useAsIs, ref: "ECR-1"), "2001", "ST-20")
        let r = try w.refused(dispo(.scrap, scrap: "DIM"), "9001", "ST-20")
        #expect(r.codes == ["no_hold"])
        // Folded: a disposition event for the closed hold (from another node) changes nothing.
        let before = try w.part(s1)
        w.append(.dispositionDecided(DispositionDecided(serial: s1, holds: [hold.hold], kind: .scrap, scrapReason: "DIM")), actor: "9001")
        let after = try w.part(s1)
        #expect(after.status == .running)
        #expect(after.ncrs == before.ncrs)
        #expect(after.ncrs.first?.disposition == .useAsIs)
        #expect(after.conflicts.count == before.conflicts.count + 1)
    }

    @Test func aDispositionClosesAnFPIFailure() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP20")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        try w.ok(.fpiFail(serial: s1, note: "profile offset"), "2001", "ST-20")
        #expect(try w.refused(.releaseHold(serial: s1, holds: nil, note: ""), "2001", "ST-20").codes == ["needs_disposition"])
        try w.ok(dispo(.rework, step: "OP20"), "2001", "ST-20")
        let p = try w.part(s1)
        #expect(p.holds.isEmpty && p.step == "OP20" && p.status == .queued)
        #expect(p.ncrs.map(\.reason) == ["FPI"])
    }
}
