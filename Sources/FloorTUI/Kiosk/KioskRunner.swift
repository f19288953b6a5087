import CNCurses
import Foundation
import MESCore
import ScannerInput

#if canImport(Glibc)
import Glibc
#endif

/// The terminal loop: one thread owns ncurses. It sleeps in poll(2) on the keyboard, a wake pipe
/// (signals) and an inotify watch on the store's directory, with a timeout at the next deadline
/// (scanner settle time, the next minute for clocks and timers, idle logout), so an idle kiosk
/// uses no CPU. Keys go through the wedge decoder (scan or typing) and then to the driver.
final class KioskRunner {
    let driver: KioskDriver
    let terminal: Terminal
    var decoder: WedgeDecoder
    private let storeDirectory: String
    /// Instants of the keys since the decoder last emitted, for scan timing (calibration).
    private var calibrationKeys: [(Key, Int64)] = []
    /// `FLOOR_TRACE_FD=n`: a descriptor where the loop writes what it received and when each frame
    /// reached the terminal (CLOCK_MONOTONIC µs), for `floor bench kiosk` and the end-to-end tests.
    private let traceFD: Int32 = ProcessInfo.processInfo.environment["FLOOR_TRACE_FD"].flatMap { Int32($0) } ?? -1
    private var frames = 0

    init(driver: KioskDriver, terminal: Terminal, storePath: String) {
        self.driver = driver
        self.terminal = terminal
        self.decoder = WedgeDecoder(settings: driver.model.wedge)
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
        driver.send(.resize(width: size.width, height: size.height))
        driver.send(.tick(driver.clock()))
        driver.forceLoad()
        var emptyReads = 0
        var lastPoll = KioskRunner.monotonic()
        var drawn = -1
        var minute = Int64(driver.clock().timeIntervalSince1970) / 60
        while true {
            // A key held by the decoder (a scan in progress) changes nothing: no view, no draw.
            if drawn != driver.version || driver.repaintRequested {
                render()
                drawn = driver.version
            }
            if driver.quitRequested { return nil }
            let now = KioskRunner.monotonic()
            var timeout = msUntilNextMinute()
            if let d = decoder.nextDeadline { timeout = min(timeout, Int(max(0, d - now))) }
            if let idle = driver.model.idleLogout, driver.model.person != nil {
                let left = Int((idle - driver.clock().timeIntervalSince(driver.model.lastInput)) * 1000)
                timeout = min(timeout, max(0, left) + 5)
            }
            if watch < 0 { timeout = min(timeout, 700) }  // no inotify: poll the store
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: watch, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, nfds_t(watch >= 0 ? 3 : 2), Int32(timeout))
            if floor_stop_signal() != 0 { return "stopped by signal \(floor_stop_signal())" }
            if n < 0 && errno != EINTR { return "poll failed: errno \(errno)" }
            // Idle (the poll timed out): copy the WAL back now rather than during a scan.
            if n == 0 { _ = try? driver.service.checkpointIfDue(every: 50) }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return "the terminal went away" }
            // Keys, or after EINTR (a SIGWINCH) the KEY_RESIZE ncurses queued.
            let readable = fds[0].revents & Int16(POLLIN) != 0
            if readable || n < 0 {
                let inputs = terminal.readKeys()
                if readable {
                    // Readable with nothing to read three times running: end of input.
                    if inputs.isEmpty { emptyReads += 1; if emptyReads >= 3 { return "end of input" } } else { emptyReads = 0 }
                }
                let at = KioskRunner.monotonic()
                for input in inputs {
                    switch input {
                    case .resize:
                        terminal.invalidate()
                        let s = terminal.size
                        driver.send(.resize(width: s.width, height: s.height))
                    case .key(let key):
                        feed(key, at: at)
                    }
                }
            }
            for out in decoder.tick(at: KioskRunner.monotonic()) { deliver(out) }
            let t = KioskRunner.monotonic()
            if (watch >= 0 && fds[2].revents & Int16(POLLIN) != 0 && floor_drain(watch) > 0) || (watch < 0 && t - lastPoll >= 700) {
                lastPoll = t
                driver.reloadIfChanged()
            }
            // Ticks only when the minute turns (clock, timers) or idle logout may be due.
            let wall = driver.clock()
            let idleDue = driver.model.idleLogout.map { driver.model.person != nil && wall.timeIntervalSince(driver.model.lastInput) >= $0 } ?? false
            if Int64(wall.timeIntervalSince1970) / 60 != minute || idleDue {
                minute = Int64(wall.timeIntervalSince1970) / 60
                driver.send(.tick(wall))
            }
        }
    }

    private func msUntilNextMinute() -> Int {
        let ms = driver.clock().epochMillis
        return Int(60_000 - ms % 60_000) + 5
    }

    private func render() {
        if driver.repaintRequested { terminal.invalidate(); driver.repaintRequested = false }
        let screen = driver.screen
        let changed = terminal.draw(screen)
        if traceFD >= 0 && (changed || frames == 0) {
            frames += 1
            let m = driver.model
            var field = "-"
            if case .entry(let e)? = m.overlay { field = e.text } else if m.base == .measure, m.measurements.indices.contains(m.measureFocus) {
                field = m.fields[m.measurements[m.measureFocus].characteristic.id] ?? ""
            }
            trace("frame \(m.context.rawValue) [\(Sanitize.line(field))] \(Sanitize.line(m.message?.text ?? ""))")
        }
    }

    private func trace(_ line: String) {
        guard traceFD >= 0 else { return }
        let text = "\(DispatchTime.now().uptimeNanoseconds / 1000) \(line)\n"
        _ = text.withCString { write(traceFD, $0, strlen($0)) }
    }

    private func feed(_ key: Key, at: Int64) {
        // The calibration screen reads raw bursts: any speed, ended by Enter, is a test scan.
        if driver.model.context == .calibrate {
            if key == .enter {
                let chars = calibrationKeys.compactMap { $0.0.text }.joined()
                let gaps = WedgeSettings.gaps(calibrationKeys.map(\.1) + [at])
                calibrationKeys = []
                if chars.count >= 4 {
                    driver.send(.scanTiming(gaps))
                    driver.send(.scan(chars, symbology: nil))
                } else {
                    driver.send(.key(.enter))
                }
                if case .calibrate? = driver.model.overlay {} else { decoder = WedgeDecoder(settings: driver.model.wedge) }
            } else if case .char = key {
                calibrationKeys.append((key, at))
            } else {
                calibrationKeys = []
                driver.send(.key(key))
            }
            return
        }
        for out in decoder.feed(key, at: at) { deliver(out) }
    }

    private func deliver(_ out: WedgeOutput) {
        switch out {
        case .typed(let k):
            if traceFD >= 0 { trace("key \(KeyName.name(k))") }
            driver.send(.key(k))
        case .scan(let code, let symbology):
            if traceFD >= 0 { trace("scan \(Sanitize.line(code))") }
            driver.send(.scan(code, symbology: symbology))
        }
        if decoder.settings != driver.model.wedge { decoder.settings = driver.model.wedge }
    }
}
