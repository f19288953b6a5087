import Foundation
import Testing

@testable import MESCore

/// rules.md, "States": terminal states are never downgraded.
@Suite struct TerminalTests {
    let s1 = "WO-1001-001"

    @Test func terminalRanks() {
        #expect(PartStatus.scrapped.terminalRank > PartStatus.cancelled.terminalRank)
        #expect(PartStatus.cancelled.terminalRank > PartStatus.done.terminalRank)
        #expect(PartStatus.done.terminalRank > PartStatus.queued.terminalRank)
        #expect(PartStatus.allCases.filter(\.isTerminal) == [.done, .scrapped, .cancelled])
    }

    @Test func aStartFoldedOntoAScrappedPartIsAConflictAndChangesNothing() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.scrap(serial: s1, count: nil, reason: "MAT"), "1001", "ST-10")
        let before = try w.part(s1)
        w.advance(minutes: 1)
        w.append(.stepStarted(StepStarted(serial: s1, step: "OP10", station: "ST-10", equipment: "SAW-01")), actor: "1001")
        w.append(
            .measurementRecorded(
                MeasurementRecorded(
                    serial: s1, step: "OP10", characteristic: "X", value: .number(1),
                    inTolerance: true, station: "ST-10")), actor: "1001")
        w.append(.stepCompleted(StepCompleted(serial: s1, step: "OP10", station: "ST-10", next: "OP20")), actor: "1001")
        w.append(.scrapRecorded(ScrapRecorded(serial: s1, step: "OP10", count: 1, reason: "DIM", station: "ST-10")), actor: "1001")
        let after = try w.part(s1)
        #expect(after.status == .scrapped)
        #expect(after.step == before.step && after.run == nil && after.labour == before.labour)
        #expect(after.completions.isEmpty && after.scrapped == 1 && after.quantity == 0)
        #expect(after.firstStarts.isEmpty)
        #expect(after.conflicts.count == before.conflicts.count + 4)
        #expect(after.conflicts.first?.text.contains("scrapped") == true)
    }

    @Test func aDonePartMayStillBeScrappedButNotRestarted() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP50")
        try w.passStep(s1)
        #expect(try w.part(s1).status == .done)
        w.append(.stepStarted(StepStarted(serial: s1, step: "OP50", station: "ST-50")), actor: "1003")
        #expect(try w.part(s1).status == .done)
        // scrapped outranks done
        w.append(.scrapRecorded(ScrapRecorded(serial: s1, step: "OP50", count: 1, reason: "SURF", station: "ST-50")), actor: "2001")
        #expect(try w.part(s1).status == .scrapped)
        // and a later completion or rework never brings it back
        w.append(.partHeld(PartHeld(serial: s1, hold: "H-late", reason: "OOT", ncr: "NCR-late")), actor: "2001")
        w.append(.dispositionDecided(DispositionDecided(serial: s1, holds: ["H-late"], kind: .rework, reworkStep: "OP10")), actor: "2001")
        #expect(try w.part(s1).status == .scrapped)
        #expect(try w.part(s1).displayStatus == .scrapped)
    }

    @Test func effectiveStatusFoldsCancellationInByPrecedence() throws {
        var w = World()
        w.release(Fixtures.wo(qty: 3))
        let (done, scrapped, queued) = ("WO-1001-001", "WO-1001-002", "WO-1001-003")
        try w.bring(done, to: "OP50")
        try w.passStep(done)
        try w.ok(.scrap(serial: scrapped, count: nil, reason: "MAT"), "1001", "ST-10")
        try w.ok(.hold(serial: queued, reason: "SUSPECT", note: ""), "2001", "ST-10")
        try w.ok(.cancelWorkOrder(number: "WO-1001", reason: "customer cancelled"), "9001", "ST-10")
        let s = w.state
        let cancelled = try #require(s.workOrders["WO-1001"]).cancelled
        #expect(cancelled)
        #expect(s.parts[done]?.effectiveStatus(workOrderCancelled: cancelled) == .cancelled, "cancelled > done")
        #expect(s.parts[scrapped]?.effectiveStatus(workOrderCancelled: cancelled) == .scrapped, "scrapped > cancelled")
        #expect(s.parts[queued]?.effectiveStatus(workOrderCancelled: cancelled) == .cancelled, "cancelled > hold")
        #expect(s.parts[done]?.effectiveStatus(workOrderCancelled: false) == .done)
        #expect(s.parts[queued]?.effectiveStatus(workOrderCancelled: false) == .hold)
    }

    @Test func theDeciderRefusesActionsOnTerminalParts() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.scrap(serial: s1, count: nil, reason: "MAT"), "1001", "ST-10")
        #expect(try w.refused(.scrap(serial: s1, count: nil, reason: "MAT"), "1001", "ST-10").codes == ["part_terminal"])
        #expect(try w.refused(.hold(serial: s1, reason: "SUSPECT", note: ""), "2001", "ST-10").codes == ["part_terminal"])
        #expect(try w.refused(.consume(serial: s1, material: "AL6061-25", lot: "L", expiry: nil), "1001", "ST-10").codes == ["part_terminal"])
    }
}

