import Foundation
import Testing

@testable import MESCore

/// rules.md, "Completing a step": tolerance, OOT holds, rework, gauges.
@Suite struct MeasurementTests {
    let s1 = "WO-1001-001"
    let bore = Characteristic(id: "BORE", name: "Bore", unit: "mm", nominal: 12, lower: 11.990, upper: 12.018)

    func v(_ c: Characteristic, _ x: Double) -> Verdict { Tolerance.verdict(c, .number(x)) }

    @Test func limitsAreInclusive() {
        #expect(v(bore, 11.990) == .inTolerance)
        #expect(v(bore, 12.018) == .inTolerance)
        #expect(v(bore, 12.000) == .inTolerance)
        #expect(v(bore, 11.9899) == .low)
        #expect(v(bore, 12.0181) == .high)
        // The parsed text of a limit is exactly the limit.
        #expect(Tolerance.verdict(bore, Tolerance.parseValue("11.990", kind: .variable)!) == .inTolerance)
        #expect(Tolerance.verdict(bore, Tolerance.parseValue("12,018", kind: .variable)!) == .inTolerance)
    }

    @Test func aMissingLimitDoesNotBound() {
        let flat = Characteristic(id: "FLAT", name: "Flatness", upper: 0.05)
        #expect(v(flat, 0.05) == .inTolerance)
        #expect(v(flat, -1000) == .inTolerance)
        #expect(v(flat, 0.0501) == .high)
        let min3 = Characteristic(id: "WALL", name: "Wall", lower: 3)
        #expect(v(min3, 3) == .inTolerance)
        #expect(v(min3, 1e9) == .inTolerance)
        #expect(v(min3, 2.999) == .low)
    }

    @Test func aVariableWithNoLimitsIsNeverInTolerance() {
        let none = Characteristic(id: "X", name: "No limits", nominal: 5)
        for x in [0.0, 5, -5, 1e9] {
            #expect(v(none, x) == .noLimits)
            #expect(!v(none, x).isGood)
        }
        #expect(Tolerance.limitsText(none) == "no limits")
    }

    @Test func passFailChecks() {
        let edges = Characteristic(id: "EDGES", name: "Edges", kind: .passFail)
        #expect(Tolerance.verdict(edges, .passFail(true)) == .passed)
        #expect(Tolerance.verdict(edges, .passFail(false)) == .failed)
        #expect(Tolerance.verdict(edges, .passFail(true)).isGood)
        #expect(!Tolerance.verdict(edges, .passFail(false)).isGood)
        #expect(Tolerance.parseValue("ok", kind: .passFail) == .passFail(true))
        #expect(Tolerance.parseValue("NG", kind: .passFail) == .passFail(false))
        #expect(Tolerance.parseValue("maybe", kind: .passFail) == nil)
    }

    @Test func valueTextParsing() {
        #expect(Tolerance.parseValue(" 12.005 ", kind: .variable) == .number(12.005))
        #expect(Tolerance.parseValue("12,005", kind: .variable) == .number(12.005))
        for bad in ["", "abc", "12.0.1", "nan", "inf", "1e999"] {
            #expect(Tolerance.parseValue(bad, kind: .variable) == nil, "\"\(bad)\"")
        }
    }

    @Test func anOutOfToleranceValueHoldsThePartWithOOT() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP20")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let evs = try w.ok(.record(serial: s1, characteristic: "BORE", value: "12.019", gauge: "CAL-017"), "1002", "ST-20")
        guard case .measurementRecorded(let m)? = evs.first else { Issue.record("\(evs)"); return }
        #expect(m.inTolerance == false)
        #expect(m.value == .number(12.019))
        #expect(m.gauge == "CAL-017")
        let hold = try #require(evs.compactMap(\.heldPayload).first)
        #expect(hold.reason == "OOT" && hold.step == "OP20" && hold.ncr != nil)
        #expect(hold.note.contains("HIGH"))
        let p = try w.part(s1)
        #expect(p.displayStatus == .hold)
        #expect(p.ncrs.map(\.reason) == ["OOT"])
        #expect(p.run?.measurements["BORE"]?.inTolerance == false)
        // A second out-of-tolerance value on the same step does not stack another OOT hold.
        let again = try w.ok(.record(serial: s1, characteristic: "FLAT", value: "0.2", gauge: nil), "1002", "ST-20")
        #expect(again.compactMap(\.heldPayload).isEmpty)
        // The part cannot complete while held.
        try w.ok(.record(serial: s1, characteristic: "FLAT", value: "0.01", gauge: nil), "1002", "ST-20")
        let r = try w.refused(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1002", "ST-20")
        #expect(r.codes == ["part_on_hold"])
    }

