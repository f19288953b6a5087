import Foundation
import GRDB
import Testing

@testable import FloorCentral
@testable import LocalStore
@testable import MESCore

/// A central node on a loopback port (port 0: the OS picks), with its own store in a temp folder,
/// and kiosks around it.
final class Harness: @unchecked Sendable {
    let dir: String
    let central: Store
    let service: CentralService
    private(set) var port = 0
    private var task: Task<Void, Error>?
    var url: String { "http://127.0.0.1:\(port)" }
    var secrets: [String: String] = [:]

    static let start = Date(timeIntervalSince1970: 1_790_000_000)  // a Monday

    init(maxBatchBytes: Int = 16 << 20, plant: Bool = true) throws {
        dir = NSTemporaryDirectory() + "floor-central-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        central = try Store.open(path: dir + "/central.db", nodeID: Central.nodeID, fullSync: true)
        service = try CentralService(store: central, maxBatchBytes: maxBatchBytes)
        if plant { try loadPlant() }
    }

    deinit { task?.cancel(); try? FileManager.default.removeItem(atPath: dir) }

    /// The simulated plant and two orders of five pieces, released at the central node.
    func loadPlant() throws {
        let plant = SimulatedPlant.make(stations: 6)
        let index = PlantIndex(plant)
        let today = index.calendar.localDate(Harness.start)
        var events: [DomainEvent] = [.plantLoaded(PlantLoaded(plant: plant))]
        for (n, part) in ["WO-1", "WO-2"].enumerated() {
            let spec = WorkOrderSpec(
                number: part, part: plant.parts[n % plant.parts.count].id, quantity: 5,
                due: .date(today.adding(days: 5)), priority: .normal, customer: "C", tracking: .serial)
            events.append(.workOrderReleased(try #require(spec.release(plant: index, on: today))))
        }
        _ = try central.append(events.map { ($0, "") }, now: Harness.start)
    }

    func serve() async throws {
        (task, port) = await CentralServer(service: service).launch()
    }

    func stop() async {
        task?.cancel()
        _ = await task?.result
        task = nil
    }

    func enroll(_ node: String) throws -> String {
        let s = try central.write { db in try Central.enroll(node: node, db: db) }
        secrets[node] = s
        return s
    }

    /// A kiosk store (file) enrolled at the central node, with its client.
    func kiosk(_ node: String) throws -> (Store, SyncClient) {
        let secret = try secrets[node] ?? enroll(node)
        let store = try Store.open(path: dir + "/\(node).db", nodeID: node)
        _ = try Replication.remember(central: url, node: nil, secret: secret, store: store)
        return (store, SyncClient(store: store, central: url, node: node, secret: secret))
    }

    var head: Int64 { (try? central.read { db in try EventLog.lastPosition(db: db) }) ?? -1 }

    /// A raw signed request, for bad-input tests.
    func raw(method: String, target: String, body: Data, node: String?, secret: String?) async throws -> (Int, String) {
        let auth = node.flatMap { n in secret.map { RequestAuth.header(node: n, method: method, target: target, body: body, secret: $0) } }
        let client = SyncClient(store: central, central: url, node: node ?? "", secret: secret ?? "")
        let (status, data) = try await client.request(method: .init(rawValue: method), target: target, body: body, authorization: auth ?? "")
        return (status, String(decoding: data, as: UTF8.self))
    }
}

/// The state every node must agree on: the projected aggregates and the set of event identities.
struct NodeView: Equatable {
    var aggregates: [String: Data]
    var parts: [[String]]
    var events: [String]

    init(_ store: Store) throws {
        aggregates = [:]
        (aggregates, parts, events) = try store.read { db in
            var a: [String: Data] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, state FROM aggregates") { a[row[0]] = row[1] }
            let p = try Row.fetchAll(db, sql: "SELECT serial, status, COALESCE(step, ''), COALESCE(station, '') FROM parts ORDER BY serial")
                .map { row in (0..<4).map { (row[$0] as String?) ?? "" } }
            let e = try String.fetchAll(db, sql: "SELECT node || '/' || epoch || '/' || seq || '/' || hex(checksum) FROM events ORDER BY 1")
            return (a, p, e)
        }
    }
}

/// Random shop-floor work at a node, through the real command path.
struct RandomWork {
    var rng: SplitMix64
    let service: FloorService
    let plant: PlantIndex
    let serials: [String]

    init(store: Store, seed: UInt64) throws {
        rng = SplitMix64(seed: seed)
        service = FloorService(store: store)
        plant = try #require(try service.plantIndex())
        serials = try store.read { db in try String.fetchAll(db, sql: "SELECT serial FROM parts ORDER BY serial") }
    }

    /// Runs `n` random commands (refusals are part of the game); returns how many were accepted.
    mutating func run(_ n: Int, at t: Date) -> Int {
        var accepted = 0
        let stations = plant.plant.stations
        for i in 0..<n {
            let serial = serials[Int(rng.next() % UInt64(serials.count))]
            let st = stations[Int(rng.next() % UInt64(stations.count))]
            let op = plant.plant.people.first { $0.skills.contains(st.workCenter) && $0.role == .operator_ }?.badge ?? "9001"
            let when = t.addingTimeInterval(Double(i))
            let command: Command
            var badge = op
            switch rng.next() % 6 {
            case 0: command = .consume(serial: serial, material: "BAR-25", lot: "L\(rng.next() % 3)", expiry: nil)
            case 1, 2: command = .start(serial: serial)
            case 3: command = .complete(serial: serial, good: nil, scrap: 0, scrapReason: nil)
            case 4: command = .hold(serial: serial, reason: "SUSPECT", note: "random"); badge = "9001"
            default: command = .note(aggregate: "part:" + serial, text: "note \(i)")
            }
            if case .done? = try? service.run(command, badge: badge, station: st.id, now: when) { accepted += 1 }
        }
        return accepted
    }
}
