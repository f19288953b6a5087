import Foundation
import Testing

@testable import MESCore

/// rules.md, "Offline": the same set of events gives the same state whatever order it arrives in.
@Suite struct ConvergenceTests {
    static let stationsOf: [String: [String]] = [
        "SAW": ["ST-10"], "MILL": ["ST-20", "ST-21"], "DEBURR": ["ST-30"], "INSPECT": ["ST-40"], "PACK": ["ST-50"],
    ]
    static let workersOf: [String: [String]] = [
        "OP10": ["1001"], "OP20": ["1001", "1002"], "OP30": ["1002", "1003"], "OP40": ["2001", "9001"], "OP50": ["1003"],
    ]
    static let everyone = ["1001", "1002", "1003", "2001", "9001"]
    static let allStations = ["ST-10", "ST-20", "ST-21", "ST-30", "ST-40", "ST-50"]

    /// Random but valid work: commands are drawn to fit each part's state (and some that do not);
    /// only what the real rules allow is recorded.
    static func work(seed: UInt64) throws -> (World, SplitMix64) {
        var rng = SplitMix64(seed: seed)
        var w = World()
        let orders = [Fixtures.wo("WO-A", qty: 4), Fixtures.wo("WO-B", qty: 3), Fixtures.wo("WO-C", qty: 6, tracking: .batch)]
        for o in orders { w.release(o) }
        let serials = orders.flatMap(\.serials)
        let routing = Fixtures.routing
        for _ in 0..<400 {
            w.advance(seconds: Double(rng.int(0...300)))
            let state = w.state
            let serial = rng.pick(serials)
            guard let part = state.parts[serial], let step = routing.step(part.run?.step ?? part.step) else { continue }
            let stations = stationsOf[step.workCenter] ?? ["ST-10"]
            let station = rng.chance(0.9) ? rng.pick(stations) : rng.pick(allStations)
            let worker = rng.chance(0.9) ? rng.pick(workersOf[step.id] ?? everyone) : rng.pick(everyone)
            let qa = rng.pick(["2001", "9001"])
            var tries: [(Command, String, String)] = []

            if rng.chance(0.08) {
                // Machine-level and order-level actions.
                let st = rng.pick(allStations)
                let target = state.plant!.downtimeTarget(of: w.station(st))
                if state.machines[target]?.down != nil {
                    tries.append((.downtimeEnd, worker, st))
                } else if rng.chance(0.3) {
                    tries.append((.downtimeStart(reason: rng.pick(["MECH", "TOOL", "SETUP", "PM"])), worker, st))
                }
            } else if rng.chance(0.02) {
                let o = rng.pick(orders).number
                if state.workOrders[o]?.isOnHold == true {
                    tries.append((.releaseWorkOrder(number: o), "9001", station))
                } else {
                    tries.append((.holdWorkOrder(number: o, reason: "SUSPECT", note: "random"), "9001", station))
                }
            } else if part.isOnHold {
                if part.holds.contains(where: { $0.ncr == nil }) && rng.chance(0.5) {
                    tries.append((.releaseHold(serial: serial, holds: nil, note: ""), qa, station))
                } else {
                    let kind = rng.pick([
                        DispositionKind.useAsIs, .useAsIs, .useAsIs, .repair, .repair, .rework, .rework, .rework, .rework, .scrap, .returnToSupplier,
                    ])
                    let toStep = rng.pick(routing.steps.map(\.id))
                    tries.append(
                        (
                            .disposition(
                                serial: serial, kind: kind, reworkStep: kind == .rework ? toStep : nil,
                                reference: kind.needsReference ? "ECR-\(rng.int(1...99))" : nil,
                                scrapReason: kind == .scrap ? "DIM" : nil, note: "MRB"), qa, station
                        ))
                }
            } else {
                switch part.status {
                case .queued:
                    if rng.chance(0.05) {
                        tries.append(
                            (
                                .requestOverride(
                                    serial: serial, blocker: rng.pick([.waitingFirstPiece, .machineDown, .workOrderOnHold]),
                                    reason: "expedite"), worker, station
                            ))
                    } else if let o = part.overrides.first(where: { $0.status == .requested }), rng.chance(0.5) {
                        tries.append((.approveOverride(serial: serial, id: o.id, validMinutes: rng.int(1...30)), "9001", station))
                    } else if rng.chance(0.05) {
                        tries.append((.undo(serial: serial, reason: "oops"), rng.chance(0.5) ? worker : "9001", station))
                    } else {
                        tries.append((.start(serial: serial), worker, station))
                    }
                case .running, .paused:
                    guard let run = part.run else { break }
                    let at = run.station
                    if part.status == .paused {
                        tries.append((.resume(serial: serial), worker, at))
                    } else if let key = run.fpiKey, state.fpis[key]?.firstPiece == serial, state.fpis[key]?.verdict == .pending,
                        rng.chance(0.6)
                    {
                        switch rng.int(0...2) {
                        case 0: tries.append((.fpiPass(serial: serial), qa, at))
                        case 1: tries.append((.fpiFail(serial: serial, note: "random fail"), qa, at))
                        default: tries.append((.fpiWaive(serial: serial, reason: "deviation CD-\(rng.int(100...999)) approved"), qa, at))
                        }
                    } else {
                        let r = rng.int(0...99)
                        if r < 45 {
                            // Measurements, some out of tolerance.
                            for c in step.measurements where rng.chance(0.8) {
                                let value: String
                                if c.kind == .passFail {
                                    value = rng.chance(0.9) ? "PASS" : "FAIL"
                                } else if rng.chance(0.05) {
                                    value = String((c.upper ?? c.lower ?? 0) + 1)
                                } else {
                                    value = Fixtures.goodValues[c.id] ?? "0"
                                }
                                tries.append(
                                    (
                                        .record(
                                            serial: serial, characteristic: c.id, value: value,
                                            gauge: rng.chance(0.3) ? rng.pick(["CAL-017", "MIC-004"]) : nil), run.startedBy, at
                                    ))
                            }
                            for m in step.materials {
                                tries.append(
                                    (.consume(serial: serial, material: m.material, lot: "LOT-\(rng.int(1...3))", expiry: nil), run.startedBy, at))
                            }
                        } else if r < 80 {
                            let completer = step.signoff ? rng.pick(["2001", "9001"]) : run.startedBy
                            if part.quantity > 1, rng.chance(0.5) {
                                let scrap = rng.int(0...1)
                                tries.append(
                                    (
                                        .complete(serial: serial, good: part.quantity - scrap, scrap: scrap, scrapReason: scrap > 0 ? "SURF" : nil),
                                        completer, at
                                    ))
                            } else {
                                tries.append((.complete(serial: serial, good: nil, scrap: 0, scrapReason: nil), completer, at))
                            }
                        } else if r < 88 {
                            tries.append((.pause(serial: serial, reason: "break"), run.startedBy, at))
                        } else if r < 93 {
                            tries.append((.hold(serial: serial, reason: rng.pick(["SUSPECT", "OOT"]), note: "random"), qa, at))
                        } else if r < 95 {
                            tries.append((.scrap(serial: serial, count: part.quantity > 1 ? 1 : nil, reason: "DIM"), run.startedBy, at))
                        } else {
                            tries.append((.note(aggregate: AggregateID.part(serial).rawValue, text: "checked"), worker, at))
                        }
                    }
                default:
                    if rng.chance(0.3) { tries.append((.undo(serial: serial, reason: "reopen"), "9001", station)) }
                }
            }
            for (cmd, badge, st) in tries {
                _ = try w.run(cmd, badge: badge, station: st)
            }
        }
        return (w, rng)
    }

