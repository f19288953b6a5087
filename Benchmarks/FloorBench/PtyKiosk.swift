import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

#if canImport(Glibc)
import Glibc
#endif

// `floor-bench kiosk` and `floor-bench wedge`: figures taken through the real binary. The bench
// starts `floor kiosk` in a pseudo-terminal with FLOOR_TRACE_FD set, types into it with precise
// timing (a scanner's burst, a person's keys) and reads back what the kiosk received and when each
// frame reached the terminal (see `KioskRunner`'s trace).

// MARK: - The kiosk in a pseudo-terminal

/// CLOCK_MONOTONIC in microseconds: the clock of the kiosk's trace lines.
enum Monotonic {
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

/// One line of the kiosk's trace: `<µs> frame <context> [<field>] <message>`, `<µs> scan <code>`,
/// `<µs> key <name>`.
struct TraceLine {
    struct Frame { var context: String; var field: String; var message: String }
    var at: Int64
    var frame: Frame?
    var scan: String?
    var key: String?

    init?(_ text: Substring) {
        guard let space = text.firstIndex(of: " "), let at = Int64(text[..<space]) else { return nil }
        self.at = at
        let rest = text[text.index(after: space)...]
        if rest.hasPrefix("scan ") {
            scan = String(rest.dropFirst(5))
        } else if rest.hasPrefix("key ") {
            key = String(rest.dropFirst(4))
        } else if rest.hasPrefix("frame ") {
            let body = rest.dropFirst(6)
            guard let open = body.range(of: " ["), let close = body[open.upperBound...].range(of: "] ") ?? body[open.upperBound...].range(of: "]")
            else { return nil }
            frame = Frame(
                context: String(body[..<open.lowerBound]), field: String(body[open.upperBound..<close.lowerBound]),
                message: String(body[close.upperBound...]))
        }
    }
}

/// The real `floor kiosk` (the floor binary) in a 120x40 pseudo-terminal (TERM=xterm-256color,
/// LANG=C.UTF-8) with FLOOR_TRACE_FD=3 on a pipe. One thread does everything: every wait drains
/// the terminal output and the trace, so the kiosk never blocks on a full pipe.
final class PtyKiosk {
    /// Gap between the characters of a scanner burst.
    static let burstGapUs: Int64 = 2000

    let pid: pid_t
    /// Monotonic µs just before forkpty.
    let forkedAt: Int64
    private var master: Int32
    private var traceFD: Int32
    private var partial: [UInt8] = []
    private(set) var lines: [TraceLine] = []
    private(set) var frameCount = 0
    private(set) var lastFrame: TraceLine.Frame?
    /// Everything the kiosk wrote to its terminal since `mark` (for the restore check on exit).
    private var output: [UInt8] = []
    private var recording = false
    /// When the last recorded output arrived (monotonic µs).
    private(set) var lastOutputAt: Int64 = 0
    /// Starts (over) recording what the program writes to its terminal.
    func record() { pump(timeoutMs: 0); output = []; recording = true; lastOutputAt = 0 }
    var recorded: [UInt8] { output }
    private var waitStatus: Int32?

    private init(pid: pid_t, forkedAt: Int64, master: Int32, trace: Int32) {
        self.pid = pid; self.forkedAt = forkedAt; self.master = master; self.traceFD = trace
    }

    deinit { kill() }

    /// The `floor` binary the benchmarks drive: `$FLOOR_BIN`, else the `floor` beside this program.
    static var floorBinary: String {
        if let bin = ProcessInfo.processInfo.environment["FLOOR_BIN"], !bin.isEmpty { return bin }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (me as NSString).deletingLastPathComponent + "/floor"
    }

