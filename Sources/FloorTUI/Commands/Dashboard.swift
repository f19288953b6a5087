import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The big-screen, read-only wall board.",
        discussion: """
            One tile per station with its state word (RUN SETUP FPI HOLD DOWN IDLE), headline figures in big digits,
            late and at-risk orders, open holds, downtime and andon calls. The store is opened read-only: nothing on
            this screen can change data. Tiles turn grey with STALE when no change and no sync was seen for --stale-after.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var screen: ScreenOptions
    @Option(name: .customLong("work-center"), help: "Only this work center's stations and work.") var workCenter: String?
    @Option(name: .customLong("stale-after"), help: "Seconds without a change or a sync before the board says STALE.")
    var staleAfter: Int = 600

    func run() throws {
        try runReporting {
            let s = try Store.openReadOnly(path: store.path)
            if let reason = try DashboardLaunch.run(store: s, screen: screen, workCenter: workCenter, staleAfter: staleAfter) {
                warn("floor dashboard: \(reason)")
            }
        }
    }
}

enum DashboardLaunch {
    static func run(store: Store, screen: ScreenOptions, workCenter: String?, staleAfter: Int) throws -> String? {
        let keymap = try KeymapLoader.load(screen.keymap)
        if let wc = workCenter, let plant = try FloorService(store: store).plantIndex(),
            !plant.plant.workCenters.contains(where: { $0.id == wc })
        {
            throw CommandFailure(
                "work center \(Sanitize.line(wc)) is not in plant \(plant.plant.id) (\(plant.plant.workCenters.map(\.id).joined(separator: ", ")))")
        }
        var model = BoardModel(keymap: keymap, now: Date(), workCenter: workCenter)
        model.staleAfter = TimeInterval(max(5, staleAfter))
        let terminal = try Terminal(colour: !screen.noColor)
        defer { terminal.stop() }
        model.glyphs = (terminal.utf8 && !screen.ascii) ? .unicode : .ascii
        let driver = BoardDriver(model: model, store: store)
        let loop = TerminalLoop(client: driver, terminal: terminal, storePath: store.path)
        return loop.run()
    }
}
