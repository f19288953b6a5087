import ArgumentParser
import Foundation
import LocalStore

/// `--db PATH`, `$FLOOR_DB`, or the default store.
public struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store (SQLite file). Default: $FLOOR_DB, else \(StoreOptions.defaultPath).")
    public var db: String?

    public init() {}

    public static var defaultPath: String {
        let base =
            ProcessInfo.processInfo.environment["XDG_DATA_HOME"].map { $0 + "/floor" }
            ?? (NSHomeDirectory() + "/.local/share/floor")
        return base + "/floor.db"
    }

    public var path: String { db ?? ProcessInfo.processInfo.environment["FLOOR_DB"] ?? StoreOptions.defaultPath }

    public func open(create: Bool = true, interactive: Bool = false) throws -> Store {
        let p = path
        let dir = (p as NSString).deletingLastPathComponent
        if create, !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        return try Store.open(path: p, create: create, interactive: interactive)
    }
}

public enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}