/// rules.md, "Undo".
@Suite struct UndoTests {
    let s1 = "WO-1001-001"

    /// s1 has completed OP10 (by Ana); returns the completion's event id.
    static func completedOP10() throws -> (World, EventID) {
        var w = World()
        w.release(Fixtures.wo())
        try w.passStep("WO-1001-001")
        let c = try #require(try w.part("WO-1001-001").lastCompletion)
        return (w, c.event)
    }

    @Test func ownCompletionWithinFifteenMinutesWithNothingSinceMayBeUndone() throws {
        var (w, completion) = try Self.completedOP10()
        w.advance(minutes: 14)
        let evs = try w.ok(.undo(serial: s1, reason: "scanned the wrong traveler"), "1001", "ST-10")
        #expect(
            evs == [
                .stepUndone(
                    StepUndone(
                        serial: s1, step: "OP10", completion: completion, approvedBy: nil,
                        reason: "scanned the wrong traveler"))
            ])
        let p = try w.part(s1)
        #expect(p.step == "OP10" && p.status == .paused)
        #expect(p.run?.lots["AL6061-25"] != nil, "the run is back as it was")
        #expect(p.completions.count == 1 && p.completions[0].undone, "the undone record stays in history, marked undone")
        #expect(p.lastCompletion == nil)
        // It resumes and completes again.
        try w.ok(.start(serial: s1), "1001", "ST-10")
        try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        let q = try w.part(s1)
        #expect(q.completions.map(\.undone) == [true, false])
        #expect(q.step == "OP20")
    }

    @Test func afterSixteenMinutesAnUndoNeedsASupervisor() throws {
        var (w, completion) = try Self.completedOP10()
        w.advance(minutes: 16)
        let r = try w.refused(.undo(serial: s1, reason: "oops"), "1001", "ST-10")
        #expect(r.codes == ["needs_approval"])
        #expect(r.message("needs_approval").contains("supervisor"))
        let evs = try w.ok(.undo(serial: s1, reason: "oops"), "9001", "ST-10")
        #expect(evs == [.stepUndone(StepUndone(serial: s1, step: "OP10", completion: completion, approvedBy: "9001", reason: "oops"))])
        #expect(try w.part(s1).status == .paused)
    }

    @Test func someoneElsesCompletionNeedsASupervisor() throws {
        var (w, _) = try Self.completedOP10()
        #expect(try w.refused(.undo(serial: s1, reason: ""), "1002", "ST-10").codes == ["needs_approval"])
        #expect(try w.refused(.undo(serial: s1, reason: ""), "2001", "ST-10").codes == ["needs_approval"])
    }

    @Test func somethingHappenedSinceNeedsASupervisor() throws {
        var (w, _) = try Self.completedOP10()
        let h = try #require(try w.ok(.hold(serial: s1, reason: "SUSPECT", note: ""), "2001", "ST-10").holdID)
        try w.ok(.releaseHold(serial: s1, holds: [h], note: ""), "2001", "ST-10")
        #expect(try w.refused(.undo(serial: s1, reason: ""), "1001", "ST-10").codes == ["needs_approval"])
        let approved = try w.ok(.undo(serial: s1, reason: ""), "9001", "ST-10")
        if case .stepUndone(let u)? = approved.first { #expect(u.approvedBy == "9001") } else { Issue.record("\(approved)") }
    }

    @Test func afterThePartStartedTheNextStepUndoIsRefused() throws {
        var (w, _) = try Self.completedOP10()
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let r = try w.refused(.undo(serial: s1, reason: ""), "1001", "ST-10")
        #expect(r.codes == ["moved_on"])
        #expect(r.message("moved_on").contains("OP10"))
        #expect(try w.refused(.undo(serial: s1, reason: ""), "9001", "ST-10").codes == ["moved_on"])
    }

    @Test func undoOfABatchCompletionRestoresItsCounts() throws {
        var w = World()
        w.release(Fixtures.wo("WO-2001", qty: 10, tracking: .batch))
        try w.ok(.start(serial: "WO-2001"), "1001", "ST-10")
        try w.fillStep("WO-2001", "1001", "ST-10")
        try w.ok(.complete(serial: "WO-2001", good: 8, scrap: 2, scrapReason: "DIM"), "1001", "ST-10")
        #expect(try w.part("WO-2001").quantity == 8)
        try w.ok(.undo(serial: "WO-2001", reason: "counted wrong"), "1001", "ST-10")
        let p = try w.part("WO-2001")
        #expect(p.quantity == 10 && p.scrapped == 0 && p.step == "OP10" && p.status == .paused)
        try w.ok(.resume(serial: "WO-2001"), "1001", "ST-10")
        try w.ok(.complete(serial: "WO-2001", good: 9, scrap: 1, scrapReason: "SURF"), "1001", "ST-10")
        #expect(try w.part("WO-2001").quantity == 9)
    }

    @Test func nothingToUndo() throws {
        var w = World()
        w.release(Fixtures.wo())
        #expect(try w.refused(.undo(serial: s1, reason: ""), "1001", "ST-10").codes == ["nothing_to_undo"])
    }

    @Test func undoOfTheLastStepReopensADonePart() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP50")
        try w.passStep(s1)
        #expect(try w.part(s1).status == .done)
        try w.ok(.undo(serial: s1, reason: "label misprint"), "1003", "ST-50")
        let p = try w.part(s1)
        #expect(p.status == .paused && p.step == "OP50")
    }
}

