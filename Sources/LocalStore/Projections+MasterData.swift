import Foundation
import GRDB
import MESCore

extension Projections {
    // MARK: - Master data

    static func rebuildRoutings(_ db: Database) throws {
        RoutingCache.shared.clear()
        // Every routing version ever loaded stays known: work orders keep the version they were released with.
        let loads = try EventLog.events(aggregate: "plant", db: db).map(RecordedEvent.init(envelope:))
        for e in loads {
            guard case .plantLoaded(let p) = e.event else { continue }
            for r in p.plant.routings {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO routings(key, body) VALUES (?, ?)",
                    arguments: [PlantState.routingKey(r.id, r.version), try encoder.encode(r)])
            }
        }
    }

    /// Every routing version the store knows (a small table: one row per version loaded).
    static func allRoutings(_ db: Database) throws -> [Routing] {
        try Data.fetchAll(db, sql: "SELECT body FROM routings").map { try decoder.decode(Routing.self, from: $0) }
    }

    static func routing(id: String, version: Int, _ db: Database) throws -> Routing? {
        let key = PlantState.routingKey(id, version)
        if let r = RoutingCache.shared.get(key) { return r }
        guard
            let body = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT body FROM routings WHERE key = ?"),
                arguments: [PlantState.routingKey(id, version)])
        else { return nil }
        let r = try decoder.decode(Routing.self, from: body)
        RoutingCache.shared.put(key, r)
        return r
    }

    static func workCenter(ofStep step: String, workOrder: String, _ db: Database) throws -> String? {
        if let key = RoutingCache.shared.routingKey(ofOrder: workOrder), let r = RoutingCache.shared.get(key) { return r.step(step)?.workCenter }
        guard let wo = try loadState(WorkOrderState.self, AggregateID.workOrder(workOrder).rawValue, db),
            let r = try routing(id: wo.routing, version: wo.routingVersion, db)
        else { return nil }
        RoutingCache.shared.setRoutingKey(PlantState.routingKey(wo.routing, wo.routingVersion), ofOrder: workOrder)
        return r.step(step)?.workCenter
    }

    public static func plantTimeZone(_ db: Database) throws -> TimeZone {
        let plant = try loadState(PlantAggregate.self, "plant", db)?.plant
        return plant.flatMap { TimeZone(identifier: $0.timezone) } ?? TimeZone(identifier: "UTC")!
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    static let decoder = JSONDecoder()
}

/// Routings decoded once per process. A routing version is immutable in practice; a plant load
/// clears the cache all the same, in case a file changed a version's content.
final class RoutingCache: @unchecked Sendable {
    static let shared = RoutingCache()
    private let lock = NSLock()
    private var routings: [String: Routing] = [:]
    private var orderRouting: [String: String] = [:]
    func get(_ key: String) -> Routing? { lock.lock(); defer { lock.unlock() }; return routings[key] }
    func put(_ key: String, _ r: Routing) { lock.lock(); routings[key] = r; lock.unlock() }
    func routingKey(ofOrder n: String) -> String? { lock.lock(); defer { lock.unlock() }; return orderRouting[n] }
    func setRoutingKey(_ k: String, ofOrder n: String) { lock.lock(); orderRouting[n] = k; lock.unlock() }
    func clear() { lock.lock(); routings = [:]; orderRouting = [:]; lock.unlock() }
}

/// Decoded aggregate states by id, with the exact bytes they were decoded from or encoded to.
final class StateCache: @unchecked Sendable {
    static let shared = StateCache()
    private let lock = NSLock()
    private var entries: [String: (data: Data, value: Any)] = [:]
    private let capacity = 4096

    func get<S>(_ id: String, _ data: Data) -> S? {
        lock.lock(); defer { lock.unlock() }
        guard let e = entries[id], e.data == data else { return nil }
        return e.value as? S
    }
    /// Makes room for `n` more entries now (emptying the cache when they would not fit), so a
    /// prefetched window is not emptied half way through its fold.
    func reserve(_ n: Int) {
        lock.lock(); defer { lock.unlock() }
        if entries.count + n > capacity { entries.removeAll(keepingCapacity: true) }
    }
    func has(_ id: String, _ data: Data) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return entries[id]?.data == data
    }
    func put(_ id: String, _ data: Data, _ value: Any) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= capacity, entries[id] == nil { entries.removeAll(keepingCapacity: true) }
        entries[id] = (data, value)
    }
}