    /// Forks and execs the `floor` binary with `arguments` in a new pseudo-terminal.
    static func spawn(arguments: [String]) throws -> PtyKiosk {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw CommandFailure("pipe failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let argv0 = floorBinary
        guard FileManager.default.isExecutableFile(atPath: argv0) else {
            throw CommandFailure("no floor binary at \(argv0): build it (swift build -c release) or set FLOOR_BIN")
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([argv0] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = childEnvironment().map { strdup($0) } + [nil]
        let exe = strdup(argv0)
        defer { (argv + envp + [exe]).forEach { free($0) } }
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        var master: Int32 = -1
        let traceWrite = fds[1]
        let forkedAt = Monotonic.now()
        let pid = forkpty(&master, nil, nil, &size)
        if pid == 0 {
            // The child: only async-signal-safe calls on what was prepared before the fork.
            if traceWrite == 3 { _ = fcntl(3, F_SETFD, 0) } else { _ = dup2(traceWrite, 3) }
            argv.withUnsafeBufferPointer { a in
                envp.withUnsafeBufferPointer { e in _ = execve(exe!, a.baseAddress!, e.baseAddress!) }
            }
            _exit(127)
        }
        close(traceWrite)
        guard pid > 0 else { close(fds[0]); throw CommandFailure("forkpty failed: errno \(errno)") }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return PtyKiosk(pid: pid, forkedAt: forkedAt, master: master, trace: fds[0])
    }

    private static func childEnvironment() -> [String] {
        var env = ProcessInfo.processInfo.environment
        for name in ["LC_ALL", "LC_CTYPE", "LINES", "COLUMNS", "FLOOR_DB", "FLOOR_TRACE_FD"] { env[name] = nil }
        env["TERM"] = "xterm-256color"
        env["LANG"] = "C.UTF-8"
        env["FLOOR_TRACE_FD"] = "3"
        return env.map { "\($0.key)=\($0.value)" }
    }

    // MARK: reading

    /// Waits up to `timeoutMs` for output or trace, then reads all there is.
    func pump(timeoutMs: Int32) {
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0), pollfd(fd: traceFD, events: Int16(POLLIN), revents: 0)]
        guard master >= 0 || traceFD >= 0 else {
            if timeoutMs > 0 { usleep(UInt32(timeoutMs) * 1000) }
            return
        }
        guard poll(&fds, 2, timeoutMs) > 0 else { return }
        if fds[0].revents != 0 { drainMaster() }
        if fds[1].revents != 0 { drainTrace() }
    }

    private func drainMaster() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while master >= 0 {
            let n = read(master, &buffer, buffer.count)
            if n > 0 {
                if recording { output += buffer[0..<n]; lastOutputAt = Monotonic.now() }
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
            close(master); master = -1  // EIO: the child's side is gone
        }
    }

    private func drainTrace() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while traceFD >= 0 {
            let n = read(traceFD, &buffer, buffer.count)
            if n > 0 {
                partial += buffer[0..<n]
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { break }
            close(traceFD); traceFD = -1
        }
        while let nl = partial.firstIndex(of: 10) {
            if let line = TraceLine(Substring(decoding: partial[..<nl], as: UTF8.self)) {
                lines.append(line)
                if let f = line.frame { frameCount += 1; lastFrame = f }
            }
            partial.removeSubrange(...nl)
        }
    }

    /// Sleeps until the monotonic instant `t` (µs), draining all the while; wakes within ~0.1 ms.
    func wait(until t: Int64) {
        while true {
            let left = t - Monotonic.now()
            if left <= 0 { return }
            if left > 1500 {
                pump(timeoutMs: Int32((left - 1000) / 1000))
            } else {
                pump(timeoutMs: 0)
                let rest = t - Monotonic.now()
                if rest > 0 { usleep(UInt32(rest)) }
            }
        }
    }

    /// The first trace line from index `from` on that satisfies `match`, waiting until `deadline`.
    func waitForLine(from: Int, until deadline: Int64, where match: (TraceLine) -> Bool) -> (index: Int, line: TraceLine)? {
        var i = from
        while true {
            while i < lines.count {
                if match(lines[i]) { return (i, lines[i]) }
                i += 1
            }
            let now = Monotonic.now()
            if now >= deadline || (traceFD < 0 && master < 0) { return nil }
            pump(timeoutMs: Int32(min(50, (deadline - now) / 1000 + 1)))
        }
    }

    /// The first frame (the screen is interactive), within 60 s.
    func firstFrame() throws -> TraceLine {
        guard let f = waitForLine(from: 0, until: forkedAt + 60_000_000, where: { $0.frame != nil }) else {
            throw CommandFailure("the kiosk drew no frame within 60 s: \(terminate().text)")
        }
        return f.line
    }

    /// Scans `EMP:<badge>`; returns µs from the last byte to the logged-in frame.
    func logIn(badge: String) throws -> Int64 {
        wait(until: Monotonic.now() + 100_000)
        let from = lines.count
        let t0 = burst("EMP:" + badge).end
        guard let f = waitForLine(from: from, until: t0 + 5_000_000, where: { $0.frame?.message.hasPrefix("logged in:") == true }) else {
            throw CommandFailure("the kiosk did not log \(badge) in: last message \(lastFrame?.message ?? "none")")
        }
        return f.line.at - t0
    }

    // MARK: writing

    /// Writes bytes to the terminal (as typed), draining while the kernel buffer is full.
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count, master >= 0 {
            let n = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if errno == EAGAIN || errno == EINTR { pump(timeoutMs: 1) } else { return }
        }
    }

