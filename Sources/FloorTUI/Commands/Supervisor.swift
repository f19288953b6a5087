import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct Supervisor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The supervisor console (full screen, meant for SSH sessions).",
        discussion: """
            Sign in with a supervisor's or inspector's badge (scan or type it), or be signed in by your login: a person
            whose plant-file entry lists your OS user in `logins` is signed in at start. Every action asks for a signature
            that names its meaning (dispositioned, approved, released ...) and is recorded as an event.
            Views: 1 stations, 2 holds, 3 first pieces, 4 approvals, 5 andon, 6 orders, 7 conflicts, 8 reports.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var screen: ScreenOptions

    func run() throws {
        try runReporting {
            let s = try store.open(create: false, interactive: true)
            if let reason = try SupervisorLaunch.run(store: s, screen: screen) { warn("floor supervisor: \(reason)") }
        }
    }
}

enum SupervisorLaunch {
    static func run(store: Store, screen: ScreenOptions) throws -> String? {
        let keymap = try KeymapLoader.load(screen.keymap)
        let service = FloorService(store: store)
        guard try service.plantIndex() != nil else { throw ServiceError.noPlant }
        let terminal = try Terminal(colour: !screen.noColor)
        defer { terminal.stop() }
        var model = ConsoleModel(keymap: keymap, now: Date())
        model.glyphs = (terminal.utf8 && !screen.ascii) ? .unicode : .ascii
        let driver = ConsoleDriver(model: model, service: service)
        driver.signInFromLogin()
        return TerminalLoop(client: driver, terminal: terminal, storePath: store.path).run()
    }
}
