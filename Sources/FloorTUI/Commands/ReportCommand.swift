import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports from the store, as a table, CSV or JSON.",
        discussion: "--format json prints one JSON document; times are ISO-8601 with offset; numbers are JSON numbers.",
        subcommands: [
            Wip.self, Orders.self, Conflicts.self, Trace.self, OEE.self, FPY.self, Pareto.self, WipSummary.self, Board.self, AuditTrail.self,
            QualificationsReport.self, NCRReport.self, NCRPareto.self, NCRTrend.self, LotsReport.self, CAPAReport.self, Measurements.self,
            SPC.self, CalibrationReport.self, GaugeReport.self,
        ])

    struct NCRReport: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ncr", abstract: "The NCR register: one row per NCR, oldest first.")
        @OptionGroup var common: Common
        @Flag(help: "Only open NCRs.") var open = false
        @Flag(help: "Only closed NCRs.") var closed = false
        @Option(help: "Raised on or after this day (plant calendar).") var from: String?
        @Option(help: "Raised on or before this day.") var to: String?
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                let start = try date(from, "--from").map { plant.calendar.startOfDay($0).epochMillis }
                let end = try date(to, "--to").map { plant.calendar.startOfDay($0).epochMillis + 86_400_000 }
                let filter: QualityReports.NCRFilter = open ? .open : closed ? .closed : .all
                return try s.read { db in try QualityReports.ncrs(db, plant: plant, filter: filter, from: start, to: end) }
            }
        }
    }

    struct NCRPareto: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ncr-pareto", abstract: "NCRs counted by defect code, work center, part or supplier, largest first.")
        @OptionGroup var common: Common
        @Option(help: "defect, work-center, part or supplier.") var by: QualityReports.ParetoBy = .defect
        @Option(help: "The last N days of the plant calendar, today included.") var days: Int = 30
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                let now = Date()
                let from = BoardRules.dayWindow(at: now, calendar: plant.calendar).start - Int64(max(0, days - 1)) * 86_400_000
                return try s.read { db in try QualityReports.pareto(db, plant: plant, by: by, from: from, to: now.epochMillis) }
            }
        }
    }

    struct NCRTrend: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ncr-trend", abstract: "NCRs raised and closed per week (Monday first), and open at each week's end.")
        @OptionGroup var common: Common
        @Option(help: "How many weeks back, this one included.") var weeks: Int = 12
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                return try s.read { db in try QualityReports.weekly(db, plant: plant, weeks: max(1, weeks)) }
            }
        }
    }

    struct CAPAReport: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "capa", abstract: "Open CAPAs by due date, overdue ones said so.")
        @OptionGroup var common: Common
        @Flag(help: "Closed CAPAs too.") var all = false
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                return try s.read { db in try QualityReports.capas(db, plant: plant, all: all) }
            }
        }
    }

    struct LotsReport: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lots", abstract: "Material lots with their status and quantity left.")
        @OptionGroup var common: Common
        @Option var material: String?
        @Option(help: "quarantine, released, rejected, on-hold, expired, used-up.") var status: String?
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                return try s.read { db in try QualityReports.lots(db, plant: plant, material: material, status: status) }
            }
        }
    }

    /// What every report takes: the store and the format.
    struct Common: ParsableArguments {
        @OptionGroup var store: StoreOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        /// Opens the store and prints the table `body` reads.
        func print(_ body: (Store) throws -> ReportTable) throws {
            try runReporting {
                Swift.print(Render.table(try body(try store.open(create: false)), format))
            }
        }
    }

    /// The last N days of the plant calendar, today included (and the plant they are counted in).
    struct Days: ParsableArguments {
        @Option(help: "The last N days of the plant calendar, today included.") var days: Int = 1

        /// Prints the table `body` reads over the window (through `common`).
        func print(_ common: Common, _ body: @escaping (Store, _ plant: PlantIndex, _ from: Int64, _ to: Int64) throws -> ReportTable) throws {
            try common.print { s in
                let w = try window(s, now: Date())
                return try body(s, w.plant, w.from, w.to)
            }
        }

        func window(_ s: Store, now: Date) throws -> (plant: PlantIndex, from: Int64, to: Int64) {
            guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
            let from = BoardRules.dayWindow(at: now, calendar: plant.calendar).start - Int64(max(0, days - 1)) * 86_400_000
            return (plant, from, now.epochMillis)
        }
    }

    struct Wip: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Travelers not finished: where each is and since when.")
        @OptionGroup var common: Common
        @Flag(help: "Include finished travelers too.") var all = false
        func run() throws { try common.print { s in try s.read { db in try Reports.wip(db, all: all) } } }
    }

    struct Orders: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Work orders with their status, quantities and due dates.")
        @OptionGroup var common: Common
        func run() throws { try common.print { s in try s.read { db in try Reports.orders(db) } } }
    }

    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What replication found two nodes did at odds, and how it was decided.")
        @OptionGroup var common: Common
        func run() throws { try common.print { s in try s.read { db in try Reports.conflicts(db) } } }
    }

    struct OEE: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "oee", abstract: "OEE by station: availability, performance, quality.")
        @OptionGroup var common: Common
        @OptionGroup var days: Days
        func run() throws {
            try days.print(common) { s, plant, from, to in try s.read { db in try Reports.oee(db, plant: plant, from: from, to: to) } }
        }
    }

    struct FPY: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fpy", abstract: "First-pass yield by step, and rolled.")
        @OptionGroup var common: Common
        @OptionGroup var days: Days
        func run() throws {
            try days.print(common) { s, plant, from, to in try s.read { db in try Reports.fpy(db, from: from, to: to) } }
        }
    }

    struct Pareto: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Scrap by reason, largest first.")
        @OptionGroup var common: Common
        @OptionGroup var days: Days
        func run() throws {
            try days.print(common) { s, plant, from, to in try s.read { db in try Reports.scrapPareto(db, plant: plant, from: from, to: to) } }
        }
    }

    struct WipSummary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wip-summary", abstract: "Travelers waiting and running, by work center and step.")
        @OptionGroup var common: Common
        func run() throws { try common.print { s in try s.read { db in try Reports.wipSummary(db) } } }
    }

    struct Board: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The wall board's tiles and figures.")
        @OptionGroup var common: Common
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                return try s.read { db in Reports.board(try BoardQueries.load(db, plant: plant, now: Date())) }
            }
        }
    }

    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything a serial is made of and went through, or every part a lot went into.")
        @OptionGroup var common: Common
        @Argument(help: "A serial, or a lot as MATERIAL:LOT or LOT.") var subject: String

        func run() throws {
            try runReporting {
                let s = try common.store.open(create: false)
                guard let t = try s.read({ db in try Reports.trace(subject, db) }) else {
                    warn("floor: no serial or lot \(Sanitize.line(subject)) in this store")
                    throw ExitCode(1)
                }
                if common.format == .json {
                    var doc = t.summary.mapValues(Render.jsonValue)
                    doc["subject"] = t.subject
                    doc["kind"] = t.kind
                    var entries = Render.objects(t.table)
                    for (i, payload) in t.payloads.enumerated() where i < entries.count {
                        entries[i]["payload"] = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) ?? payload
                    }
                    // A signed record carries its signature: who, when with zone, meaning, the hashes signed.
                    for (i, sig) in t.signatures.enumerated() where i < entries.count {
                        guard let sig else { continue }
                        entries[i]["signed"] = (try? JSONSerialization.jsonObject(with: Data(EventCodec.encode(sig).utf8))) ?? NSNull()
                    }
                    doc["entries"] = entries
                    print(Render.encode(doc))
                } else {
                    print(Render.table(t.table, common.format))
                }
            }
        }
    }
}

