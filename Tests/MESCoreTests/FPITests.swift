import Foundation
import Testing

@testable import MESCore

/// rules.md, "First piece inspection (FPI)". OP20 of BRK-7741 v3 is `first_piece: per_shift`.
@Suite struct FPITests {
    static let dayKey = FPIKey(rawValue: "WO-1001|OP20|shift=DAY@2026-11-24")
    static let swingKey = FPIKey(rawValue: "WO-1001|OP20|shift=SWING@2026-11-24")
    let s1 = "WO-1001-001", s2 = "WO-1001-002", s3 = "WO-1001-003", s4 = "WO-1001-004"

    /// A world with `n` parts of WO-1001 queued at OP20.
    static func atOP20(_ n: Int, plant: Plant = Fixtures.plant()) throws -> World {
        var w = World(plant: plant)
        w.release(Fixtures.wo(qty: 5))
        for i in 1...n { try w.bring(String(format: "WO-1001-%03d", i), to: "OP20") }
        return w
    }

    @Test func firstPartStartedBecomesTheFirstPiece() throws {
        var w = try Self.atOP20(2)
        let evs = try w.ok(.start(serial: s1), "1002", "ST-20")
        #expect(evs.compactMap(\.designatedKey) == [Self.dayKey])
        if case .stepStarted(let e)? = evs.first { #expect(e.fpiKey == Self.dayKey) } else { Issue.record("no start") }
        let f = try #require(w.state.fpis[Self.dayKey])
        #expect(f.firstPiece == s1)
        #expect(f.verdict == .pending)
    }

    @Test func aSecondPartUnderTheSameKeyWaitsForTheFirstPiece() throws {
        var w = try Self.atOP20(2)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        // Same key (work order, step, DAY shift of 2026-11-24), whatever the machine.
        let r = try w.refused(.start(serial: s2), "1001", "ST-21")
        #expect(r.codes == ["waiting_first_piece"])
        #expect(r.message("waiting_first_piece").contains(s1))
    }

    @Test func aPassByAnInspectorUnlocks() throws {
        var w = try Self.atOP20(2)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let evs = try w.ok(.fpiPass(serial: s1), "2001", "ST-20")
        #expect(evs == [.fpiPassed(FPIVerdictEvent(key: Self.dayKey, serial: s1))])
        #expect(w.state.fpis[Self.dayKey]?.verdict == .passed)
        #expect(w.state.fpis[Self.dayKey]?.decidedBy == "2001")
        let started = try w.ok(.start(serial: s2), "1001", "ST-21")
        #expect(!started.contains(where: { $0.isFPIDesignated }), "a second part is not a new first piece")
    }

    @Test func aPassOnAnotherShiftDoesNotUnlock() throws {
        var w = try Self.atOP20(3)
        try w.ok(.start(serial: s1), "1002", "ST-20")  // first piece of DAY
        w.now = Fixtures.date("2026-11-24T21:00:00Z")  // 15:00 CST: SWING
        // In SWING there is no verdict yet: the next part started is SWING's first piece.
        let evs = try w.ok(.start(serial: s2), "1001", "ST-21")
        #expect(evs.compactMap(\.designatedKey) == [Self.swingKey])
        // DAY's first piece is passed now (late): it must not count for SWING.
        try w.ok(.fpiPass(serial: s1), "2001", "ST-20")
        #expect(w.state.fpis[Self.dayKey]?.verdict == .passed)
        #expect(w.state.fpis[Self.swingKey]?.verdict == .pending)
        let r = try w.refused(.start(serial: s3), "1002", "ST-20")
        #expect(r.codes == ["waiting_first_piece"])
        #expect(r.message("waiting_first_piece").contains(s2))
    }

    @Test func aPassedDayFirstPieceDoesNotCoverSwing() throws {
        var w = try Self.atOP20(3)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        try w.ok(.fpiPass(serial: s1), "2001", "ST-20")
        try w.ok(.start(serial: s2), "1001", "ST-21")  // DAY is passed: no designation
        w.now = Fixtures.date("2026-11-24T21:00:00Z")
        let evs = try w.ok(.start(serial: s3), "1002", "ST-20")
        #expect(evs.compactMap(\.designatedKey) == [Self.swingKey], "SWING needs its own first piece")
    }

    @Test func aWaiveUnlocksExactlyLikeAPass() throws {
        func outcome(_ verdict: (inout World) throws -> Void) throws -> (codes: [String], designated: Bool, unlocks: Bool?) {
            var w = try Self.atOP20(3)
            try w.ok(.start(serial: s1), "1002", "ST-20")
            try verdict(&w)
            let r = try w.run(.start(serial: s2), badge: "1001", station: "ST-21")
            return (
                r.refusal?.codes ?? [], r.events?.contains(where: { $0.isFPIDesignated }) ?? false,
                w.state.fpis[Self.dayKey]?.verdict?.unlocks
            )
        }
        let passed = try outcome { w in try w.ok(.fpiPass(serial: s1), "2001", "ST-20") }
        let waived = try outcome { w in try w.ok(.fpiWaive(serial: s1, reason: "identical to lot 4471 FAI, CMM report 88"), "2001", "ST-20") }
        #expect(passed.codes == [] && waived.codes == [])
        #expect(passed.designated == false && waived.designated == false)
        #expect(passed.unlocks == true && waived.unlocks == true)

        var w = try Self.atOP20(1)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        try w.ok(.fpiWaive(serial: s1, reason: "customer deviation CD-1207"), "2001", "ST-20")
        #expect(w.state.fpis[Self.dayKey]?.verdict == .waived)
        #expect(w.state.fpis[Self.dayKey]?.reason == "customer deviation CD-1207")
    }

    @Test func aWaiveNeedsAReasonOfTenCharactersOrMore() throws {
        var w = try Self.atOP20(1)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        for short in ["", "too short", "   ok ok   ", "\n\n\n\n\n\n\n\n\n\n\n\n", "\t \n \t \n \t \n"] {
            let r = try w.refused(.fpiWaive(serial: s1, reason: short), "2001", "ST-20")
            #expect(r.codes == ["reason_too_short"], "reason \"\(short)\"")
            #expect(r.message("reason_too_short").contains("10"))
        }
        try w.ok(.fpiWaive(serial: s1, reason: "0123456789"), "2001", "ST-20")
    }

    @Test func whoWorkedOnTheFirstPieceCannotDecideIt() throws {
        // An inspector who can also mill.
        let plant = Fixtures.plant { p in p.people.append(Person(badge: "2002", name: "Ines Park", role: .inspector, skills: ["MILL"])) }
        var w = try Self.atOP20(1, plant: plant)
        try w.ok(.start(serial: s1), "2002", "ST-20")
        for cmd in [Command.fpiPass(serial: s1), .fpiFail(serial: s1, note: "x"), .fpiWaive(serial: s1, reason: "long enough reason")] {
            let r = try w.refused(cmd, "2002", "ST-20")
            #expect(r.codes == ["worked_on_piece"])
            #expect(r.message("worked_on_piece").contains("Ines"))
        }
        // Another inspector or higher may.
        try w.ok(.fpiPass(serial: s1), "9001", "ST-20")
    }

    @Test func anOperatorCannotDecideAFirstPiece() throws {
        var w = try Self.atOP20(1)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        // Chiara never touched the part: only her role is wrong.
        #expect(try w.refused(.fpiPass(serial: s1), "1003", "ST-20").codes == ["insufficient_role"])
        // Bo ran it: both reasons are listed.
        #expect(try w.refused(.fpiPass(serial: s1), "1002", "ST-20").codes == ["insufficient_role", "worked_on_piece"])
        #expect(w.state.fpis[Self.dayKey]?.verdict == .pending)
    }

    @Test func aPartThatIsNotAPendingFirstPieceCannotBeDecided() throws {
        var w = try Self.atOP20(2)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        #expect(try w.refused(.fpiPass(serial: s2), "2001", "ST-20").codes == ["not_first_piece"])
        try w.ok(.fpiPass(serial: s1), "2001", "ST-20")
        #expect(try w.refused(.fpiPass(serial: s1), "2001", "ST-20").codes == ["not_first_piece"], "decided once")
    }

    @Test func aFailHoldsTheFirstPieceAndTheNextPartBecomesTheNewFirstPiece() throws {
        var w = try Self.atOP20(3)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let evs = try w.ok(.fpiFail(serial: s1, note: "bore 12.03 oversize"), "2001", "ST-20")
        #expect(evs.first == .fpiFailed(FPIVerdictEvent(key: Self.dayKey, serial: s1, reason: "bore 12.03 oversize")))
        let held = try #require(evs.compactMap(\.heldPayload).first)
        #expect(held.reason == "FPI")
        #expect(held.ncr != nil)
        let p1 = try w.part(s1)
        #expect(p1.holds.map(\.reason) == ["FPI"])
        #expect(p1.displayStatus == .hold)
        #expect(p1.ncrs.count == 1)

        let next = try w.ok(.start(serial: s2), "1001", "ST-21")
        #expect(next.compactMap(\.designatedKey) == [Self.dayKey])
        let f = try #require(w.state.fpis[Self.dayKey])
        #expect(f.firstPiece == s2)
        #expect(f.verdict == .pending)
        #expect(f.failed == [s1])
        let r = try w.refused(.start(serial: s3), "1002", "ST-20")
        #expect(r.codes == ["waiting_first_piece"])
        #expect(r.message("waiting_first_piece").contains(s2))
    }

    @Test func aFirstPieceScrappedBeforeItsInspectionFailsAndTheNextPartBecomesTheFirstPiece() throws {
        // rules.md: other parts wait "until the first piece is passed or waived"; a fail makes the
        // next part started the new first piece. A first piece scrapped while waiting has failed:
        // the scrap records it, or every other part of the key would wait for ever.
        var w = try Self.atOP20(2)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let scrap = try w.ok(.scrap(serial: s1, count: nil, reason: "SURF"), "1002", "ST-20")
        #expect(
            scrap.contains {
                if case .fpiFailed(let e) = $0 { return e.serial == s1 && e.key == Self.dayKey }; return false
            })
        #expect(w.state.fpis[Self.dayKey]?.verdict == .failed)
        // Nothing is left to decide on it.
        #expect(try w.refused(.fpiFail(serial: s1, note: "again"), "2001", "ST-20").codes == ["not_first_piece"])
        let next = try w.run(.start(serial: s2), badge: "1001", station: "ST-21")
        #expect(next.events?.compactMap(\.designatedKey) == [Self.dayKey], "the next part becomes the first piece: \(next)")
    }