    @Test func aFailedPassFailCheckHoldsThePart() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP30")
        try w.ok(.start(serial: s1), "1003", "ST-30")
        let evs = try w.ok(.record(serial: s1, characteristic: "edges", value: "FAIL", gauge: nil), "1003", "ST-30")
        #expect(evs.compactMap(\.heldPayload).first?.reason == "OOT")
        #expect(try w.part(s1).isOnHold)
    }

    @Test func anInToleranceValueDoesNotHold() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP20")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let evs = try w.ok(.record(serial: s1, characteristic: "BORE", value: "11.990", gauge: nil), "1002", "ST-20")
        #expect(evs.count == 1)
        #expect(try !w.part(s1).isOnHold)
    }

    @Test func onFailReworkSendsThePartBackWithoutAHold() throws {
        let plant = Fixtures.plant { p in Fixtures.editStep(&p, "OP20") { $0.onFail = .rework(step: "OP10") } }
        var w = World(plant: plant)
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP20")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let evs = try w.ok(.record(serial: s1, characteristic: "BORE", value: "12.030", gauge: nil), "1002", "ST-20")
        #expect(evs.compactMap(\.heldPayload).isEmpty, "rework steps do not hold")
        #expect(try !w.part(s1).isOnHold)
        try w.ok(.record(serial: s1, characteristic: "FLAT", value: "0.01", gauge: nil), "1002", "ST-20")
        let done = try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1002", "ST-20")
        #expect(done.first?.completed?.next == "OP10")
        let p = try w.part(s1)
        #expect(p.step == "OP10" && p.status == .queued)
        // And an in-tolerance run of the same step goes on to OP30.
        try w.bring(s1, to: "OP20")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        try w.fillStep(s1, "1002", "ST-20")
        #expect(try w.ok(.complete(serial: s1, good: nil, scrap: 0, scrapReason: nil), "1002", "ST-20").first?.completed?.next == "OP30")
    }

    @Test func badValueTextIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP20")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        let r = try w.refused(.record(serial: s1, characteristic: "BORE", value: "12.O05", gauge: nil), "1002", "ST-20")
        #expect(r.codes == ["bad_value"])
        #expect(r.message("bad_value").contains("BORE"))
        #expect(r.message("bad_value").contains("12.O05"))
        let u = try w.refused(.record(serial: s1, characteristic: "DIA", value: "1", gauge: nil), "1002", "ST-20")
        #expect(u.codes == ["unknown_characteristic"])
        #expect(u.message("unknown_characteristic").contains("BORE"))
    }

    @Test func aMeasurementNeedsARunningStep() throws {
        var w = World()
        w.release(Fixtures.wo())
        #expect(try w.refused(.record(serial: s1, characteristic: "BORE", value: "12", gauge: nil), "1002", "ST-20").codes == ["not_running"])
    }

    @Test func aGaugePastItsCalibrationIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP20")
        // MIC-004 is due 2026-12-01: usable that day.
        w.now = Fixtures.date("2026-12-01T15:00:00Z")
        try w.ok(.start(serial: s1), "1002", "ST-20")
        try w.ok(.record(serial: s1, characteristic: "BORE", value: "12.001", gauge: "MIC-004"), "1002", "ST-20")
        // Refused the day after; another gauge still in calibration is fine.
        w.now = Fixtures.date("2026-12-02T15:00:00Z")
        let r = try w.refused(.record(serial: s1, characteristic: "BORE", value: "12.002", gauge: "MIC-004"), "1002", "ST-20")
        #expect(r.codes == ["calibration_expired"])
        #expect(r.message("calibration_expired").contains("MIC-004"))
        #expect(try w.part(s1).run?.measurements["BORE"]?.value == .number(12.001))
        try w.ok(.record(serial: s1, characteristic: "BORE", value: "12.002", gauge: "CAL-017"), "1002", "ST-20")
        #expect(try w.refused(.record(serial: s1, characteristic: "BORE", value: "12", gauge: "NOPE-1"), "1002", "ST-20").codes == ["unknown_gauge"])
    }
}

/// rules.md, "Sampling".
@Suite struct SamplingTests {
    func sampled(_ plan: SamplePlan, upTo n: Int) -> [Int] { (1...n).filter { Sampling.isDue(plan, piece: $0) } }

