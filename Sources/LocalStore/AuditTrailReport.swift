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
        let tz = plant?.calendar.timeZone ?? TimeZone(identifier: "UTC")!
        var times = ISO8601.Stream(timeZone: tz)
        var n = 0
        try rawRows(db, filter: filter) { raw in
            try row(cells(raw, plant: plant, times: &times))
            n += 1
        }
        return n
    }

    /// How `write` prints rows: CSV lines, the objects of a JSON array, or a fixed-width table.
    public enum Format: Sendable { case csv, json, table }

    public static let tableWidths = [25, 30, 6, 16, 10, 20, 24, 0, 0, 0]

    /// The whole trail as bytes for standard output, header and closing included, handed to `emit`
    /// in order, a batch at a time. Decoding and formatting, most of the cost, run on every core
    /// while this thread reads the next batch; memory holds two batches, whatever the store's size.
    @discardableResult
    public static func write(
        _ db: Database, plant: PlantIndex?, filter: Filter, format: Format, batch: Int = 4096,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, emit: ([UInt8]) throws -> Void
    ) throws -> Int {
        let tz = plant?.calendar.timeZone ?? TimeZone(identifier: "UTC")!
        let workers = max(1, workers), batch = max(1, batch)
        switch format {
        case .csv: try emit(Array((columns.joined(separator: ",") + "\n").utf8))
        case .json: try emit(Array("[".utf8))
        case .table: try emit(Array((fixed(columns.map { $0.uppercased() }) + "\n").utf8))
        }
        var rows: [RawRow] = []
        rows.reserveCapacity(batch)
        var pending: Pending?
        var n = 0
        func finish() throws {
            guard let p = pending else { return }
            p.group.wait()
            for slot in p.slots { try emit(slot.bytes) }
            pending = nil
        }
        func dispatch() throws {
            try finish()
            let job = Pending(rows: rows, workers: workers, firstRow: n == rows.count)
            pending = job
            rows.removeAll(keepingCapacity: true)
            DispatchQueue.global().async(group: job.group) {
                DispatchQueue.concurrentPerform(iterations: job.slots.count) { w in
                    job.format(part: w, plant: plant, timeZone: tz, as: format)
                }
            }
        }
        try rawRows(db, filter: filter) { raw in
            rows.append(raw)
            n += 1
            if rows.count == batch { try dispatch() }
        }
        if !rows.isEmpty { try dispatch() }
        try finish()
        if format == .json { try emit(Array((n == 0 ? "]\n" : "\n]\n").utf8)) }
        return n
    }

    /// A batch being formatted: each worker fills its own slot with its share of the rows.
    private final class Pending: @unchecked Sendable {
        final class Slot: @unchecked Sendable { var bytes: [UInt8] = [] }
        let rows: [RawRow], slots: [Slot], firstRow: Bool
        let group = DispatchGroup()
        init(rows: [RawRow], workers: Int, firstRow: Bool) {
            self.rows = rows; self.firstRow = firstRow
            slots = (0..<min(workers, rows.count)).map { _ in Slot() }
        }
        func format(part w: Int, plant: PlantIndex?, timeZone: TimeZone, as format: Format) {
            let share = (rows.count + slots.count - 1) / slots.count
            let range = min(rows.count, w * share)..<min(rows.count, (w + 1) * share)
            var times = ISO8601.Stream(timeZone: timeZone)
            var out: [UInt8] = []
            out.reserveCapacity(range.count * 320)
            for i in range {
                let cells = AuditTrailReport.cells(rows[i], plant: plant, times: &times)
                switch format {
                case .csv:
                    for (c, cell) in cells.enumerated() {
                        if c > 0 { out.append(UInt8(ascii: ",")) }
                        TextBytes.csvField(cell.plain, into: &out)
                    }
                    out.append(UInt8(ascii: "\n"))
                case .table:
                    out.append(contentsOf: AuditTrailReport.fixed(cells.map(\.plain)).utf8)
                    out.append(UInt8(ascii: "\n"))
                case .json:
                    // One object per line, keys in column order.
                    if !(firstRow && i == 0) { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: "\n{".utf8)
                    for (c, (column, cell)) in zip(AuditTrailReport.columns, cells).enumerated() {
                        out.append(contentsOf: (c == 0 ? "\"" : ",\"").utf8)
                        out.append(contentsOf: column.utf8)
                        out.append(contentsOf: "\":".utf8)
                        if case .text(let t) = cell { TextBytes.jsonString(t, into: &out) } else { out.append(contentsOf: "null".utf8) }
                    }
                    out.append(UInt8(ascii: "}"))
                }
            }
            slots[w].bytes = out
        }
    }

    /// Columns padded to the table's widths (0: as long as it is), sanitized, so rows print as they come.
    public static func fixed(_ cells: [String]) -> String {
        zip(cells, tableWidths).map { cell, w in
            let t = Sanitize.line(cell)
            if w == 0 { return t }
            return t.count > w ? String(t.prefix(w - 1)) + "…" : t.padding(toLength: w, withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }

    /// A stored event as read, before its payload is decoded.
    struct RawRow: Sendable {
        var node: String, epoch: String, seq: Int64, wall: Int64, type: String, version: Int, aggregate: String, actor: String, payload: String
    }

    private static func rawRows(_ db: Database, filter: Filter, _ body: (RawRow) throws -> Void) throws {
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
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
        while let r = try cursor.next() {
            try body(RawRow(node: r[0], epoch: r[1], seq: r[2], wall: r[3], type: r[4], version: r[5], aggregate: r[6], actor: r[7], payload: r[8]))
        }
    }

    /// One event's cells, in `columns` order.
    static func cells(_ raw: RawRow, plant: PlantIndex?, times: inout ISO8601.Stream) -> [ReportTable.Cell] {
        let event = EventCodec.decode(type: raw.type, version: raw.version, payload: raw.payload)
        let what: String
        if case .signatureApplied(let s) = event {
            what = "signed " + s.records.map(\.event).joined(separator: ", ") + ": " + Signature.manifestation(s)
        } else {
            let recorded = RecordedEvent(
                id: EventID(node: raw.node, epoch: raw.epoch, seq: raw.seq), order: OrderKey(hlc: HLC(wall: raw.wall), node: raw.node, seq: raw.seq),
                actor: raw.actor, event: event)
            what = Describe.event(recorded)
        }
        func text(_ s: String?) -> ReportTable.Cell { s.map { .text(Sanitize.line($0)) } ?? .null }
        return [
            .text(times.format(millis: raw.wall)), .text("\(raw.node)/\(raw.epoch)/\(raw.seq)"), text(raw.actor.isEmpty ? nil : raw.actor),
            text(plant?.people[raw.actor]?.name), text(AuditTrail.place(of: event) ?? "node \(raw.node)"), .text(raw.type), text(raw.aggregate),
            .text(what), text(AuditTrail.change(of: event)), text(AuditTrail.meaning(of: event)),
        ]
    }
}

/// CSV fields and JSON strings written straight into a byte buffer (reports of millions of rows).
public enum TextBytes {
    /// A CSV field: sanitized to one line, quoted when it holds a comma or a quote.
    public static func csvField(_ s: String, into out: inout [UInt8]) {
        let safe = Sanitize.line(s)
        if safe.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }) {
            out.append(UInt8(ascii: "\""))
            for b in safe.utf8 {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: safe.utf8)
        }
    }

    /// A JSON string literal (RFC 8259: quote, backslash and control characters escaped; C1
    /// controls too, so that the text is safe to print).
    public static func jsonString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Printable ASCII without quote or backslash, the usual case, is copied as it is.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(contentsOf: s.utf8)
        } else {
            for u in s.unicodeScalars {
                switch u {
                case "\"": out.append(contentsOf: "\\\"".utf8)
                case "\\": out.append(contentsOf: "\\\\".utf8)
                case "\n": out.append(contentsOf: "\\n".utf8)
                case "\r": out.append(contentsOf: "\\r".utf8)
                case "\t": out.append(contentsOf: "\\t".utf8)
                case _ where u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value):
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                default: UTF8.encode(u) { out.append($0) }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func jsonString(_ s: String) -> String {
        var out: [UInt8] = []
        jsonString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func csvField(_ s: String) -> String {
        var out: [UInt8] = []
        csvField(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
