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
        try run([
            "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
            "env LANG=C.UTF-8 TERM=xterm-256color \(exports) \(command); echo EXIT=$?; sleep 60",
        ])
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
        let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
}

/// CPU ticks (user + system) a process used so far.
func cpuTicks(_ pid: Int32) -> Int? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let u = Int(fields[11]), let s = Int(fields[12]) else { return nil }
    return u + s
}
