import ArgumentParser
import Foundation
import LocalStore
import MESCore

@main
struct Floor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Floor: a scanner-first, offline-proof MES for the shop floor.",
        discussion: "Every command that touches a store takes --db PATH; without it $FLOOR_DB; without that \(StoreOptions.defaultPath).",
        version: MESCoreVersion.value,
        subcommands: [Demo.self, Kiosk.self, Dashboard.self, Supervisor.self, PlantCommand.self, OrdersCommand.self, Scan.self, ReportCommand.self, Simulate.self,
                      AuditCommand.self, SyncCommand.self, CentralCommand.self, Bench.self])
}

/// `--db PATH`, `$FLOOR_DB`, or the default store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store (SQLite file). Default: $FLOOR_DB, else \(StoreOptions.defaultPath).")
    var db: String?

    static var defaultPath: String {
        let base = ProcessInfo.processInfo.environment["XDG_DATA_HOME"].map { $0 + "/floor" }
            ?? (NSHomeDirectory() + "/.local/share/floor")
        return base + "/floor.db"
    }

    var path: String { db ?? ProcessInfo.processInfo.environment["FLOOR_DB"] ?? StoreOptions.defaultPath }

    func open(create: Bool = true, interactive: Bool = false) throws -> Store {
        let p = path
        let dir = (p as NSString).deletingLastPathComponent
        if create, !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        return try Store.open(path: p, create: create, interactive: interactive)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Prints to standard error.
func warn(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// A command that cannot do what it was asked, with the message a person reads and the exit status.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var status: Int32 = 1
    init(_ message: String, status: Int32 = 1) { self.message = message; self.status = status }
    var description: String { message }
}

/// Runs `body`, turning the errors people can act on into a message and exit code 1.
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as FileProblems {
        for p in e.problems { warn(p.description) }
        warn("\(e.problems.count) problem\(e.problems.count == 1 ? "" : "s"); nothing was applied")
        throw ExitCode(1)
    } catch let e as StoreError {
        warn("floor: \(e.description)")
        throw ExitCode(1)
    } catch let e as ServiceError {
        warn("floor: \(e.description)")
        throw ExitCode(1)
    } catch let e as CommandFailure {
        warn("floor: \(Sanitize.line(e.message))")
        throw ExitCode(e.status)
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        warn("floor: \(Sanitize.line(String(describing: error)))")
        throw ExitCode(1)
    }
}
