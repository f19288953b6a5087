import ArgumentParser
import FloorCentral
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

/// `--central URL --node ID --secret S` (or FLOOR_CENTRAL, FLOOR_NODE, FLOOR_SECRET). Once
/// given, the store remembers them.
struct SyncOptions: ParsableArguments {
    @Option(help: "The central node, e.g. http://central.plant:7300 (default $FLOOR_CENTRAL; remembered).")
    var central: String?
    @Option(help: "This node's id as enrolled at the central node (default $FLOOR_NODE; remembered).")
    var node: String?
    @Option(help: "This node's secret, printed by `floor central add-node` (default $FLOOR_SECRET; remembered).")
    var secret: String?

    var env: [String: String] { ProcessInfo.processInfo.environment }
    var centralValue: String? { central ?? env["FLOOR_CENTRAL"] }
    var nodeValue: String? { node ?? env["FLOOR_NODE"] }
    var secretValue: String? { secret ?? env["FLOOR_SECRET"] }
    var anyGiven: Bool { centralValue != nil || nodeValue != nil || secretValue != nil }

    func validate() throws {
        if let c = centralValue, URL(string: c)?.scheme.map({ $0 == "http" || $0 == "https" }) != true {
            throw ValidationError("--central: \(Sanitize.line(c)) is not an http:// or https:// address")
        }
    }

    /// Remembers what was given in the store.
    @discardableResult
    func remember(in store: Store, defaultNode: String? = nil) throws -> Replication.Settings {
        var node = nodeValue
        if node == nil, let d = defaultNode, try store.nodeID() == "local", try store.nodeState().seq == 0 { node = d }
        return try Replication.remember(central: centralValue, node: node, secret: secretValue, store: store)
    }
}

/// A store path that may not exist yet or be empty: fill it from the central node's snapshot.
enum Bootstrap {
    /// Whether the store at `path` is missing or holds no events, and the central node it
    /// remembers (one look at the file).
    static func look(_ path: String) -> (empty: Bool, central: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (true, nil) }
        guard let s = try? Store.open(path: path, create: false) else { return (false, nil) }
        defer { try? s.close() }
        return ((try? s.read { db in (try EventLog.lastPosition(db: db) == 0, try Store.meta(Replication.centralKey, db: db)) })) ?? (false, nil)
    }

    /// Fills the store from the central node's snapshot when it is empty. Returns true when the
    /// snapshot could not be had and the whole log must be pulled instead (the store then exists,
    /// with the settings). A refusal (wrong secret, revoked) is thrown.
    static func ifEmpty(path: String, options: SyncOptions, defaultNode: String?) async throws -> Bool {
        guard look(path).empty else { return false }
        do {
            warn("floor: " + (try await run(path: path, options: options, defaultNode: defaultNode)))
            return false
        } catch let e as SyncError {
            if case .refused = e { throw e }
            warn("floor: no snapshot (\(e.description)); pulling the whole log instead")
            return true
        }
    }

    /// Bootstraps an empty store from the central node (snapshot, else the whole log from 0).
    /// Prints progress to standard error. Returns a message of what happened.
    static func run(path: String, options: SyncOptions, defaultNode: String?) async throws -> String {
        // The settings may only be in the (empty) store: read them there first.
        let existing = try Store.open(path: path, create: true)
        let settings = try options.remember(in: existing, defaultNode: defaultNode)
        try existing.close()
        guard let central = settings.central, let secret = settings.secret else {
            throw SyncError.notConfigured("the store is empty: give --central, --node and --secret to fill it from the central node")
        }
        let clock = ContinuousClock(), start = clock.now
        warn("floor: the store is empty: fetching a snapshot from \(Sanitize.line(central)) ...")
        Store.remove(at: path)
        let empty = try Store.inMemory()
        let client = SyncClient(store: empty, central: central, node: settings.node, secret: secret)
        do {
            let position = try await client.bootstrap(into: path)
            return "bootstrapped from the snapshot at position \(position) in \(format(clock.now - start))"
        } catch let e as SyncError {
            if case .refused = e { throw e }
            // No snapshot (an old central, or the network broke): start empty, the tail fills it.
            let s = try Store.open(path: path, create: true, nodeID: settings.node)
            _ = try Replication.remember(central: central, node: nil, secret: secret, store: s)
            try s.close()
            throw e
        }
    }

    static func format(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return ms < 10_000 ? String(format: "%.0f ms", ms) : String(format: "%.1f s", ms / 1000)
    }
}

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Replication: one exchange with the central node, or the file transport.",
        discussion: """
            `floor sync` pushes this store's new events to the central node, then pulls everything new (an empty
            store is first filled from the central node's snapshot). The kiosk does the same by itself in the
            background. `floor sync export` / `import` carry the log as segment files (shared folder, USB stick).
            """,
        subcommands: [Now.self, Export.self, Import.self, Status.self],
        defaultSubcommand: Now.self)

    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "now", abstract: "One exchange with the central node (the default).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var sync: SyncOptions
        @Option(help: "Events per pull request.") var batch: Int = 5000

        func run() async throws {
            try await runReportingAsync {
                _ = try await Bootstrap.ifEmpty(path: store.path, options: sync, defaultNode: nil)
                let s = try store.open()
                try sync.remember(in: s)
                let client = try SyncClient.configured(store: s, pullBatch: batch)
                let r = try await client.exchange()
                var line = "pushed \(r.pushed) events"
                if r.pushDuplicates > 0 { line += " (\(r.pushDuplicates) already there)" }
                line += ", pulled \(r.pulled)"
                if r.pullDuplicates > 0 { line += " (\(r.pullDuplicates) already here)" }
                line += "; at central position \(r.position) of \(r.head)"
                print(line)
                if r.newEpoch { warn("floor: this store is a restored copy of itself: it now writes under a new epoch") }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Writes this node's new events as segment files into DIR.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The folder to write to (a shared folder, a USB stick).") var to: String
        @Flag(help: "Write every own event again, not only those since the last export.") var all = false

        func run() throws {
            try runReporting {
                let s = try store.open(create: false)
                let files = try SegmentFiles.export(store: s, to: to, all: all, central: false)
                printExport(files)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Takes the segment files of DIR (other nodes', or the central node's) into this store.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The folder to read.") var from: String
        @Option(help: "The node id of a new store (an air-gapped kiosk filled from files); default $FLOOR_NODE.") var node: String?

        func run() throws {
            try runReporting {
                let nodeID = node ?? ProcessInfo.processInfo.environment["FLOOR_NODE"]
                let s = try Store.open(path: store.path, create: true, nodeID: nodeID)
                try printImport(try SegmentFiles.importInto(store: s, from: from))
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What waits to go out, the last good exchange, and every node as last seen.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            try runReporting {
                let s = try store.open(create: false)
                let (settings, pending, lastOk, lastError, nodes, state) = try s.read { db in
                    (
                        try Replication.settings(db: db), try Replication.pendingCount(db: db),
                        try Store.meta(Replication.lastOkKey, db: db), try Store.meta(Replication.lastErrorKey, db: db),
                        try Central.knownNodes(db: db), try EventLog.nodeState(db: db)
                    )
                }
                print("node \(settings.node) (epoch \(state.epoch), seq \(state.seq)), central \(settings.central.map(Sanitize.line) ?? "not set")")
                print("waiting to go out: \(pending) events; central position applied: \(state.centralPosition)")
                let last = lastOk.flatMap(Int64.init).map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double($0) / 1000)) }
                print("last good exchange: \(last ?? "never")")
                if let lastError { print("last refusal: \(Sanitize.line(lastError))") }
                if !nodes.isEmpty { print(""); print(NodesTable.render(nodes, now: Date())) }
            }
        }
    }
}