    @Test func perEquipmentPassOnOneMachineDoesNotCountOnAnother() throws {
        let plant = Fixtures.plant { p in Fixtures.editStep(&p, "OP20") { $0.firstPiece = .perEquipment } }
        var w = try Self.atOP20(4, plant: plant)
        let k1 = FPIKey(rawValue: "WO-1001|OP20|eq=VF2-01"), k2 = FPIKey(rawValue: "WO-1001|OP20|eq=VF2-02")
        #expect(try w.ok(.start(serial: s1), "1002", "ST-20").compactMap(\.designatedKey) == [k1])
        try w.ok(.fpiPass(serial: s1), "2001", "ST-20")
        #expect(try w.ok(.start(serial: s2), "1002", "ST-20").compactMap(\.designatedKey) == [])
        // VF2-02 has no verdict: its first part is its own first piece, and the next one waits.
        #expect(try w.ok(.start(serial: s3), "1001", "ST-21").compactMap(\.designatedKey) == [k2])
        let r = try w.refused(.start(serial: s4), "1001", "ST-21")
        #expect(r.codes == ["waiting_first_piece"])
        #expect(r.message("waiting_first_piece").contains(s3))
        #expect(r.message("waiting_first_piece").contains("VF2-02"))
    }

    @Test func perOperatorKeysOnThePerson() throws {
        let plant = Fixtures.plant { p in Fixtures.editStep(&p, "OP20") { $0.firstPiece = .perOperator } }
        var w = try Self.atOP20(3, plant: plant)
        #expect(try w.ok(.start(serial: s1), "1002", "ST-20").compactMap(\.designatedKey) == [FPIKey(rawValue: "WO-1001|OP20|op=1002")])
        #expect(try w.ok(.start(serial: s2), "1001", "ST-21").compactMap(\.designatedKey) == [FPIKey(rawValue: "WO-1001|OP20|op=1001")])
        #expect(try w.refused(.start(serial: s3), "1001", "ST-21").codes == ["waiting_first_piece"])
    }