extension ReportCommand {
    struct AuditTrail: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "The audit trail: every event with who, when, where, what it changed (old → new) and its signature's meaning.",
            discussion: """
                Streams the whole log in the order it was stored (constant memory). --from and --to take a plant-local \
                date (--to includes that day) or an ISO-8601 time; --aggregate and --type match exactly, or a prefix when \
                they end in * (--type 'fpi.*', --aggregate 'part:NW-5001-*').
                """)
        @OptionGroup var common: ReportCommand.Common
        @Option(help: "From this date or time on.") var from: String?
        @Option(help: "Up to this date (included) or time (excluded).") var to: String?
        @Option(help: "Only what this badge did.") var person: String?
        @Option(help: "Only this aggregate (part:SERIAL, wo:NUMBER, person:BADGE ...).") var aggregate: String?
        @Option(help: "Only this event type (fpi.passed ...).") var type: String?

        func run() throws {
            try runReporting {
                let s = try common.store.open(create: false)
                let plant = try FloorService(store: s).plantIndex()
                let calendar = plant?.calendar ?? PlantCalendar(timeZone: TimeZone(identifier: "UTC")!)
                func instant(_ text: String?, endOfDay: Bool) throws -> Int64? {
                    guard let text else { return nil }
                    if let d = ISO8601.parse(text) { return d.epochMillis }
                    if let day = LocalDate(text) { return calendar.startOfDay(endOfDay ? day.adding(days: 1) : day).epochMillis }
                    throw CommandFailure("\(Sanitize.line(text)) is neither a date (2026-11-24) nor an ISO-8601 time (2026-11-24T08:00:00+01:00)")
                }
                let filter = LocalStore.AuditTrailReport.Filter(
                    from: try instant(from, endOfDay: false), to: try instant(to, endOfDay: true), person: person, aggregate: aggregate,
                    type: type)
                let out = FileHandle.standardOutput
                let format: LocalStore.AuditTrailReport.Format =
                    switch common.format {
                    case .csv: .csv
                    case .json: .json
                    case .table: .table
                    }
                _ = try s.read { db in
                    try LocalStore.AuditTrailReport.write(db, plant: plant, filter: filter, format: format) { out.write(Data($0)) }
                }
            }
        }
    }
}

