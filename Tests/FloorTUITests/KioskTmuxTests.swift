import Foundation
import Testing

/// Drives the real `floor` binary in tmux: a pseudo-terminal with a real VT emulator behind
/// `capture-pane`. Scanner bursts are sent in one tmux command (characters back to back, then
/// Enter); a person's typing is one key per command with human gaps.
final class Tmux {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || which("tmux") != nil }
    static func which(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    let socket = "floor-test-\(UUID().uuidString.prefix(8))"
    let session = "k"

    init(width: Int = 80, height: Int = 24, command: String, env: [String: String] = [:]) throws {
        let exports = env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        try run(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                 "env LANG=C.UTF-8 TERM=xterm-256color \(exports) \(command); echo EXIT=$?; sleep 60"])
    }

    deinit {
        _ = try? run(["kill-server"])
        unlink("\(ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp")/tmux-\(getuid())/\(socket)")
    }

    /// Runs a tmux command with posix_spawn and waitpid (Foundation's Process can miss the exit
    /// of a client whose server daemonized). Output is read only when asked for.
    @discardableResult
    func run(_ args: [String], output: Bool = false) throws -> String {
        let argv = [Tmux.which("tmux") ?? "/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + args
        var fds: [Int32] = [-1, -1]
        if output { _ = pipe(&fds) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if output {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        // The test runner may block or ignore signals; tmux and everything it starts must not
        // inherit that, or kill-server waits forever for panes that cannot get their SIGHUP.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for sig in [SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGPIPE, SIGCHLD, SIGWINCH] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, cargs, environ)
        if output { close(fds[1]) }
        guard rc == 0 else { if output { close(fds[0]) }; throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var data = Data()
        if output {
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fds[0], &buf, buf.count)
                if n <= 0 { break }
                data.append(contentsOf: buf[0..<n])
            }
            close(fds[0])
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: data, as: UTF8.self)
    }

    var screen: String { (try? run(["capture-pane", "-p", "-t", session], output: true)) ?? "" }

    /// Waits until the screen contains `text` (or the timeout); returns the screen.
    @discardableResult
    func wait(for text: String, timeout: TimeInterval = 5, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let end = Date().addingTimeInterval(timeout)
        var s = ""
        while Date() < end {
            s = screen
            if s.contains(text) { return s }
            usleep(30_000)
        }
        Issue.record("screen never showed \"\(text)\":\n\(s)", sourceLocation: sourceLocation)
        return s
    }

    /// A scanner burst: all characters and the Enter suffix in one write.
    /// Then a pause: a person's next key never follows a scan's Enter by less than the decoder's
    /// maximum gap (such an Enter would be taken for the scanner's second suffix, CR LF).
    func scan(_ code: String) throws {
        try run(["send-keys", "-t", session, "-l", code, ";", "send-keys", "-t", session, "Enter"])
        usleep(80_000)
    }
    /// A named key (Enter, F5, Escape, Down...).
    func key(_ name: String) throws { try run(["send-keys", "-t", session, name]); usleep(150_000) }
    /// A person typing: one key at a time, ~150 ms apart.
    func type(_ text: String) throws {
        for c in text { try run(["send-keys", "-t", session, "-l", String(c)]); usleep(150_000) }
    }
    /// A slow scanner: one character every `gapMs` milliseconds, then Enter.
    func slowScan(_ code: String, gapMs: UInt32) throws {
        for c in code { try run(["send-keys", "-t", session, "-l", String(c)]); usleep(gapMs * 1000) }
        try run(["send-keys", "-t", session, "Enter"])
    }
    func resize(_ w: Int, _ h: Int) throws { try run(["resize-window", "-t", session, "-x", "\(w)", "-y", "\(h)"]) }
    func kill() throws { try run(["kill-session", "-t", session]) }
}

/// The pid of the kiosk process serving `db` (the one whose command line names it).
func kioskPID(_ db: String) -> Int32? {
    let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for p in procs {
        guard let pid = Int32(p), let cmd = try? String(contentsOfFile: "/proc/\(p)/cmdline", encoding: .utf8) else { continue }
        let args = cmd.split(separator: "\0")
        if args.first?.hasSuffix("floor") == true, args.contains("kiosk"), args.contains(Substring(db)) { return pid }
    }
    return nil
}

/// Whether a process still runs (a zombie waiting for a reaper does not: some containers' init never reaps).
func isRunning(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
}

/// CPU ticks (user + system) a process used so far.
func cpuTicks(_ pid: Int32) -> Int? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let u = Int(fields[11]), let s = Int(fields[12]) else { return nil }
    return u + s
}

@Suite("kiosk in a terminal (tmux)", .serialized, .enabled(if: Tmux.available))
struct KioskTmuxTests {
    func demoStore() throws -> FloorBinary {
        let f = try FloorBinary()
        let r = try f.run(["demo", "--dir", f.dir.path, "--no-kiosk"])
        #expect(r.status == 0, "\(r.err)")
        return f
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

    @Test func theWholeStationWorkflow() throws {
        let f = try demoStore()
        let t = try loggedIn(f, "101", "Lena Vogel (operator)")
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
        try t.key("Escape"); try t.key("Escape")
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
        try t.key("Escape"); try t.key("Escape")
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
        try t.kill()   // the pty closes: SIGHUP, then EOF / EIO
        var gone = false
        for _ in 0..<100 where !gone {
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
        try t.key("2"); try t.key("Enter")   // down, open
        t.wait(for: "NW-5001-002")
        try t.key("1")                        // start
        t.wait(for: "RUNNING since")
        try t.key("*")                        // help
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
        try t.run(["send-keys", "-t", t.session, "-H", "02", ";", "send-keys", "-t", t.session, "-l", "EMP:101", ";",
                   "send-keys", "-t", t.session, "Enter"])
        t.wait(for: "Lena Vogel (operator)")
    }
}