/// rules.md, "Downtime and labour".
@Suite struct LabourTests {
    let m = 60_000 as Int64

    func seconds(_ shares: [LabourShare], _ person: String, _ serial: String) -> Double {
        shares.filter { $0.person == person && $0.serial == serial }.reduce(0) { $0 + $1.seconds }
    }

    @Test func onePersonOnTwoPartsAtOnceSplitsTheTime() {
        let segs = [
            LabourSegment(person: "1001", serial: "A", step: "OP10", from: 0, to: 10 * m),
            LabourSegment(person: "1001", serial: "B", step: "OP10", from: 0, to: 20 * m),
        ]
        let s = Labour.split(segs, now: 99 * m)
        #expect(seconds(s, "1001", "A") == 300)
        #expect(seconds(s, "1001", "B") == 300 + 600)
        #expect(s.reduce(0) { $0 + $1.seconds } == 1200, "the person's 20 minutes, no more")
    }

    @Test func twoPeopleOnOnePartEachGetTheirOwn() {
        let segs = [
            LabourSegment(person: "1001", serial: "A", step: "OP20", from: 0, to: 10 * m),
            LabourSegment(person: "1002", serial: "A", step: "OP20", from: 0, to: 10 * m),
        ]
        let s = Labour.split(segs, now: 99 * m)
        #expect(seconds(s, "1001", "A") == 600)
        #expect(seconds(s, "1002", "A") == 600)
    }

    @Test func anOpenSegmentRunsUntilNow() {
        let s = Labour.split([LabourSegment(person: "1001", serial: "A", step: "OP10", from: 0)], now: 5 * m)
        #expect(s == [LabourShare(person: "1001", serial: "A", step: "OP10", seconds: 300)])
    }

    @Test func pauseStopsTheClockEndToEnd() throws {
        var w = World()
        w.release(Fixtures.wo())
        let s1 = "WO-1001-001"
        try w.ok(.start(serial: s1), "1001", "ST-10")
        try w.ok(.consume(serial: s1, material: "AL6061-25", lot: "L1", expiry: nil), "1001", "ST-10")
        w.advance(minutes: 10)
        try w.ok(.pause(serial: s1, reason: "break"), "1001", "ST-10")
        w.advance(minutes: 20)
        try w.ok(.resume(serial: s1), "1001", "ST-10")
        w.advance(minutes: 5)
        try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        let p = try w.part(s1)
        let s = Labour.split(p.labour, now: w.millis + 3_600_000)
        #expect(s == [LabourShare(person: "1001", serial: s1, step: "OP10", seconds: 15 * 60)])
    }