extension ReportCommand {
    struct QualificationsReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qualifications",
            abstract:
                "People whose certifications (the plant file's, and those given in the console) expire within N days, or have expired."
        )
        @OptionGroup var common: ReportCommand.Common
        @Option(help: "Expiring within this many days of today (plant calendar).") var days: Int = 30

        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                let today = plant.calendar.localDate(Date())
                let people = try s.read { db in try Qualifications.effective(plant.plant.people, in: StoreState(db: db, plant: plant)) }
                let rows = Qualifications.expiring(people, within: days, today: today)
                return ReportTable(
                    columns: ["badge", "name", "skill", "certified", "expires", "days_left", "status"],
                    rows: rows.map { e in
                        [
                            .text(e.person.badge), .text(e.person.name), .text(e.qualification.skill),
                            e.qualification.certified.map { .text($0.description) } ?? .null, .text(e.qualification.expires.description),
                            .int(e.daysLeft), .text(e.expired ? "EXPIRED" : "expires in \(e.daysLeft) days"),
                        ]
                    })
            }
        }
    }
}

/// Tables, CSV and JSON from a report. Every cell is sanitized for the terminal except in JSON,
/// where the encoder escapes control characters itself.
enum Render {
    static func table(_ t: ReportTable, _ format: OutputFormat) -> String {
        switch format {
        case .json: return json(t)
        case .csv:
            return ([t.columns.joined(separator: ",")] + t.rows.map { $0.map { csvField($0.plain) }.joined(separator: ",") })
                .joined(separator: "\n")
        case .table:
            let cells = t.rows.map { $0.map { Sanitize.line($0.plain) } }
            var widths = t.columns.map(\.count)
            for r in cells { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
            func line(_ xs: [String]) -> String {
                xs.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }
            return ([line(t.columns.map { $0.uppercased() })] + cells.map(line)).joined(separator: "\n")
                + (cells.isEmpty ? "\n(none)" : "")
        }
    }

    static func csvField(_ s: String) -> String { TextBytes.csvField(s) }

    /// A JSON string literal (RFC 8259: quote, backslash and control characters escaped).
    static func jsonString(_ s: String) -> String { TextBytes.jsonString(s) }

    static func jsonValue(_ c: ReportTable.Cell) -> Any {
        switch c {
        case .text(let s): return s
        case .int(let i): return i
        case .number(let d): return d
        case .null: return NSNull()
        }
    }

    static func objects(_ t: ReportTable) -> [[String: Any]] {
        t.rows.map { row in Dictionary(uniqueKeysWithValues: zip(t.columns, row.map(jsonValue))) }
    }

    static func json(_ t: ReportTable) -> String { encode(objects(t)) }

    static func encode(_ value: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
