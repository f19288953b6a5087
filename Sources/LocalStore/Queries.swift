import Foundation
import GRDB
import MESCore

/// The reads a kiosk makes on every screen refresh, each one indexed.
public enum Queries {
    public struct QueueEntry: Equatable, Sendable {
        public var serial: String
        public var workOrder: String
        public var part: String
        public var step: String
        public var status: PartStatus
        public var quantity: Int
        public var priority: Priority
        public var due: String
        /// Deadline in ms (end of the due date in plant time, or the due instant).
        public var dueAt: Int64
        public var since: Int64
        /// Where it runs or is paused (nil when queued or held).
        public var station: String?
    }

    /// Everything waiting at (or paused or held at) the steps of a station's work center,
    /// ordered by priority, then due date, then work order and serial. Uses `parts_queue`.
    public static func queue(workCenter: String, limit: Int = 500, _ db: Database) throws -> [QueueEntry] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT p.serial, p.work_order, p.part, p.step, p.status, p.quantity, w.priority, w.due, w.due_at, p.since, p.station
            FROM parts p JOIN work_orders w ON w.number = p.work_order
            WHERE p.work_center = ? AND p.status NOT IN ('done', 'scrapped', 'cancelled')  -- the partial index's own condition, so parts_queue is used
            ORDER BY w.priority_rank, w.due_at, p.work_order, p.serial
            LIMIT ?
            """), arguments: [workCenter, limit]).map { r in
            QueueEntry(serial: r[0], workOrder: r[1], part: r[2], step: r[3], status: PartStatus(rawValue: r[4]) ?? .queued,
                       quantity: r[5], priority: Priority(rawValue: r[6]) ?? .normal, due: r[7], dueAt: r[8], since: r[9], station: r[10])
        }
    }

    /// Open holds (part, work order, lot), newest first.
    public static func openHolds(_ db: Database) throws -> [(aggregate: String, reason: String, at: Int64, ncr: String?)] {
        try Row.fetchAll(db, sql: "SELECT aggregate, reason, at, ncr FROM holds ORDER BY at DESC").map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    /// Machines (or stations) down now.
    public static func down(_ db: Database) throws -> [(machine: String, reason: String, since: Int64, station: String)] {
        try Row.fetchAll(db, sql: "SELECT machine, reason, since, station FROM down ORDER BY since").map { ($0[0], $0[1], $0[2], $0[3]) }
    }
}
