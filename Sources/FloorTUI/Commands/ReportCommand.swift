import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports: wip, orders, conflicts, trace SERIAL|LOT, oee, fpy, pareto, wip-summary, board.",
        discussion: "--format json prints one JSON document; times are ISO-8601 with offset; numbers are JSON numbers.")
    @OptionGroup var store: StoreOptions
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @Flag(help: "wip: include finished travelers too.") var all = false
    @Option(help: "oee, fpy, pareto: the last N days of the plant calendar, today included.") var days: Int = 1
    @Argument(help: "wip | orders | conflicts | trace | oee | fpy | pareto | wip-summary | board") var name: String
    @Argument(help: "For trace: a serial, or a lot as MATERIAL:LOT or LOT.") var subject: String?

    func run() throws {
        try runReporting {
            let s = try store.open(create: false)
            try s.read { db in
                switch name {
                case "wip": print(Render.table(try Reports.wip(db, all: all), format))
                case "orders": print(Render.table(try Reports.orders(db), format))
                case "conflicts": print(Render.table(try Reports.conflicts(db), format))
                case "oee", "fpy", "pareto", "wip-summary", "board":
                    guard let plant = try FloorService(store: s).plantIndex(db) else { throw ServiceError.noPlant }
                    let now = Date()
                    let from = BoardRules.dayWindow(at: now, calendar: plant.calendar).start - Int64(max(0, days - 1)) * 86_400_000
                    let to = now.epochMillis
                    switch name {
                    case "oee": print(Render.table(try Reports.oee(db, plant: plant, from: from, to: to), format))
                    case "fpy": print(Render.table(try Reports.fpy(db, from: from, to: to), format))
                    case "pareto": print(Render.table(try Reports.scrapPareto(db, plant: plant, from: from, to: to), format))
                    case "wip-summary": print(Render.table(try Reports.wipSummary(db), format))
                    default: print(Render.table(Reports.board(try BoardQueries.load(db, plant: plant, now: now)), format))
                    }
                case "trace":
                    guard let subject else { throw ValidationError("trace needs a serial or a lot") }
                    guard let t = try Reports.trace(subject, db) else {
                        warn("floor: no serial or lot \(Sanitize.line(subject)) in this store")
                        throw ExitCode(1)
                    }
                    if format == .json {
                        var doc = t.summary.mapValues(Render.jsonValue)
                        doc["subject"] = t.subject
                        doc["kind"] = t.kind
                        var entries = Render.objects(t.table)
                        for (i, payload) in t.payloads.enumerated() where i < entries.count {
                            entries[i]["payload"] = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) ?? payload
                        }
                        doc["entries"] = entries
                        print(Render.encode(doc))
                    } else {
                        print(Render.table(t.table, format))
                    }
                default:
                    throw ValidationError("unknown report \(Sanitize.line(name)): wip, orders, conflicts, trace, oee, fpy, pareto, wip-summary or board")
                }
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

    static func csvField(_ s: String) -> String {
        let safe = Sanitize.line(s)
        return safe.contains(where: { $0 == "," || $0 == "\"" }) ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
    }

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