    /// Events another node ("K2") wrote offline that are at odds with K1's.
    static func conflictingEvents(_ k1: [RecordedEvent], rng: inout SplitMix64) -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        var seq: Int64 = 0
        let sorted = k1.sorted { $0.order < $1.order }
        func add(_ e: DomainEvent, at hlc: HLC, actor: String = "9001") {
            seq += 1
            out.append(
                RecordedEvent(
                    id: EventID(node: "K2", epoch: "E2", seq: seq), order: OrderKey(hlc: hlc, node: "K2", seq: seq),
                    actor: actor, event: e))
        }
        /// An HLC strictly between `e` and the next event of the same aggregate (or just after `e`).
        func between(_ e: RecordedEvent) -> HLC {
            let next = sorted.first { $0.order > e.order && $0.event.aggregate == e.event.aggregate }
            guard let next, next.order.hlc.wall > e.order.hlc.wall + 1 else { return e.order.hlc }  // ties sort K1 < K2
            return HLC(wall: e.order.hlc.wall + Int64(rng.int(1...Int(next.order.hlc.wall - e.order.hlc.wall - 1))))
        }
        func randomHLC() -> HLC {
            let e = rng.pick(sorted)
            return rng.chance(0.5) ? e.order.hlc : HLC(wall: e.order.hlc.wall + Int64(rng.int(-5000...5000)), logical: Int32(rng.int(0...3)))
        }

