import Foundation
import Testing

@testable import MESCore

/// rules.md, "Starting a step: the gate, in this order".
@Suite struct StartGateTests {
    let s1 = "WO-1001-001", s2 = "WO-1001-002"

    @Test func aPartQueuedAtItsStepStartsAndRuns() throws {
        var w = World()
        w.release(Fixtures.wo())
        let evs = try w.ok(.start(serial: s1), "1001", "ST-10")
        guard case .stepStarted(let e)? = evs.first else { Issue.record("no step.started: \(evs)"); return }
        #expect(e.step == "OP10" && e.station == "ST-10" && e.equipment == "SAW-01")
        let p = try w.part(s1)
        #expect(p.status == .running)
        #expect(p.run?.step == "OP10")
        #expect(p.run?.startedBy == "1001")
    }

    @Test func allApplyingReasonsAreListedInGateOrder() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.holdWorkOrder(number: "WO-1001", reason: "SUSPECT", note: "bar stock recall"), "9001", "ST-10")
        // The part is at OP10; Chiara (DEBURR, PACK) scans it at the mill.
        let r = try w.refused(.start(serial: s1), "1003", "ST-20")
        #expect(r.codes == ["not_at_step", "work_order_on_hold", "missing_skill"])
        #expect(r.message("not_at_step").contains("OP10"))
        #expect(r.message("not_at_step").contains("OP20"))
        #expect(r.message("work_order_on_hold").contains("WO-1001"))
        #expect(r.message("missing_skill").contains("MILL"))
        #expect(r.message("missing_skill").contains("Chiara"))
    }

    @Test func everyReasonOfEveryGateStageIsListedInOrder() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.hold(serial: s1, reason: "SUSPECT", note: "check bar"), "2001", "ST-10")
        try w.ok(.holdWorkOrder(number: "WO-1001", reason: "SUSPECT", note: ""), "9001", "ST-10")
        try w.ok(.downtimeStart(reason: "MECH"), "1001", "ST-20")
        let r = try w.refused(.start(serial: s1), "1003", "ST-20")
        #expect(r.codes == ["not_at_step", "part_on_hold", "work_order_on_hold", "machine_down", "missing_skill"])
        #expect(r.message("machine_down").contains("VF2-01"))
        #expect(r.message("part_on_hold").contains("SUSPECT"))
    }

    @Test func machineDownIsRefusedUntilTheDowntimeEnds() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.downtimeStart(reason: "MECH"), "1001", "ST-10")
        #expect(w.state.machines["SAW-01"]?.down?.reason == "MECH")
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["machine_down"])
        #expect(r.message("machine_down").contains("SAW-01"))
        #expect(r.message("machine_down").contains("MECH"))
        // A second downtime start on a machine that is down is refused too.
        #expect(try w.refused(.downtimeStart(reason: "TOOL"), "1001", "ST-10").codes == ["already_down"])
        w.advance(minutes: 20)
        try w.ok(.downtimeEnd, "1001", "ST-10")
        #expect(w.state.machines["SAW-01"]?.down == nil)
        let span = try #require(w.state.machines["SAW-01"]?.lastDown)
        #expect(span.reason == "MECH" && span.to - span.from == 20 * 60_000)
        try w.ok(.start(serial: s1), "1001", "ST-10")
    }

    @Test func aStationWithoutAMachineGoesDownItself() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP30")
        try w.ok(.downtimeStart(reason: "BREAK"), "1003", "ST-30")
        #expect(w.state.machines["ST-30"]?.down != nil)
        let r = try w.refused(.start(serial: s1), "1003", "ST-30")
        #expect(r.codes == ["machine_down"])
        #expect(r.message("machine_down").contains("ST-30"))
    }

    @Test func calibrationExpiredMachineIsRefusedAfterItsDueDate() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP40")
        // CMM-01 is due 2027-02-15: still usable on the due date, refused the day after.
        w.now = Fixtures.date("2027-02-15T15:00:00Z")
        let allowed = StartGate.evaluate(w, s1, "2001", "ST-40")
        #expect(allowed.blockers.isEmpty)
        w.now = Fixtures.date("2027-02-16T15:00:00Z")
        let r = try w.refused(.start(serial: s1), "2001", "ST-40")
        #expect(r.codes == ["calibration_expired"])
        #expect(r.message("calibration_expired").contains("CMM-01"))
        #expect(r.message("calibration_expired").contains("2027-02-15"))
    }

    @Test func calibrationExpiredInAPlantVariant() throws {
        let plant = Fixtures.plant { p in
            let i = p.equipment.firstIndex { $0.id == "SAW-01" }!
            p.equipment[i].calibrationDue = Fixtures.d("2026-11-23")
        }
        var w = World(plant: plant)
        w.release(Fixtures.wo())
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["calibration_expired"])
        #expect(r.message("calibration_expired").contains("SAW-01"))
    }

    @Test func resumingOnAMachinePastCalibrationIsRefused() throws {
        // plant-file.md: equipment past calibration_due cannot be used; a paused step does not
        // carry on on it either.
        let plant = Fixtures.plant { p in
            let i = p.equipment.firstIndex { $0.id == "SAW-01" }!
            p.equipment[i].calibrationDue = Fixtures.d("2026-11-24")
        }
        var w = World(plant: plant)
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        try w.ok(.pause(serial: s1, reason: "end of shift"), "1001", "ST-10")
        w.now = Fixtures.date("2026-11-25T15:00:00Z")
        for cmd in [Command.resume(serial: s1), .start(serial: s1)] {
            let r = try w.refused(cmd, "1001", "ST-10")
            #expect(r.codes == ["calibration_expired"])
            #expect(r.message("calibration_expired").contains("SAW-01"))
        }
    }

    @Test func roleBelowTheStepsRoleIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP40")
        let r = try w.refused(.start(serial: s1), "1002", "ST-40")
        #expect(r.codes == ["insufficient_role"])
        #expect(r.message("insufficient_role").contains("inspector"))
        // An inspector or a supervisor may start it.
        try w.ok(.start(serial: s1), "9001", "ST-40")
    }

    @Test func missingSkillIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        let r = try w.refused(.start(serial: s1), "1002", "ST-10")
        #expect(r.codes == ["missing_skill"])
        #expect(r.message("missing_skill").contains("SAW"))
    }

    @Test func heldPartIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.hold(serial: s1, reason: "SUSPECT", note: "bar from a recalled heat"), "2001", "ST-10")
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["part_on_hold"])
        #expect(r.message("part_on_hold").contains("SUSPECT"))
        // The other parts of the order are not held.
        try w.ok(.start(serial: s2), "1001", "ST-10")
    }

    @Test func scrappedPartIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.scrap(serial: s1, count: nil, reason: "MAT"), "1001", "ST-10")
        #expect(try w.part(s1).status == .scrapped)
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["part_terminal"])
        #expect(r.message("part_terminal").contains("scrapped"))
    }

    @Test func donePartIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.bring(s1, to: "OP50")
        try w.passStep(s1)
        #expect(try w.part(s1).status == .done)
        let r = try w.refused(.start(serial: s1), "1003", "ST-50")
        #expect(r.codes == ["part_terminal"])
    }

    @Test func cancelledWorkOrderStartsNothing() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.cancelWorkOrder(number: "WO-1001", reason: "customer cancelled"), "9001", "ST-10")
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["work_order_cancelled"])
        #expect(r.message("work_order_cancelled").contains("WO-1001"))
    }

    @Test func heldWorkOrderStartsNothingUntilReleased() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.holdWorkOrder(number: "WO-1001", reason: "SUSPECT", note: ""), "9001", "ST-10")
        #expect(try w.refused(.start(serial: s1), "1001", "ST-10").codes == ["work_order_on_hold"])
        #expect(try w.refused(.releaseWorkOrder(number: "WO-1001"), "1001", "ST-10").codes == ["insufficient_role"])
        try w.ok(.releaseWorkOrder(number: "WO-1001"), "9001", "ST-10")
        try w.ok(.start(serial: s1), "1001", "ST-10")
    }

    @Test func alreadyRunningIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        let r = try w.refused(.start(serial: s1), "1001", "ST-10")
        #expect(r.codes == ["already_running"])
        #expect(r.message("already_running").contains("ST-10"))
    }

    @Test func aStationWhoseWorkCenterHasNoStepIsRefused() throws {
        let plant = Fixtures.plant { p in
            p.workCenters.append(WorkCenter(id: "PAINT", name: "Paint"))
            p.stations.append(Station(id: "ST-60", name: "Paint 1", workCenter: "PAINT"))
        }
        var w = World(plant: plant)
        w.release(Fixtures.wo())
        let r = try w.refused(.start(serial: s1), "1001", "ST-60")
        #expect(r.codes == ["wrong_work_center"])
        #expect(r.message("wrong_work_center").contains("PAINT"))
    }

    @Test func unknownPartIsRefused() throws {
        var w = World()
        w.release(Fixtures.wo())
        #expect(try w.refused(.start(serial: "WO-9999-001"), "1001", "ST-10").codes == ["unknown_part"])
    }

    @Test func pausedPartIsResumedNotRestarted() throws {
        var w = World()
        w.release(Fixtures.wo())
        try w.ok(.start(serial: s1), "1001", "ST-10")
        try w.ok(.pause(serial: s1, reason: "lunch"), "1001", "ST-10")
        #expect(try w.part(s1).status == .paused)
        let evs = try w.ok(.start(serial: s1), "1001", "ST-10")
        guard case .stepResumed? = evs.first else { Issue.record("expected a resume: \(evs)"); return }
        #expect(try w.part(s1).status == .running)
    }
}

