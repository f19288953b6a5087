import Foundation
import Testing

@testable import MESCore

@Suite struct BoardRulesTests {
    func rec(_ e: DomainEvent, at ms: Int64, by actor: String = "101", seq: Int64) -> RecordedEvent {
        RecordedEvent(
            id: EventID(node: "n", epoch: "e", seq: seq), order: OrderKey(hlc: HLC(wall: ms, logical: 0), node: "n", seq: seq),
            actor: actor, event: e)
    }

    @Test func planIsCapacityAtStandardCappedByTheWorkThereWas() {
        let start: Int64 = 0
        // 2 h elapsed, 30 min planned stop, 6 min a piece: 90 / 6 = 15.
        #expect(BoardRules.planned(shiftStart: start, now: 7_200_000, plannedStopMinutes: 30, runMinutesPerPiece: 6) == 15)
        #expect(BoardRules.planned(shiftStart: start, now: 7_200_000, plannedStopMinutes: 30, runMinutesPerPiece: 6, available: 4) == 4)
        #expect(BoardRules.planned(shiftStart: start, now: 7_200_000, plannedStopMinutes: 0, runMinutesPerPiece: nil) == 0)
        #expect(BoardRules.planned(shiftStart: start, now: 7_200_000, plannedStopMinutes: 500, runMinutesPerPiece: 6) == 0)
    }

    @Test func staleWhenNeitherAChangeNorASyncWasSeenInTime() {
        #expect(!BoardRules.isStale(lastChange: 1_000, lastSync: nil, now: 60_000, after: 600))
        #expect(BoardRules.isStale(lastChange: 0, lastSync: nil, now: 601_000, after: 600))
        #expect(!BoardRules.isStale(lastChange: 0, lastSync: 500_000, now: 601_000, after: 600), "a recent sync keeps it live")
        #expect(BoardRules.isStale(lastChange: nil, lastSync: nil, now: 0, after: 600), "nothing seen at all")
        #expect(BoardRules.isStale(lastChange: 600_000, lastSync: nil, now: 601_000, after: 600, readFailed: true))
    }

    @Test func theShiftWindowFollowsThePlantCalendarAcrossMidnight() throws {
        let week: [Weekday] = [.mon, .tue, .wed, .thu, .fri]
        let plant = Fixtures.plant { p in
            p.timezone = "Europe/Berlin"
            p.shifts = [
                Shift(id: "DAY", start: ClockTime(minutes: 360), end: ClockTime(minutes: 840), days: week),
                Shift(id: "NIGHT", start: ClockTime(minutes: 1320), end: ClockTime(minutes: 360), days: week),
            ]
        }
        let cal = PlantCalendar(plant: plant)
        // Wednesday 2026-11-25 02:00 Berlin (01:00Z) belongs to Tuesday's NIGHT, 22:00 → 06:00.
        let w = BoardRules.shiftWindow(at: ISO8601.parse("2026-11-25T01:00:00Z")!, plant: plant, calendar: cal)
        #expect(w.label == "shift NIGHT")
        #expect(w.start == ISO8601.parse("2026-11-24T21:00:00Z")!.epochMillis)
        #expect(w.end == ISO8601.parse("2026-11-25T05:00:00Z")!.epochMillis)
        // Outside every shift: the local day.
        let d = BoardRules.shiftWindow(at: ISO8601.parse("2026-11-25T15:00:00Z")!, plant: plant, calendar: cal)
        #expect(d.label == "today" && d.start == ISO8601.parse("2026-11-24T23:00:00Z")!.epochMillis)
    }

    @Test func timeOutsideTheShiftsIsAPlannedStopForOEE() throws {
        let plant = Fixtures.plant { p in
            p.timezone = "Europe/Berlin"
            p.shifts = [Shift(id: "DAY", start: ClockTime(minutes: 360), end: ClockTime(minutes: 840), days: [.mon, .tue, .wed, .thu, .fri])]
        }
        let cal = PlantCalendar(plant: plant)
        // Tuesday 2026-11-24 in Berlin (UTC+1): on shift 06:00-14:00 only.
        let from = ISO8601.parse("2026-11-23T23:00:00Z")!.epochMillis, to = ISO8601.parse("2026-11-24T23:00:00Z")!.epochMillis
        let off = BoardRules.offShiftSpans(from: from, to: to, plant: plant, calendar: cal)
        #expect(off.map(\.start) == [from, ISO8601.parse("2026-11-24T13:00:00Z")!.epochMillis])
        #expect(off.map(\.end) == [ISO8601.parse("2026-11-24T05:00:00Z")!.epochMillis, to])
        #expect(off.allSatisfy { $0.planned })
        // By hand: 8 h on shift, 1 h unplanned down in it, 40 pieces at 6 min: A = 7/8, P = 240/420, Q = 1.
        let down = DowntimeSpanInput(
            start: ISO8601.parse("2026-11-24T07:00:00Z")!.epochMillis,
            end: ISO8601.parse("2026-11-24T08:00:00Z")!.epochMillis, planned: false)
        let f = KPI.oee(from: from, to: to, downtime: off + [down], counts: [ProductionCount(good: 40, scrap: 0, standardMinutes: 6)])
        #expect(f.plannedProductionMinutes == 480 && f.operatingMinutes == 420)
        #expect(abs(f.oee! - (7.0 / 8) * (240.0 / 420)) < 1e-9)
    }

    @Test func andonCallsAreOneAtATimeAndTheEarlierWins() {
        var a = AndonState(station: "S1")
        a.apply(rec(.andonCalled(AndonCalled(id: "A", station: "S1", kind: "quality")), at: 100, seq: 1))
        a.apply(rec(.andonCalled(AndonCalled(id: "B", station: "S1", kind: "help")), at: 200, seq: 2))
        #expect(a.open?.id == "A" && a.conflicts.count == 1)
        a.apply(rec(.andonAcknowledged(AndonAnswered(id: "B", station: "S1")), at: 250, by: "301", seq: 3))
        #expect(a.open?.acknowledgedBy == nil, "an answer to another call changes nothing")
        a.apply(rec(.andonAcknowledged(AndonAnswered(id: "A", station: "S1")), at: 300, by: "301", seq: 4))
        #expect(a.open?.acknowledgedBy == "301" && a.open?.acknowledgedAt == 300)
        a.apply(rec(.andonCleared(AndonAnswered(id: "A", station: "S1")), at: 400, seq: 5))
        #expect(a.open == nil)
    }

    @Test func signatureMeanings() {
        #expect(Signature.meaning(of: .dispositionDecided(DispositionDecided(serial: "S", holds: [], kind: .rework))) == "dispositioned (rework)")
        #expect(Signature.meaning(of: .fpiFailed(FPIVerdictEvent(key: FPIKey(rawValue: "WO|OP10"), serial: "S"))) == "rejected (first piece)")
        #expect(Signature.meaning(of: .stepStarted(StepStarted(serial: "S", step: "OP10", station: "K"))) == nil, "operator work is not a signature")
        #expect(Signature.meaning(of: Command.approveOverride(serial: "S", id: "O", validMinutes: 5)) == "approved (override)")
    }
}