        let starts = sorted.compactMap { r -> (RecordedEvent, StepStarted)? in
            if case .stepStarted(let s) = r.event { return (r, s) }; return nil
        }
        // The same part started at another station, with an HLC in between K1's start and its next event.
        for _ in 0..<3 {
            guard let (r, s) = starts.isEmpty ? nil : rng.pick(starts) else { break }
            let other = s.station == "ST-20" ? "ST-21" : (s.station == "ST-21" ? "ST-20" : s.station)
            add(.stepStarted(StepStarted(serial: s.serial, step: s.step, station: other, equipment: nil)), at: between(r), actor: "1002")
        }
        // A scrap on K2 in the middle of K1's work, and a measurement on a part K1 scrapped.
        if let (r, s) = starts.isEmpty ? nil : rng.pick(starts) {
            add(.scrapRecorded(ScrapRecorded(serial: s.serial, step: s.step, count: 99, reason: "DIM", station: s.station)), at: between(r))
        }
        let scraps = sorted.filter {
            if case .scrapRecorded = $0.event { return true }; if case .dispositionDecided(let d) = $0.event { return d.kind == .scrap }; return false
        }
        for r in scraps.prefix(2) {
            let serial = r.event.aggregate.key
            add(
                .measurementRecorded(
                    MeasurementRecorded(
                        serial: serial, step: "OP20", characteristic: "BORE", value: .number(12.001),
                        inTolerance: true, station: "ST-21")),
                at: HLC(wall: r.order.hlc.wall + Int64(rng.int(1...60_000))), actor: "1001")
        }
        // Holds and releases crossing: K2 releases a K1 hold with an HLC before it was placed, and places its own.
        let holds = sorted.compactMap { r -> (RecordedEvent, PartHeld)? in
            if case .partHeld(let h) = r.event { return (r, h) }; return nil
        }
        if let (r, h) = holds.isEmpty ? nil : rng.pick(holds) {
            add(.partHoldReleased(HoldReleased(subject: h.serial, holds: [h.hold, "K2-H1"])), at: HLC(wall: r.order.hlc.wall - 1))
            add(.partHeld(PartHeld(serial: h.serial, hold: "K2-H1", reason: "SUSPECT", note: "K2 saw it")), at: r.order.hlc)
            add(.dispositionDecided(DispositionDecided(serial: h.serial, holds: [h.hold], kind: .useAsIs, reference: "ECR-K2")), at: between(r))
        }
        let serials = Set(sorted.compactMap { r -> String? in r.event.aggregate.kind == "part" ? r.event.aggregate.key : nil }).sorted()
        if let serial = serials.isEmpty ? nil : rng.pick(serials) {
            add(.partHeld(PartHeld(serial: serial, hold: "K2-H2", reason: "OOT", note: "", step: "OP20", ncr: "NCR-K2")), at: randomHLC())
            add(.partHoldReleased(HoldReleased(subject: serial, holds: ["K2-H2"])), at: randomHLC())
            add(.stepCompleted(StepCompleted(serial: serial, step: "OP20", station: "ST-21", next: "OP30")), at: randomHLC(), actor: "1002")
            add(.stepPaused(StepPaused(serial: serial, step: "OP20")), at: randomHLC(), actor: "1002")
            add(.stepResumed(StepResumed(serial: serial, step: "OP20", station: "ST-21")), at: randomHLC(), actor: "1002")
            add(
                .materialConsumed(MaterialConsumed(serial: serial, step: "OP10", material: "AL6061-25", lot: "K2-LOT", qty: 130)), at: randomHLC(),
                actor: "1001")
            add(
                .overrideRequested(OverrideRequested(id: "K2-O1", serial: serial, step: "OP20", blocker: .machineDown, reason: "K2")),
                at: randomHLC(), actor: "1002")
            add(.overrideApproved(OverrideApproved(id: "K2-O1", serial: serial, expiresAt: randomHLC().wall)), at: randomHLC())
            add(.overrideUsed(OverrideUsed(id: "K2-O1", serial: serial)), at: randomHLC(), actor: "1002")
            add(.noteAdded(NoteAdded(aggregate: AggregateID.part(serial).rawValue, text: "K2 note")), at: randomHLC())
        }
        // Undo of a K1 completion from K2.
        let completions = sorted.filter {
            if case .stepCompleted = $0.event { return true }; return false
        }
        if let r = completions.isEmpty ? nil : rng.pick(completions), case .stepCompleted(let c) = r.event {
            add(.stepUndone(StepUndone(serial: c.serial, step: c.step, completion: r.id, approvedBy: "9001")), at: randomHLC())
        }
        // First pieces: another first piece designated on a K1 key, and verdicts crossing.
        let designations = sorted.compactMap { r -> (RecordedEvent, FPIDesignated)? in
            if case .fpiDesignated(let d) = r.event { return (r, d) }; return nil
        }
        if let (r, d) = designations.isEmpty ? nil : rng.pick(designations) {
            let other = rng.pick(serials.isEmpty ? [d.serial] : serials)
            add(.fpiDesignated(FPIDesignated(key: d.key, serial: other)), at: between(r), actor: "1002")
            add(.fpiPassed(FPIVerdictEvent(key: d.key, serial: d.serial)), at: randomHLC(), actor: "2001")
            add(.fpiFailed(FPIVerdictEvent(key: d.key, serial: other, reason: "K2")), at: randomHLC(), actor: "2001")
            add(.fpiWaived(FPIVerdictEvent(key: d.key, serial: d.serial, reason: "K2 waived it")), at: randomHLC(), actor: "9001")
        }
        // Machines, orders, lots, plant.
        add(.downtimeStarted(DowntimeStarted(machine: "VF2-01", reason: "MECH", station: "ST-20")), at: randomHLC(), actor: "1002")
        add(.downtimeStarted(DowntimeStarted(machine: "VF2-01", reason: "TOOL", station: "ST-20")), at: randomHLC(), actor: "1002")
        add(.downtimeEnded(DowntimeEnded(machine: "VF2-01", station: "ST-20")), at: randomHLC(), actor: "1002")
        add(.workOrderHeld(WorkOrderHeld(workOrder: "WO-A", hold: "K2-WH", reason: "SUSPECT")), at: randomHLC())
        add(.workOrderHoldReleased(HoldReleased(subject: "WO-A", holds: ["K2-WH"])), at: randomHLC())
        add(.workOrderPriority(WorkOrderPriority(workOrder: "WO-B", priority: .urgent)), at: randomHLC())
        add(.workOrderPriority(WorkOrderPriority(workOrder: "WO-B", priority: .low)), at: randomHLC())
        if rng.chance(0.5) { add(.workOrderCancelled(WorkOrderCancelled(workOrder: "WO-B", reason: "K2 cancel")), at: randomHLC()) }
        var changed = Fixtures.wo("WO-C", qty: 7, tracking: .batch)
        changed.note = "re-released on K2"
        add(.workOrderReleased(WorkOrderReleased(order: changed, routing: "BRK-7741", routingVersion: 3, serials: changed.serials)), at: randomHLC())
        add(.lotHeld(LotHeld(material: "AL6061-25", lot: "LOT-1", hold: "K2-LH", reason: "SUSPECT")), at: randomHLC())
        add(.lotHoldReleased(HoldReleased(subject: "AL6061-25:LOT-1", holds: ["K2-LH"])), at: randomHLC())
        var plant2 = Fixtures.plant()
        plant2.name = "Acme Aerostructures, Building 2 (K2 reload)"
        add(.plantLoaded(PlantLoaded(plant: plant2)), at: randomHLC())
        add(.unknown(type: "robot.danced", version: 3, payload: "{}"), at: randomHLC())
        return out
    }

    static func totalConflicts(_ s: PlantState) -> Int {
        s.parts.values.reduce(0) { $0 + $1.conflicts.count } + s.workOrders.values.reduce(0) { $0 + $1.conflicts.count }
            + s.machines.values.reduce(0) { $0 + $1.conflicts.count } + s.fpis.values.reduce(0) { $0 + $1.conflicts.count }
    }

    @Test(arguments: 1...20)
    func everyPermutationFoldsToTheSameState(seed: Int) throws {
        var (w, rng) = try Self.work(seed: UInt64(seed) &* 0x1000_0001)
        let k1 = w.events
        let k2 = Self.conflictingEvents(k1, rng: &rng)
        let all = k1 + k2
        #expect(Set(all.map(\.id)).count == all.count, "every event has its own id")

        #expect(Self.totalConflicts(w.state) == 0, "seed \(seed): one node driven by the rules never conflicts with itself")
        let first = PlantState.fold(all)
        // The generated work did something, and the K2 events do conflict.
        #expect(first.parts.values.contains { !$0.completions.isEmpty }, "seed \(seed): no completion at all")
        #expect(Self.totalConflicts(first) > 0, "seed \(seed): no conflict found")
        #expect(first.unknownEvents == 1)

        var mismatches: [Int] = []
        var shuffled = all
        for i in 0..<50 {
            shuffled.shuffle(using: &rng)
            if PlantState.fold(shuffled) != first { mismatches.append(i) }
        }
        #expect(mismatches.isEmpty, "seed \(seed): permutations \(mismatches) fold to a different state")
        #expect(PlantState.fold(all.reversed()) == first)
        #expect(PlantState.fold(all.sorted { $0.order < $1.order }) == first)
    }

    @Test func theGeneratorDrivesRealWork() throws {
        // Across seeds the random work reaches every kind of outcome the rules produce.
        var kinds = Set<String>()
        var done = 0
        for seed in 1...20 {
            let (w, _) = try Self.work(seed: UInt64(seed) &* 0x1000_0001)
            kinds.formUnion(w.events.map(\.event.type))
            done += w.state.parts.values.filter { $0.status == .done }.count
        }
        for t in [
            "step.started", "step.completed", "measurement.recorded", "part.held", "disposition.decided", "fpi.designated",
            "fpi.passed", "downtime.started", "material.consumed", "scrap.recorded",
        ] {
            #expect(kinds.contains(t), "no \(t) generated")
        }
        #expect(done > 0, "some part ran the whole routing")
    }
}

