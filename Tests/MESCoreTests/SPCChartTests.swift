import Foundation
import Testing

@testable import MESCore

/// Control charts over recorded readings: limits set from a baseline and frozen, signals as a
/// pure function of the readings in canonical order, and their reactions at the start gate.
@Suite struct SPCChartTests {
    // MARK: Published worked example: Montgomery's piston rings (Introduction to SQC, Table 6.3)

    /// Inside diameters (mm) of forged piston rings, 40 samples of 5: 1–25 the preliminary
    /// (phase I) samples, 26–40 taken afterwards. The data set as the qcc package ships it.
    static let pistonRings: [[Double]] = {
        let text = """
            74.030 74.002 74.019 73.992 74.008 | 73.995 73.992 74.001 74.011 74.004 | 73.988 74.024 74.021 74.005 74.002
            74.002 73.996 73.993 74.015 74.009 | 73.992 74.007 74.015 73.989 74.014 | 74.009 73.994 73.997 73.985 73.993
            73.995 74.006 73.994 74.000 74.005 | 73.985 74.003 73.993 74.015 73.988 | 74.008 73.995 74.009 74.005 74.004
            73.998 74.000 73.990 74.007 73.995 | 73.994 73.998 73.994 73.995 73.990 | 74.004 74.000 74.007 74.000 73.996
            73.983 74.002 73.998 73.997 74.012 | 74.006 73.967 73.994 74.000 73.984 | 74.012 74.014 73.998 73.999 74.007
            74.000 73.984 74.005 73.998 73.996 | 73.994 74.012 73.986 74.005 74.007 | 74.006 74.010 74.018 74.003 74.000
            73.984 74.002 74.003 74.005 73.997 | 74.000 74.010 74.013 74.020 74.003 | 73.988 74.001 74.009 74.005 73.996
            74.004 73.999 73.990 74.006 74.009 | 74.010 73.989 73.990 74.009 74.014 | 74.015 74.008 73.993 74.000 74.010
            73.982 73.984 73.995 74.017 74.013 | 74.012 74.015 74.030 73.986 74.000 | 73.995 74.010 73.990 74.015 74.001
            73.987 73.999 73.985 74.000 73.990 | 74.008 74.010 74.003 73.991 74.006 | 74.003 74.000 74.001 73.986 73.997
            73.994 74.003 74.015 74.020 74.004 | 74.008 74.002 74.018 73.995 74.005 | 74.001 74.004 73.990 73.996 73.998
            74.015 74.000 74.016 74.025 74.000 | 74.030 74.005 74.000 74.016 74.012 | 74.001 73.990 73.995 74.010 74.024
            74.015 74.020 74.024 74.005 74.019 | 74.035 74.010 74.012 74.015 74.026 | 74.017 74.013 74.036 74.025 74.026
            74.010 74.005 74.029 74.000 74.020
            """
        return text.split(whereSeparator: { $0 == "|" || $0 == "\n" }).map { $0.split(separator: " ").map { Double($0)! } }
    }()

    static func key(_ i: Int) -> OrderKey { OrderKey(hlc: HLC(wall: 1_000_000 + Int64(i) * 1000, logical: 0), node: "K1", seq: Int64(i)) }

    static func readings(_ values: [Double], station: String = "ST-20", workOrder: (Int) -> String = { _ in "WO-1" }) -> [SPCReading] {
        values.enumerated().map { i, v in
            SPCReading(serial: "S\(i)", workOrder: workOrder(i), station: station, by: "1001", value: v, order: key(i))
        }
    }

    static func round(_ x: Double, _ places: Int) -> Double { (x * pow(10, Double(places))).rounded() / pow(10, Double(places)) }

