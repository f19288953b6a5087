import Foundation
import GRDB
import MESCore

/// `floor report audit`: every event with who, when, where, what, the change it made and the
/// meaning of its signature, for an auditor. Streams the log with one cursor in position order and
/// hands each row to the caller, so memory does not grow with the store.
public enum AuditTrailReport {
    /// Which events: a time window (ms, [from, to)), the person, the aggregate and the type. An
    /// aggregate or type ending in `*` matches a prefix (`part:NW-5001-*`, `fpi.*`).
    public struct Filter: Sendable, Equatable {
        public var from: Int64?
        public var to: Int64?
        public var person: String?
        public var aggregate: String?
        public var type: String?
        public init(from: Int64? = nil, to: Int64? = nil, person: String? = nil, aggregate: String? = nil, type: String? = nil) {
            self.from = from; self.to = to; self.person = person; self.aggregate = aggregate; self.type = type
        }
    }

    public static let columns = ["at", "event", "by", "name", "where", "type", "aggregate", "what", "change", "meaning"]

    /// Calls `row` with each event the filter selects, in the order they were stored (cells in
    /// `columns` order). Returns how many rows it gave.
    @discardableResult
    public static func stream(_ db: Database, plant: PlantIndex?, filter: Filter, row: ([ReportTable.Cell]) throws -> Void) throws -> Int {
        var clauses: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        if let from = filter.from { clauses.append("hlc_wall >= ?"); args.append(from) }
        if let to = filter.to { clauses.append("hlc_wall < ?"); args.append(to) }
        if let person = filter.person { clauses.append("actor = ?"); args.append(person) }
        for (column, value) in [("aggregate", filter.aggregate), ("type", filter.type)] {
            guard let value else { continue }
            if value.hasSuffix("*") {
                clauses.append("substr(\(column), 1, ?) = ?")
                let prefix = String(value.dropLast())
                args.append(prefix.utf8.count); args.append(prefix)
            } else {
                clauses.append("\(column) = ?"); args.append(value)
            }
        }
        let sql =
            "SELECT node, epoch, seq, hlc_wall, type, type_version, aggregate, actor, payload FROM events"
            + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")) + " ORDER BY pos"
        let tz = plant?.calendar.timeZone ?? TimeZone(identifier: "UTC")!
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
        var n = 0
        // Events come seconds apart at most: a time is formatted once per second.
        var second: Int64 = .min, secondText = ""
        while let r = try cursor.next() {
            let node: String = r[0], epoch: String = r[1], seq: Int64 = r[2], wall: Int64 = r[3]
            let type: String = r[4], version: Int = r[5], aggregate: String = r[6], actor: String = r[7], payload: String = r[8]
            let event = EventCodec.decode(type: type, version: version, payload: payload)
            let recorded = RecordedEvent(
                id: EventID(node: node, epoch: epoch, seq: seq), order: OrderKey(hlc: HLC(wall: wall), node: node, seq: seq), actor: actor,
                event: event)
            let what: String
            if case .signatureApplied(let s) = event {
                what = "signed " + s.records.map(\.event).joined(separator: ", ") + ": " + Signature.manifestation(s)
            } else {
                what = Describe.event(recorded)
            }
            func text(_ s: String?) -> ReportTable.Cell { s.map { .text(Sanitize.line($0)) } ?? .null }
            if wall / 1000 != second { second = wall / 1000; secondText = Reports.iso(second * 1000, tz) }
            try row([
                .text(secondText), .text("\(node)/\(epoch)/\(seq)"), text(actor.isEmpty ? nil : actor),
                text(plant?.people[actor]?.name), text(AuditTrail.place(of: event) ?? "node \(node)"), .text(type), text(aggregate),
                .text(what), text(AuditTrail.change(of: event)), text(AuditTrail.meaning(of: event)),
            ])
            n += 1
        }
        return n
    }
}
