import ArgumentParser
import FloorCentral
import FloorCommandLine
import Foundation
import GRDB
import LocalStore
import MESCore

/// `floor-bench central`: replication figures on loopback, in one process (a real Hummingbird
/// server and real AsyncHTTPClient clients on 127.0.0.1).
struct BenchCentral: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract:
            "Replication figures: central ingest beside a raw SQLite insert, a fresh kiosk catching up, many kiosks pushing at once, bootstrap "
            + "from a snapshot.",
        discussion: "Reads events from --source (never writes to it; the bootstrap figure copies it first). Build with -c release.")
    @Option(help: "A store to take events from (e.g. the 365-day simulated plant).") var source: String
    @Option(help: "How many of its events to ingest and catch up.") var events = 1_000_000
    @Option(help: "Events per push batch.") var batch = 2000
    @Option(help: "Kiosks pushing at once.") var kiosks = 200
    @Option(help: "Pushes per kiosk in the concurrency figure.") var rounds = 5
    @Flag(help: "Also time a new kiosk bootstrapping from a snapshot of the whole --source store.") var bootstrap = false
    @Option(help: "Work folder (default: a temporary one, removed after).") var dir: String?

    func run() async throws {
        try await runReportingAsync {
            let work = dir ?? NSTemporaryDirectory() + "floor-bench-central-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { if dir == nil { try? FileManager.default.removeItem(atPath: work) } }
            let src = try Store.openReadOnly(path: source)
            print("source: \(source)")

            // The events, read once (as a push would carry them).
            var clock = ContinuousClock.now
            let envelopes = try src.read { db in try EventLog.events(after: 0, limit: events, db: db).map(\.envelope) }
            let nodes = Set(envelopes.map(\.node))
            print("read \(envelopes.count) events of \(nodes.count) node(s) in \(secs(ContinuousClock.now - clock))")

            // 1. Raw SQLite batch insert of the same rows: same table, same indexes, same durability.
            clock = ContinuousClock.now
            try Self.rawInsert(envelopes, path: work + "/raw.db", batch: batch)
            let rawTime = ContinuousClock.now - clock
            let rawRate = Double(envelopes.count) / seconds(rawTime)
            print("raw SQLite insert: \(envelopes.count) rows in \(secs(rawTime)): \(Int(rawRate)) rows/s")

            // 2. Central ingest over HTTP: one node pushing everything, batch by batch (verified,
            // deduped, chained, stored; read models folded behind).
            let central = try Store.open(path: work + "/central.db", nodeID: Central.nodeID, fullSync: true)
            let service = try CentralService(store: central)
            let server = CentralServer(service: service)
            let (serverTask, port) = await server.launch()
            let url = "http://127.0.0.1:\(port)"
            var secrets: [String: String] = [:]
            for n in nodes { secrets[n] = try central.write { db in try Central.enroll(node: n, db: db) } }
            clock = ContinuousClock.now
            var pushes = 0
            // Batches of one node's events (a push carries only its own node's).
            var start = 0
            while start < envelopes.count {
                let n = envelopes[start].node
                var end = start
                while end < envelopes.count, end - start < batch, envelopes[end].node == n { end += 1 }
                let seg = Segment(header: .init(source: n, kind: .node), items: envelopes[start..<end].map { Segment.Item(envelope: $0) })
                let client = SyncClient(store: central, central: url, node: n, secret: secrets[n]!)
                let (status, body) = try await client.post(push: seg.encode(secret: secrets[n]!))
                guard status == 200 else { throw CommandFailure("push refused: \(String(decoding: body, as: UTF8.self))") }
                pushes += 1
                start = end
            }
            let ingestTime = ContinuousClock.now - clock
            let ingestRate = Double(envelopes.count) / seconds(ingestTime)
            print(
                "central ingest over HTTP: \(envelopes.count) events in \(pushes) pushes, \(secs(ingestTime)): \(Int(ingestRate)) events/s "
                    + "= \(String(format: "%.2f", ingestRate / rawRate)) of the raw insert")

            clock = ContinuousClock.now
            try service.waitForProjections()
            print("  its read models folded behind the log, done \(secs(ContinuousClock.now - clock)) after the last push")

            // 3. A fresh kiosk catching up everything from position 0 (no snapshot).
            let kioskSecret = try central.write { db in try Central.enroll(node: "BENCH-K", db: db) }
            let kiosk = try Store.open(path: work + "/kiosk.db", nodeID: "BENCH-K")
            let client = SyncClient(store: kiosk, central: url, node: "BENCH-K", secret: kioskSecret, pullBatch: 5000)
            clock = ContinuousClock.now
            let pulled = try await client.pull()
            let catchUp = ContinuousClock.now - clock
            print("fresh kiosk catching up \(pulled.pulled) events: \(secs(catchUp)) (\(Int(Double(pulled.pulled) / seconds(catchUp))) events/s)")

            // 4. Many kiosks pushing at once: each its own node, small batches, all started together.
            var kioskStores: [(String, String, [Data])] = []
            for k in 0..<kiosks {
                let id = String(format: "SIM-%03d", k)
                let secret = try central.write { db in try Central.enroll(node: id, db: db) }
                let s = try Store.inMemory(nodeID: id)
                var bodies: [Data] = []
                var from: Int64 = 0
                for r in 0..<rounds {
                    let env = try s.append((0..<5).map { (.noteAdded(NoteAdded(aggregate: "station:\(id)", text: "round \(r) note \($0)")), "9001") })
                    let seg = Segment(header: .init(source: id, kind: .node), items: env.map { Segment.Item(envelope: $0) })
                    bodies.append(seg.encode(secret: secret))
                    from += Int64(env.count)
                }
                kioskStores.append((id, secret, bodies))
            }
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for (id, secret, bodies) in kioskStores {
                    group.addTask {
                        let c = SyncClient(store: central, central: url, node: id, secret: secret)
                        var out: [Double] = []
                        for body in bodies {
                            let t = ContinuousClock.now
                            let (status, _) = try await c.post(push: body)
                            guard status == 200 else { throw CommandFailure("push refused (\(status))") }
                            out.append(seconds(ContinuousClock.now - t) * 1000)
                        }
                        return out
                    }
                }
                var all: [Double] = []
                for try await l in group { all += l }
                return all.sorted()
            }
            func pct(_ p: Double) -> String { String(format: "%.1f ms", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) }
            print(
                "\(kiosks) kiosks pushing at once (\(latencies.count) pushes of 5 events): p50 \(pct(0.5)), p90 \(pct(0.9)), p99 \(pct(0.99)), "
                    + "max \(pct(1.0))"
                    + "; \(service.counterValues.groupCommits) group commits")
            serverTask.cancel()
            _ = await serverTask.result

            // 5. Bootstrap from a snapshot of the whole source store.
            if bootstrap {
                let copy = work + "/year-central.db"
                clock = ContinuousClock.now
                try src.vacuumInto(copy)
                print("copied the source for the central node in \(secs(ContinuousClock.now - clock))")
                let yearStore = try Store.open(path: copy, fullSync: true)
                let yearService = try CentralService(store: yearStore)
                let yearServer = CentralServer(service: yearService)
                let (t2, p2) = await yearServer.launch()
                let secret = try yearStore.write { db in try Central.enroll(node: "NEW-K", db: db) }
                clock = ContinuousClock.now
                let (path, position) = try await yearService.snapshot()
                let made = ContinuousClock.now - clock
                let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
                clock = ContinuousClock.now
                let boot = SyncClient(store: try Store.inMemory(), central: "http://127.0.0.1:\(p2)", node: "NEW-K", secret: secret)
                let got = try await boot.bootstrap(into: work + "/new-kiosk.db")
                let fetched = ContinuousClock.now - clock
                print(
                    "bootstrap from a snapshot at position \(got) (\(position)): snapshot made in \(secs(made)) (\(size / 1_048_576) MiB), "
                        + "downloaded and adopted in \(secs(fetched)); total \(secs(made + fetched))")
                t2.cancel()
                _ = await t2.result
            }
        }
    }

    /// The baseline: the same rows into the same table (same indexes), same durability, in
    /// transactions of `batch` rows, with one prepared statement.
    static func rawInsert(_ envelopes: [EventEnvelope], path: String, batch: Int) throws {
        var config = Configuration()
        config.journalMode = .wal
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let raw = try DatabaseQueue(path: path, configuration: config)
        try raw.write { db in try EventLog.createTables(db) }
        for chunk in stride(from: 0, to: envelopes.count, by: batch) {
            let part = envelopes[chunk..<min(chunk + batch, envelopes.count)]
            try raw.write { db in
                let stmt = try db.cachedStatement(sql: EventLog.insertSQL)
                for e in part {
                    try stmt.execute(arguments: [
                        e.node, e.epoch, e.seq, e.hlc.wall, e.hlc.logical, e.wallTime, e.causal, e.type,
                        e.typeVersion, e.aggregate, e.actor, EventLog.hexDecode(e.prevHash), e.payload,
                        EventLog.hexDecode(e.checksum), 0,
                    ])
                }
            }
        }
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    func secs(_ d: Duration) -> String { String(format: "%.2f s", seconds(d)) }
}
