import Foundation
import Testing

@Suite("kiosk in a terminal (tmux)", .serialized, .enabled(if: Tmux.available))
struct KioskTmuxTests {
    func demoStore() throws -> FloorBinary {
        try FloorBinary.demo()
    }

    /// The kiosk of K-SW1 on `f`'s store, once it shows its login screen.
    func kiosk(_ f: FloorBinary, width: Int = 80, height: Int = 24, extra: String = "") throws -> Tmux {
        let t = try Tmux(width: width, height: height, command: "\(FloorBinary.path) kiosk --station K-SW1 --db \(f.db) \(extra)")
        t.wait(for: "SCAN YOUR BADGE")
        return t
    }

    /// The kiosk with `badge` logged in (waits for the person's name).
    func loggedIn(_ f: FloorBinary, _ badge: String, _ name: String, extra: String = "") throws -> Tmux {
        let t = try kiosk(f, extra: extra)
        try t.scan("EMP:" + badge)
        t.wait(for: name)
        return t
    }

    @Test func scanBurstsNeverLeakIntoAFocusedMeasurementField() throws {
        let f = try demoStore()
        let t = try kiosk(f)
        try t.scan("EMP:101")
        try t.scan("SN:NW-5001-001")
        t.wait(for: "Step OP10")
        try t.key("F5")
        t.wait(for: "RUNNING since")
        try t.key("F3")
        t.wait(for: "Measurements: type a value")
        try t.type("3")
        t.wait(for: "[3 ")
        try t.scan("EQ:MIC-7")
        t.wait(for: "gauge MIC-7")
        #expect(t.screen.contains("[3 "), "the typed 3 stays, no scan characters")
        #expect(!t.screen.contains("[3EQ"))
        // A numeric burst is the gauge's reading for the focused characteristic.
        try t.scan("3.512")
        t.wait(for: "3.512 IN TOL")
    }

    /// Raw bytes in one write, as a scanner or a serial line delivers them.
    func bytes(_ t: Tmux, _ b: [UInt8]) throws {
        try t.run(["send-keys", "-t", t.session, "-H"] + b.map { String(format: "%02x", $0) })
    }

    @Test func bytesThatAreNotUTF8NeitherStopTheKioskNorLeakIntoKeys() throws {
        let f = try demoStore()
        let t = try loggedIn(f, "101", "Lena Vogel (operator)")
        let pid = try #require(kioskPID(f.db))
        // Line noise: 0xFF three times in separate writes 100 ms apart.
        for _ in 0..<3 { try bytes(t, [0xFF]); usleep(100_000) }
        // A character split across two reads, as a slow serial line delivers it.
        try bytes(t, [0xC3]); usleep(100_000); try bytes(t, [0xA9]); usleep(300_000)
        #expect(isRunning(pid), "the kiosk exited:\n\(t.screen)")
        #expect(!t.screen.contains("EXIT="))
        t.wait(for: "Queue at SWISS")
        let events = try f.run(["audit", "verify"]).out

        // A scan holding one byte of another code page is one scan, shown as what it is; its
        // characters never act as keys (the `s` would have started the highlighted part).
        try bytes(t, Array("s7LOT".utf8) + [0xE9] + Array("ABCDEF".utf8) + [0x0D])
        let screen = t.wait(for: "s7LOT\\xE9ABCDEF")
        #expect(screen.contains("is not a serial, work order or"), "\(screen)")
        usleep(300_000)
        #expect(isRunning(pid))
        #expect(try f.run(["audit", "verify"]).out == events, "no event was recorded")
        #expect(!t.screen.contains("RUNNING since"))
    }

    @Test func showsWhatAnotherProcessWritesWithinASecond() throws {
        let f = try demoStore()
        let t = try loggedIn(f, "102", "Omar Haddad")
        let r = try f.scan("K-SW2", "EMP:101", "SN:NW-5001-004", "CMD:START")
        #expect(r.status == 0, "\(r.out)\(r.err)")
        t.wait(for: "RUN@K-SW2", timeout: 1.5)
        t.wait(for: "FIRST PIECE PENDING NW-5001", timeout: 1.5)
    }

