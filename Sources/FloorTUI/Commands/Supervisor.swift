import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct Supervisor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The supervisor console (full screen, meant for SSH sessions).",
        discussion: """
            Sign in with a supervisor's or inspector's badge (scan or type it) and your signing secret, or be signed in by
            your login: a person whose plant-file entry lists your OS user in `logins` is signed in at start (and gives badge
            and secret at the first signature). Every signed action names its meaning (dispositioned, approved, released ...),
            asks your secret, and is recorded as an event with its signature. The console signs out when idle.
            Views: 1 stations, 2 holds, 3 first pieces, 4 approvals, 5 andon, 6 orders, 7 conflicts, 8 reports.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var screen: ScreenOptions
    @Option(help: "Sign out after this many minutes without a key or scan (0: never).") var idleMinutes: Int = 15

    func run() throws {
        try runReporting {
            guard idleMinutes >= 0 else { throw CommandFailure("--idle-minutes must be 0 or more") }
            let s = try store.open(create: false, interactive: true)
            if let reason = try SupervisorLaunch.run(store: s, screen: screen, idleMinutes: idleMinutes) { warn("floor supervisor: \(reason)") }
        }
    }
}

enum SupervisorLaunch {
    static func run(store: Store, screen: ScreenOptions, idleMinutes: Int = 15) throws -> String? {
        let keymap = try KeymapLoader.load(screen.keymap)
        let service = FloorService(store: store)
        guard try service.plantIndex() != nil else { throw ServiceError.noPlant }
        let terminal = try Terminal(colour: !screen.noColor)
        defer { terminal.stop() }
        var model = ConsoleModel(keymap: keymap, now: Date())
        model.glyphs = (terminal.utf8 && !screen.ascii) ? .unicode : .ascii
        model.idleSignOut = idleMinutes > 0 ? TimeInterval(idleMinutes * 60) : nil
        let driver = ConsoleDriver(model: model, service: service)
        driver.signInFromLogin()
        return TerminalLoop(client: driver, terminal: terminal, storePath: store.path).run()
    }
}