func printExport(_ files: [String]) {
    if files.isEmpty { print("nothing new to export") }
    for f in files { print("wrote \(Sanitize.line(f))") }
}

func printImport(_ report: SegmentFiles.ImportReport) throws {
    for f in report.files {
        if let r = f.result {
            print("\(Sanitize.line(f.file)): \(r.applied) new, \(r.duplicates) already here" + (r.flagged > 0 ? ", \(r.flagged) flagged" : ""))
        } else {
            warn("\(Sanitize.line(f.file)): REFUSED: \(Sanitize.line(f.refusal ?? ""))")
        }
    }
    if report.files.isEmpty { print("no segment files found") }
    if !report.refused.isEmpty { throw ExitCode(1) }
}

/// Every node as the central node sees it, as a table (also the console's sync view).
enum NodesTable {
    static func render(_ nodes: [Segment.NodeStatus], now: Date) -> String {
        var rows = [["NODE", "PENDING", "LAST PUSH", "LAST PULL", "POSITION", "STATE"]]
        for n in nodes {
            rows.append([
                Sanitize.line(n.node), n.pending.map(String.init) ?? "-", ago(n.lastPush, now), ago(n.lastPull, now),
                n.position.map(String.init) ?? "-",
                n.revoked == true ? "REVOKED" : (n.lastError.map { "refused: " + Sanitize.line($0) } ?? "ok"),
            ])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { r in zip(r, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ") }
            .joined(separator: "\n")
    }

    static func ago(_ ms: Int64?, _ now: Date) -> String {
        guard let ms else { return "never" }
        let s = Int(now.timeIntervalSince1970 - Double(ms) / 1000)
        if s < 60 { return "\(max(0, s)) s ago" }
        if s < 3600 { return "\(s / 60) min ago" }
        if s < 86_400 { return "\(s / 3600) h ago" }
        return "\(s / 86_400) d ago"
    }
}
