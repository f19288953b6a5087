import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

/// Names a charted characteristic: `PART/STEP/CHARACTERISTIC`, or --part and --characteristic
/// (with --step when the part charts the characteristic at more than one step).
struct ChartOptions: ParsableArguments {
    @Argument(help: "The chart: PART/STEP/CHARACTERISTIC (or use --part and --characteristic).") var chart: String?
    @Option(help: "The part number.") var part: String?
    @Option(help: "The step (needed only when the part charts the characteristic at several steps).") var step: String?
    @Option(help: "The characteristic's id.") var characteristic: String?

    func plan(_ plant: PlantIndex) throws -> SPCPlan {
        let charts = plant.plant.spc?.charts ?? []
        let found: [SPCPlan]
        if let chart {
            found = charts.filter { $0.key == chart }
        } else if let part, let characteristic {
            found = charts.filter { $0.part == part && $0.characteristic == characteristic && (step == nil || $0.step == step) }
        } else {
            throw CommandFailure("name the chart: PART/STEP/CHARACTERISTIC, or --part and --characteristic")
        }
        guard found.count == 1 else {
            let known = charts.map(\.key).joined(separator: ", ")
            throw CommandFailure(
                (found.isEmpty ? "no such control chart" : "several charts match; add --step")
                    + (known.isEmpty ? " (the plant charts none)" : " (charted: \(Sanitize.line(known)))"))
        }
        return found[0]
    }
}

/// A day option as the start (`--from`) or the end, inclusive (`--to`), of a window in the plant calendar.
func dayBound(_ text: String?, _ option: String, plant: PlantIndex, end: Bool) throws -> Int64? {
    guard let d = try date(text, option) else { return nil }
    return plant.calendar.startOfDay(end ? d.adding(days: 1) : d).epochMillis
}

/// Control charts: limits set from a baseline (signed) and signals cleared by an inspector (signed).
struct SPCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spc", abstract: "Control charts: set limits from a baseline, clear a signal (both signed).",
        discussion: "The charts are the plant file's spc.charts. See `floor report spc` for a chart, its capability and its signals.",
        subcommands: [Limits.self, Clear.self])

    struct Limits: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set (or recalculate) a chart's control limits from a baseline; frozen until set again.",
            discussion:
                "The baseline is the chart's first --subgroups subgroups (default: the plan's baseline), or those plotted from --from to --to.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var chart: ChartOptions
        @Option(help: "The first K complete subgroups.") var subgroups: Int?
        @Option(help: "Subgroups plotted on or after this day (plant calendar).") var from: String?
        @Option(help: "Subgroups plotted on or before this day.") var to: String?
        @Option(help: "Why (a new baseline, a process change).") var reason: String
        @Option(help: "The badge of the person setting them (the plant file's spc.set_limits role); their secret is asked.") var by: String
        func run() throws {
            try runReporting {
                guard let plant = try FloorService(store: try store.open(create: false)).plantIndex() else { throw ServiceError.noPlant }
                let plan = try chart.plan(plant)
                let cmd = Command.quality(
                    .setSPCLimits(
                        chart: plan.key, subgroups: subgroups, from: try dayBound(from, "--from", plant: plant, end: false),
                        to: try dayBound(to, "--to", plant: plant, end: true).map { $0 - 1 }, reason: reason))
                say(try PeopleCommand.signed(cmd, by: by, store: store))
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Clear a chart's open signals at a station, lifting a stop (an inspector, signed).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var chart: ChartOptions
        @Option(help: "The station whose signals are cleared.") var station: String
        @Option(help: "The cause found and what was done.") var note: String
        @Option(help: "The inspector's badge; their secret is asked.") var by: String
        func run() throws {
            try runReporting {
                guard let plant = try FloorService(store: try store.open(create: false)).plantIndex() else { throw ServiceError.noPlant }
                let plan = try chart.plan(plant)
                say(try PeopleCommand.signed(.quality(.clearSPC(chart: plan.key, station: station, note: note)), by: by, store: store))
            }
        }
    }
}

