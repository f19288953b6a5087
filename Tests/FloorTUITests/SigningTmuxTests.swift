import Foundation
import Testing

@testable import FloorTUI

/// Signatures with the real binaries in pseudo-terminals: the inspector walks up to the kiosk
/// where an operator is logged in; wrong secrets are refused and record nothing; five lock; a
/// supervisor unlocks from the console; then the pass is signed. No secret is ever in the pty's
/// output bytes, the kiosk's trace, or the store's files.
@Suite("signatures at the kiosk and the console (tmux)", .serialized, .enabled(if: Tmux.available))
struct SigningTmuxTests {
    @Test func anInspectorSignsAtTheOperatorsKioskAndASupervisorUnlocksFromTheConsole() throws {
        let f = try FloorBinary.demo()
        let secret = DemoPlant.signingSecret
        let wrong = "wrongpin7"
        let bytes = f.dir.appendingPathComponent("pty.bytes").path, trace = f.dir.appendingPathComponent("trace.log").path
        let kiosk = try Tmux(
            command: "\(FloorBinary.path) kiosk --station K-SW1 --db \(f.db) 3>\(trace)", env: ["FLOOR_TRACE_FD": "3"])
        try kiosk.run(["pipe-pane", "-o", "-t", kiosk.session, "cat >> \(bytes)"])
        kiosk.wait(for: "SCAN YOUR BADGE")
        try kiosk.scan("EMP:101")
        kiosk.wait(for: "Lena Vogel")
        try kiosk.scan("SN:NW-5001-001")
        kiosk.wait(for: "Step OP10")
        try kiosk.key("F5")
        kiosk.wait(for: "FIRST PIECE PENDING")
        // The inspector walks up: i (pass) opens the pad; their badge scanned, a wrong secret.
        try kiosk.type("i")
        kiosk.wait(for: "Sign: approved (first piece)")
        try kiosk.scan("EMP:201")
        kiosk.wait(for: "Badge    201")
        for i in 1...5 {
            try kiosk.type(wrong)
            #expect(!kiosk.screen.contains(wrong))
            try kiosk.key("Enter")
            kiosk.wait(for: i < 5 ? "wrong secret for Sofia Marino" : "signing is now locked")
        }
        // Locked: even the right secret is refused now, and nothing was recorded.
        try kiosk.type(secret)
        try kiosk.key("Enter")
        kiosk.wait(for: "locked after 5 wrong secrets")
        #expect(!(try f.run(["report", "trace", "NW-5001-001"]).out.contains("PASSED")))
        #expect(kiosk.screen.contains("Lena Vogel"), "the operator stays logged in")

        // The supervisor unlocks from the console, signed.
        let console = try Tmux(width: 100, height: 30, command: "\(FloorBinary.path) supervisor --db \(f.db)")
        console.wait(for: "Scan your badge")
        try console.type("301")
        try console.key("Enter")
        console.wait(for: "Your secret opens the console")
        try console.type(secret)
        try console.key("Enter")
        console.wait(for: "Eva Schmidt (supervisor)")
        try console.type("U")
        console.wait(for: "Badge of the person locked out")
        try console.type("201")
        try console.key("Enter")
        console.wait(for: "Sign: unlocked (signing)")
        try console.type(secret)
        #expect(!console.screen.contains(secret))
        try console.key("Enter")
        console.wait(for: "SIGNED unlocked (signing)")

        // Back at the kiosk: the pass, signed.
        try kiosk.type("i")
        kiosk.wait(for: "Sign: approved (first piece)")
        try kiosk.scan("EMP:201")
        kiosk.wait(for: "Badge    201")
        try kiosk.type(secret)
        try kiosk.key("Enter")
        kiosk.wait(for: "PASSED")
        let traced = try f.run(["report", "trace", "NW-5001-001"]).out
        #expect(traced.contains("Sofia Marino (201) · approved (first piece) · "), "\(traced)")
        #expect(try f.run(["audit", "verify"]).status == 0)

        // No secret, right or wrong, anywhere it could leak.
        try kiosk.kill(); try console.kill()
        var files = [bytes, trace, f.db, f.db + "-wal"]
        files = files.filter { FileManager.default.fileExists(atPath: $0) }
        #expect(files.contains(bytes) && files.contains(trace))
        for path in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            for s in [secret, wrong] { #expect(data.range(of: Data(s.utf8)) == nil, "\(s) is in \(path)") }
        }
        #expect(try String(contentsOfFile: trace, encoding: .utf8).contains("key (secret)"))
    }
}
