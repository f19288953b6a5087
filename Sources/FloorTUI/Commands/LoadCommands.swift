import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct PlantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plant", abstract: "The plant file.", subcommands: [Load.self, Diff.self, Approve.self])

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a routing version for release (plant file change_control): a signed act; the secret is asked.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The routing id.") var routing: String
        @Option(help: "The version to approve.") var version: Int
        @Option(name: .customLong("as"), help: "The badge of the person approving it (the role change_control names, or higher).")
        var badge: String

        func run() throws {
            try runReporting {
                let events = try PeopleCommand.signed(.approveRouting(id: routing, version: version), by: badge, store: store)
                print(events.map(Describe.event).joined(separator: "\n"))
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What loading a plant file would change (nothing is loaded); exits 2 when the load would be refused.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The plant file (YAML).") var file: String
        @Option(help: "table or json.") var format: OutputFormat = .table

        func run() throws {
            try runReporting {
                let diff = try MasterData.diffPlant(path: file, store: try store.open(create: false))
                if format == .json {
                    let enc = JSONEncoder()
                    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try enc.encode(diff.entries), as: UTF8.self))
                } else if diff.isEmpty {
                    print("no change: this plant file is what is loaded")
                } else {
                    for e in diff.entries {
                        print(Sanitize.line("\(e.change.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(e.kind) \(e.id)"))
                        for d in e.details { print("           " + Sanitize.line(d)) }
                    }
                    if diff.refused { print("a loaded routing version changed: the load would be refused; give it a new version") }
                }
                if diff.refused { throw ExitCode(2) }
            }
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load or update the plant file (all or nothing; loading the same file twice changes nothing).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The plant file (YAML).") var file: String
        @Option(
            name: [.customLong("as"), .customLong("by")],
            help: ArgumentHelp(
                "The badge of the person loading it; their secret is asked. Without it: the person whose plant-file logins "
                    + "name this OS account, else the account, recorded as unattributed."))
        var by: String?

        func run() throws {
            try load(store, loaded: "loaded ", unchanged: "this plant file is already loaded") {
                try MasterData.loadPlant(path: file, store: $0, by: try loader(by, $0))
            }
        }
    }
}

struct OrdersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "orders", abstract: "Work orders.", subcommands: [Load.self])

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load work orders from CSV and release them (all or nothing; known orders with the same content are skipped).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The work-order file (CSV with header).") var file: String
        @Option(
            name: [.customLong("as"), .customLong("by")],
            help: ArgumentHelp(
                "The badge of the person releasing them; their secret is asked. Without it: the person whose plant-file logins "
                    + "name this OS account, else the account, recorded as unattributed."))
        var by: String?

        func run() throws {
            try load(store, loaded: "", unchanged: "every work order in this file is already released") {
                try MasterData.loadOrders(path: file, store: $0, by: try loader(by, $0))
            }
        }
    }
}

/// Who the load is by (`MasterData.attributedLoader`): the OS account is read from the system,
/// not from $USER, which a session can set to anything. An unattributed load says so.
private func loader(_ badge: String?, _ store: Store) throws -> MasterDataLoader {
    var account = NSUserName()
    if let pw = getpwuid(getuid()), let name = String(validatingCString: pw.pointee.pw_name) { account = name }
    let l = try MasterData.attributedLoader(as: badge, account: account, store: store) {
        try SecretInput.read(prompt: "secret of \(Sanitize.line(badge ?? "")): ")
    }
    if case .commandLine(let a) = l {
        warn("floor: recorded as unattributed (cli:\(Sanitize.line(a))): give --as BADGE, or map this login in people[].logins")
    }
    return l
}

/// Opens the store, loads a master-data file, and says what changed.
func load(_ store: StoreOptions, loaded: String, unchanged: String, _ body: (Store) throws -> MasterData.LoadResult) throws {
    try runReporting {
        switch try body(try store.open()) {
        case .loaded(let summary): print(loaded + Sanitize.line(summary))
        case .unchanged: print("unchanged: " + unchanged)
        }
    }
}
