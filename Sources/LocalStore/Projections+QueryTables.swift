import Foundation
import GRDB
import MESCore

extension Projections {
    // MARK: - Query tables

    static func writePart(_ p: PartState, _ db: Database, yield: Bool = true) throws {
        let wc = try workCenter(ofStep: p.step, workOrder: p.workOrder, db) ?? ""
        let stmt = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO parts(serial, work_order, part, step, work_center, status, station, since, quantity, scrapped)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let cancelled =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT cancelled FROM work_orders WHERE number = ?"),
                arguments: [p.workOrder]) ?? false
        try stmt.execute(arguments: [
            p.serial, p.workOrder, p.part, p.step, wc, p.effectiveStatus(workOrderCancelled: cancelled).rawValue, p.run?.station,
            p.since, p.quantity, p.scrapped,
        ])
        for (step, key) in p.firstStarts {
            // Written only when new or changed (a late event can move a first start): an unchanged
            // row costs no page write in the commit.
            try db.cachedStatement(
                sql: """
                    INSERT INTO step_starts(work_order, step, serial, hlc_wall, hlc_logical, node, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(work_order, step, serial) DO UPDATE SET
                        hlc_wall = excluded.hlc_wall, hlc_logical = excluded.hlc_logical, node = excluded.node, seq = excluded.seq
                    WHERE (hlc_wall, hlc_logical, node, seq) IS NOT (excluded.hlc_wall, excluded.hlc_logical, excluded.node, excluded.seq)
                    """
            ).execute(arguments: [p.workOrder, step, p.serial, key.hlc.wall, key.hlc.logical, key.node, key.seq])
        }
        try writeHolds(p.holds, aggregate: AggregateID.part(p.serial).rawValue, db)
        try writeConflicts(p.conflicts, aggregate: AggregateID.part(p.serial).rawValue, db)
        if yield { try writeYield(p, db) }
        if !p.overrides.isEmpty {
            try db.cachedStatement(sql: "DELETE FROM override_requests WHERE serial = ?").execute(arguments: [p.serial])
            for o in p.overrides where o.status == .requested {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO override_requests(serial, id, step, blocker, reason, requested_by) VALUES (?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [p.serial, o.id, o.step, o.blocker.rawValue, o.reason, o.requestedBy])
            }
        }
        if let run = p.run {
            for use in run.lots.values {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO lot_uses(material, lot, serial, step, at) VALUES (?, ?, ?, ?, ?)")
                    .execute(arguments: [use.material, use.lot, p.serial, run.step, use.at])
            }
        }
    }

    /// The traveler's step outcomes and scrap lines: unchanged rows are not rewritten, vanished
    /// ones (an undo, a re-fold) are deleted.
    static func writeYield(_ p: PartState, _ db: Database) throws {
        let outcomes = p.outcomes
        let steps = try String.fetchAll(db.cachedStatement(sql: "SELECT step FROM step_outcomes WHERE serial = ?"), arguments: [p.serial])
        let now = Set(outcomes.map(\.step))
        for step in steps where !now.contains(step) {
            try db.cachedStatement(sql: "DELETE FROM step_outcomes WHERE serial = ? AND step = ?").execute(arguments: [p.serial, step])
        }
        for o in outcomes {
            try db.cachedStatement(
                sql: """
                    INSERT INTO step_outcomes(serial, step, work_order, station, at, good, scrap, first_pass) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(serial, step) DO UPDATE SET station = excluded.station, at = excluded.at, good = excluded.good,
                        scrap = excluded.scrap, first_pass = excluded.first_pass
                    WHERE (station, at, good, scrap, first_pass)
                        IS NOT (excluded.station, excluded.at, excluded.good, excluded.scrap, excluded.first_pass)
                    """
            ).execute(arguments: [p.serial, o.step, p.workOrder, o.station, o.at, o.good, o.scrap, o.firstPass])
        }
        let log = p.scrapLog ?? []
        let known = try String.fetchAll(db.cachedStatement(sql: "SELECT event FROM scraps WHERE serial = ?"), arguments: [p.serial])
        let ids = Set(log.map { $0.event.description })
        for id in known where !ids.contains(id) {
            try db.cachedStatement(sql: "DELETE FROM scraps WHERE serial = ? AND event = ?").execute(arguments: [p.serial, id])
        }
        for x in log where !known.contains(x.event.description) {
            try db.cachedStatement(sql: "INSERT INTO scraps(serial, event, step, station, at, count, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [p.serial, x.event.description, x.step, x.station, x.at, x.count, x.reason])
        }
    }

    static func writeWorkOrder(_ wo: WorkOrderState, _ db: Database) throws {
        let tz = try plantTimeZone(db)
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO work_orders(number, part, quantity, due, due_at, priority, priority_rank, customer, tracking,
                                                   on_hold, cancelled, released_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            wo.spec.number, wo.spec.part, wo.spec.quantity, wo.spec.due.description,
            wo.spec.due.deadline(in: tz).epochMillis, wo.priority.rawValue,
            wo.priority.rank, wo.spec.customer, wo.spec.tracking.rawValue, wo.isOnHold, wo.cancelled,
            wo.releasedAt,
        ])
        try writeHolds(wo.holds, aggregate: AggregateID.workOrder(wo.spec.number).rawValue, db)
        try writeConflicts(wo.conflicts, aggregate: AggregateID.workOrder(wo.spec.number).rawValue, db)
        if wo.cancelled {
            // Each traveler's shown status is MESCore's `effectiveStatus` (scrapped stays scrapped).
            for serial in wo.serials {
                if let p = try loadState(PartState.self, AggregateID.part(serial).rawValue, db) { try writePart(p, db, yield: false) }
            }
        }
    }

    static func writeNCR(_ n: NCRState, _ db: Database) throws {
        guard let e = n.raised else { return }
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO ncrs(number, status, severity, defect, source, part, work_order, step, station, material, lot, supplier,
                    travelers, raised_at, raised_by, disposition, closed_at, description)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            n.number, n.status.rawValue, n.severity.rawValue, n.defect, e.source.rawValue, e.part, e.workOrder, e.step, e.station, e.material,
            e.lot, e.supplier, e.serials.count, n.raisedAt, n.raisedBy, n.disposition?.kind.rawValue, n.closedAt, n.description,
        ])
    }

    static func writeCAPA(_ c: CAPAState, _ db: Database) throws {
        guard let o = c.opened else { return }
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO capas(number, source, owner, due, opened_at, closed_at, problem) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [c.number, o.source.rawValue, c.owner, c.due?.description, c.openedAt, c.closedAt, o.problem])
        try db.cachedStatement(sql: "DELETE FROM capa_ncrs WHERE capa = ?").execute(arguments: [c.number])
        for n in c.ncrs { try db.cachedStatement(sql: "INSERT OR IGNORE INTO capa_ncrs(capa, ncr) VALUES (?, ?)").execute(arguments: [c.number, n]) }
    }

    static func writeLot(_ l: LotState, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO lots(material, lot, status, quantity, used, unit, supplier, expiry, received_at, on_hold)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            l.material, l.lot, l.status?.rawValue, l.receipt?.quantity, l.used ?? 0, l.receipt?.unit, l.receipt?.supplier,
            l.receipt?.expiry?.description, l.receipt?.at, l.holds.isEmpty ? 0 : 1,
        ])
    }

    static func writeHolds(_ holds: [OpenHold], aggregate: String, _ db: Database) throws {
        let existing = try String.fetchAll(db.cachedStatement(sql: "SELECT hold FROM holds WHERE aggregate = ?"), arguments: [aggregate])
        let now = Set(holds.map(\.id))
        for id in existing where !now.contains(id) {
            try db.cachedStatement(sql: "DELETE FROM holds WHERE hold = ?").execute(arguments: [id])
        }
        for h in holds where !existing.contains(h.id) {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO holds(hold, aggregate, reason, at, by, ncr, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [h.id, aggregate, h.reason, h.at, h.by, h.ncr, h.note])
        }
    }

    /// Replaces an aggregate's listed conflicts with those of its current fold: a late event can
    /// re-fold an aggregate so that what looked like a conflict in arrival order is none in the
    /// canonical order (or another one), and every node must list the same.
    static func writeConflicts(_ conflicts: [Conflict], aggregate: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM conflicts WHERE aggregate = ?").execute(arguments: [aggregate])
        for c in conflicts {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO conflicts(node, epoch, seq, aggregate, at, text) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [c.event.node, c.event.epoch, c.event.seq, c.aggregate, c.at, c.text])
        }
    }
}

extension Projections {
    /// `status NOT IN ('done', 'scrapped', 'cancelled')`: a part not yet in a terminal state, written
    /// once from `PartStatus.terminal` for every query and the partial indexes (whose conditions
    /// a query must repeat word for word for SQLite to use them).
    public static func openPart(_ table: String? = nil) -> String {
        (table.map { "\($0).status" } ?? "status") + " NOT IN (" + PartStatus.terminal.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}
