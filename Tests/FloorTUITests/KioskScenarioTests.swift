import Foundation
import Testing

/// Kiosk scenarios written once against `KioskScenario` and run both ways: in process and as the
/// real binary in a pseudo-terminal. What one way alone can check (golden screens on a fixed clock;
/// bytes, signals and CPU of the real process) stays in `KioskScreenTests` and `KioskTmuxTests`.
@Suite("kiosk scenarios, in process and in a pty", .serialized)
struct KioskScenarioTests {
    @Test(arguments: KioskWay.allCases.filter(\.available))
    func theWholeStationWorkflow(_ way: KioskWay) throws {
        let t = try way.demoKiosk()
        try t.scan("EMP:101")
        t.wait(for: "Lena Vogel (operator)")
        // Pick the first part with the keys and open it.
        try t.key("Enter")
        t.wait(for: "Step OP10 Turn and thread")
        try t.key("F5")
        t.wait(for: "RUNNING since")
        try t.scan("LOT:TI64-6:HEAT-7731")
        t.wait(for: "consumed lot HEAT-7731")
        try t.key("F3")
        t.wait(for: "Measurements: type a value")
        try t.type("3.5")
        t.wait(for: "IN TOL")
        try t.key("Enter")
        try t.type("2.6")
        t.wait(for: "HIGH - OUT")
        try t.key("Enter")
        t.wait(for: "HOLD OOT")
        t.wait(for: "ON HOLD")
        // Back to the queue: the held part shows HOLD; take the next order's first part to completion.
        try t.key("Esc"); try t.key("Esc")
        t.wait(for: "HOLD")
        try t.scan("SN:NW-5002-001")
        t.wait(for: "Step OP10")
        try t.key("F5")
        t.wait(for: "RUNNING since")
        try t.scan("LOT:TI64-6:HEAT-7731")
        try t.key("F3")
        try t.type("3.5"); try t.key("Enter")
        try t.type("2.4"); try t.key("Enter")
        t.wait(for: "2.4 IN TOL")
        try t.key("F4")
        t.wait(for: "completed OP10")
        try t.key("Esc"); try t.key("Esc")
        let queue = t.wait(for: "Queue at SWISS")
        #expect(!queue.split(separator: "\n").contains { $0.contains("NW-5002   NW-5002-001") }, "a completed part left the queue:\n\(queue)")
        #expect(queue.split(separator: "\n").contains { $0.contains("NW-5002   NW-5002-002") })
        // Resize: wider, too small, back.
        try t.resize(120, 30)
        t.wait(for: "STEP                            QTY")
        try t.resize(60, 20)
        t.wait(for: "Terminal too small")
        try t.resize(80, 24)
        t.wait(for: "Queue at SWISS")
    }

    /// Lena Vogel logged in at K-SW1 with the first part of NW-5001 open.
    func partOpen(_ way: KioskWay, width: Int = 80, height: Int = 24) throws -> KioskScenario {
        let t = try way.demoKiosk(width: width, height: height)
        try t.scan("EMP:101")
        t.wait(for: "Lena Vogel (operator)")
        try t.scan("SN:NW-5001-001")
        t.wait(for: "Step OP10")
        return t
    }

    @Test(arguments: KioskWay.allCases.filter(\.available))
    func aRefusedScanShowsEveryReasonAndChangesNothing(_ way: KioskWay) throws {
        let t = try partOpen(way)
        try t.key("F5")
        t.wait(for: "RUNNING since")
        // A second part of the same order waits for the first piece: its start is refused, with why.
        try t.key("Esc")
        try t.scan("SN:NW-5001-002")
        t.wait(for: "NW-5001-002")
        try t.key("F5")
        t.wait(for: "REFUSED")
        t.wait(for: "first piece")
        let r = try t.store.run(["report", "trace", "NW-5001-002"])
        #expect(r.status == 0 && !r.out.contains("step.started"), "\(r.out)")
    }

    @Test(arguments: KioskWay.allCases.filter(\.available))
    func helpOnTheOpenPartSaysWhatIsNotAvailableNow(_ way: KioskWay) throws {
        let t = try partOpen(way, width: 100, height: 40)
        try t.key("F1")
        t.wait(for: "Help · part")
        t.wait(for: "resume (not now)")
        t.wait(for: "is not paused")
    }
}