    @Test func thePistonRingLimitsAreTheBooksToItsPrecision() throws {
        #expect(Self.pistonRings.count == 40 && Self.pistonRings.allSatisfy { $0.count == 5 })
        let plan = SPCPlan(part: "RING", step: "FORGE", characteristic: "ID", subgroupSize: 5, rules: [.beyond3Sigma])
        let all = Self.readings(Self.pistonRings.flatMap { $0 })
        let (l, count) = try SPCChart.limits(Array(all.prefix(125)), plan: plan, firstSubgroups: 25, from: nil, to: nil)
        // Printed: x̿ = 74.001, R̄ = 0.023, UCL = 74.014, LCL = 73.988; R chart UCL = 0.049, LCL = 0.
        #expect(count == 25 && l.kind == .xbarR)
        #expect(Self.round(l.center, 3) == 74.001 && Self.round(l.spreadCenter, 3) == 0.023)
        #expect(Self.round(l.upper, 3) == 74.014 && Self.round(l.lower, 3) == 73.988)
        // The book works on from R̄ rounded to 0.023: R chart UCL = D4·0.023 = 0.049, LCL = 0; σ̂ = 0.023/d2 = 0.0099.
        let book = 0.023
        #expect(Self.round(l.spreadUpper / l.spreadCenter * book, 3) == 0.049 && l.spreadLower == 0)
        #expect(Self.round(l.sigma / l.spreadCenter * book, 4) == 0.0099)
        // Capability against 74.000 ± 0.05 (Example 6.2): PCR = 0.10 / (6 · 0.0099) = 1.68 with the
        // book's σ̂; unrounded (R̄ = 0.02276, σ̂ = 0.00979) it is 1.70.
        let values = Array(all.prefix(125)).map(\.value)
        let printed = try #require(Capability.of(values, lower: 73.95, upper: 74.05, sigmaWithin: 0.0099))
        let exact = try #require(Capability.of(values, lower: 73.95, upper: 74.05, sigmaWithin: l.sigma))
        #expect(Self.round(printed.cp!, 2) == 1.68 && Self.round(exact.cp!, 2) == 1.70 && exact.n == 125 && exact.warning == nil)

        // Phase II with the limits frozen: the book's chart shows samples 37, 38 and 39 above the UCL.
        var chart = SPCChartState(key: plan.key)
        chart.apply(
            RecordedEvent(
                id: EventID(node: "K1", epoch: "E", seq: 999), order: Self.key(124).with(logical: 1), actor: "2001",
                event: .quality(.spcLimitsSet(SPCLimitsSet(chart: plan.key, limits: l, baseline: "first 25", reason: "phase I")))))
        let points = SPCChart.points(SPCSeries(readings: all), plan: plan, state: chart)
        #expect(points.count == 40)
        #expect(points.prefix(25).allSatisfy { $0.limits == nil && $0.signals.isEmpty }, "the baseline is not judged by its own limits")
        let signalled = points.enumerated().filter { !$0.element.signals.isEmpty }.map { $0.offset + 1 }
        #expect(signalled == [37, 38, 39])
        #expect(SPCChart.signals(points, plan: plan).map(\.rule) == [.beyond3Sigma, .beyond3Sigma, .beyond3Sigma])
    }

    // MARK: Runs signal where they begin

    /// Individuals around 10 with MR̄ = 1 (σ = 0.887): limits from the first 20.
    static func baseline() -> [Double] { (0..<20).map { $0 % 2 == 0 ? 9.5 : 10.5 } }

    static func chart(_ plan: SPCPlan, _ readings: [SPCReading], baseline n: Int) throws -> SPCChartState {
        let (l, _) = try SPCChart.limits(Array(readings.prefix(n * plan.subgroupSize)), plan: plan, firstSubgroups: nil, from: nil, to: nil)
        var c = SPCChartState(key: plan.key)
        c.apply(
            RecordedEvent(
                id: EventID(node: "K1", epoch: "E", seq: 500), order: key(n * plan.subgroupSize - 1).with(logical: 1), actor: "2001",
                event: .quality(.spcLimitsSet(SPCLimitsSet(chart: plan.key, limits: l, baseline: "b", reason: "r")))))
        return c
    }

    @Test func aRunSignalsOnceWhereItBeginsAndABeyondPointEveryTime() throws {
        let plan = SPCPlan(part: "P", step: "S", characteristic: "C", rules: [.beyond3Sigma, .nineOneSide])
        let values = Self.baseline() + Array(repeating: 10.3, count: 12) + [13.5, 13.6]
        let r = Self.readings(values)
        let c = try Self.chart(plan, r, baseline: 20)
        let pts = SPCChart.points(SPCSeries(readings: r), plan: plan, state: c)
        let fired = pts.enumerated().flatMap { i, p in p.signals.map { (i - 19, $0) } }
        // The ninth reading above the centre line, once; then each point beyond 3σ (the run goes on meanwhile).
        #expect(fired.map(\.0) == [9, 13, 14] && fired.map(\.1) == [.nineOneSide, .beyond3Sigma, .beyond3Sigma])
        // Eight in a row is not yet a signal.
        let eight = SPCChart.points(SPCSeries(readings: Array(r.prefix(28))), plan: plan, state: c)
        #expect(eight.allSatisfy { $0.signals.isEmpty })
    }

