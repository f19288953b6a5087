import Foundation
import Testing

@testable import MESCore

/// rules.md, gate item 6: overrides.
@Suite struct OverrideTests {
    let s1 = "WO-1001-001", s2 = "WO-1001-002"

    /// WO-1001 released and put on hold by Dana.
    static func heldOrder() throws -> World {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.holdWorkOrder(number: "WO-1001", reason: "SUSPECT", note: "waiting on mill cert"), "9001", "ST-10")
        return w
    }

    /// Ana asks to override `blocker` on `serial`; Dana approves for `minutes`. Returns the id.
    static func approved(_ w: inout World, _ serial: String, _ blocker: BlockerKind, minutes: Int = 30) throws -> String {
        let req = try w.ok(.requestOverride(serial: serial, blocker: blocker, reason: "customer expedite, cert on file"), "1001", "ST-10")
        let id = try #require(req.overrideRequestID)
        try w.ok(.approveOverride(serial: serial, id: id, validMinutes: minutes), "9001", "ST-10")
        return id
    }

    @Test func anApprovedOverrideLiftsExactlyItsBlockerOnce() throws {
        var w = try Self.heldOrder()
        let id = try Self.approved(&w, s1, .workOrderOnHold)
        let o = try #require(try w.part(s1).overrides.first)
        #expect(o.status == .approved && o.approvedBy == "9001" && o.step == "OP10")

        let evs = try w.ok(.start(serial: s1), "1001", "ST-10")
        #expect(evs.contains(.overrideUsed(OverrideUsed(id: id, serial: s1))))
        if case .stepStarted(let e)? = evs.first { #expect(e.overrides == [id]) }
        #expect(try w.part(s1).overrides.first?.status == .used)
        // It lifted s1's blocker, not the order's: s2 is still refused.
        #expect(try w.refused(.start(serial: s2), "1001", "ST-10").codes == ["work_order_on_hold"])

        // Send s1 back to OP10 (rework disposition); a second start cannot use the override again.
        try w.ok(.hold(serial: s1, reason: "SUSPECT", note: "recut"), "2001", "ST-10")
        try w.ok(.disposition(serial: s1, kind: .rework, reworkStep: "OP10", reference: nil, scrapReason: nil, note: ""), "2001", "ST-10")
        #expect(try w.part(s1).status == .queued)
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["work_order_on_hold"])
    }

    @Test func anExpiredOverrideDoesNotLiftABlocker() throws {
        var w = try Self.heldOrder()
        let id = try Self.approved(&w, s1, .workOrderOnHold, minutes: 5)
        w.advance(minutes: 10)
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["work_order_on_hold"])
        #expect(try w.part(s1).overrides.first { $0.id == id }?.status == .approved, "not consumed")
    }

    @Test func anOverrideIsUsableUntilItsExpiry() throws {
        var w = try Self.heldOrder()
        _ = try Self.approved(&w, s1, .workOrderOnHold, minutes: 5)
        w.advance(minutes: 4)
        try w.ok(.start(serial: s1), "1001", "ST-10")
    }

    @Test func anUnapprovedOverrideDoesNotLiftABlocker() throws {
        var w = try Self.heldOrder()
        try w.ok(.requestOverride(serial: s1, blocker: .workOrderOnHold, reason: "customer expedite"), "1001", "ST-10")
        #expect(try w.refused(.start(serial: s1), "1001", "ST-10").codes == ["work_order_on_hold"])
    }

    @Test func skillAndCalibrationCannotBeOverridden() throws {
        var w = World()
        w.release(Fixtures.wo())
        for blocker in [BlockerKind.missingSkill, .calibrationExpired, .partOnHold, .partTerminal, .workOrderCancelled] {
            let r = try w.refused(.requestOverride(serial: s1, blocker: blocker, reason: "please, urgent job"), "1002", "ST-10")
            #expect(r.codes == ["not_overridable"], "\(blocker)")
            #expect(r.message("not_overridable").contains(blocker.rawValue))
        }
        #expect(!BlockerKind.missingSkill.overridable && !BlockerKind.calibrationExpired.overridable)
    }

    @Test func anOverrideForAnotherBlockerDoesNotLiftThisOne() throws {
        var w = try Self.heldOrder()
        let id = try Self.approved(&w, s1, .machineDown)
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["work_order_on_hold"])
        #expect(try w.part(s1).overrides.first { $0.id == id }?.status == .approved)
    }

    @Test func aMachineDownOverrideLiftsOnlyMachineDown() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.downtimeStart(reason: "SETUP"), "1001", "ST-10")
        _ = try Self.approved(&w, s1, .machineDown)
        try w.ok(.start(serial: s1), "1001", "ST-10")
        #expect(try w.refused(.start(serial: s2), "1001", "ST-10").codes == ["machine_down"])
    }

    @Test func theRequesterCannotApproveTheirOwn() throws {
        var w = try Self.heldOrder()
        let req = try w.ok(.requestOverride(serial: s1, blocker: .workOrderOnHold, reason: "customer expedite"), "9001", "ST-10")
        let id = try #require(req.overrideRequestID)
        let r = try w.refused(.approveOverride(serial: s1, id: id, validMinutes: 30), "9001", "ST-10")
        #expect(r.codes == ["own_request"])
        // An operator may not approve at all.
        #expect(try w.refused(.approveOverride(serial: s1, id: id, validMinutes: 30), "1001", "ST-10").codes == ["insufficient_role"])
        // Approving twice is refused.
        let req2 = try w.ok(.requestOverride(serial: s2, blocker: .workOrderOnHold, reason: "customer expedite"), "1001", "ST-10")
        let id2 = try #require(req2.overrideRequestID)
        try w.ok(.approveOverride(serial: s2, id: id2, validMinutes: 30), "9001", "ST-10")
        #expect(try w.refused(.approveOverride(serial: s2, id: id2, validMinutes: 30), "9001", "ST-10").codes == ["no_override"])
    }

    @Test func anOverrideRequestNeedsAReason() throws {
        var w = try Self.heldOrder()
        #expect(try w.refused(.requestOverride(serial: s1, blocker: .workOrderOnHold, reason: "  "), "1001", "ST-10").codes == ["needs_reason"])
    }
}

