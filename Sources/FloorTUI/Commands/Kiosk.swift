import ArgumentParser
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

struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The operator kiosk for one station (full screen).",
        discussion: """
            Scan a badge to log in, a traveler to open its operation. F1 (or the keymap's help key) lists the keys.
            Scanner thresholds are the station's (set them on the calibration screen); --no-scan-timing trusts
            only framing (Enter/Tab suffix, prefix) where key timing is unreliable, e.g. over SSH.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var screen: ScreenOptions
    @Option(help: "The station this kiosk serves.") var station: String
    @Option(help: "Log out after this many seconds without a key or scan (0: never).") var idleLogout: Int = 600
    @Flag(help: "Ignore key timing: only framing (prefix, suffix) makes a scan.") var noScanTiming = false

    func run() throws {
        try runReporting {
            let s = try store.open(create: false, interactive: true)
            let reason = try KioskLaunch.run(store: s, station: station, screen: screen, idleLogout: idleLogout,
                                             scanTiming: !noScanTiming, helpExtra: [])
            if let reason { warn("floor kiosk: \(reason)") }
        }
    }
}

enum KioskLaunch {
    /// Opens the kiosk full screen on `store` until quit; returns why it stopped when that was not a quit.
    static func run(store: Store, station: String, screen: ScreenOptions, idleLogout: Int, scanTiming: Bool,
                    helpExtra: [String]) throws -> String? {
        let keymap = try KeymapLoader.load(screen.keymap)
        let service = FloorService(store: store)
        guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
        guard plant.stations[station] != nil else {
            throw ValidationError("station \(Sanitize.line(station)) is not in plant \(plant.plant.id) (stations: \(plant.stations.keys.sorted().joined(separator: ", ")))")
        }
        var model = KioskModel(stationID: station, keymap: keymap, now: Date())
        model.idleLogout = idleLogout > 0 ? TimeInterval(idleLogout) : nil
        model.helpExtra = helpExtra
        model.wedge = KioskDriver.savedWedge(store, station: station)
        model.wedge.timingEnabled = scanTiming
        let terminal = try Terminal(colour: !screen.noColor)
        defer { terminal.stop() }
        model.glyphs = (terminal.utf8 && !screen.ascii) ? .unicode : .ascii
        let driver = KioskDriver(model: model, service: service)
        return KioskRunner(driver: driver, terminal: terminal, storePath: store.path).run()
    }
}
