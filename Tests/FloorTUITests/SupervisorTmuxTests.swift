import Foundation
import Testing

@testable import FloorTUI

@Suite("supervisor, board and kiosk on one store (tmux)", .serialized, .enabled(if: Tmux.available))
struct SupervisorTmuxTests {
    /// Held part → supervisor dispositions it to rework in the console → the kiosk shows it back in
    /// its queue at the rework step and the wall board's hold count drops, each within ~1 s.
    @Test func aDispositionReachesTheKioskAndTheBoard() throws {
        let f = try FloorBinary.demo()
        let held = try f.run([
            "scan", "--db", f.db, "--station", "K-SW1", "EMP:101", "SN:NW-5001-001", "CMD:START",
            "LOT:TI64-6:HEAT-7731", "M:OD=3.60",
        ])
        #expect(held.out.contains("ON HOLD"), "\(held.out) \(held.err)")

        let kiosk = try Tmux(width: 100, height: 30, command: "\(FloorBinary.path) kiosk --station K-SW1 --db \(f.db)")
        kiosk.wait(for: "SCAN YOUR BADGE")
        try kiosk.scan("EMP:101")
        let before = kiosk.wait(for: "Lena Vogel")
        // The part is the queue's first row (urgent order): the line under the list says why it cannot start.
        let row = { (s: String) in
            s.split(separator: "\n").first {
                $0.contains("NW-5001-001") && $0.contains("OP10") && !$0.contains("FIRST PIECE")
                    && !$0.contains("Cannot start")
            }.map(String.init) ?? ""
        }
        #expect(before.contains("NW-5001-001 is on hold (OOT)"), "\(before)")

        let board = try Tmux(width: 120, height: 40, command: "\(FloorBinary.path) dashboard --db \(f.db)")
        board.wait(for: "OPEN HOLDS 1")

        let console = try Tmux(width: 120, height: 30, command: "\(FloorBinary.path) supervisor --db \(f.db)")
        console.wait(for: "Scan your badge")
        try console.type("101")
        try console.key("Enter")
        console.wait(for: "the console needs a supervisor or an inspector")  // an operator's badge is refused
        try console.type("301")
        try console.key("Enter")
        console.wait(for: "Your secret opens the console")
        try console.type(DemoPlant.signingSecret)
        try console.key("Enter")
        console.wait(for: "Eva Schmidt (supervisor)")
        try console.type("2")
        console.wait(for: "OOT")
        try console.type("d")
        console.wait(for: "Disposition of NW-5001-001")
        try console.key("Down")
        try console.key("Enter")
        console.wait(for: "Rework NW-5001-001 to step")
        try console.key("Enter")
        console.wait(for: "Sign: dispositioned (rework)")
        try console.type(DemoPlant.signingSecret)
        #expect(!console.screen.contains(DemoPlant.signingSecret), "the secret is never echoed")
        try console.key("Enter")
        let signedAt = Date()
        console.wait(for: "SIGNED dispositioned (rework)")

        board.wait(for: "OPEN HOLDS 0", timeout: 3)
        let boardDelay = Date().timeIntervalSince(signedAt)
        let end = Date().addingTimeInterval(3)
        var after = kiosk.screen
        while Date() < end, after.contains("is on hold") || row(after).isEmpty { usleep(30_000); after = kiosk.screen }
        #expect(!after.contains("is on hold") && !row(after).isEmpty && !row(after).contains("HOLD"), "\(after)")
        #expect(boardDelay < 2, "board took \(boardDelay) s")
        try board.key("q")
        board.wait(for: "EXIT=0")
    }
}
