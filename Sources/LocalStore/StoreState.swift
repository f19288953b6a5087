import Foundation
import GRDB
import MESCore

/// MESCore's `StateReader` over the projections of one open transaction.
public struct StoreState: StateReader {
    public let db: Database
    public let plant: PlantIndex?

    public init(db: Database, plant: PlantIndex?) { self.db = db; self.plant = plant }

    public func part(_ serial: String) throws -> PartState? {
        try Projections.loadState(PartState.self, AggregateID.part(serial).rawValue, db)
    }
    public func workOrder(_ number: String) throws -> WorkOrderState? {
        try Projections.loadState(WorkOrderState.self, AggregateID.workOrder(number).rawValue, db)
    }
    public func machine(_ id: String) throws -> MachineState? {
        try Projections.loadState(MachineState.self, AggregateID.machine(id).rawValue, db)
    }
    public func signing(_ badge: String) throws -> SigningState? {
        try Projections.loadState(SigningState.self, AggregateID.person(badge).rawValue, db)
    }
    public func routingApproved(id: String, version: Int) throws -> Bool {
        try Projections.loadState(RoutingApprovalState.self, AggregateID.routing(id, version).rawValue, db)?.approved ?? false
    }
    /// Every routing version approved under change control (`PlantState.routingKey`).
    public static func approvedRoutings(_ db: Database) throws -> Set<String> {
        var out = Set<String>()
        for row in try Row.fetchAll(db, sql: "SELECT id, state FROM aggregates WHERE id >= 'routing:' AND id < 'routing;'") {
            let id: String = row[0], data: Data = row[1]
            if try Projections.decodeState(RoutingApprovalState.self, id, data).approved { out.insert(String(id.dropFirst("routing:".count))) }
        }
        return out
    }
    public func andon(_ station: String) throws -> AndonState? {
        try Projections.loadState(AndonState.self, AggregateID.andon(station).rawValue, db)
    }
    public func fpi(_ key: FPIKey) throws -> FPIState? {
        try Projections.loadState(FPIState.self, AggregateID.fpi(key).rawValue, db)
    }
    public func lot(material: String, lot: String) throws -> LotState? {
        try Projections.loadState(LotState.self, AggregateID.lot(material, lot).rawValue, db)
    }
    public func calibration(_ equipment: String) throws -> CalibrationState? {
        try Projections.loadState(CalibrationState.self, AggregateID.calibration(equipment).rawValue, db)
    }
    public func spcChart(_ key: String) throws -> SPCChartState? {
        try Projections.loadState(SPCChartState.self, AggregateID.spc(key).rawValue, db)
    }
    public func spcSeries(chart: SPCPlan, after: OrderKey?, lookback: Int) throws -> SPCSeries {
        try Projections.spcSeries(chart: chart, after: after, lookback: lookback, db)
    }
    public func ncr(_ number: String) throws -> NCRState? {
        try Projections.loadState(NCRState.self, AggregateID.ncr(number).rawValue, db)
    }
    public func capa(_ number: String) throws -> CAPAState? {
        try Projections.loadState(CAPAState.self, AggregateID.capa(number).rawValue, db)
    }
    public func registerCount(prefix: String) throws -> Int {
        // Numbers are ASCII: every number with the prefix sorts in [prefix, prefix + U+FFFF).
        let table = prefix.hasPrefix("CAPA-") ? "capas" : "ncrs"
        return try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table) WHERE number >= ? AND number < ?"), arguments: [prefix, prefix + "\u{FFFF}"]) ?? 0
    }
    public func lotUsers(material: String, lot: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT DISTINCT serial FROM lot_uses WHERE material = ? AND lot = ? ORDER BY serial"),
            arguments: [material, lot])
    }
    /// `Containment.usage` from the query tables (a lot used by thousands of travelers is listed
    /// without decoding one state): `parts` carries the effective status, `holds` the open holds
    /// with their NCR, `ncrs` the material and lot each was raised for.
    public func lotUsage(material: String, family: [String]) throws -> [Containment.Entry] {
        // The lot and the lots made from it, as a JSON array for json_each.
        let lots = String(decoding: try JSONEncoder().encode(family), as: UTF8.self)
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT p.serial, p.work_order, p.step, p.status,
                        (SELECT group_concat(ncr, char(10)) FROM (
                            SELECT DISTINCT h.ncr FROM holds h JOIN ncrs n ON n.number = h.ncr
                            WHERE h.aggregate = 'part:' || p.serial AND n.material = ?1 AND n.lot IN (SELECT value FROM json_each(?2))
                            ORDER BY h.ncr))
                    FROM parts p
                    WHERE p.serial IN (SELECT serial FROM lot_uses WHERE material = ?1 AND lot IN (SELECT value FROM json_each(?2)))
                    ORDER BY p.serial
                    """), arguments: [material, lots])
        return rows.map { row in
            let ncrs: String? = row[4]
            return Containment.Entry(
                serial: row[0], workOrder: row[1], step: row[2], status: PartStatus(rawValue: row[3]) ?? .queued,
                onHoldUnder: ncrs.map { $0.split(separator: "\n").map(String.init) } ?? [])
        }
    }
    /// The lots received last, newest first (a receiving station's list).
    public func lastReceived(limit: Int) throws -> [LotState] {
        let keys = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT material, lot FROM lots WHERE received_at IS NOT NULL ORDER BY received_at DESC, material, lot LIMIT ?"),
            arguments: [limit])
        return try keys.compactMap { try lot(material: $0[0], lot: $0[1]) }
    }
    public func routing(id: String, version: Int) throws -> Routing? {
        try Projections.routing(id: id, version: version, db)
    }
    public func pieceNumber(workOrder: String, step: String, serial: String) throws -> Int? {
        guard
            let mine = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT hlc_wall, hlc_logical, node, seq FROM step_starts WHERE work_order = ? AND step = ? AND serial = ?
                        """), arguments: [workOrder, step, serial])
        else { return nil }
        let before =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*) FROM step_starts WHERE work_order = ? AND step = ? AND (hlc_wall, hlc_logical, node, seq) < (?, ?, ?, ?)
                        """), arguments: [workOrder, step, mine[0], mine[1], mine[2], mine[3]]) ?? 0
        return before + 1
    }
    public func startedCount(workOrder: String, step: String) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM step_starts WHERE work_order = ? AND step = ?"),
            arguments: [workOrder, step]) ?? 0
    }

    /// The plant currently loaded in the store, if any.
    public static func loadPlant(_ db: Database) throws -> Plant? {
        try Projections.loadState(PlantAggregate.self, "plant", db)?.plant
    }
}
