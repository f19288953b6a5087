import Foundation
import GRDB
import MESCore

/// What a store-changing request ended in.
public enum Outcome: Sendable {
    /// The events recorded, typed as the Decider made them (with the ids and order the log gave
    /// them): nobody decodes them again.
    case done([RecordedEvent])
    case refused(Refusal)

    public var refusal: Refusal? { if case .refused(let r) = self { return r }; return nil }
    public var events: [RecordedEvent] { if case .done(let e) = self { return e }; return [] }
}

public enum ServiceError: Error, CustomStringConvertible {
    case noPlant
    case unknownStation(String)
    case unknownPerson(String)
    public var description: String {
        switch self {
        case .noPlant: return "no plant is loaded in this store (run: floor plant load FILE)"
        case .unknownStation(let s): return "no station \(Sanitize.line(s)) in the plant"
        case .unknownPerson(let b): return "no person with badge \(Sanitize.line(b))"
        }
    }
}

/// Runs decisions against a store: one write transaction reads the projections, asks MESCore,
/// appends the events and updates the projections, or changes nothing when refused.
public final class FloorService: @unchecked Sendable {
    public let store: Store
    private let lock = NSLock()
    private var cachedPlant: (version: String, index: PlantIndex)?
    private var commitsSinceCheckpoint = 0
    /// Fresh ids for holds, NCRs and overrides (the simulator seeds it for reproducible history).
    public let newID: @Sendable () -> String

    public init(store: Store, newID: @escaping @Sendable () -> String = FloorService.newID) {
        self.store = store
        self.newID = newID
    }

    /// The plant index, rebuilt only when a new plant was loaded (by this or another process).
    public func plantIndex(_ db: Database) throws -> PlantIndex? {
        let version = try String.fetchOne(db.cachedStatement(sql: "SELECT node || ':' || seq || ':' || hlc_wall FROM aggregates WHERE id = 'plant'"))
        guard let version else { return nil }
        lock.lock(); defer { lock.unlock() }
        if let c = cachedPlant, c.version == version { return c.index }
        guard let plant = try StoreState.loadPlant(db) else { return nil }
        let index = PlantIndex(plant)
        cachedPlant = (version, index)
        return index
    }

    public func plantIndex() throws -> PlantIndex? { try store.read { try plantIndex($0) } }

    /// Decides and records `command` by the person with `badge` at `station`.
    public func run(_ command: Command, badge: String, station: String, now: Date = Date()) throws -> Outcome {
        try store.write { db in try run(command, badge: badge, station: station, now: now, db: db) }
    }

    /// Decides and records `command` by a supervisor or inspector at the console (no station: work
    /// that needs one is refused by the rules). Decided inside the write transaction, so two
    /// consoles or a console and a kiosk acting on the same part cannot both win.
    public func runAtConsole(_ command: Command, badge: String, now: Date = Date()) throws -> Outcome {
        try run(command, badge: badge, station: Station.console.id, now: now)
    }

    /// The same inside a caller's transaction (the simulator batches many). `signature`: how
    /// `badge`'s signature was verified for this very command (nil: it was not, and a signed
    /// record is refused). When the decision records a signed record, a `signature.applied`
    /// event follows the records in the same transaction, with their hashes
    /// (`Signature.manifest`): `SigningSecrets.runSigned` is the way in for people.
    public func run(
        _ command: Command, badge: String, station stationID: String, now: Date, db: Database, signature: SignatureMethod? = nil
    ) throws -> Outcome {
        guard let plant = try plantIndex(db) else { throw ServiceError.noPlant }
        guard let station = stationID == Station.console.id ? Station.console : plant.stations[stationID] else {
            throw ServiceError.unknownStation(stationID)
        }
        guard let person = plant.people[badge] else { throw ServiceError.unknownPerson(badge) }
        let state = StoreState(db: db, plant: plant)
        let env = DecisionEnv(now: now, newID: newID, signedBy: signature == nil ? nil : badge, node: try EventLog.nodeState(db: db).node)
        switch try Decider.decide(command, by: Actor(person: person, station: station), plant: plant, state: state, env: env) {
        case .failure(let refusal):
            return .refused(refusal)
        case .success(let events):
            var out = try EventLog.append(events.map { ($0, badge) }, now: now, db: db)
            var typed = events
            if let method = signature, let first = out.first, Signature.signs(events) {
                let records = out.map { SignedRecord(event: $0.id.description, type: $0.type, hash: $0.checksum) }
                let signed = DomainEvent.signatureApplied(
                    Signature.manifest(
                        of: command, signer: person, at: now, timeZone: plant.calendar.timeZone, method: method, records: records,
                        aggregate: first.aggregate))
                out += try EventLog.append([(signed, badge)], now: now, db: db)
                typed.append(signed)
            }
            lock.lock(); commitsSinceCheckpoint += 1; lock.unlock()
            return .done(zip(out, typed).map { RecordedEvent(envelope: $0, event: $1) })
        }
    }

    /// Copies the WAL back into the database when `every` commits have passed since the last time.
    /// Call it outside a scan (idle tick, exit); returns whether it checkpointed.
    @discardableResult
    public func checkpointIfDue(every: Int = 100) throws -> Bool {
        lock.lock()
        let due = commitsSinceCheckpoint >= every
        if due { commitsSinceCheckpoint = 0 }
        lock.unlock()
        if due { try store.checkpoint() }
        return due
    }

    /// Runs a read against the projections with the current plant.
    public func read<T>(_ body: (StoreState) throws -> T) throws -> T {
        try store.read { db in try body(StoreState(db: db, plant: try plantIndex(db))) }
    }

    /// Random 12-hex id for holds, NCRs and overrides: unique across nodes without coordination.
    public static func newID() -> String {
        String(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF, radix: 16, uppercase: true)
            .leftPadded(to: 12)
    }
}

extension String {
    func leftPadded(to n: Int, with c: Character = "0") -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}
