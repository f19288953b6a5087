import FloorCentral
import Foundation
import MESCore
import ScannerInput

#if canImport(Glibc)
import Glibc
#endif

/// The kiosk in the terminal loop: scanner calibration reads raw bursts, idle logout is a
/// deadline, and `FLOOR_TRACE_FD=n` gets a trace of what was received and when each frame
/// reached the terminal (CLOCK_MONOTONIC µs), for `floor bench kiosk` and the end-to-end tests.
final class KioskRunner: LoopClient {
    let driver: KioskDriver
    let terminal: Terminal
    private let storePath: String
    /// Instants of the keys since the decoder last emitted, for scan timing (calibration).
    private var calibrationKeys: [(Key, Int64)] = []
    private let traceFD: Int32 = ProcessInfo.processInfo.environment["FLOOR_TRACE_FD"].flatMap { Int32($0) } ?? -1
    private var frames = 0
    /// Background replication, when this kiosk has a central node.
    let replicator: Replicator?
    private var nextSyncLook = Date.distantPast

    init(driver: KioskDriver, terminal: Terminal, storePath: String, replicator: Replicator? = nil) {
        self.driver = driver
        self.terminal = terminal
        self.storePath = storePath
        self.replicator = replicator
    }

    func run() -> String? { TerminalLoop(client: self, terminal: terminal, storePath: storePath).run() }

    // MARK: LoopClient

    var version: Int { driver.version }
    var screen: Screen { driver.screen }
    var quitRequested: Bool { driver.quitRequested }
    var repaintRequested: Bool {
        get { driver.repaintRequested }
        set { driver.repaintRequested = newValue }
    }
    var clock: () -> Date { driver.clock }
    var wedge: WedgeSettings { driver.model.wedge }
    func resize(width: Int, height: Int) { driver.send(.resize(width: width, height: height)) }
    func tick(_ now: Date) {
        driver.send(.tick(now))
        lookAtSync(now)
    }
    func reloadIfChanged() {
        driver.reloadIfChanged()
        lookAtSync(driver.clock())
    }

    /// The replicator's state into the status line (once a second at most; only when it changed).
    private func lookAtSync(_ now: Date) {
        guard let replicator else { return }
        nextSyncLook = now.addingTimeInterval(1)
        let st = replicator.status
        let sync = SyncIndicator.classify(
            connected: st.connected, pending: st.pending, lastOk: st.lastOk.map(\.epochMillis),
            needsAttention: st.needsAttention)
        if driver.model.sync != sync { driver.send(.sync(sync)) }
    }
    func forceLoad() { driver.forceLoad() }
    /// Idle: copy the WAL back now rather than during a scan.
    func idle() { _ = try? driver.service.checkpointIfDue(every: 50) }

    func msUntilDue() -> Int? {
        let syncDue = replicator.map { _ in Int(nextSyncLook.timeIntervalSince(driver.clock()) * 1000) }
        guard let idle = driver.model.idleLogout, driver.model.person != nil else { return syncDue }
        let idleDue = Int((idle - driver.clock().timeIntervalSince(driver.model.lastInput)) * 1000)
        return min(idleDue, syncDue ?? .max)
    }

    /// Whether what comes in now may be (part of) a secret: it is never traced.
    private var secretHasFocus: Bool {
        if case .sign(let pad)? = driver.model.overlay { return pad.focus == .secret }
        return false
    }

    func key(_ k: Key) {
        if traceFD >= 0 { trace(secretHasFocus && k.text != nil ? "key (secret)" : "key \(KeyName.name(k))") }
        driver.send(.key(k))
    }

    func scan(_ code: String, symbology: String?) {
        if traceFD >= 0 { trace(secretHasFocus ? "scan (secret)" : "scan \(Sanitize.line(code))") }
        driver.send(.scan(code, symbology: symbology))
    }

    func drew(changed: Bool) {
        guard traceFD >= 0, changed || frames == 0 else { return }
        frames += 1
        let m = driver.model
        var field = "-"
        if case .entry(let e)? = m.overlay {
            field = e.text
        } else if case .sign(let pad)? = m.overlay {
            field = pad.focus == .badge ? pad.badge : "(secret)"
        } else if m.base == .measure, m.measurements.indices.contains(m.measureFocus) {
            field = m.fields[m.measurements[m.measureFocus].characteristic.id] ?? ""
        }
        trace("frame \(m.context.rawValue) [\(Sanitize.line(field))] \(Sanitize.line(m.message?.text ?? ""))")
    }

    private func trace(_ line: String) {
        let text = "\(DispatchTime.now().uptimeNanoseconds / 1000) \(line)\n"
        _ = text.withCString { write(traceFD, $0, strlen($0)) }
    }

    /// The calibration screen reads raw bursts: any speed, ended by Enter, is a test scan.
    func intercept(_ key: Key, at: Int64, decoder: inout WedgeDecoder) -> Bool {
        guard driver.model.context == .calibrate else { return false }
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
        return true
    }
}
