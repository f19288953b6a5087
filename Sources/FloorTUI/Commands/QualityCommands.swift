import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

extension DispositionKind: ExpressibleByArgument {}
extension NCRSeverity: ExpressibleByArgument {}
extension QualityReports.NCRFilter: ExpressibleByArgument {}
extension QualityReports.ParetoBy: ExpressibleByArgument {}

/// Runs an unsigned register act by `badge` at the console and prints what it recorded.
func recorded(_ command: Command, by badge: String, store: StoreOptions) throws -> [RecordedEvent] {
    let outcome = try FloorService(store: try store.open(create: false)).runAtConsole(command, badge: badge)
    if let r = outcome.refusal { throw r }
    return outcome.events
}

func say(_ events: [RecordedEvent]) {
    for e in events where e.event.type != "signature.applied" { print(Describe.event(e)) }
}

/// A date option (`--due 2027-06-30`), nil when not given; a clear message when it is not a date.
func date(_ text: String?, _ option: String) throws -> LocalDate? {
    guard let text else { return nil }
    guard let d = LocalDate(text) else { throw CommandFailure("\(option) \(Sanitize.line(text)) is not a date (2027-06-30)") }
    return d
}

/// `material:lot` or `LOT:material:lot` (as a lot label scans).
private func lotKey(_ text: String) throws -> (String, String) {
    var t = Substring(text)
    if t.hasPrefix("LOT:") { t = t.dropFirst(4) }
    guard let i = t.firstIndex(of: ":"), i != t.startIndex, t.index(after: i) != t.endIndex else {
        throw CommandFailure("\(Sanitize.line(text)) is not MATERIAL:LOT (AL6061-25:H-4471)")
    }
    return (String(t[..<i]), String(t[t.index(after: i)...]))
}

/// A signed act on the lot named MATERIAL:LOT (the signer's secret is asked), printed as recorded.
private func signedOnLot(_ lot: String, by badge: String, store: StoreOptions, _ make: (String, String) -> QualityCommand) throws {
    try runReporting {
        let (m, l) = try lotKey(lot)
        say(try PeopleCommand.signed(.quality(make(m, l)), by: badge, store: store))
    }
}

/// The NCR register: raise, classify, contain, disposition (signed), close (signed).
struct NCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncr", abstract: "Nonconformance reports: raise, update, disposition and close.",
        discussion: "Numbers are NCR-YYMMDD-NODE-N: unique across nodes even offline (docs/quality.md).",
        subcommands: [Raise.self, Update.self, Disposition.self, Close.self])

    struct Raise: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise an NCR by hand about a traveler (which goes on hold), a work order or a lot.")
        @OptionGroup var store: StoreOptions
        @Option(help: "A traveler's serial.") var serial: String?
        @Option(name: .customLong("work-order"), help: "A work order number.") var workOrder: String?
        @Option(help: "A lot, MATERIAL:LOT.") var lot: String?
        @Option(help: "A defect code of the plant file (quality.defects).") var defect: String
        @Option(help: "minor, major or critical (default: the defect code's).") var severity: NCRSeverity?
        @Option(help: "What is wrong.") var description: String
        @Option(help: "What was done to contain it.") var containment: String = ""
        @Option(help: "The badge of the person raising it.") var by: String

        func run() throws {
            try runReporting {
                let subjects = [serial != nil, workOrder != nil, lot != nil].filter { $0 }.count
                guard subjects == 1 else { throw CommandFailure("name one of --serial, --work-order or --lot") }
                let subject: NCRSubject
                if let serial {
                    subject = .part(serial: serial)
                } else if let workOrder {
                    subject = .workOrder(workOrder)
                } else {
                    let (m, l) = try lotKey(lot!)
                    subject = .lot(material: m, lot: l)
                }
                say(
                    try recorded(
                        .quality(.raiseNCR(subject: subject, defect: defect, severity: severity, description: description, containment: containment)),
                        by: by, store: store))
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reclassify an open NCR or write its containment (an inspector).")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Option var defect: String?
        @Option var severity: NCRSeverity?
        @Option var containment: String?
        @Option var description: String?
        @Option(help: "The badge of the inspector.") var by: String

        func run() throws {
            try runReporting {
                guard defect != nil || severity != nil || containment != nil || description != nil else {
                    throw CommandFailure("give what changes: --defect, --severity, --containment or --description")
                }
                let u = NCRUpdated(number: number, defect: defect, severity: severity, containment: containment, description: description)
                say(try recorded(.quality(.updateNCR(u)), by: by, store: store))
            }
        }
    }

    struct Disposition: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide what is done with the nonconforming material: an inspector's act, signed with their secret.",
            discussion: "Every traveler still held under the NCR takes the disposition too (rework is decided per traveler).")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Option(help: "use_as_is, rework, repair, scrap or return_to_supplier.") var kind: DispositionKind
        @Option(help: "Customer or engineering reference (use_as_is and repair need one).") var reference: String?
        @Option var note: String = ""
        @Option(help: "The badge of the inspector.") var by: String

        func run() throws {
            try runReporting {
                say(
                    try PeopleCommand.signed(
                        .quality(.dispositionNCR(number: number, kind: kind, reference: reference, note: note)), by: by, store: store))
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a dispositioned NCR (major and critical ones need their containment written): signed.")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Option var note: String = ""
        @Option(help: "The badge of the inspector.") var by: String

        func run() throws {
            try runReporting { say(try PeopleCommand.signed(.quality(.closeNCR(number: number, note: note)), by: by, store: store)) }
        }
    }
}