    /// What writing a burst took: when its first byte was written, when the last write returned,
    /// and the largest gap between two writes (over 2 ms when this process was held up).
    struct Burst { var start: Int64; var end: Int64; var maxGap: Int64 }

    /// Types `text` and Enter as a scanner does, one byte every 2 ms.
    @discardableResult
    func burst(_ text: String) -> Burst {
        var due = Monotonic.now()
        var start: Int64 = 0, previous: Int64 = 0, maxGap: Int64 = 0
        for (i, byte) in (Array(text.utf8) + [13]).enumerated() {
            if i > 0 { due += Self.burstGapUs; wait(until: due) }
            let now = Monotonic.now()
            if i == 0 { start = now } else { maxGap = max(maxGap, now - previous) }
            previous = now
            send([byte])
        }
        return Burst(start: start, end: Monotonic.now(), maxGap: maxGap)
    }

    // MARK: the process

    /// utime + stime of the child, seconds.
    func cpuSeconds() -> Double {
        guard let stat = Self.readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmRSS and VmHWM of the child, MB.
    func memory() -> (rssMB: Double, hwmMB: Double) {
        let status = Self.readFile("/proc/\(pid)/status") ?? ""
        func kB(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (kB("VmRSS") / 1024, kB("VmHWM") / 1024)
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// How the kiosk ended after SIGTERM.
    struct Exit: Codable {
        /// `exit 0`, `signal 9`, or `did not exit`.
        var status: String
        var milliseconds: Double
        /// The terminal was given back: ncurses left the alternate screen (`ESC [?1049l`).
        var restored: Bool
        /// The text the kiosk printed after leaving full screen (its stop reason).
        var said: String
        var clean: Bool { status == "exit 0" && restored }
        var text: String {
            "\(status) after \(ms(milliseconds)), terminal \(restored ? "restored" : "NOT restored")" + (said.isEmpty ? "" : " (\"\(said)\")")
        }
    }

    /// SIGTERM, then waits up to 5 s for the exit (SIGKILL after that); reads what is left of the trace.
    @discardableResult
    func terminate() -> Exit {
        if waitStatus != nil { return Exit(status: describe(waitStatus!), milliseconds: 0, restored: false, said: "") }
        pump(timeoutMs: 0)
        output = []
        recording = true
        let t0 = Monotonic.now()
        Glibc.kill(pid, SIGTERM)
        while waitStatus == nil && Monotonic.now() - t0 < 5_000_000 {
            pump(timeoutMs: 5)
            reap()
        }
        let elapsed = Double(Monotonic.now() - t0) / 1000
        if waitStatus == nil {
            kill()
        } else {
            // The child is gone: both pipes reach their end once drained.
            while (traceFD >= 0 || master >= 0) && Monotonic.now() - t0 < 7_000_000 { pump(timeoutMs: 20) }
        }
        let text = String(decoding: output, as: UTF8.self)
        let restored = text.contains("\u{1B}[?1049l")
        let after = text.components(separatedBy: "\u{1B}[?1049l").last ?? ""
        let said =
            after.replacingOccurrences(of: "\u{1B}(\\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>])", with: "", options: .regularExpression)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.last ?? ""
        return Exit(status: waitStatus.map(describe) ?? "did not exit", milliseconds: elapsed, restored: restored, said: said)
    }

    private func reap() {
        guard waitStatus == nil else { return }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { waitStatus = status }
    }

    /// SIGKILL when still running; closes everything. Safe to call more than once.
    func kill() {
        if waitStatus == nil {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            if waitpid(pid, &status, 0) == pid { waitStatus = status }
        }
        if master >= 0 { close(master); master = -1 }
        if traceFD >= 0 { close(traceFD); traceFD = -1 }
    }

    private func describe(_ status: Int32) -> String {
        status & 0x7F == 0 ? "exit \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)"
    }
}