/// The event vocabulary in the log: every case round-trips; unknown types are kept and counted.
@Suite struct EventCodecTests {
    /// One sample of every DomainEvent case (`caseIndex` below fails to compile when a case is added).
    static func samples() -> [DomainEvent] {
        let key = FPIKey(rawValue: "WO-1001|OP20|shift=DAY@2026-11-24")
        let spec = Fixtures.wo()
        return [
            .plantLoaded(
                PlantLoaded(
                    plant: Fixtures.plant { p in
                        Fixtures.editStep(&p, "OP30") {
                            $0.onFail = .rework(step: "OP20"); $0.next = [NextEdge(to: "OP50", when: .pass)]
                        }
                    })),
            .workOrderReleased(WorkOrderReleased(order: spec, routing: "BRK-7741", routingVersion: 3, serials: spec.serials)),
            .workOrderHeld(WorkOrderHeld(workOrder: "WO-1001", hold: "H1", reason: "SUSPECT", note: "n/a \"quoted\" / slash")),
            .workOrderHoldReleased(HoldReleased(subject: "WO-1001", holds: ["H1"], note: "ok")),
            .workOrderCancelled(WorkOrderCancelled(workOrder: "WO-1001", reason: "customer")),
            .workOrderPriority(WorkOrderPriority(workOrder: "WO-1001", priority: .urgent)),
            .stepStarted(StepStarted(serial: "WO-1001-001", step: "OP20", station: "ST-20", equipment: "VF2-01", fpiKey: key, overrides: ["O1"])),
            .stepPaused(StepPaused(serial: "WO-1001-001", step: "OP20", reason: "break")),
            .stepResumed(StepResumed(serial: "WO-1001-001", step: "OP20", station: "ST-21")),
            .stepCompleted(
                StepCompleted(
                    serial: "WO-2001", step: "OP10", station: "ST-10", good: 8, scrap: 2, scrapReason: "DIM", signoffBy: "2001", next: nil)),
            .stepUndone(
                StepUndone(
                    serial: "WO-1001-001", step: "OP10", completion: EventID(node: "K1", epoch: "E", seq: 9), approvedBy: "9001", reason: "oops")),
            .measurementRecorded(
                MeasurementRecorded(
                    serial: "WO-1001-001", step: "OP20", characteristic: "BORE", value: .number(11.99), inTolerance: true, gauge: "MIC-004",
                    station: "ST-20")),
            .measurementRecorded(
                MeasurementRecorded(
                    serial: "WO-1001-001", step: "OP30", characteristic: "EDGES", value: .passFail(false), inTolerance: false, station: "ST-30")),
            .materialConsumed(
                MaterialConsumed(serial: "WO-1001-001", step: "OP10", material: "AL6061-25", lot: "H1", qty: 130, expiry: Fixtures.d("2027-01-31"))),
            .partHeld(PartHeld(serial: "WO-1001-001", hold: "H2", reason: "OOT", note: "BORE = 12.03", step: "OP20", ncr: "NCR-1")),
            .partHoldReleased(HoldReleased(subject: "WO-1001-001", holds: ["H2", "H3"])),
            .dispositionDecided(
                DispositionDecided(
                    serial: "WO-1001-001", holds: ["H2"], kind: .rework, reworkStep: "OP20", reference: "ECR-1", scrapReason: nil, note: "MRB")),
            .scrapRecorded(ScrapRecorded(serial: "WO-1001-001", step: "OP20", count: 1, reason: "DIM", station: "ST-20")),
            .fpiDesignated(FPIDesignated(key: key, serial: "WO-1001-001")),
            .fpiPassed(FPIVerdictEvent(key: key, serial: "WO-1001-001")),
            .fpiFailed(FPIVerdictEvent(key: key, serial: "WO-1001-001", reason: "oversize")),
            .fpiWaived(FPIVerdictEvent(key: key, serial: "WO-1001-001", reason: "deviation CD-1")),
            .overrideRequested(OverrideRequested(id: "O1", serial: "WO-1001-001", step: "OP20", blocker: .waitingFirstPiece, reason: "expedite")),
            .overrideApproved(OverrideApproved(id: "O1", serial: "WO-1001-001", expiresAt: 1_795_000_000_123)),
            .overrideUsed(OverrideUsed(id: "O1", serial: "WO-1001-001")),
            .downtimeStarted(DowntimeStarted(machine: "VF2-01", reason: "MECH", station: "ST-20")),
            .downtimeEnded(DowntimeEnded(machine: "VF2-01", station: "ST-20")),
            .lotHeld(LotHeld(material: "AL6061-25", lot: "H1", hold: "LH1", reason: "SUSPECT")),
            .lotHoldReleased(HoldReleased(subject: "AL6061-25:H1", holds: ["LH1"])),
            .noteAdded(NoteAdded(aggregate: "part:WO-1001-001", text: "Ünïcödé ✓ and \u{1B}[31m escapes")),
            .unknown(type: "robot.danced", version: 1, payload: "{\"steps\":3}"),
            .andonCalled(AndonCalled(id: "A1", station: "ST-1", kind: "quality", note: "burr")),
            .andonAcknowledged(AndonAnswered(id: "A1", station: "ST-1")),
            .andonCleared(AndonAnswered(id: "A1", station: "ST-1")),
            .signingSecretSet(SigningSecretSet(badge: "2001", hash: "$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA", mustChange: true)),
            .signatureFailed(SigningAttempt(badge: "2001", station: "ST-30")),
            .signatureAccepted(SigningAttempt(badge: "2001", station: "ST-30")),
            .signingLocked(SigningPerson(badge: "2001")),
            .signingUnlocked(SigningPerson(badge: "2001")),
            .signatureApplied(
                SignatureApplied(
                    aggregate: "part:WO-1001-001", badge: "2001", name: "Ana Ruiz", meaning: "dispositioned (rework)",
                    signedAt: "2026-12-02T10:15:03+01:00", zone: "Europe/Berlin", method: .badgeAndSecret,
                    records: [SignedRecord(event: "n1/e1/7", type: "disposition.decided", hash: String(repeating: "ab", count: 32))])),
            .routingApproved(RoutingApproved(routing: "BRK-7741", version: 4)),
            .qualificationGranted(
                QualificationGranted(
                    badge: "1002", qualification: Qualification(skill: "MILL", certified: Fixtures.d("2026-12-01"), expires: Fixtures.d("2028-11-30"))
                )),
            .qualificationRevoked(QualificationRevoked(badge: "1002", skill: "DEBURR", reason: "failed the practical re-test")),
            .quality(
                .ncrRaised(
                    NCRRaised(
                        number: "NCR-261202-K1-1", defect: "DIM", severity: .major, source: .measurement, serials: ["WO-1001-001"], part: "BRK-7741",
                        workOrder: "WO-1001", step: "OP20", station: "ST-20", characteristic: "BORE", value: "12.03", description: "oversize",
                        containment: "sorted the batch"))),
            .quality(.ncrUpdated(NCRUpdated(number: "NCR-261202-K1-1", severity: .critical, containment: "100% sort"))),
            .quality(.ncrDispositioned(NCRDispositioned(number: "NCR-261202-K1-1", kind: .useAsIs, reference: "CUST-DEV-7", note: "MRB"))),
            .quality(.ncrClosed(NCRClosed(number: "NCR-261202-K1-1", note: "done"))),
            .quality(
                .lotReceived(
                    LotReceived(
                        material: "AL6061-25", lot: "H1", quantity: 500, unit: "mm", supplier: "Alcoa", certificate: "COC-77",
                        expiry: Fixtures.d("2027-06-30"), quarantined: true))),
            .quality(.lotReleased(LotVerdict(material: "AL6061-25", lot: "H1", note: "certs ok"))),
            .quality(.lotRejected(LotVerdict(material: "AL6061-25", lot: "H2", note: "wrong alloy", ncr: "NCR-261202-K1-2"))),
            .quality(.lotConsumed(LotConsumed(material: "AL6061-25", lot: "H1", serial: "WO-1001-001", step: "OP10", qty: 130))),
            .quality(.lotSplit(LotSplit(material: "AL6061-25", lot: "H1", into: "H1-A", qty: 100))),
            .quality(.lotMeasured(LotMeasured(material: "AL6061-25", lot: "H1", characteristic: "HARD", value: .number(71), inTolerance: true))),
            .quality(
                .lotDerived(
                    LotDerived(
                        material: "AL6061-25", lot: "H1-A", from: [LotDerived.Portion(lot: "H1", qty: 100)], quantity: 100, unit: "mm",
                        supplier: "Alcoa", certificate: "COC-77", expiry: Fixtures.d("2027-06-30"), quarantined: false))),
            .quality(
                .capaOpened(
                    CAPAOpened(
                        number: "CAPA-261202-K1-1", source: .ncr, ncrs: ["NCR-261202-K1-1"], owner: "9001", due: Fixtures.d("2027-01-31"),
                        problem: "bores oversize on VF2-01"))),
            .quality(
                .capaUpdated(
                    CAPAUpdated(number: "CAPA-261202-K1-1", rootCauseMethod: "5 whys", rootCause: "worn boring bar", addNCRs: ["NCR-261202-K1-2"]))),
            .quality(
                .capaActionAdded(
                    CAPAActionAdded(number: "CAPA-261202-K1-1", action: "X1", text: "tool life 200 pcs", owner: "1002", due: Fixtures.d("2026-12-20"))
                )),
            .quality(.capaActionDone(CAPAActionDone(number: "CAPA-261202-K1-1", action: "X1", note: "in the program"))),
            .quality(.capaEffectiveness(CAPAEffectiveness(number: "CAPA-261202-K1-1", check: "no OOT for 30 days", passed: true, note: ""))),
            .quality(.capaClosed(CAPAClosed(number: "CAPA-261202-K1-1", note: "effective"))),
            .quality(
                .spcLimitsSet(
                    SPCLimitsSet(
                        chart: "BRK-7741/OP20/BORE",
                        limits: ControlLimits(
                            kind: .individuals, subgroupSize: 1, center: 12.004, lower: 11.993, upper: 12.015, spreadCenter: 0.004,
                            spreadLower: 0, spreadUpper: 0.013, sigma: 0.0035), baseline: "the first 20 subgroups", reason: "new bar"))),
            .quality(
                .spcAcknowledged(
                    SPCResponse(
                        chart: "BRK-7741/OP20/BORE", station: "ST-20", through: OrderKey(hlc: HLC(wall: 5, logical: 0), node: "K1", seq: 3),
                        rules: [.nineOneSide], reason: "offset"))),
            .quality(
                .spcCleared(
                    SPCResponse(
                        chart: "BRK-7741/OP20/BORE", station: "ST-20", through: OrderKey(hlc: HLC(wall: 6, logical: 0), node: "K2", seq: 1),
                        rules: [.beyond3Sigma], reason: "re-indexed"))),
            .quality(
                .calibrated(
                    EquipmentCalibrated(
                        equipment: "MIC-004", on: Fixtures.d("2026-11-20"), due: Fixtures.d("2027-05-20"), passed: true, certificate: "CAL-9"))),
        ]
    }