/// rules.md, "Holds and dispositions" (holds part).
@Suite struct HoldTests {
    let s1 = "WO-1001-001"

    @Test func aReleaseDoesNotLiftAHoldItDoesNotName() throws {
        var w = World()
        w.release(Fixtures.wo())
        let h1 = try #require(try w.ok(.hold(serial: s1, reason: "SUSPECT", note: "heat 4471"), "2001", "ST-10").holdID)
        let h2 = try #require(try w.ok(.hold(serial: s1, reason: "SUSPECT", note: "dropped on floor"), "9001", "ST-10").holdID)
        #expect(h1 != h2)
        let rel = try w.ok(.releaseHold(serial: s1, holds: [h1], note: "heat cleared"), "2001", "ST-10")
        #expect(rel == [.partHoldReleased(HoldReleased(subject: s1, holds: [h1], note: "heat cleared"))])
        let p = try w.part(s1)
        #expect(p.holds.map(\.id) == [h2])
        #expect(p.holds.first?.note == "dropped on floor")
        #expect(p.displayStatus == .hold)
        #expect(try w.refused(.start(serial: s1), "1001", "ST-10").codes == ["part_on_hold"])
    }

    @Test func aReleaseFoldedBeforeACrossingHoldLeavesThatHold() throws {
        // Node K2 releases h1 while K1 places h2 at about the same time: h2 survives in any order.
        var w = World()
        w.release(Fixtures.wo())
        let h1 = try #require(try w.ok(.hold(serial: s1, reason: "SUSPECT", note: ""), "2001", "ST-10").holdID)
        w.advance(minutes: 1)
        w.append(.partHeld(PartHeld(serial: s1, hold: "K1-H2", reason: "SUSPECT")), actor: "2001")
        let release = RecordedEvent(
            id: EventID(node: "K2", epoch: "E", seq: 1),
            order: OrderKey(hlc: HLC(wall: w.millis - 1), node: "K2", seq: 1), actor: "9001",
            event: .partHoldReleased(HoldReleased(subject: s1, holds: [h1])))
        for events in [w.events + [release], [release] + w.events.reversed()] {
            let p = try #require(PlantState.fold(events).parts[s1])
            #expect(p.holds.map(\.id) == ["K1-H2"])
        }
    }

    @Test func ootAndFPIHoldsNeedADisposition() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP20")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let evs = try w.ok(.record(serial: s1, characteristic: "BORE", value: "12.030", gauge: nil), "1002", "ST-20")
        let hold = try #require(evs.compactMap(\.heldPayload).first)
        #expect(hold.reason == "OOT")
        let ncr = try #require(hold.ncr)
        let r = try w.refused(.releaseHold(serial: s1, holds: [hold.hold], note: "looks fine"), "2001", "ST-20")
        #expect(r.codes == ["needs_disposition"])
        #expect(r.message("needs_disposition").contains(ncr))
        let all = try w.refused(.releaseHold(serial: s1, holds: nil, note: "release all"), "9001", "ST-20")
        #expect(all.codes == ["needs_disposition"], "\(all)")
        // A hold placed with reason FPI by hand also carries an NCR.
        let fpi = try #require(try w.ok(.hold(serial: s1, reason: "FPI", note: ""), "2001", "ST-20").compactMap(\.heldPayload).first)
        #expect(fpi.ncr != nil)
        #expect(try w.part(s1).holds.count == 2)
    }

    @Test func anOperatorCannotReleaseAHold() throws {
        var w = World()
        w.release(Fixtures.wo())
        let h = try #require(try w.ok(.hold(serial: s1, reason: "SUSPECT", note: ""), "1001", "ST-10").holdID)
        let r = try w.refused(.releaseHold(serial: s1, holds: [h], note: ""), "1001", "ST-10")
        #expect(r.codes == ["insufficient_role"])
        #expect(r.message("insufficient_role").contains("release a hold"))
        try w.ok(.releaseHold(serial: s1, holds: [h], note: ""), "2001", "ST-10")
        #expect(try w.part(s1).holds.isEmpty)
    }

    @Test func aHoldNeedsAKnownReasonCode() throws {
        var w = World()
        w.release(Fixtures.wo())
        let r = try w.refused(.hold(serial: s1, reason: "BORED", note: ""), "2001", "ST-10")
        #expect(r.codes == ["unknown_reason"])
        #expect(r.message("unknown_reason").contains("SUSPECT"))
    }

    @Test func releasingWithoutNamingReleasesEveryPlainHoldOpenNow() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.hold(serial: s1, reason: "SUSPECT", note: "a"), "2001", "ST-10")
        try w.ok(.hold(serial: s1, reason: "SUSPECT", note: "b"), "2001", "ST-10")
        let evs = try w.ok(.releaseHold(serial: s1, holds: nil, note: ""), "2001", "ST-10")
        if case .partHoldReleased(let e)? = evs.first { #expect(e.holds.count == 2) } else { Issue.record("\(evs)") }
        #expect(try w.part(s1).holds.isEmpty)
        #expect(try w.refused(.releaseHold(serial: s1, holds: nil, note: ""), "2001", "ST-10").codes == ["no_hold"])
    }
}