    @Test func idleKioskUsesNoCPUAndStopsCleanlyOnSIGTERM() throws {
        let f = try demoStore()
        let t = try loggedIn(f, "101", "Lena Vogel")
        let pid = try #require(kioskPID(f.db))
        usleep(300_000)
        let before = try #require(cpuTicks(pid))
        sleep(3)
        let after = try #require(cpuTicks(pid))
        #expect(after - before <= 3, "idle for 3 s used \(after - before) ticks")
        kill(pid, SIGTERM)
        let s = t.wait(for: "EXIT=")
        #expect(s.contains("stopped by signal 15"))
        #expect(!s.contains("SCAN YOUR BADGE"), "the terminal was restored (alternate screen left)")
    }

    @Test func exitsWhenTheTerminalGoesAway() throws {
        let f = try demoStore()
        let t = try kiosk(f)
        let pid = try #require(kioskPID(f.db))
        try t.kill()  // the pty closes: SIGHUP, then EOF / EIO
        var gone = false
        for _ in 0..<300 where !gone {  // up to 15 s: a loaded 2-core CI machine
            usleep(50_000)
            gone = !isRunning(pid)
        }
        #expect(gone, "the kiosk kept running after its terminal went away")
    }

    @Test func unknownOrMissingTERMGetsAClearMessage() throws {
        let f = try demoStore()
        let t = try Tmux(command: "TERM=no-such-terminal \(FloorBinary.path) kiosk --station K-SW1 --db \(f.db)")
        let s = t.wait(for: "EXIT=1")
        #expect(s.contains("unknown terminal type TERM=no-such-terminal"))
        let u = try Tmux(command: "env -u TERM \(FloorBinary.path) kiosk --station K-SW1 --db \(f.db)")
        #expect(u.wait(for: "EXIT=1").contains("TERM is not set"))
    }

    @Test func asciiAndNoColourStillDraw() throws {
        let f = try demoStore()
        let t = try Tmux(command: "LANG=C LC_ALL=C TERM=vt100 \(FloorBinary.path) kiosk --station K-SW1 --db \(f.db) --no-color --ascii")
        let s = t.wait(for: "SCAN YOUR BADGE")
        #expect(s.contains("FLOOR | K-SW1"))
        try t.scan("EMP:101")
        t.wait(for: "READY")
        try t.scan("SN:NW-5001-001")
        let p = t.wait(for: "+- Instructions")
        #expect(p.contains("|"))
    }

    @Test func kioskKeymapDrivesTheWorkflowFromTheNumericPad() throws {
        let f = try demoStore()
        let t = try loggedIn(f, "101", "Lena Vogel", extra: "--keymap kiosk")
        try t.key("2"); try t.key("Enter")  // down, open
        t.wait(for: "NW-5001-002")
        try t.key("1")  // start
        t.wait(for: "RUNNING since")
        try t.key("*")  // help
        t.wait(for: "Keymap           kiosk")
    }

    @Test func calibratingForASlowScannerMakesItsBurstsScans() throws {
        let f = try demoStore()
        let t = try kiosk(f)
        // On the defaults an 80 ms/character scanner reads as typing: no login.
        try t.slowScan("EMP:101", gapMs: 80)
        usleep(300_000)
        #expect(!t.screen.contains("Lena Vogel"))
        try t.key("F12")
        t.wait(for: "Scanner calibration")
        for n in 1...3 {
            try t.slowScan("CAL-TEST-0001", gapMs: 80)
            t.wait(for: "Scans read: \(n)")
        }
        t.wait(for: "(Enter saves)")
        try t.key("Enter")
        t.wait(for: "scanner thresholds set")
        try t.slowScan("EMP:101", gapMs: 80)
        t.wait(for: "Lena Vogel (operator)")
    }

    @Test func overSSHOnlyFramingMakesAScan() throws {
        let f = try demoStore()
        let t = try kiosk(f, extra: "--no-scan-timing --scan-prefix '\\x02'")
        // Without the prefix, even a fast burst is typing when timing is off.
        try t.scan("EMP:101")
        t.wait(for: "does nothing here")
        #expect(!t.screen.contains("Lena Vogel"))
        // STX + code + Enter is a scan, whatever the timing.
        try t.run([
            "send-keys", "-t", t.session, "-H", "02", ";", "send-keys", "-t", t.session, "-l", "EMP:101", ";",
            "send-keys", "-t", t.session, "Enter",
        ])
        t.wait(for: "Lena Vogel (operator)")
    }
}
