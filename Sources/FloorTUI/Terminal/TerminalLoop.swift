import CNCurses
import Foundation
import MESCore
import ScannerInput

#if canImport(Glibc)
import Glibc
#endif

/// What the terminal loop drives: the kiosk, the wall board and the supervisor console each
/// implement it over their Elm-style driver.
protocol LoopClient: AnyObject {
    /// Bumped by every message: the loop redraws only when it moved.
    var version: Int { get }
    var screen: Screen { get }
    var quitRequested: Bool { get }
    var repaintRequested: Bool { get set }
    var clock: () -> Date { get }
    /// The scanner thresholds in force (the decoder follows them when they change).
    var wedge: WedgeSettings { get }
    /// The next time (ms from now) the client needs a tick, besides the turn of the minute.
    func msUntilDue() -> Int?
    func resize(width: Int, height: Int)
    func tick(_ now: Date)
    func reloadIfChanged()
    func forceLoad()
    /// The process is idle (the poll timed out).
    func idle()
    func key(_ key: Key)
    func scan(_ code: String, symbology: String?)
    /// A raw key before the scanner decoder sees it; true when the client took it (calibration).
    func intercept(_ key: Key, at: Int64, decoder: inout WedgeDecoder) -> Bool
    /// After a frame reached the terminal (tracing).
    func drew(changed: Bool)
}

extension LoopClient {
    func msUntilDue() -> Int? { nil }
    func idle() {}
    func intercept(_ key: Key, at: Int64, decoder: inout WedgeDecoder) -> Bool { false }
    func drew(changed: Bool) {}
}

/// The terminal loop: one thread owns ncurses. It sleeps in poll(2) on the keyboard, a wake pipe
/// (signals) and an inotify watch on the store's directory, with a timeout at the next deadline
/// (scanner settle time, the next minute, whatever the client asks), so an idle screen uses no
/// CPU. Keys go through the wedge decoder (scan or typing) and then to the client.
final class TerminalLoop {
    let client: LoopClient
    let terminal: Terminal
    var decoder: WedgeDecoder
    private let storeDirectory: String
    /// Without inotify, how often the store is polled for changes.
    var pollMillis = 700

    init(client: LoopClient, terminal: Terminal, storePath: String) {
        self.client = client
        self.terminal = terminal
        self.decoder = WedgeDecoder(settings: client.wedge)
        self.storeDirectory = URL(fileURLWithPath: storePath).deletingLastPathComponent().path
    }

    static func monotonic() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

    /// Runs until quit, a stop signal or the terminal going away. Returns why it stopped.
    func run() -> String? {
        var wake: [Int32] = [-1, -1]
        _ = pipe(&wake)
        _ = fcntl(wake[0], F_SETFL, O_NONBLOCK)
        floor_install_signals(wake[1])
        let watch = floor_watch_dir(storeDirectory)
        defer {
            close(wake[0]); close(wake[1])
            if watch >= 0 { close(watch) }
        }
        let size = terminal.size
        client.resize(width: size.width, height: size.height)
        client.tick(client.clock())
        client.forceLoad()
        var emptyReads = 0
        var lastPoll = TerminalLoop.monotonic()
        var drawn = -1
        var minute = Int64(client.clock().timeIntervalSince1970) / 60
        while true {
            // A key held by the decoder (a scan in progress) changes nothing: no view, no draw.
            if drawn != client.version || client.repaintRequested {
                if client.repaintRequested { terminal.invalidate(); client.repaintRequested = false }
                client.drew(changed: terminal.draw(client.screen))
                drawn = client.version
            }
            if client.quitRequested { return nil }
            let now = TerminalLoop.monotonic()
            var timeout = msUntilNextMinute()
            if let d = decoder.nextDeadline { timeout = min(timeout, Int(max(0, d - now))) }
            if let due = client.msUntilDue() { timeout = min(timeout, max(0, due)) }
            if watch < 0 { timeout = min(timeout, pollMillis) }  // no inotify: poll the store
            var fds = [
                pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0),
                pollfd(fd: watch, events: Int16(POLLIN), revents: 0),
            ]
            let n = poll(&fds, nfds_t(watch >= 0 ? 3 : 2), Int32(timeout))
            if floor_stop_signal() != 0 { return "stopped by signal \(floor_stop_signal())" }
            if n < 0 && errno != EINTR { return "poll failed: errno \(errno)" }
            if n == 0 { client.idle() }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return "the terminal went away" }
            // Keys, or after EINTR (a SIGWINCH) the KEY_RESIZE ncurses queued.
            let readable = fds[0].revents & Int16(POLLIN) != 0
            // The wake pipe: a resize signal that landed on another thread (or a stop signal).
            let woken = fds[1].revents & Int16(POLLIN) != 0 && floor_drain(wake[0]) > 0
            if readable || n < 0 || woken {
                let inputs = terminal.readKeys()
                if readable {
                    // Readable with nothing to read three times running: end of input.
                    if inputs.isEmpty { emptyReads += 1; if emptyReads >= 3 { return "end of input" } } else { emptyReads = 0 }
                }
                let at = TerminalLoop.monotonic()
                for input in inputs {
                    switch input {
                    case .resize:
                        terminal.invalidate()
                        let s = terminal.size
                        client.resize(width: s.width, height: s.height)
                    case .key(let key):
                        if !client.intercept(key, at: at, decoder: &decoder) {
                            for out in decoder.feed(key, at: at) { deliver(out) }
                        }
                    }
                }
            }
            for out in decoder.tick(at: TerminalLoop.monotonic()) { deliver(out) }
            let t = TerminalLoop.monotonic()
            if (watch >= 0 && fds[2].revents & Int16(POLLIN) != 0 && floor_drain(watch) > 0) || (watch < 0 && t - lastPoll >= pollMillis) {
                lastPoll = t
                client.reloadIfChanged()
            }
            // Ticks when the minute turns (clocks, timers) or the client's deadline came.
            let wall = client.clock()
            let due = client.msUntilDue().map { $0 <= 0 } ?? false
            if Int64(wall.timeIntervalSince1970) / 60 != minute || due {
                minute = Int64(wall.timeIntervalSince1970) / 60
                client.tick(wall)
            }
        }
    }

    private func msUntilNextMinute() -> Int {
        let ms = client.clock().epochMillis
        return Int(60_000 - ms % 60_000) + 5
    }

    private func deliver(_ out: WedgeOutput) {
        switch out {
        case .typed(let k): client.key(k)
        case .scan(let code, let symbology): client.scan(code, symbology: symbology)
        }
        if decoder.settings != client.wedge { decoder.settings = client.wedge }
    }
}