    @Test func samplePlanText() {
        #expect(SamplePlan("every") == .every)
        #expect(SamplePlan("first 3") == .first(3))
        #expect(SamplePlan("every 5") == .everyNth(5))
        #expect(SamplePlan("10%") == .percent(10))
        for bad in ["", "first", "every 0", "first -1", "0%", "101%", "sometimes"] { #expect(SamplePlan(bad) == nil, "\(bad)") }
    }

    @Test func firstN() {
        #expect(sampled(.first(3), upTo: 10) == [1, 2, 3])
    }

    @Test func everyNth() {
        #expect(sampled(.everyNth(5), upTo: 21) == [5, 10, 15, 20])
        #expect(sampled(.every, upTo: 4) == [1, 2, 3, 4])
    }

    @Test func percentFormula() {
        #expect(sampled(.percent(10), upTo: 35) == [10, 20, 30])
        #expect(sampled(.percent(25), upTo: 20) == [4, 8, 12, 16, 20])
        #expect(sampled(.percent(33), upTo: 31) == [4, 7, 10, 13, 16, 19, 22, 25, 28, 31])
        #expect(sampled(.percent(50), upTo: 6) == [2, 4, 6])
        #expect(sampled(.percent(100), upTo: 5) == [1, 2, 3, 4, 5])
        for n in [1, 7, 10, 25, 33, 50, 99, 100] {
            #expect(sampled(.percent(n), upTo: 100).count == n, "\(n)% of 100 pieces")
            for k in 1...250 {
                #expect(Sampling.isDue(.percent(n), piece: k) == ((k * n) / 100 > ((k - 1) * n) / 100))
            }
        }
        #expect(!Sampling.isDue(.every, piece: 0))
    }

    @Test func theCompletionGateAsksExactlyForThePiecesDueMeasurements() throws {
        var w = World()
        w.release(Fixtures.wo(qty: 6))
        let serials = Fixtures.wo(qty: 6).serials
        for s in serials { try w.bring(s, to: "OP20") }
        // Start order: 001..004, then 006 before 005. Piece numbers follow the start order.
        let order = [0, 1, 2, 3, 5, 4].map { serials[$0] }
        for (i, s) in order.enumerated() {
            let evs = try w.ok(.start(serial: s), i % 2 == 0 ? "1002" : "1001", i % 2 == 0 ? "ST-20" : "ST-21")
            if i == 0 {
                #expect(evs.contains(where: { $0.isFPIDesignated }))
                try w.ok(.fpiPass(serial: s), "2001", "ST-20")
            }
            w.advance(seconds: 1)
        }
        let expected: [String: [String]] = [  // serial → due characteristics, by piece number
            serials[0]: ["BORE", "FLAT"], serials[1]: ["BORE", "FLAT"], serials[2]: ["BORE", "FLAT"],
            serials[3]: ["BORE"], serials[5]: ["BORE", "LEN"], serials[4]: ["BORE"],
        ]
        let pieces = [serials[0]: 1, serials[1]: 2, serials[2]: 3, serials[3]: 4, serials[5]: 5, serials[4]: 6]
        for s in order {
            let (badge, station) = try w.part(s).run?.station == "ST-20" ? ("1002", "ST-20") : ("1001", "ST-21")
            #expect(w.state.pieceNumber(workOrder: "WO-1001", step: "OP20", serial: s) == pieces[s])
            let due = expected[s]!
            // Nothing recorded: every due characteristic is named, and no other.
            let r = try w.refused(.complete(serial: s, good: nil, scrap: 0, scrapReason: nil), badge, station)
            #expect(r.codes == ["measurements_missing"])
            let msg = r.message("measurements_missing")
            #expect(msg.contains("piece \(pieces[s]!)"), "\(msg)")
            for c in ["BORE", "LEN", "FLAT"] { #expect(msg.contains(c) == due.contains(c), "\(s): \(msg)") }
            // Record all but the last due one: still refused, naming only that one.
            for c in due.dropLast() { try w.ok(.record(serial: s, characteristic: c, value: Fixtures.goodValues[c]!, gauge: nil), badge, station) }
            let r2 = try w.refused(.complete(serial: s, good: nil, scrap: 0, scrapReason: nil), badge, station)
            #expect(r2.message("measurements_missing").hasSuffix(due.last!))
            try w.ok(.record(serial: s, characteristic: due.last!, value: Fixtures.goodValues[due.last!]!, gauge: nil), badge, station)
            try w.ok(.complete(serial: s, good: nil, scrap: 0, scrapReason: nil), badge, station)
        }
        #expect(w.state.startedCount(workOrder: "WO-1001", step: "OP20") == 6)
    }

    @Test func percentSamplingAtTheCompletionGate() throws {
        let plant = Fixtures.plant { p in
            Fixtures.editStep(&p, "OP20") { s in
                s.firstPiece = .none
                s.measurements = [Characteristic(id: "LEN", name: "Length", lower: 124.9, upper: 125.1, sample: .percent(25))]
            }
        }
        var w = World(plant: plant)
        let spec = Fixtures.wo(qty: 8)
        w.release(spec)
        for s in spec.serials {
            try w.bring(s, to: "OP20")
            try w.ok(.start(serial: s), "1002", "ST-20")
            w.advance(seconds: 1)
        }
        for (i, s) in spec.serials.enumerated() {
            let r = try w.run(.complete(serial: s, good: nil, scrap: 0, scrapReason: nil), badge: "1002", station: "ST-20")
            let k = i + 1
            #expect((r.refusal?.codes == ["measurements_missing"]) == (k % 4 == 0), "piece \(k)")
        }
    }
}