    @Test func twoPartsAtOnceEndToEnd() throws {
        var w = World()
        w.release(Fixtures.wo())
        let a = "WO-1001-001", b = "WO-1001-002"
        for s in [a, b] {
            try w.ok(.start(serial: s), "1001", "ST-10")
            try w.ok(.consume(serial: s, material: "AL6061-25", lot: "L1", expiry: nil), "1001", "ST-10")
        }
        w.advance(minutes: 10)
        try w.ok(.complete(serial: a, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        w.advance(minutes: 10)
        try w.ok(.complete(serial: b, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        let st = w.state
        let s = Labour.split(st.parts[a]!.labour + st.parts[b]!.labour, now: w.millis)
        #expect(seconds(s, "1001", a) == 300)
        #expect(seconds(s, "1001", b) == 900)
    }

    @Test func downtimeReasonsKnowPlannedFromUnplanned() {
        let ix = PlantIndex(Fixtures.plant())
        #expect(ix.downtimeReasons["PM"]?.planned == true)
        #expect(ix.downtimeReasons["MECH"]?.planned == false)
    }

    @Test func downtimeNeedsAKnownReason() throws {
        var w = World()
        w.release(Fixtures.wo())
        #expect(try w.refused(.downtimeStart(reason: "NAP"), "1001", "ST-10").codes == ["unknown_reason"])
        #expect(try w.refused(.downtimeEnd, "1001", "ST-10").codes == ["not_down"])
    }
}

/// plant-file.md, shifts: a shift past midnight belongs to the day it started.
@Suite struct ShiftTests {
    let cal = PlantCalendar(timeZone: TimeZone(identifier: "America/Chicago")!)

    func shift(_ iso: String) -> String? { cal.shift(at: Fixtures.date(iso), shifts: Fixtures.shifts)?.description }

    @Test func nightPastMidnightBelongsToTheDayItStarted() {
        // Wednesday 2026-11-25 02:00 CST = 08:00Z
        #expect(shift("2026-11-25T08:00:00Z") == "NIGHT 2026-11-24")
        #expect(shift("2026-11-25T05:00:00Z") == "NIGHT 2026-11-24")  // Tue 23:00
        #expect(shift("2026-11-25T11:59:00Z") == "NIGHT 2026-11-24")  // Wed 05:59
        #expect(shift("2026-11-25T12:00:00Z") == "DAY 2026-11-25")  // Wed 06:00
        // Monday 02:00 belongs to Sunday's NIGHT.
        #expect(shift("2026-11-30T08:00:00Z") == "NIGHT 2026-11-29")
    }

    @Test func dayAndSwingBoundaries() {
        #expect(shift("2026-11-24T15:00:00Z") == "DAY 2026-11-24")  // Tue 09:00
        #expect(shift("2026-11-24T20:29:00Z") == "DAY 2026-11-24")  // 14:29
        #expect(shift("2026-11-24T20:30:00Z") == "SWING 2026-11-24")  // 14:30
        #expect(shift("2026-11-25T04:59:00Z") == "SWING 2026-11-24")  // 22:59
    }

    @Test func aSaturdayHourHasNoShift() {
        #expect(shift("2026-11-28T16:00:00Z") == nil)  // Sat 10:00
        #expect(shift("2026-11-28T08:00:00Z") == nil)  // Sat 02:00: Friday has no NIGHT
        #expect(shift("2026-11-29T16:00:00Z") == nil)  // Sun 10:00
        #expect(shift("2026-11-30T05:30:00Z") == "NIGHT 2026-11-29")  // Sun 23:30
    }

    @Test func plantCalendarUsesThePlantTimeZone() {
        let c = PlantCalendar(plant: Fixtures.plant())
        #expect(c.localDate(Fixtures.date("2026-11-25T05:30:00Z")) == Fixtures.d("2026-11-24"))
        #expect(c.minuteOfDay(Fixtures.t0) == 9 * 60)
    }
}