/// Material lots: receipt, incoming inspection, holds with containment.
struct LotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lots", abstract: "Material lots: receive, release or reject at incoming inspection, hold and contain.",
        subcommands: [
            Receive.self, Load.self, Release.self, Reject.self, Hold.self, ReleaseHold.self, Split.self, Merge.self, Measure.self, Show.self,
        ])

    struct Receive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive a lot into stock (into quarantine when its material needs incoming inspection).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option(help: "How much, in the material's unit.") var quantity: Double
        @Option var supplier: String
        @Option(help: "The supplier's certificate of conformance reference.") var certificate: String?
        @Option(help: "Expiry date (2027-06-30).") var expiry: String?
        @Option(help: "The badge of the person receiving it.") var by: String

        func run() throws {
            try runReporting {
                let (m, l) = try lotKey(lot)
                say(
                    try recorded(
                        .quality(
                            .receiveLot(
                                material: m, lot: l, quantity: quantity, supplier: supplier, certificate: certificate,
                                expiry: try date(expiry, "--expiry"))), by: by, store: store))
            }
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive the lots of a CSV file from an ERP (all or nothing; lots received before with the same content are skipped).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The lot file (CSV with header: material,lot,quantity,unit,supplier,certificate,expiry).") var file: String
        @Option(help: "The badge of the person receiving them.") var by: String

        func run() throws {
            try load(store, loaded: "", unchanged: "every lot in this file is already received") {
                try MasterData.loadLots(path: file, store: $0, badge: by)
            }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a quarantined lot after incoming inspection: an inspector's act, signed.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option var note: String = ""
        @Option(help: "The badge of the inspector.") var by: String
        func run() throws { try signedOnLot(lot, by: by, store: store) { .releaseLot(material: $0, lot: $1, note: note) } }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a lot at incoming inspection, under a new NCR with its supplier: signed.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option(help: "A defect code of the plant file.") var defect: String
        @Option var note: String = ""
        @Option(help: "The badge of the inspector.") var by: String
        func run() throws { try signedOnLot(lot, by: by, store: store) { .rejectLot(material: $0, lot: $1, defect: defect, note: note) } }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold a suspect lot and, under one NCR, every open traveler that used it: signed.",
            discussion: "Prints the containment list: every traveler that used the lot and where it is now.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option var reason: String
        @Option(help: "The badge of the inspector or supervisor.") var by: String
        func run() throws {
            try runReporting {
                let (m, l) = try lotKey(lot)
                let events = try PeopleCommand.signed(.quality(.holdLot(material: m, lot: l, reason: reason)), by: by, store: store)
                let held = events.filter { $0.event.type == "part.held" }.count
                for e in events where e.event.type == "lot.held" || e.event.type == "ncr.raised" { print(Describe.event(e)) }
                print("\(held) open traveler(s) put on hold")
                print(Render.table(try store.open(create: false).read { try QualityReports.containment($0, material: m, lot: l) }, .table))
            }
        }
    }

    struct ReleaseHold: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release-hold", abstract: "Release a lot's hold: signed.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option var note: String = ""
        @Option(help: "The badge of the inspector.") var by: String
        func run() throws { try signedOnLot(lot, by: by, store: store) { .releaseLotHold(material: $0, lot: $1, note: note) } }
    }

    struct Measure: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a reading of a quarantined lot at incoming inspection (materials[].inspection in the plant file).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option(help: "The characteristic's id.") var characteristic: String
        @Option(help: "The value: a number, or PASS / FAIL.") var value: String
        @Option(help: "The gauge used (refused when out of calibration).") var gauge: String?
        @Option(help: "The badge of the person measuring.") var by: String
        func run() throws {
            try runReporting {
                let (m, l) = try lotKey(lot)
                say(
                    try recorded(
                        .quality(.measureLot(material: m, lot: l, characteristic: characteristic, value: value, gauge: gauge)), by: by, store: store))
            }
        }
    }

    struct Split: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Split part of a lot into a new sub-lot that keeps its receipt, inspection status and genealogy.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option(help: "The new sub-lot's number.") var into: String
        @Option(help: "How much goes to it, in the material's unit.") var quantity: Double
        @Option(help: "The badge of the person splitting it.") var by: String
        func run() throws {
            try runReporting {
                let (m, l) = try lotKey(lot)
                say(try recorded(.quality(.splitLot(material: m, lot: l, into: into, quantity: quantity)), by: by, store: store))
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge what is left of two lots or more (one material, one supplier, one inspection status) into a new lot.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT, two or more, of one material.") var lots: [String]
        @Option(help: "The merged lot's number.") var into: String
        @Option(help: "The badge of the person merging them.") var by: String
        func run() throws {
            try runReporting {
                let keys = try lots.map(lotKey)
                guard let m = keys.first?.0, keys.allSatisfy({ $0.0 == m }) else {
                    throw CommandFailure("the lots to merge are of one material")
                }
                say(try recorded(.quality(.mergeLots(material: m, lots: keys.map(\.1), into: into)), by: by, store: store))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A lot's page: receipt, inspection, status history, quantity left, every traveler that used it.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MATERIAL:LOT") var lot: String
        @Option(help: "table, csv or json (the users).") var format: OutputFormat = .table
        func run() throws {
            try runReporting {
                let (m, l) = try lotKey(lot)
                let s = try store.open(create: false)
                guard let plant = try FloorService(store: s).plantIndex() else { throw ServiceError.noPlant }
                let (state, users) = try s.read { db in
                    (try StoreState(db: db, plant: plant).lot(material: m, lot: l), try QualityReports.containment(db, material: m, lot: l))
                }
                if format == .table {
                    guard let state else { throw CommandFailure("no lot \(Sanitize.line(l)) of \(Sanitize.line(m)) is known here") }
                    let tz = plant.calendar.timeZone
                    print(Sanitize.line("lot \(l) of \(m): \(QualityRules.statusText(state, today: plant.calendar.localDate(Date())))"))
                    if let r = state.receipt {
                        print(
                            Sanitize.line(
                                "received \(Tolerance.format(r.quantity)) \(r.unit) from \(r.supplier)" + (r.certificate.map { ", CoC \($0)" } ?? "")
                                    + (r.expiry.map { ", expires \($0)" } ?? "") + "; left \(Tolerance.format(state.remaining ?? 0))"))
                    }
                    if let p = state.parents { print(Sanitize.line("made from lot\(p.count == 1 ? "" : "s") \(p.joined(separator: ", "))")) }
                    if let c = state.children { print(Sanitize.line("gave to lot\(c.count == 1 ? "" : "s") \(c.joined(separator: ", "))")) }
                    for h in state.history ?? [] { print(Sanitize.line("  \(Reports.isoText(h.at, tz))  \(h.by)  \(h.what)")) }
                    for r in state.readings ?? [] {
                        print(
                            Sanitize.line(
                                "  \(Reports.isoText(r.at, tz))  \(r.by)  measured \(r.characteristic) = \(r.value)"
                                    + (r.gauge.map { " (\($0))" } ?? "") + (r.inTolerance ? " in tolerance" : " OUT OF TOLERANCE")))
                    }
                    for c in state.conflicts ?? [] { print(Sanitize.line("  CONFLICT: \(c.text)")) }
                }
                print(Render.table(users, format))
            }
        }
    }
}

/// CAPAs: opened from NCRs (or an audit finding, a complaint), worked through root cause, actions
/// and an effectiveness check, closed with a signature by the role the plant names.
struct CAPACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capa", abstract: "Corrective and preventive actions: open, write, add and finish actions, check, close.",
        subcommands: [Open.self, Update.self, Action.self, Done.self, Check.self, Close.self])

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a CAPA from NCRs (--ncr, repeated) or on its own (--source audit|complaint|other).")
        @OptionGroup var store: StoreOptions
        @Option(help: "An NCR it comes from (repeat for several).") var ncr: [String] = []
        @Option(help: "ncr, audit, complaint or other (default: ncr with --ncr, other without).") var source: String?
        @Option(help: "The badge of its owner.") var owner: String
        @Option(help: "Due date (2027-01-31).") var due: String
        @Option(help: "The problem statement.") var problem: String
        @Option(help: "The badge of the inspector opening it.") var by: String
        func run() throws {
            try runReporting {
                let src: CAPASource
                if let source {
                    guard let s = CAPASource(rawValue: source) else { throw CommandFailure("--source is ncr, audit, complaint or other") }
                    src = s
                } else {
                    src = ncr.isEmpty ? .other : .ncr
                }
                guard let d = try date(due, "--due") else { throw CommandFailure("--due is needed") }
                say(try recorded(.quality(.openCAPA(source: src, ncrs: ncr, owner: owner, due: d, problem: problem)), by: by, store: store))
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a CAPA's containment or root cause, change owner or due date, add NCRs.")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Option var containment: String?
        @Option(name: .customLong("root-cause-method"), help: "5 whys, fishbone, 8D, fault tree …") var method: String?
        @Option(name: .customLong("root-cause")) var rootCause: String?
        @Option var owner: String?
        @Option var due: String?
        @Option(help: "An NCR to add (repeat).") var ncr: [String] = []
        @Option(help: "The badge of the inspector.") var by: String
        func run() throws {
            try runReporting {
                let u = CAPAUpdated(
                    number: number, containment: containment, rootCauseMethod: method, rootCause: rootCause, owner: owner,
                    due: try date(due, "--due"), addNCRs: ncr)
                say(try recorded(.quality(.updateCAPA(u)), by: by, store: store))
            }
        }
    }

    struct Action: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an action to a CAPA (numbered A1, A2 …).")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Option var text: String
        @Option(help: "The badge of its owner.") var owner: String
        @Option var due: String
        @Option(help: "The badge of the inspector.") var by: String
        func run() throws {
            try runReporting {
                guard let d = try date(due, "--due") else { throw CommandFailure("--due is needed") }
                say(try recorded(.quality(.addCAPAAction(number: number, text: text, owner: owner, due: d)), by: by, store: store))
            }
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a CAPA action done (its owner, or an inspector).")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Argument(help: "A1, A2 …") var action: String
        @Option var note: String = ""
        @Option(help: "The badge of the person who did it.") var by: String
        func run() throws {
            try runReporting { say(try recorded(.quality(.completeCAPAAction(number: number, action: action, note: note)), by: by, store: store)) }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a CAPA's effectiveness check (once every action is done).")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Option(help: "What was checked.") var check: String
        @Flag(help: "The check passed.") var passed = false
        @Flag(help: "The check failed.") var failed = false
        @Option var note: String = ""
        @Option(help: "The badge of the inspector.") var by: String
        func run() throws {
            try runReporting {
                guard passed != failed else { throw CommandFailure("say --passed or --failed") }
                say(try recorded(.quality(.checkCAPAEffectiveness(number: number, check: check, passed: passed, note: note)), by: by, store: store))
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a CAPA: every action done and the effectiveness check passed; signed by the role the plant names.")
        @OptionGroup var store: StoreOptions
        @Argument var number: String
        @Option var note: String = ""
        @Option(help: "The badge of the person closing it.") var by: String
        func run() throws {
            try runReporting { say(try PeopleCommand.signed(.quality(.closeCAPA(number: number, note: note)), by: by, store: store)) }
        }
    }
}
