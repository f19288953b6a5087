import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a demo plant with work orders and a week of history in a throwaway store, and open the kiosk on it.",
        discussion: """
            The store, plant file and orders file are written to --dir (default: a new temporary folder). On a terminal
            the kiosk of --station opens with the codes to try in its help (F1); without a terminal, or with --no-kiosk,
            the codes are printed instead.
            """)
    @Option(help: "Folder for the demo store and files.") var dir: String?
    @Option(
        help: ArgumentHelp(
            "Only write the demo's plant file and work-order file into this folder (a starting point to edit), then stop.",
            valueName: "dir"))
    var export: String?
    @Option(help: "Random seed of the history.") var seed: UInt64 = 7
    @Option(help: "The station the kiosk opens on.") var station: String = "K-SW1"
    @Flag(help: "Only make the store and print what to try.") var noKiosk = false
    @Flag(help: "Open the wall board instead of the kiosk.") var dashboard = false
    @Flag(help: "Open the supervisor console instead of the kiosk (sign in with badge 301, or 201 for an inspector).")
    var supervisor = false
    @OptionGroup var screen: ScreenOptions

    /// Writes the demo's plant file and work-order file (orders due tomorrow and in a week) into
    /// `folder`, refusing to overwrite a file that is already there. Returns the two paths.
    static func export(to folder: String, today: LocalDate) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = [(folder + "/plant.yaml", DemoPlant.yaml + "\n"), (folder + "/work-orders.csv", DemoPlant.orders(on: today) + "\n")]
        for (path, _) in files where FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(path) exists already: export into an empty folder (nothing was written)")
        }
        for (path, text) in files { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return files.map(\.0)
    }

    static let codesToTry = [
        "Badges: EMP:101 Lena (operator)  EMP:102 Omar  EMP:201 Sofia (inspector)  EMP:301 Eva (supervisor)",
        "Traveler: SN:NW-5001-001 (or pick it in the queue and press Enter)",
        "Start F5, lot LOT:TI64-6:HEAT-7731, measurements F3: OD 3.51, HEAD 2.41 (2.6 is out: hold)",
        "Gauge: EQ:MIC-7 then a reading such as 3.502 while a measurement has focus",
        "First piece: on NW-5001-001 press i (pass); the inspector signs: badge 201, then the secret",
        "Every demo person's signing secret: \(DemoPlant.signingSecret) (a real plant's people set their own)",
        "Batch traveler: WO:NW-5003 (50 pieces); GS1 lot label: (01)04012345000016(10)HEAT-7731",
    ]

    func run() throws {
        try runReporting {
            if let export {
                let written = try Demo.export(to: export, today: PlantCalendar(timeZone: TimeZone(identifier: "Europe/Berlin")!).localDate(Date()))
                print("wrote \(written.joined(separator: " and "))")
                print("edit them, then: floor plant load \(written[0]) && floor orders load \(written[1])  (the reference: docs/plant-file.md)")
                return
            }
            let folder = dir ?? (NSTemporaryDirectory() + "floor-demo-\(ProcessInfo.processInfo.processIdentifier)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let dbPath = folder + "/floor.db"
            Store.remove(at: dbPath)
            let plantPath = folder + "/plant.yaml", ordersPath = folder + "/orders.csv"
            try DemoPlant.yaml.write(toFile: plantPath, atomically: true, encoding: .utf8)
            let store = try Store.open(path: dbPath, nodeID: "demo")
            let now = Date()
            let calendar = PlantCalendar(timeZone: TimeZone(identifier: "Europe/Berlin")!)
            let start = calendar.startOfDay(calendar.localDate(now).adding(days: -7))
            _ = try MasterData.loadPlant(path: plantPath, store: store, by: .commandLine(account: "demo"), now: start)
            try DemoPlant.setSecrets(service: FloorService(store: store), now: start)
            let report = try Simulate.simulate(
                store: store, stations: 0, days: 7, seed: seed, batch: 400, prefix: "NW",
                verbose: false, end: now.addingTimeInterval(-3600), load: 12)
            try DemoPlant.orders(on: calendar.localDate(now)).write(toFile: ordersPath, atomically: true, encoding: .utf8)
            _ = try MasterData.loadOrders(path: ordersPath, store: store, by: .commandLine(account: "demo"), now: now)
            if !noKiosk && isatty(0) == 1 && isatty(1) == 1 && (dashboard || supervisor) {
                let reason =
                    dashboard
                    ? try DashboardLaunch.run(store: try Store.openReadOnly(path: dbPath), screen: screen, workCenter: nil, staleAfter: 600)
                    : try SupervisorLaunch.run(store: store, screen: screen)
                if let reason { warn("floor demo: \(reason)") }
                print("Demo store kept at \(dbPath)")
                return
            }
            if !noKiosk && isatty(0) == 1 && isatty(1) == 1 {
                let reason = try KioskLaunch.run(
                    store: store, station: station, screen: screen, idleLogout: 0,
                    helpExtra: ["Demo store: \(dbPath)"] + Demo.codesToTry)
                if let reason { warn("floor demo: \(reason)") }
                print("Demo store kept at \(dbPath) (floor kiosk --station \(station) --db \(dbPath) reopens it)")
                return
            }
            print(
                """
                Demo store: \(dbPath)
                  plant file \(plantPath), orders \(ordersPath)
                  a week of history: \(report.events) events
                Try (export FLOOR_DB=\(dbPath)):
                  floor report orders
                  floor scan --station K-SW1 EMP:101 SN:NW-5001-001 CMD:START LOT:TI64-6:HEAT-7731 M:OD=3.51 M:LEN=40.02 M:HEAD=2.41 CMD:COMPLETE
                  floor scan --station K-SW1 EMP:102 SN:NW-5001-002 CMD:START      (refused: waits for the first piece)
                  floor scan --station K-SW1 --sign 201 EMP:101 SN:NW-5001-001 CMD:PASS
                                              (the inspector 201 signs the pass; the secret is asked: \(DemoPlant.signingSecret))
                  floor report trace NW-5001-001 --format json
                  floor dashboard            (the wall board, read-only)
                  floor supervisor           (sign in with 301 and the secret; 2 holds, d disposition ...)
                  floor report oee --days 7 --format csv
                """)
        }
    }
}
