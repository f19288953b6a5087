import Foundation
import Testing

@testable import MESCore

/// OEE, FPY and Pareto against examples computed by hand.
@Suite("KPIs")
struct KPITests {
    let min: Int64 = 60_000

    @Test func oeeOfAnEightHourShift() {
        // 480 min shift; a 30 min planned meeting; 45 min of unplanned stops (30 + 15, one overlapping
        // the meeting by 0); 100 pieces at 3.5 standard minutes, 5 of them scrap.
        let f = KPI.oee(
            from: 0, to: 480 * min,
            downtime: [
                DowntimeSpanInput(start: 60 * min, end: 90 * min, planned: true),
                DowntimeSpanInput(start: 200 * min, end: 230 * min, planned: false),
                DowntimeSpanInput(start: 400 * min, end: 415 * min, planned: false),
            ],
            counts: [ProductionCount(good: 95, scrap: 5, standardMinutes: 3.5)])
        #expect(f.plannedProductionMinutes == 450)
        #expect(f.operatingMinutes == 405)
        #expect(f.availability == 0.9)  // 405 / 450
        #expect(abs(f.performance! - 350.0 / 405.0) < 1e-12)  // 0.8642
        #expect(f.quality == 0.95)  // 95 / 100
        #expect(abs(f.oee! - 0.9 * (350.0 / 405.0) * 0.95) < 1e-12)
        #expect(abs(f.oee! - 0.738888) < 1e-6)
    }

    @Test func downtimeIsClippedMergedAndOpenSpansRunToTheEnd() {
        // Overlapping unplanned stops count once; a stop from before the window counts from its
        // start; a stop still open counts to the end.
        let f = KPI.oee(
            from: 100 * min, to: 200 * min,
            downtime: [
                DowntimeSpanInput(start: 50 * min, end: 110 * min, planned: false),
                DowntimeSpanInput(start: 105 * min, end: 120 * min, planned: false),
                DowntimeSpanInput(start: 190 * min, end: nil, planned: false),
            ],
            counts: [])
        #expect(f.unplannedDownMinutes == 30)  // 100–120 and 190–200
        #expect(f.availability == 0.7)
        #expect(f.performance == 0)
        #expect(f.quality == nil && f.oee == nil)
    }

    @Test func overlapOfPlannedAndUnplannedCountsOnceAsPlanned() {
        let f = KPI.oee(
            from: 0, to: 100 * min,
            downtime: [
                DowntimeSpanInput(start: 0, end: 20 * min, planned: true),
                DowntimeSpanInput(start: 10 * min, end: 30 * min, planned: false),
            ],
            counts: [ProductionCount(good: 10, scrap: 0, standardMinutes: 7)])
        #expect(f.plannedDownMinutes == 20 && f.unplannedDownMinutes == 10)
        #expect(f.availability == 70.0 / 80.0)
        #expect(f.performance == 1.0)
        #expect(f.quality == 1.0)
    }

    @Test func noPlannedTimeMeansUndefinedNotZero() {
        let f = KPI.oee(from: 0, to: 60 * min, downtime: [DowntimeSpanInput(start: 0, end: 60 * min, planned: true)], counts: [])
        #expect(f.availability == nil && f.performance == nil && f.oee == nil)
    }

    @Test func firstPassYieldPerStepAndRolled() {
        // OP10: 10 pieces, 9 right first time; OP20: 9 pieces, 8 right; OP30: none yet.
        let outcomes =
            (0..<10).map { KPI.StepOutcome(step: "OP10", firstPass: $0 != 3) }
            + (0..<9).map { KPI.StepOutcome(step: "OP20", firstPass: $0 != 0) }
        let r = KPI.firstPassYield(outcomes, steps: ["OP10", "OP20", "OP30"])
        #expect(r.perStep.map(\.step) == ["OP10", "OP20", "OP30"])
        #expect(r.perStep[0].fpy == 0.9)
        #expect(r.perStep[1].fpy == 8.0 / 9.0)
        #expect(r.perStep[2].fpy == nil)
        #expect(abs(r.rolled! - 0.8) < 1e-12)  // 0.9 × 8/9
        #expect(KPI.firstPassYield([], steps: ["OP10"]).rolled == nil)
    }

    @Test func paretoLargestFirstWithCumulativeShares() {
        let rows = KPI.pareto(["BURR": 12, "DIM": 5, "TOOL": 3, "MAT": 0, "CHIP": 5])
        #expect(rows.map(\.reason) == ["BURR", "CHIP", "DIM", "TOOL"])  // ties by name
        #expect(rows.map(\.count) == [12, 5, 5, 3])
        #expect(rows[0].share == 0.48)
        #expect(abs(rows[1].cumulative - 0.68) < 1e-12)
        #expect(rows.last!.cumulative == 1.0)
        #expect(KPI.pareto([:]).isEmpty)
    }
}
