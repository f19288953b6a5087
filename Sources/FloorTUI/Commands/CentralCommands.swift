import ArgumentParser
import FloorCentral
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "The central node: receives and serves the replication log; enrolls nodes.",
        discussion: """
            The central node is a store like a kiosk's (node id `central`), written with full sync. Plant and
            work-order files loaded into it (`floor plant load --db CENTRAL.db`) reach every kiosk.
            """,
        subcommands: [Serve.self, AddNode.self, RevokeNode.self, Nodes.self, Export.self, Import.self])

    static func open(_ store: StoreOptions, create: Bool = true) throws -> Store {
        let p = store.path
        let dir = (p as NSString).deletingLastPathComponent
        if create, !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        return try Store.open(path: p, create: create, nodeID: Central.nodeID, fullSync: true)
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Runs the central node's HTTP API until stopped (SIGINT/SIGTERM).")
        @OptionGroup var store: StoreOptions
        @Option(help: "HOST:PORT to listen on, e.g. 0.0.0.0:7300.") var listen: String = "127.0.0.1:7300"
        @Option(help: "Largest push batch accepted, in bytes.") var maxBatchBytes: Int = 16 << 20

        func run() async throws {
            try await runReportingAsync {
                guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                    (0...65535).contains(port)
                else {
                    throw ValidationError("--listen: \(Sanitize.line(listen)) is not HOST:PORT")
                }
                let host = String(listen[..<colon])
                let s = try CentralCommand.open(store)
                let service = try CentralService(store: s, maxBatchBytes: maxBatchBytes)
                let server = CentralServer(service: service)
                try await server.run(host: host.isEmpty ? "0.0.0.0" : host, port: port) { bound in
                    // A line scripts and tests wait for.
                    let line = "floor central: listening on \(host):\(bound), store \(s.path), head \(service.currentHead)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            }
        }
    }

    struct AddNode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-node",
            abstract: "Enrolls a node (or re-enrolls it with a new secret) and prints its secret once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The node id (a kiosk's station id, or another name).") var id: String

        func run() throws {
            try runReporting {
                let s = try CentralCommand.open(store)
                let secret = try s.write { db in try Central.enroll(node: id, db: db) }
                print(secret)
                warn("floor: node \(id) enrolled; give the kiosk --node \(id) --secret <the line above> (shown only now)")
            }
        }
    }

    struct RevokeNode: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-node", abstract: "Revokes a node's secret at once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The node id.") var id: String

        func run() throws {
            try runReporting {
                let s = try CentralCommand.open(store, create: false)
                do { try s.write { db in try Central.revoke(node: id, db: db) } } catch let e as Central.CentralError {
                    warn("floor: \(e.description)"); throw ExitCode(1)
                }
                print("node \(id) revoked: its requests are refused from now on")
            }
        }
    }

    struct Nodes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every enrolled node: pending events, last push and pull, position.")
        @OptionGroup var store: StoreOptions
        @Option(help: "table or json") var format: OutputFormat = .table

        func run() throws {
            try runReporting {
                let s = try CentralCommand.open(store, create: false)
                let nodes = try s.read { db in try Central.nodes(db: db) }
                if format == .json {
                    let e = JSONEncoder(); e.outputFormatting = [.sortedKeys, .prettyPrinted]
                    print(String(decoding: try e.encode(nodes), as: UTF8.self))
                } else {
                    print(nodes.isEmpty ? "no node enrolled (floor central add-node ID)" : NodesTable.render(nodes, now: Date()))
                }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Writes the central log since the last export as segment files into DIR.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The folder to write to.") var to: String
        @Flag(help: "Write the whole log again.") var all = false

        func run() throws {
            try runReporting {
                let s = try CentralCommand.open(store, create: false)
                printExport(try SegmentFiles.export(store: s, to: to, all: all, central: true))
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Takes nodes' segment files from DIR, exactly as their HTTP pushes (signed with the node's secret).")
        @OptionGroup var store: StoreOptions
        @Option(help: "The folder to read.") var from: String

        func run() throws {
            try runReporting {
                let s = try CentralCommand.open(store, create: false)
                let service = try CentralService(store: s)
                try printImport(try service.importFolder(from))
            }
        }
    }
}
