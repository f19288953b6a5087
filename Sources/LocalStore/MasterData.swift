import Foundation
import GRDB
import MESCore

/// Loading the plant file and work-order files: all or nothing, idempotent, recorded as events so
/// that master data travels through the same log as everything else.
public enum MasterData {
    public enum LoadResult: Equatable, Sendable {
        /// The file was applied: what changed.
        case loaded(summary: String)
        /// The same content was loaded before: nothing changed.
        case unchanged
    }

    /// Reads, validates and records a plant file. Throws `FileProblems` listing every problem.
    /// `by` is who loads; `MasterDataRules.loadPlantRefusal` decides whether they may (a refusal
    /// is thrown as `Refusal`, and nothing is recorded).
    public static func loadPlant(path: String, store: Store, by loader: MasterDataLoader, now: Date = Date()) throws -> LoadResult {
        let text = try readText(path)
        let plant = try PlantFile.load(text: text, file: path).get()
        return try store.write { db in
            let current = try StoreState.loadPlant(db)
            if let refusal = MasterDataRules.loadPlantRefusal(loader, current: current.map(PlantIndex.init)) { throw refusal }
            if let current, current == plant { return .unchanged }
            // A routing version once loaded never changes: a change is a new version.
            let changes = ChangeControl.routingChanges(known: try Projections.allRoutings(db), incoming: plant.routings)
            if !changes.isEmpty {
                throw FileProblems(
                    changes.map { c in
                        FileProblem(
                            file: path, line: lineOf(routing: c.routing, in: text), field: "routings",
                            message: "\(c); a loaded version cannot change: give the routing a new version")
                    })
            }
            _ = try EventLog.append([(.plantLoaded(PlantLoaded(plant: plant)), loader.actor)], now: now, db: db)
            return .loaded(
                summary: "plant \(plant.id): \(plant.stations.count) stations, \(plant.people.count) people, "
                    + "\(plant.parts.count) parts, \(plant.routings.count) routing versions")
        }
    }

    /// Reads, validates and releases the work orders of a CSV file. Orders already released with
    /// the same content are skipped; a different content under a known number is an error.
    /// `by` is who loads; `MasterDataRules.loadOrdersRefusal` decides whether they may.
    public static func loadOrders(path: String, store: Store, by loader: MasterDataLoader, now: Date = Date()) throws -> LoadResult {
        let text = try readText(path)
        return try store.write { db in
            guard let plant = try StoreState.loadPlant(db) else {
                throw FileProblems([
                    FileProblem(file: path, line: 1, field: "plant", message: "no plant is loaded in this store: load the plant file first")
                ])
            }
            let index = PlantIndex(plant)
            if let refusal = MasterDataRules.loadOrdersRefusal(loader, plant: index) { throw refusal }
            let existing = try existingOrders(db)
            let specs = try WorkOrderCSV.parse(text, file: path, plant: plant, existing: existing).get()
            let today = index.calendar.localDate(now)
            var events: [DomainEvent] = []
            var problems: [FileProblem] = []
            let approved = try StoreState.approvedRoutings(db)
            for spec in specs where existing[spec.number] == nil {
                guard let release = spec.release(plant: index, on: today, approved: approved) else {
                    let why =
                        plant.changeControl.map { "approved with a signature (floor plant approve; change control: \($0.approveRoutings.label))" }
                        ?? "approved"
                    problems.append(
                        FileProblem(
                            file: path, line: lineOf(spec.number, in: text), field: "part",
                            message: "part \(spec.part) has no routing version \(why) in effect on \(today)"))
                    continue
                }
                events.append(.workOrderReleased(release))
            }
            if !problems.isEmpty { throw FileProblems(problems) }
            if events.isEmpty { return .unchanged }
            _ = try EventLog.append(events.map { ($0, loader.actor) }, now: now, db: db)
            let pieces = events.reduce(0) { n, e in
                if case .workOrderReleased(let w) = e { return n + w.serials.count }; return n
            }
            return .loaded(summary: "released \(events.count) work orders (\(pieces) travelers)")
        }
    }