extension ReportCommand {
    struct Measurements: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every reading recorded at a step: serial, order, step, station, person, gauge, lots, value, limits, verdict, time.",
            discussion: "Oldest first. A reading replaced by a later one of the same traveler, step and characteristic is marked replaced.")
        @OptionGroup var common: Common
        @Option var part: String?
        @Option var step: String?
        @Option var characteristic: String?
        @Option(name: .customLong("work-center")) var workCenter: String?
        @Option var station: String?
        @Option var gauge: String?
        @Option(help: "LOT or MATERIAL:LOT: readings of travelers that used it at that step.") var lot: String?
        @Option(help: "On or after this day (plant calendar).") var from: String?
        @Option(help: "On or before this day.") var to: String?
        @Option(help: "Only the newest N readings.") var last: Int?
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                let q = SPCReports.MeasurementQuery(
                    part: part, step: step, characteristic: characteristic, workCenter: workCenter, station: station, gauge: gauge, lot: lot,
                    from: try dayBound(from, "--from", plant: plant, end: false), to: try dayBound(to, "--to", plant: plant, end: true), last: last)
                return try s.read { db in try SPCReports.measurements(db, q) }
            }
        }
    }

    struct SPC: ParsableCommand {
        enum Section: String, ExpressibleByArgument, CaseIterable { case summary, signals, points }
        static let configuration = CommandConfiguration(
            commandName: "spc", abstract: "A control chart: its limits, capability (Cp, Cpk, Pp, Ppk) and signals with their answers.",
            discussion: """
                The table shows the summary and the signals (--section points adds the points). CSV gives one section \
                (--section, default summary); JSON gives everything in one document. --svg FILE writes the chart as SVG.
                """)
        @OptionGroup var common: Common
        @OptionGroup var chart: ChartOptions
        @Option(help: "Subgroups plotted on or after this day (plant calendar).") var from: String?
        @Option(help: "Subgroups plotted on or before this day.") var to: String?
        @Option(help: "summary, signals or points.") var section: Section?
        @Option(help: "Write the chart as an SVG file.") var svg: String?
        func run() throws {
            try runReporting {
                let s = try common.store.open(create: false)
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                let plan = try chart.plan(plant)
                let (from, to) = (try dayBound(from, "--from", plant: plant, end: false), try dayBound(to, "--to", plant: plant, end: true))
                let (summary, state, tz) = try s.read { db in
                    (
                        try SPCReports.chart(db, plant: plant, plan: plan, from: from, to: to),
                        try StoreState(db: db, plant: plant).spcChart(plan.key),
                        try Projections.plantTimeZone(db)
                    )
                }
                if let svg {
                    do { try Data(SPCReports.svg(summary).utf8).write(to: URL(fileURLWithPath: svg)) } catch {
                        throw CommandFailure("cannot write \(Sanitize.line(svg)): \(Sanitize.line(error.localizedDescription))")
                    }
                }
                let summaryT = SPCReports.summaryTable(summary, state: state, tz: tz)
                let signalsT = SPCReports.signalsTable(summary, tz: tz), pointsT = SPCReports.pointsTable(summary, tz: tz)
                switch common.format {
                case .json:
                    var doc: [String: Any] = [:]
                    for row in summaryT.rows { doc[row[0].plain] = Render.jsonValue(row[1]) }
                    doc["signals"] = Render.objects(signalsT)
                    doc["points"] = Render.objects(pointsT)
                    print(Render.encode(doc))
                case .csv:
                    let pick = section ?? .summary
                    print(Render.table(pick == .summary ? summaryT : pick == .signals ? signalsT : pointsT, .csv))
                case .table:
                    var parts = [Render.table(summaryT, .table), "", "SIGNALS", Render.table(signalsT, .table)]
                    if section == .points { parts += ["", "POINTS", Render.table(pointsT, .table)] }
                    print(parts.joined(separator: "\n"))
                }
            }
        }
    }
}

/// Calibrations kept by Floor: recorded signed, shown as due, and a failed gauge's readings listed.
struct EquipmentCommand: ParsableCommand {
    enum Result: String, ExpressibleByArgument, CaseIterable { case pass, fail }
    static let configuration = CommandConfiguration(
        commandName: "equipment", abstract: "Record a machine's or gauge's calibration (signed, an inspector or higher).",
        subcommands: [Calibrated.self])

    struct Calibrated: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a calibration: pass with its next due date, or fail (then the equipment is refused until a later pass).",
            discussion: "After a failure, `floor report gauge EQ` lists every reading taken with it since its last good calibration.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The equipment's id (plant file).") var equipment: String
        @Option(help: "The day it was calibrated (YYYY-MM-DD).") var on: String
        @Option(help: "The day it is due again (a pass).") var due: String?
        @Option(help: "pass or fail.") var result: Result
        @Option(help: "The calibration certificate's reference.") var certificate: String
        @Option var note: String = ""
        @Option(help: "The badge of the person recording it; their secret is asked.") var by: String
        func run() throws {
            try runReporting {
                guard let day = try date(on, "--on") else { throw CommandFailure("--on is needed") }
                let c = EquipmentCalibrated(
                    equipment: equipment, on: day, due: try date(due, "--due"), passed: result == .pass, certificate: certificate, note: note)
                say(try PeopleCommand.signed(.quality(.recordCalibration(c)), by: by, store: store))
            }
        }
    }
}

extension ReportCommand {
    struct CalibrationReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calibration", abstract: "Machines and gauges due for calibration within N days, overdue or failed (soonest first).")
        @OptionGroup var common: Common
        @Option(help: "Due within this many days of today (plant calendar).") var days: Int = 30
        @Flag(help: "Every calibrated machine and gauge.") var all = false
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                return try s.read { db in
                    try CalibrationReports.due(db, plant: plant, today: plant.calendar.localDate(Date()), days: days, all: all)
                }
            }
        }
    }

    struct GaugeReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gauge",
            abstract: "Every reading taken with a gauge since its last good calibration (or --since), with where each part is now.",
            discussion: "The impact assessment after a failed calibration: parts, characteristics, values, and each part's status and step.")
        @OptionGroup var common: Common
        @Argument(help: "The gauge's id.") var gauge: String
        @Option(help: "From this day (plant calendar); default: the day of its last good calibration.") var since: String?
        func run() throws {
            try common.print { s in
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                guard plant.equipment[gauge] != nil else { throw CommandFailure("no equipment \(Sanitize.line(gauge)) in the plant") }
                let from = try dayBound(since, "--since", plant: plant, end: false)
                return try s.read { db in try CalibrationReports.gaugeImpact(db, plant: plant, gauge: gauge, since: from).table }
            }
        }
    }
}