    // MARK: Windows agree with the whole stream

    @Test func aWindowPlotsTheSamePointsAsTheWholeStream() throws {
        var rng = SplitMix64(seed: 7)
        let values = (0..<230).map { _ in 10 + Double(rng.next() % 1000) / 1000 }
        for (size, by) in [(1, SPCSubgrouping.consecutive), (4, .consecutive), (3, .order)] {
            let plan = SPCPlan(part: "P", step: "S", characteristic: "C", subgroupSize: size, subgrouping: by, rules: NelsonRule.allCases)
            let r = Self.readings(values, workOrder: { "WO-\($0 / 7 % 3)" })
            let c = try Self.chart(plan, r, baseline: 15)
            let whole = SPCChart.points(SPCSeries(readings: r), plan: plan, state: c)
            for after in [100, 150, 229] {
                let w = SPCSeries.window(of: r, after: r[after].order, lookback: SPCChart.ruleLookback * size)
                let part = SPCChart.points(w, plan: plan, state: c)
                // Every point the window plots is the whole stream's, with the same signals, once
                // the window holds the rules' lookback.
                let first = w.readings.first!.order
                let tail = whole.filter { p in p.readings.allSatisfy { $0.order >= first } }
                #expect(part.map(\.order) == tail.map(\.order), "size \(size) \(by) after \(after)")
                let settled = part.dropFirst(SPCChart.ruleLookback)
                #expect(settled.map(\.signals) == tail.dropFirst(SPCChart.ruleLookback).map(\.signals))
                #expect(settled.map(\.value) == tail.dropFirst(SPCChart.ruleLookback).map(\.value))
            }
        }
    }

    // MARK: Answers

    @Test func anAcknowledgementAnswersAWarningButOnlyAClearanceAnswersAStop() {
        let plan = SPCPlan(part: "P", step: "S", characteristic: "C", rules: [.beyond3Sigma, .nineOneSide], stopOn: [.beyond3Sigma])
        let s1 = SPCSignal(chart: plan.key, rule: .nineOneSide, reaction: .acknowledge, station: "ST-20", value: 1, order: Self.key(5), serial: "A")
        let s2 = SPCSignal(chart: plan.key, rule: .beyond3Sigma, reaction: .stop, station: "ST-20", value: 9, order: Self.key(6), serial: "B")
        let other = SPCSignal(
            chart: plan.key, rule: .nineOneSide, reaction: .acknowledge, station: "ST-21", value: 1, order: Self.key(6), serial: "C")
        var c = SPCChartState(key: plan.key)
        #expect(SPCChart.open([s1, s2, other], station: "ST-20", state: c) == [s1, s2])
        c.responses.append(.init(station: "ST-20", through: Self.key(6), rules: [.nineOneSide], by: "1001", at: 0, reason: "r", cleared: false))
        #expect(SPCChart.open([s1, s2, other], station: "ST-20", state: c) == [s2])
        #expect(SPCChart.open([s1, s2, other], station: "ST-21", state: c) == [other])
        c.responses.append(.init(station: "ST-20", through: Self.key(6), rules: [.beyond3Sigma], by: "2001", at: 0, reason: "r", cleared: true))
        #expect(SPCChart.open([s1, s2, other], station: "ST-20", state: c).isEmpty)
    }
}

// MARK: - At the station, through the real rules

extension SPCChartTests {
    static let chartKey = SPCPlan.key(part: "BRK-7741", step: "OP20", characteristic: "BORE")

    /// The example plant with OP20 alone (no first piece) and its bore charted as individuals.
    static func plant(stopOn: [NelsonRule] = []) -> Plant {
        Fixtures.plant { p in
            var op20 = p.routings[0].steps[1]
            op20.firstPiece = .none
            p.routings[0].steps = [op20]
            p.spc = SPCPolicy(
                setLimits: .inspector,
                charts: [
                    SPCPlan(
                        part: "BRK-7741", step: "OP20", characteristic: "BORE", rules: [.beyond3Sigma, .nineOneSide], stopOn: stopOn, baseline: 20)
                ])
        }
    }

