import Foundation
import Testing

@testable import MESCore

/// plant-file.md: step order, `next` edges, `on_fail: rework`, routing versions; work-order serials.
@Suite struct RoutingTests {
    let r = Fixtures.routing

    func step(_ id: String, _ change: (inout Step) -> Void = { _ in }) -> Step {
        var s = r.step(id)!
        change(&s)
        return s
    }

    @Test func stepsRunInFileOrder() {
        #expect(Routing.next(after: step("OP10"), in: r, failed: false) == "OP20")
        #expect(Routing.next(after: step("OP40"), in: r, failed: false) == "OP50")
        #expect(Routing.next(after: step("OP50"), in: r, failed: false) == nil)
        // A failure on a hold step goes on in file order (the hold stops it, not the routing).
        #expect(Routing.next(after: step("OP40"), in: r, failed: true) == "OP50")
    }

    @Test func onFailReworkSendsBackOnlyOnFailure() {
        let s = step("OP30") { $0.onFail = .rework(step: "OP20") }
        #expect(Routing.next(after: s, in: r, failed: true) == "OP20")
        #expect(Routing.next(after: s, in: r, failed: false) == "OP40")
    }

    @Test func nextEdgesForLoopsAndOptionalSteps() {
        let skip = step("OP30") { $0.next = [NextEdge(to: "OP50", when: .always)] }
        #expect(Routing.next(after: skip, in: r, failed: false) == "OP50")
        #expect(Routing.next(after: skip, in: r, failed: true) == "OP50")
        let loop = step("OP40") { $0.next = [NextEdge(to: "OP50", when: .pass), NextEdge(to: "OP30", when: .fail)] }
        #expect(Routing.next(after: loop, in: r, failed: false) == "OP50")
        #expect(Routing.next(after: loop, in: r, failed: true) == "OP30")
        // A fail edge wins over on_fail rework.
        let both = step("OP40") {
            $0.onFail = .rework(step: "OP10"); $0.next = [NextEdge(to: "OP30", when: .fail)]
        }
        #expect(Routing.next(after: both, in: r, failed: true) == "OP30")
    }

    @Test func anAlwaysEdgeSkipsAStepEndToEnd() throws {
        let plant = Fixtures.plant { p in Fixtures.editStep(&p, "OP30") { $0.next = [NextEdge(to: "OP50", when: .always)] } }
        var w = World(plant: plant)
        w.release(Fixtures.wo())
        try w.bring("WO-1001-001", to: "OP30")
        try w.passStep("WO-1001-001")
        #expect(try w.part("WO-1001-001").step == "OP50")
    }

    @Test func theLatestApprovedVersionInEffectIsUsedForRelease() {
        let plant = Fixtures.plant { p in
            var v4 = Fixtures.routing; v4.version = 4; v4.effective = Fixtures.d("2027-01-01")
            var v5 = Fixtures.routing; v5.version = 5; v5.status = .draft; v5.effective = Fixtures.d("2026-06-01")
            var v2 = Fixtures.routing; v2.version = 2; v2.status = .obsolete; v2.effective = Fixtures.d("2026-10-01")
            p.routings += [v4, v5, v2]
        }
        let ix = PlantIndex(plant)
        #expect(ix.routingForRelease(part: "BRK-7741", on: Fixtures.d("2026-11-24"))?.version == 3)
        #expect(ix.routingForRelease(part: "BRK-7741", on: Fixtures.d("2027-01-01"))?.version == 4)
        #expect(ix.routingForRelease(part: "BRK-7741", on: Fixtures.d("2025-12-31")) == nil)
        #expect(ix.routingForRelease(part: "NOPE", on: Fixtures.d("2026-11-24")) == nil)
    }

    @Test func aWorkOrderKeepsTheVersionItWasReleasedWith() throws {
        var w = World()
        w.release(Fixtures.wo())
        // A new plant file drops v3 and approves v4 without OP40.
        var v4 = Fixtures.routing
        v4.version = 4
        v4.steps.removeAll { $0.id == "OP40" }
        var p2 = Fixtures.plant()
        p2.routings = [v4]
        w.append(.plantLoaded(PlantLoaded(plant: p2)))
        w.plant = p2
        #expect(w.state.routing(id: "BRK-7741", version: 3) != nil, "every version ever loaded stays in the library")
        try w.bring("WO-1001-001", to: "OP40")
    }

    @Test func serialsAreGeneratedFromTheOrderNumber() {
        #expect(Fixtures.wo("WO-1", qty: 3).serials == ["WO-1-001", "WO-1-002", "WO-1-003"])
        #expect(Fixtures.wo("WO-1", qty: 1000).serials.last == "WO-1-1000")
        #expect(Fixtures.wo("WO-1", qty: 1000).serials.first == "WO-1-0001")
        #expect(Fixtures.wo("WO-1", qty: 12, tracking: .batch).serials == ["WO-1"])
        #expect(Fixtures.wo("WO-1", qty: 0).serials == [])
    }

    @Test func canonicalOrderIsHLCThenNodeThenSeq() {
        let a = OrderKey(hlc: HLC(wall: 10, logical: 0), node: "K2", seq: 9)
        let b = OrderKey(hlc: HLC(wall: 10, logical: 1), node: "K1", seq: 1)
        let c = OrderKey(hlc: HLC(wall: 10, logical: 1), node: "K2", seq: 1)
        let d = OrderKey(hlc: HLC(wall: 10, logical: 1), node: "K2", seq: 2)
        #expect([d, c, b, a].sorted() == [a, b, c, d])
    }

    @Test func theHLCNeverGoesBackwardsAndIgnoresFarFutureTimes() {
        var clock = HLCClock()
        let t = Fixtures.t0
        let h1 = clock.tick(physical: t)
        let h2 = clock.tick(physical: t)
        let h3 = clock.tick(physical: t.addingTimeInterval(-60))
        #expect(h1 < h2 && h2 < h3)
        let adopted = clock.observe(HLC(wall: h3.wall + 1000, logical: 0), physical: t)
        #expect(adopted)
        #expect(clock.tick(physical: t) > HLC(wall: h3.wall + 1000, logical: 0))
        let before = clock.last
        let farFuture = clock.observe(HLC(wall: h1.wall + HLCClock.maxDriftMillis + 10_000), physical: t)
        #expect(!farFuture)
        #expect(clock.last == before)
    }
}