extension StartGate {
    /// Evaluates the gate against a world's state without recording anything.
    static func evaluate(_ w: World, _ serial: String, _ badge: String, _ station: String) -> StartDecision {
        let s = w.state
        let ids = IDSource(prefix: "probe-")
        return try! StartGate.evaluate(
            serial: serial, station: w.station(station), person: w.person(badge), plant: s.plant!,
            state: s, env: DecisionEnv(now: w.now, newID: { ids.next() }))
    }
}

/// Rules that had a second home outside MESCore, now with one.
@Suite struct StationRuleTests {
    @Test func calibrationHasOneReasonForMachinesGaugesAndReadings() throws {
        let plant = PlantIndex(Fixtures.plant())
        let mic = try #require(plant.equipment["MIC-004"])
        #expect(plant.calibrationReason(mic, on: LocalDate("2026-12-01")!) == nil, "the due date itself is usable")
        let why = try #require(plant.calibrationReason(mic, on: LocalDate("2026-12-02")!))
        #expect(why.refusalCode == .calibrationExpired && why.message == "MIC-004 is past its calibration date (2026-12-01)")
        #expect(plant.calibrationReason(try #require(plant.equipment["SAW-01"]), on: LocalDate("2099-01-01")!) == nil)
    }

    @Test func aWorkOrderScanSelectsItsFirstPieceWaitingHere() throws {
        var w = World()
        w.release(Fixtures.wo())
        let plant = PlantIndex(Fixtures.plant())
        let saw = try #require(plant.stations["ST-10"]), mill = try #require(plant.stations["ST-20"])
        let wo = try #require(try w.state.workOrder("WO-1001"))
        #expect(try StartGate.pieceForScan(of: wo, at: saw, state: w.state) == "WO-1001-001")
        // The first piece moves on to the mill, the second is held: the saw takes the third.
        try w.ok(.start(serial: "WO-1001-001"), "1001", "ST-10")
        try w.ok(.consume(serial: "WO-1001-001", material: "AL6061-25", lot: "L1", expiry: nil), "1001", "ST-10")
        try w.ok(.complete(serial: "WO-1001-001", good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        try w.ok(.hold(serial: "WO-1001-002", reason: "SUSPECT", note: ""), "2001", "ST-10")
        #expect(try StartGate.pieceForScan(of: wo, at: saw, state: w.state) == "WO-1001-003")
        #expect(try StartGate.pieceForScan(of: wo, at: mill, state: w.state) == "WO-1001-001")
        // Nothing waits at a station of another work center: the order's first piece.
        let deburr = try #require(plant.stations["ST-30"])
        #expect(try StartGate.pieceForScan(of: wo, at: deburr, state: w.state) == "WO-1001-001")
    }
}

@Suite struct ReworkTargetTests {
    @Test func aPartIsReworkedWithinItsWorkOrdersRoutingVersionNotTheCurrentOne() throws {
        var w = World()
        w.release(Fixtures.wo())
        // A new version of the routing (a step inserted) is loaded after the order was released.
        var next = Fixtures.routing
        next.version = 4
        next.steps.insert(Step(id: "OP15", name: "Straighten", workCenter: "SAW"), at: 1)
        var plant = w.plant
        plant.routings.append(next)
        _ = w.append(.plantLoaded(PlantLoaded(plant: plant)))
        let part = try #require(try w.state.part("WO-1001-001"))
        #expect(try Decider.reworkTargets(of: part, state: w.state).map(\.id) == ["OP10", "OP20", "OP30", "OP40", "OP50"])
        // The Decider refuses a step of the newer version, and accepts one of the order's.
        try w.ok(.start(serial: "WO-1001-001"), "1001", "ST-10")
        try w.ok(.hold(serial: "WO-1001-001", reason: "SUSPECT", note: "check"), "2001", "ST-10")
        let r = try w.refused(
            .disposition(serial: "WO-1001-001", kind: .rework, reworkStep: "OP15", reference: nil, scrapReason: nil, note: ""),
            "2001", "ST-10")
        #expect(r.codes == ["bad_rework_step"] && r.message("bad_rework_step").contains("OP10, OP20"))
        try w.ok(
            .disposition(serial: "WO-1001-001", kind: .rework, reworkStep: "OP10", reference: nil, scrapReason: nil, note: ""),
            "2001", "ST-10")
    }
}