    static func caseIndex(_ e: DomainEvent) -> Int {
        switch e {
        case .plantLoaded: return 0
        case .workOrderReleased: return 1
        case .workOrderHeld: return 2
        case .workOrderHoldReleased: return 3
        case .workOrderCancelled: return 4
        case .workOrderPriority: return 5
        case .stepStarted: return 6
        case .stepPaused: return 7
        case .stepResumed: return 8
        case .stepCompleted: return 9
        case .stepUndone: return 10
        case .measurementRecorded: return 11
        case .materialConsumed: return 12
        case .partHeld: return 13
        case .partHoldReleased: return 14
        case .dispositionDecided: return 15
        case .scrapRecorded: return 16
        case .fpiDesignated: return 17
        case .fpiPassed: return 18
        case .fpiFailed: return 19
        case .fpiWaived: return 20
        case .overrideRequested: return 21
        case .overrideApproved: return 22
        case .overrideUsed: return 23
        case .downtimeStarted: return 24
        case .downtimeEnded: return 25
        case .lotHeld: return 26
        case .lotHoldReleased: return 27
        case .noteAdded: return 28
        case .unknown: return 29
        case .andonCalled: return 30
        case .andonAcknowledged: return 31
        case .andonCleared: return 32
        case .signingSecretSet: return 33
        case .signatureFailed: return 34
        case .signatureAccepted: return 35
        case .signingLocked: return 36
        case .signingUnlocked: return 37
        case .signatureApplied: return 38
        case .routingApproved: return 39
        case .qualificationGranted: return 40
        case .qualificationRevoked: return 41
        case .quality(let q): return 42 + QualityEvent.types.firstIndex(of: q.type)!
        }
    }

