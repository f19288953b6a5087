import ArgumentParser
import FloorCentral
import FloorCommandLine
import FloorStation
import Foundation
import LocalStore
import MESCore
import ScannerInput

/// Options every full-screen mode shares.
struct ScreenOptions: ParsableArguments {
    @Option(help: "Keymap: a name in keymaps/ (default, kiosk, vi) or a path to a .keymap file.")
    var keymap: String = "default"
    @Flag(name: .customLong("no-color"), help: "Draw without colour (attributes and words only).")
    var noColor = false
    @Flag(help: "Draw with ASCII only, whatever the locale.")
    var ascii = false
}

struct Kiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The operator kiosk for one station (full screen).",
        discussion: """
            Scan a badge to log in, a traveler to open its operation. F1 (or the keymap's help key) lists the keys.
            Scanner thresholds are the station's (set them on the calibration screen); --no-scan-timing trusts
            only framing (Enter/Tab suffix, prefix) where key timing is unreliable, e.g. over SSH.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var screen: ScreenOptions
    @OptionGroup var sync: SyncOptions
    @Option(help: "The station this kiosk serves.") var station: String
    @Option(help: "Log out after this many seconds without a key or scan (0: never).") var idleLogout: Int = 600
    @Flag(help: "Ignore key timing: only framing (prefix, suffix) makes a scan.") var noScanTiming = false
    @Option(help: "A prefix the scanner is set to send before each code (framing), e.g. '\\x02' for STX.")
    var scanPrefix: String?
    @Flag(help: "Codes start with an AIM symbology identifier (]C1, ]d2, ]Q3...): a burst starting with one is a scan.")
    var aimFraming = false
    @Flag(help: "This station's scanner sends a GS1 QR symbol's '%' separators raw instead of GS (saved for the station).")
    var gs1PercentSeparator = false

    func run() async throws {
        try await runReportingAsync {
            // With a central node (given now, or remembered): an empty store is filled first
            // (snapshot, then the tail), and replication runs in the background on the same store.
            let replicating = sync.anyGiven || Bootstrap.look(store.path).central != nil
            let pullFirst = replicating ? try await Bootstrap.ifEmpty(path: store.path, options: sync, defaultNode: station) : false
            let s = try store.open(create: replicating, interactive: true)
            var replicator: Replicator?
            if replicating {
                try sync.remember(in: s, defaultNode: station)
                if let client = try? SyncClient.configured(store: s) {
                    // No snapshot could be had: the plant must arrive before the screen can open.
                    if pullFirst { _ = try? await client.pull() }
                    replicator = Replicator(client: client)
                    replicator?.start()
                }
            }
            defer { replicator?.stop() }
            var framing = KioskLaunch.Framing(timing: !noScanTiming, aim: aimFraming, gs1Percent: gs1PercentSeparator)
            if let p = scanPrefix {
                guard let prefix = KioskLaunch.unescape(p), !prefix.isEmpty else {
                    throw ValidationError("--scan-prefix: \(Sanitize.line(p)) is not text or \\xNN escapes")
                }
                framing.prefix = prefix
            }
            let reason = try KioskLaunch.run(
                store: s, station: station, screen: screen, idleLogout: idleLogout,
                framing: framing, helpExtra: [], replicator: replicator)
            if let reason { warn("floor kiosk: \(reason)") }
        }
    }
}

enum KioskLaunch {
    /// How this run frames scans, over the station's saved thresholds.
    struct Framing {
        var timing = true
        var aim = false
        var prefix: String?
        var gs1Percent = false
    }

    /// `\xNN` escapes to characters (for control-character prefixes); nil when malformed.
    static func unescape(_ text: String) -> String? {
        var out = "", rest = Substring(text)
        while let r = rest.range(of: "\\x") {
            out += rest[..<r.lowerBound]
            let hex = rest[r.upperBound...].prefix(2)
            guard hex.count == 2, let v = UInt8(hex, radix: 16) else { return nil }
            out.unicodeScalars.append(Unicode.Scalar(v))
            rest = rest[r.upperBound...].dropFirst(2)
        }
        return out + rest
    }

    /// Opens the kiosk full screen on `store` until quit; returns why it stopped when that was not a quit.
    static func run(
        store: Store, station: String, screen: ScreenOptions, idleLogout: Int, framing: Framing = Framing(),
        helpExtra: [String], replicator: Replicator? = nil
    ) throws -> String? {
        let keymap = try KeymapLoader.load(screen.keymap)
        let service = FloorService(store: store)
        guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
        guard plant.stations[station] != nil else {
            throw CommandFailure(
                "station \(Sanitize.line(station)) is not in plant \(plant.plant.id) (stations: "
                    + "\(plant.stations.keys.sorted().joined(separator: ", ")))"
            )
        }
        var model = KioskModel(stationID: station, keymap: keymap, now: Date())
        model.idleLogout = idleLogout > 0 ? TimeInterval(idleLogout) : nil
        model.helpExtra = helpExtra
        model.wedge = StationScanner.saved(store, station: station)
        model.wedge.timingEnabled = framing.timing
        if framing.aim { model.wedge.aimFraming = true }
        if let prefix = framing.prefix { model.wedge.prefix = prefix }
        if framing.gs1Percent { model.wedge.gs1PercentIsSeparator = true }
        model.session.gs1PercentIsSeparator = model.wedge.gs1PercentIsSeparator
        let terminal = try Terminal(colour: !screen.noColor)
        defer { terminal.stop() }
        model.glyphs = (terminal.utf8 && !screen.ascii) ? .unicode : .ascii
        let driver = KioskDriver(model: model, service: service)
        return KioskRunner(driver: driver, terminal: terminal, storePath: store.path, replicator: replicator).run()
    }
}