    /// Reads, validates and receives the lots of a CSV file (an ERP's receipts) by `badge`, in one
    /// transaction: lots received before with the same content are skipped, a known lot with other
    /// content is an error, and any refusal of one receipt (the rules of `floor lots receive`)
    /// loads nothing.
    public static func loadLots(path: String, store: Store, badge: String, now: Date = Date()) throws -> LoadResult {
        let text = try readText(path)
        let service = FloorService(store: store)
        return try store.write { db in
            guard let plant = try StoreState.loadPlant(db) else {
                throw FileProblems([
                    FileProblem(file: path, line: 1, field: "plant", message: "no plant is loaded in this store: load the plant file first")
                ])
            }
            var existing: [String: LotCSV.Known] = [:]
            let rows = try Data.fetchAll(db, sql: "SELECT state FROM aggregates WHERE id >= 'lot:' AND id < 'lot;'")
            for data in rows {
                let l = try Projections.decoder.decode(LotState.self, from: data)
                guard let r = l.receipt else { continue }
                existing[l.material + ":" + l.lot] = LotCSV.Known(
                    quantity: r.quantity, supplier: r.supplier, certificate: r.certificate, expiry: r.expiry)
            }
            let lines = try LotCSV.parse(text, file: path, plant: plant, existing: existing).get()
            if lines.isEmpty { return .unchanged }
            var problems: [FileProblem] = []
            var quarantined = 0
            for l in lines {
                let outcome = try service.run(
                    .quality(
                        .receiveLot(
                            material: l.material, lot: l.lot, quantity: l.quantity, supplier: l.supplier, certificate: l.certificate, expiry: l.expiry
                        )), badge: badge, station: Station.console.id, now: now, db: db)
                if let r = outcome.refusal {
                    problems.append(FileProblem(file: path, line: l.line, field: "lot", message: r.reasons.map(\.message).joined(separator: "; ")))
                } else if outcome.events.contains(where: {
                    if case .quality(.lotReceived(let e)) = $0.event { return e.quarantined }
                    return false
                }) {
                    quarantined += 1
                }
            }
            // All or nothing: throwing rolls back the receipts recorded above.
            if !problems.isEmpty { throw FileProblems(problems) }
            return .loaded(summary: "received \(lines.count) lots (\(quarantined) into quarantine for incoming inspection)")
        }
    }

    /// What loading the plant file at `path` would change, without loading it.
    public static func diffPlant(path: String, store: Store) throws -> PlantDiff {
        let plant = try PlantFile.load(text: try readText(path), file: path).get()
        return try store.read { db in
            PlantDiff.between(current: try StoreState.loadPlant(db), known: try Projections.allRoutings(db), new: plant)
        }
    }

    /// The command line's loader: the person `--by` names, else the operating-system account.
    public static func commandLineLoader(by badge: String?) -> MasterDataLoader {
        if let badge, !badge.isEmpty { return .person(badge: badge) }
        return .commandLine(account: ProcessInfo.processInfo.environment["USER"] ?? NSUserName())
    }

    /// Who a load on the command line is by: `badge` when its secret is right (`secret` asks for
    /// it, once), else the person whose plant-file `logins` name the OS account `account` (an
    /// SSH login is already authenticated), else the account itself, recorded as `cli:ACCOUNT`
    /// (unattributed). A badge can be verified only against a loaded plant that has its secret.
    public static func attributedLoader(
        as badge: String?, account: String, store: Store, secret: () throws -> String
    ) throws -> MasterDataLoader {
        let service = FloorService(store: store)
        let plant = try service.plantIndex()
        if let badge, !badge.isEmpty {
            guard let plant, plant.people[badge] != nil else {
                throw Refusal(
                    .unknownBadge, "no person with badge \(badge) in the loaded plant: a first plant load is recorded as the account running it")
            }
            if let r = try SigningSecrets.check(try secret(), for: badge, service: service, station: Station.console.id) { throw r }
            return .person(badge: badge)
        }
        if let p = plant?.person(forLogin: account) { return .person(badge: p.badge) }
        return .commandLine(account: account)
    }

    static func existingOrders(_ db: Database) throws -> [String: WorkOrderSpec] {
        var out: [String: WorkOrderSpec] = [:]
        // A key range, not LIKE 'wo:%' (which cannot use the primary key and reads every state).
        let rows = try Data.fetchAll(db, sql: "SELECT state FROM aggregates WHERE id >= 'wo:' AND id < 'wo;'")
        for data in rows {
            let wo = try Projections.decoder.decode(WorkOrderState.self, from: data)
            out[wo.spec.number] = wo.spec
        }
        return out
    }

    /// The line of the routing `id` in the plant file's `routings:` section, else 1.
    static func lineOf(routing id: String, in text: String) -> Int {
        var inRoutings = false
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if !line.hasPrefix(" "), !line.hasPrefix("#"), !line.isEmpty { inRoutings = line.hasPrefix("routings:") }
            let t = line.trimmingCharacters(in: .whitespaces)
            if inRoutings, t == "- id: \(id)" || t.hasPrefix("- id: \(id) ") || t.hasPrefix("- {id: \(id),") { return i + 1 }
        }
        return 1
    }

    static func lineOf(_ number: String, in text: String) -> Int {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.hasPrefix(number + ",") || line.hasPrefix("\"" + number + "\"") {
            return i + 1
        }
        return 1
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileProblems([FileProblem(file: path, line: 0, field: "file", message: "cannot read the file (missing or not readable)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileProblems([FileProblem(file: path, line: 0, field: "file", message: "the file is not UTF-8 text")])
        }
        return text
    }
}