    @Test func theSamplesCoverEveryCase() {
        #expect(Set(Self.samples().map(Self.caseIndex)) == Set(0...(41 + QualityEvent.types.count)))
        let types = Self.samples().map(\.type)
        #expect(Set(types).count == 42 + QualityEvent.types.count, "each case has its own type name")
    }

    @Test func everyEventRoundTripsThroughItsPayload() {
        for e in Self.samples() {
            let payload = EventCodec.payload(of: e)
            let back = EventCodec.decode(type: e.type, version: e.version, payload: payload)
            #expect(back == e, "\(e.type)")
            // Canonical: encoding again gives the same bytes.
            #expect(EventCodec.payload(of: back) == payload, "\(e.type)")
        }
    }

    @Test func aWorkOrderDueAtAnInstantRoundTrips() {
        var spec = Fixtures.wo()
        spec.due = .instant(Fixtures.date("2026-12-15T22:00:00Z"))
        let e = DomainEvent.workOrderReleased(WorkOrderReleased(order: spec, routing: "BRK-7741", routingVersion: 3, serials: spec.serials))
        #expect(EventCodec.decode(type: e.type, version: 1, payload: EventCodec.payload(of: e)) == e)
    }

    @Test func unknownEventsDecodeAsUnknownAndAreCountedNotCrashing() throws {
        let unknownType = EventCodec.decode(type: "robot.danced", version: 1, payload: "{\"x\":1}")
        #expect(unknownType == .unknown(type: "robot.danced", version: 1, payload: "{\"x\":1}"))
        let newerVersion = EventCodec.decode(type: "step.started", version: 2, payload: "{\"serial\":\"X\"}")
        #expect(newerVersion == .unknown(type: "step.started", version: 2, payload: "{\"serial\":\"X\"}"))
        let badPayload = EventCodec.decode(type: "part.held", version: 1, payload: "not json")
        #expect(badPayload == .unknown(type: "part.held", version: 1, payload: "not json"))
        #expect(unknownType.type == "robot.danced" && newerVersion.version == 2 && unknownType.aggregate == .unknown)

        // Through envelopes, into a fold with real work: counted, and the rest folds as usual.
        var w = World()
        w.release(Fixtures.wo())
        try w.passStep("WO-1001-001")
        var events = w.events
        for (i, (type, version, payload)) in [
            ("robot.danced", 1, "{}"), ("step.started", 2, "{\"serial\":\"WO-1001-001\"}"),
            ("part.held", 1, "{oops"),
        ].enumerated() {
            let env = EventEnvelope(
                node: "K9", epoch: "Z", seq: Int64(i + 1), hlc: HLC(wall: w.millis + Int64(i)), wallTime: w.millis,
                causal: 0, type: type, typeVersion: version, aggregate: "part:WO-1001-001", actor: "1001",
                prevHash: "", payload: payload)
            let r = RecordedEvent(envelope: env)
            if case .unknown = r.event {} else { Issue.record("\(type) v\(version) did not decode as unknown: \(r.event)") }
            events.append(r)
        }
        let s = PlantState.fold(events)
        #expect(s.unknownEvents == 3)
        #expect(s.parts["WO-1001-001"]?.step == "OP20")
        #expect(s.parts["WO-1001-001"]?.holds.isEmpty == true)
        #expect(PlantState.fold(events.reversed()) == s)
    }