    @Test func nightShiftPastMidnightKeepsItsKey() throws {
        var w = try Self.atOP20(2)
        w.now = Fixtures.date("2026-11-25T05:30:00Z")  // Tue 23:30 CST
        let night = FPIKey(rawValue: "WO-1001|OP20|shift=NIGHT@2026-11-24")
        #expect(try w.ok(.start(serial: s1), "1002", "ST-20").compactMap(\.designatedKey) == [night])
        try w.ok(.fpiPass(serial: s1), "2001", "ST-20")
        w.now = Fixtures.date("2026-11-25T08:00:00Z")  // Wed 02:00 CST, still Tuesday's NIGHT
        #expect(try w.ok(.start(serial: s2), "1001", "ST-21").compactMap(\.designatedKey) == [])
    }

    @Test func fpiKeyMakeNamesTheFullScope() {
        let day = ShiftInstance(shift: "DAY", date: Fixtures.d("2026-11-24"))
        func key(_ s: FirstPieceScope, shift: ShiftInstance? = day) -> String? {
            FPIKey.make(
                scope: s, workOrder: "WO-1", step: "OP20", shift: shift, localDate: Fixtures.d("2026-11-28"),
                equipment: "VF2-01", person: "1001")?.rawValue
        }
        #expect(key(.none) == nil)
        #expect(key(.perWorkOrder) == "WO-1|OP20")
        #expect(key(.perShift) == "WO-1|OP20|shift=DAY@2026-11-24")
        #expect(key(.perShift, shift: nil) == "WO-1|OP20|shift=-@2026-11-28")
        #expect(key(.perEquipment) == "WO-1|OP20|eq=VF2-01")
        #expect(key(.perOperator) == "WO-1|OP20|op=1001")
    }
}