    /// 20 bores alternating 12.002 / 12.006 (centre 12.004, σ 0.0035), then limits set by the inspector.
    static func baselined(_ plant: Plant) throws -> (World, [String]) {
        var w = World(plant: plant)
        let spec = Fixtures.wo(qty: 40)
        w.release(spec)
        for (i, s) in spec.serials.prefix(20).enumerated() { try w.doStep(s, "1002", "ST-20", values: ["BORE": i % 2 == 0 ? "12.002" : "12.006"]) }
        let set = Command.quality(.setSPCLimits(chart: chartKey, subgroups: nil, from: nil, to: nil, reason: "new boring bar"))
        #expect(try w.refused(set, "1002", "ST-20").codes == ["insufficient_role"], "limits are the plan's role's to set")
        let evs = try w.ok(set, "2001", "ST-40")
        guard case .quality(.spcLimitsSet(let e)) = evs.first else { Issue.record("\(evs)"); return (w, spec.serials) }
        #expect(Self.round(e.limits.center, 3) == 12.004 && e.baseline == "the first 20 subgroups")
        #expect(Signature.meaning(of: evs[0]) == "set (control limits)")
        return (w, spec.serials)
    }

    @Test func aDriftSignalsOnTheNinthReadingAndTheNextStartWaitsForAnAcknowledgement() throws {
        var (w, s) = try Self.baselined(Self.plant())
        for i in 20..<28 { try w.doStep(s[i], "1002", "ST-20", values: ["BORE": "12.006"]) }
        try w.ok(.start(serial: s[28]), "1002", "ST-20")  // eight above the centre line: no signal yet
        try w.fillStep(s[28], "1002", "ST-20", values: ["BORE": "12.005"])
        // In tolerance: the part goes on, the process is the problem (no hold, no NCR).
        try w.ok(.complete(serial: s[28], good: nil, scrap: 0, scrapReason: nil), "1002", "ST-20")
        #expect(try !w.part(s[28]).isOnHold && w.state.ncrs.isEmpty)
        let refused = try w.refused(.start(serial: s[29]), "1002", "ST-20")
        #expect(refused.codes == ["spc_signal_open"])
        #expect(refused.reasons[0].message.contains("rule 2: 9 points in a row on one side of the centre line"))
        // The same step at another station is not held back by this station's signal.
        let elsewhere = try StartGate.evaluate(
            serial: s[29], station: w.station("ST-21"), person: w.person("1002"), plant: PlantIndex(w.plant), state: w.state,
            env: DecisionEnv(now: w.now, newID: { "x" }, signedBy: nil, node: "K1"))
        #expect(elsewhere.allowed)

        #expect(try w.refused(.quality(.acknowledgeSPC(chart: Self.chartKey, reason: " ")), "1002", "ST-20").codes == ["empty_note"])
        let ack = try w.ok(.quality(.acknowledgeSPC(chart: Self.chartKey, reason: "insert changed, offset -0.002")), "1002", "ST-20")
        guard case .quality(.spcAcknowledged(let a)) = ack.first else { Issue.record("\(ack)"); return }
        #expect(a.station == "ST-20" && a.rules == [.nineOneSide])
        #expect(try w.refused(.quality(.acknowledgeSPC(chart: Self.chartKey, reason: "again")), "1002", "ST-20").codes == ["spc_nothing_open"])
        // The run goes on, but a run signals once, where it begins: the next start is free.
        try w.doStep(s[29], "1002", "ST-20", values: ["BORE": "12.006"])
        try w.ok(.start(serial: s[30]), "1002", "ST-20")
    }

    @Test func aStopWaitsForAnInspectorsClearanceNotAnAcknowledgement() throws {
        var (w, s) = try Self.baselined(Self.plant(stopOn: [.beyond3Sigma]))
        // Beyond the upper control limit (12.0146), inside the tolerance (12.018).
        try w.doStep(s[20], "1002", "ST-20", values: ["BORE": "12.016"])
        #expect(try !w.part(s[20]).isOnHold && w.state.ncrs.isEmpty)
        #expect(try w.refused(.start(serial: s[21]), "1002", "ST-20").codes == ["spc_stopped"])
        try w.ok(.quality(.acknowledgeSPC(chart: Self.chartKey, reason: "seen, calling QA")), "1002", "ST-20")
        #expect(try w.refused(.start(serial: s[21]), "1002", "ST-20").codes == ["spc_stopped"], "an acknowledgement does not lift a stop")
        let clear = Command.quality(.clearSPC(chart: Self.chartKey, station: "ST-20", note: "bar re-indexed, 3 pcs checked"))
        #expect(try w.refused(clear, "1002", "ST-20").codes == ["insufficient_role"])
        let evs = try w.ok(clear, "2001", "ST-40")
        #expect(evs.first.flatMap(Signature.meaning(of:)) == "cleared (SPC signal)")
        try w.ok(.start(serial: s[21]), "1002", "ST-20")
        #expect(
            try w.refused(.quality(.setSPCLimits(chart: "NOPE/OP20/BORE", subgroups: nil, from: nil, to: nil, reason: "x")), "2001", "ST-40").codes
                == ["unknown_chart"])
    }
}