    @Test func anEnvelopeOfAKnownEventDecodesToIt() {
        let e = DomainEvent.stepPaused(StepPaused(serial: "WO-1001-001", step: "OP10", reason: "lunch"))
        let env = EventEnvelope(
            node: "K1", epoch: "E", seq: 3, hlc: HLC(wall: 1_795_000_000_000, logical: 2), wallTime: 1_795_000_000_000,
            causal: 0, type: e.type, typeVersion: e.version, aggregate: e.aggregate.rawValue, actor: "1001",
            prevHash: "", payload: EventCodec.payload(of: e))
        let r = RecordedEvent(envelope: env)
        #expect(r.event == e)
        #expect(r.id == EventID(node: "K1", epoch: "E", seq: 3))
        #expect(r.order == OrderKey(hlc: HLC(wall: 1_795_000_000_000, logical: 2), node: "K1", seq: 3))
        #expect(r.actor == "1001")
    }
}

@Test func knownTypesAreExactlyTheOnesThatDecode() {
    // Every type the codec writes is known; an unknown type or version is not.
    let samples: [DomainEvent] = [.noteAdded(NoteAdded(aggregate: "part:A", text: "x"))]
    for e in samples { #expect(EventCodec.knows(type: e.type, version: e.version)) }
    #expect(!EventCodec.knows(type: "note.added", version: 2))
    #expect(!EventCodec.knows(type: "robot.arm.moved", version: 1))
    // Every type of the log the simulator writes is known.
    let written: [DomainEvent] = [
        .downtimeEnded(DowntimeEnded(machine: "M", station: "ST")),
        .noteAdded(NoteAdded(aggregate: "wo:W", text: "t")),
    ]
    for e in written { #expect(EventCodec.knows(type: e.type, version: e.version), "\(e.type)") }
}
