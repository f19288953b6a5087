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
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT p.serial, p.work_order, p.part, p.step, p.status, p.quantity, w.priority, w.due, w.due_at, p.since, p.station
                    FROM parts p JOIN work_orders w ON w.number = p.work_order
                    WHERE p.work_center = ? AND \(Projections.openPart("p"))  -- the partial index's own condition, so parts_queue is used
                    ORDER BY w.priority_rank, w.due_at, p.work_order, p.serial
                    LIMIT ?
                    """), arguments: [workCenter, limit]
        ).map { r in
            QueueEntry(
                serial: r[0], workOrder: r[1], part: r[2], step: r[3], status: PartStatus(rawValue: r[4]) ?? .queued,
                quantity: r[5], priority: Priority(rawValue: r[6]) ?? .normal, due: r[7], dueAt: r[8], since: r[9], station: r[10])
        }
    }

    public struct OpenHold: Sendable, Equatable {
        public var hold: String
        /// `part:SERIAL`, `wo:NUMBER` or `lot:MATERIAL:LOT`.
        public var aggregate: String
        public var reason: String
        public var at: Int64
        public var by: String
        public var ncr: String?
        public var note: String
        /// For a part: its part id, step and work center (where it waits).
        public var part: String?
        public var step: String?
        public var workCenter: String?
    }

    /// Open holds (part, work order, lot), oldest first, with the held part's step.
    public static func openHolds(_ db: Database) throws -> [OpenHold] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT h.hold, h.aggregate, h.reason, h.at, h.by, h.ncr, h.note, p.part, p.step, p.work_center
                FROM holds h LEFT JOIN parts p ON p.serial = substr(h.aggregate, 6) AND h.aggregate LIKE 'part:%'
                ORDER BY h.at, h.hold
                """
        ).map { r in
            OpenHold(hold: r[0], aggregate: r[1], reason: r[2], at: r[3], by: r[4], ncr: r[5], note: r[6], part: r[7], step: r[8], workCenter: r[9])
        }
    }

    public struct AndonCall: Sendable, Equatable {
        public var station: String
        public var id: String
        public var kind: String
        public var note: String
        public var by: String
        public var at: Int64
        public var acknowledgedBy: String?
    }

    /// Open andon calls, oldest first.
    public static func andonCalls(_ db: Database) throws -> [AndonCall] {
        try Row.fetchAll(db, sql: "SELECT station, id, kind, note, by, at, ack_by FROM andon ORDER BY at").map { r in
            AndonCall(station: r[0], id: r[1], kind: r[2], note: r[3], by: r[4], at: r[5], acknowledgedBy: r[6])
        }
    }

    /// First pieces designated and waiting for a decision, oldest first.
    public static func pendingFirstPieces(_ db: Database) throws -> [(key: String, workOrder: String, step: String, firstPiece: String?, at: Int64)] {
        try Row.fetchAll(db, sql: "SELECT key, work_order, step, first_piece, at FROM fpi WHERE verdict = 'pending' ORDER BY at")
            .map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
    }

    /// Machines (or stations) down now.
    public static func down(_ db: Database) throws -> [(machine: String, reason: String, since: Int64, station: String)] {
        try Row.fetchAll(db, sql: "SELECT machine, reason, since, station FROM down ORDER BY since").map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    /// Override requests waiting for a supervisor.
    public static func overrideRequests(
        _ db: Database
    ) throws -> [(serial: String, id: String, step: String, blocker: String, reason: String, requestedBy: String)] {
        try Row.fetchAll(db, sql: "SELECT serial, id, step, blocker, reason, requested_by FROM override_requests ORDER BY serial, id")
            .map { ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5]) }
    }
}