extension OrderKey {
    func with(logical: Int32) -> OrderKey { OrderKey(hlc: HLC(wall: hlc.wall, logical: logical), node: node, seq: seq) }
}

/// Calibration kept as signed events: a failure refuses the gauge and its readings until a later
/// pass; a pass's due date replaces the plant file's; a characteristic may require a gauge.
@Suite struct CalibrationTests {
    static func plant() -> Plant {
        Fixtures.plant { p in
            var op20 = p.routings[0].steps[1]
            op20.firstPiece = .none
            op20.measurements[0].requireGauge = true
            p.routings[0].steps = [op20]
        }
    }

    @Test func aFailedGaugeIsRefusedUntilALaterPassAndAGaugeCanBeRequired() throws {
        var w = World(plant: Self.plant())
        w.release(Fixtures.wo(qty: 3))
        let s = Fixtures.wo(qty: 3).serials
        try w.ok(.start(serial: s[0]), "1002", "ST-20")
        let record = { (g: String?) in Command.record(serial: s[0], characteristic: "BORE", value: "12.004", gauge: g) }
        #expect(try w.refused(record(nil), "1002", "ST-20").codes == ["gauge_required"])
        try w.ok(record("CAL-017"), "1002", "ST-20")
        let today = PlantCalendar(plant: w.plant).localDate(w.now)
        let fail = EquipmentCalibrated(equipment: "CAL-017", on: today, due: nil, passed: false, certificate: "C-1")
        #expect(try w.refused(.quality(.recordCalibration(fail)), "1002", "ST-20").codes == ["insufficient_role"])
        let evs = try w.ok(.quality(.recordCalibration(fail)), "2001", "ST-40")
        #expect(evs.first.flatMap(Signature.meaning(of:)) == "calibrated (equipment)")
        let refused = try w.refused(record("CAL-017"), "1002", "ST-20")
        #expect(refused.codes == ["calibration_expired"] && refused.reasons[0].message.contains("failed its calibration on \(today)"))
        // Rules of the record itself: a certificate, not in the future, a pass due after it was done.
        let bad = EquipmentCalibrated(equipment: "CAL-017", on: today.adding(days: 1), due: today, passed: true, certificate: " ")
        #expect(Set(try w.refused(.quality(.recordCalibration(bad)), "2001", "ST-40").codes) == ["empty_note", "bad_date"])
        let pass = EquipmentCalibrated(equipment: "CAL-017", on: today, due: today.adding(days: 180), passed: true, certificate: "C-2")
        try w.ok(.quality(.recordCalibration(pass)), "2001", "ST-40")
        try w.ok(record("CAL-017"), "1002", "ST-20")
        // Ten days on, the micrometer's plant-file date (2026-12-01) has passed; a recorded pass replaces it.
        w.advance(minutes: 10 * 24 * 60)
        let later = PlantCalendar(plant: w.plant).localDate(w.now)
        #expect(try w.refused(record("MIC-004"), "1002", "ST-20").codes == ["calibration_expired"])
        let mic = EquipmentCalibrated(equipment: "MIC-004", on: later, due: later.adding(days: 90), passed: true, certificate: "C-3")
        try w.ok(.quality(.recordCalibration(mic)), "2001", "ST-40")
        try w.ok(record("MIC-004"), "1002", "ST-20")
        // What a "due within N days" list shows.
        let d = later
        #expect(
            Calibration.isDue(.ok(due: d.adding(days: 10)), today: d, within: 30)
                && !Calibration.isDue(.ok(due: d.adding(days: 10)), today: d, within: 5))
        #expect(Calibration.isDue(.overdue(due: d.adding(days: -2)), today: d, within: 0) && Calibration.isDue(.failed(on: d), today: d, within: 0))
        #expect(!Calibration.isDue(.unmanaged, today: d, within: 999) && Calibration.daysLeft(.overdue(due: d.adding(days: -2)), today: d) == -2)
        #expect(
            Calibration.words(.ok(due: d), today: d) == "due today" && Calibration.words(.ok(due: d.adding(days: 3)), today: d) == "due in 3 days")
        let state = try #require(w.state.calibration("CAL-017"))
        #expect(state.history.count == 2 && state.lastGood?.certificate == "C-2" && state.current?.passed == true)
    }
}
