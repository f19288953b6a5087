import Foundation
import Testing

@testable import MESCore

// MARK: - The example plant (docs/examples/plant.yaml) as Swift values

enum Fixtures {
    /// 2026-11-24T15:00:00Z: Tuesday 09:00 CST, inside DAY, before MIC-004's calibration date.
    static let t0 = date("2026-11-24T15:00:00Z")

    static func date(_ iso: String) -> Date {
        guard let d = ISO8601.parse(iso) else { fatalError("bad date \(iso)") }
        return d
    }

    static func d(_ text: String) -> LocalDate {
        guard let d = LocalDate(text) else { fatalError("bad local date \(text)") }
        return d
    }

    static func t(_ text: String) -> ClockTime {
        guard let t = ClockTime(text) else { fatalError("bad clock time \(text)") }
        return t
    }

    static let shifts: [Shift] = [
        Shift(id: "DAY", start: t("06:00"), end: t("14:30"), days: [.mon, .tue, .wed, .thu, .fri]),
        Shift(id: "SWING", start: t("14:30"), end: t("23:00"), days: [.mon, .tue, .wed, .thu, .fri]),
        Shift(id: "NIGHT", start: t("23:00"), end: t("06:00"), days: [.sun, .mon, .tue, .wed, .thu]),
    ]

    static let routing = Routing(
        id: "BRK-7741", version: 3, status: .approved, effective: d("2026-01-01"),
        steps: [
            Step(
                id: "OP10", name: "Saw blank", workCenter: "SAW", skill: "SAW", setupMin: 15, runMin: 1.5,
                instructions: "Cut bar stock to 130 mm (+/-0.5). Scan the bar's lot label before cutting.\n",
                materials: [MaterialRequirement(material: "AL6061-25", qty: 130)]),
            Step(
                id: "OP20", name: "Mill profile and bore", workCenter: "MILL", skill: "MILL", setupMin: 45, runMin: 12,
                instructions: "Program O7741 rev C. Check tool offsets T4 and T7 before the first piece.\n",
                measurements: [
                    Characteristic(
                        id: "BORE", name: "Bore Ø", unit: "mm", nominal: 12.000, lower: 11.990, upper: 12.018, balloon: "4", sample: .every),
                    Characteristic(
                        id: "LEN", name: "Overall length", unit: "mm", nominal: 125.00, lower: 124.90, upper: 125.10, balloon: "7",
                        sample: .everyNth(5)),
                    Characteristic(id: "FLAT", name: "Flatness", unit: "mm", upper: 0.05, balloon: "9", sample: .first(3)),
                ],
                firstPiece: .perShift),
            Step(
                id: "OP30", name: "Deburr and install inserts", workCenter: "DEBURR", skill: "DEBURR", runMin: 4,
                materials: [MaterialRequirement(material: "HELICOIL-M6", qty: 2)],
                measurements: [Characteristic(id: "EDGES", name: "All edges broken, no burrs", kind: .passFail)]),
            Step(
                id: "OP40", name: "Final inspection", workCenter: "INSPECT", role: .inspector, runMin: 8,
                measurements: [
                    Characteristic(id: "BORE-F", name: "Bore Ø (CMM)", unit: "mm", nominal: 12.000, lower: 11.990, upper: 12.018, balloon: "4"),
                    Characteristic(id: "POS", name: "Bore true position", unit: "mm", upper: 0.025, balloon: "5"),
                ],
                signoff: true, onFail: .hold),
            Step(id: "OP50", name: "Pack", workCenter: "PACK", skill: "PACK", runMin: 2),
        ])

    static func plant() -> Plant {
        Plant(
            id: "ACME-B2", name: "Acme Aerostructures, Building 2", timezone: "America/Chicago",
            shifts: shifts,
            reasons: Reasons(
                downtime: [
                    Reason(code: "SETUP", label: "Setup / changeover", planned: true),
                    Reason(code: "PM", label: "Planned maintenance", planned: true),
                    Reason(code: "BREAK", label: "Break", planned: true),
                    Reason(code: "MECH", label: "Mechanical failure"),
                    Reason(code: "TOOL", label: "Tool breakage"),
                    Reason(code: "MAT", label: "Waiting for material"),
                    Reason(code: "QA", label: "Waiting for inspection"),
                ],
                scrap: [
                    Reason(code: "DIM", label: "Dimension out of tolerance"),
                    Reason(code: "SURF", label: "Surface defect"),
                    Reason(code: "MAT", label: "Material defect"),
                    Reason(code: "SETUP", label: "Setup piece"),
                ],
                hold: [
                    Reason(code: "OOT", label: "Out of tolerance"),
                    Reason(code: "FPI", label: "First piece failed"),
                    Reason(code: "SUSPECT", label: "Suspect material"),
                ]),
            people: [
                Person(badge: "1001", name: "Ana Ruiz", role: .operator_, skills: ["SAW", "MILL"]),
                Person(badge: "1002", name: "Bo Chen", role: .operator_, skills: ["MILL", "DEBURR"]),
                Person(badge: "1003", name: "Chiara Bianchi", role: .operator_, skills: ["DEBURR", "PACK"]),
                Person(badge: "2001", name: "Chidi Okafor", role: .inspector, skills: ["INSPECT"]),
                Person(badge: "9001", name: "Dana Kowalski", role: .supervisor),
            ],
            workCenters: [
                WorkCenter(id: "SAW", name: "Saw cell"),
                WorkCenter(id: "MILL", name: "5-axis milling"),
                WorkCenter(id: "DEBURR", name: "Deburr bench"),
                WorkCenter(id: "INSPECT", name: "Quality lab"),
                WorkCenter(id: "PACK", name: "Pack and ship"),
            ],
            equipment: [
                Equipment(id: "SAW-01", name: "Kasto band saw", workCenter: "SAW"),
                Equipment(id: "VF2-01", name: "Haas VF-2 #1", workCenter: "MILL"),
                Equipment(id: "VF2-02", name: "Haas VF-2 #2", workCenter: "MILL"),
                Equipment(id: "CMM-01", name: "Zeiss Contura CMM", workCenter: "INSPECT", calibrationDue: d("2027-02-15")),
                Equipment(id: "CAL-017", name: "Mitutoyo caliper 0-150 mm", kind: .gauge, calibrationDue: d("2027-01-10")),
                Equipment(id: "MIC-004", name: "Bore micrometer 10-12 mm", kind: .gauge, calibrationDue: d("2026-12-01")),
            ],
            stations: [
                Station(id: "ST-10", name: "Saw 1", workCenter: "SAW", equipment: ["SAW-01"]),
                Station(id: "ST-20", name: "Mill 1", workCenter: "MILL", equipment: ["VF2-01"]),
                Station(id: "ST-21", name: "Mill 2", workCenter: "MILL", equipment: ["VF2-02"]),
                Station(id: "ST-30", name: "Deburr 1", workCenter: "DEBURR"),
                Station(id: "ST-40", name: "QC lab", workCenter: "INSPECT", equipment: ["CMM-01"]),
                Station(id: "ST-50", name: "Pack 1", workCenter: "PACK"),
            ],
            materials: [
                Material(id: "AL6061-25", name: "6061-T6 round bar Ø25", unit: "mm", gtin: "00614141000029"),
                Material(id: "HELICOIL-M6", name: "Helical insert M6x1", unit: "ea"),
            ],
            parts: [PartDefinition(id: "BRK-7741", name: "Hinge bracket", revision: "C", gtin: "00614141000012", routing: "BRK-7741")],
            routings: [routing])
    }

    /// The example plant with a change (a plant variant for one test).
    static func plant(_ change: (inout Plant) -> Void) -> Plant {
        var p = plant()
        change(&p)
        return p
    }

    /// Changes step `id` of routing BRK-7741 v3 in `p`.
    static func editStep(_ p: inout Plant, _ id: String, _ change: (inout Step) -> Void) {
        let r = p.routings.firstIndex { $0.id == "BRK-7741" && $0.version == 3 }!
        let s = p.routings[r].steps.firstIndex { $0.id == id }!
        change(&p.routings[r].steps[s])
    }

    static func wo(_ number: String = "WO-1001", qty: Int = 5, tracking: Tracking = .serial) -> WorkOrderSpec {
        WorkOrderSpec(
            number: number, part: "BRK-7741", quantity: qty, due: .date(d("2026-12-15")), priority: .normal,
            customer: "Boeing", tracking: tracking, note: "")
    }

    /// In-tolerance values for every characteristic of the example routing.
    static let goodValues: [String: String] = [
        "BORE": "12.005", "LEN": "125.00", "FLAT": "0.02", "EDGES": "PASS", "BORE-F": "12.004", "POS": "0.01",
    ]
    static let lotFor: [String: String] = ["AL6061-25": "LOT-AL-1", "HELICOIL-M6": "LOT-HC-1"]
}

// MARK: - Ids for DecisionEnv (its closure is @Sendable)

final class IDSource: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    let prefix: String
    init(prefix: String) { self.prefix = prefix }
    func next() -> String {
        lock.lock(); defer { lock.unlock() }
        n += 1
        return "\(prefix)\(n)"
    }
}

struct Unexpected: Error, CustomStringConvertible {
    var description: String
}

// MARK: - World: the real rules, end to end, in memory

/// A kiosk in memory: a list of recorded events, a settable clock, and the real `Decider`.
struct World {
    var plant: Plant
    var events: [RecordedEvent] = []
    /// The fake wall clock; HLCs are ticked from it, so they never go backwards.
    var now: Date
    let node: String
    let epoch: String
    var seq: Int64 = 0
    var clock = HLCClock()
    let ids: IDSource
    private var plantLoaded = false

    init(plant: Plant = Fixtures.plant(), now: Date = Fixtures.t0, node: String = "K1", epoch: String = "E") {
        self.plant = plant; self.now = now; self.node = node; self.epoch = epoch
        ids = IDSource(prefix: node + "-")
    }

    var state: PlantState { PlantState.fold(events) }
    var millis: Int64 { Int64((now.timeIntervalSince1970 * 1000).rounded(.down)) }

    mutating func advance(minutes: Double) { now = now.addingTimeInterval(minutes * 60) }
    mutating func advance(seconds: Double) { now = now.addingTimeInterval(seconds) }

    /// Appends one event as if written now by this node.
    @discardableResult
    mutating func append(_ event: DomainEvent, actor: String = "") -> RecordedEvent {
        seq += 1
        let hlc = clock.tick(physical: now)
        let r = RecordedEvent(
            id: EventID(node: node, epoch: epoch, seq: seq), order: OrderKey(hlc: hlc, node: node, seq: seq),
            actor: actor, event: event)
        events.append(r)
        return r
    }

    mutating func loadPlant() {
        guard !plantLoaded else { return }
        plantLoaded = true
        append(.plantLoaded(PlantLoaded(plant: plant)))
    }

    /// plant.loaded (once), then wo.released with routing BRK-7741 v3 and the spec's serials.
    mutating func release(_ spec: WorkOrderSpec, routing: String = "BRK-7741", version: Int = 3) {
        loadPlant()
        append(.workOrderReleased(WorkOrderReleased(order: spec, routing: routing, routingVersion: version, serials: spec.serials)))
    }

    func person(_ badge: String) -> Person {
        guard let p = plant.people.first(where: { $0.badge == badge }) else { fatalError("no person \(badge)") }
        return p
    }
    func station(_ id: String) -> Station {
        guard let s = plant.stations.first(where: { $0.id == id }) else { fatalError("no station \(id)") }
        return s
    }

    /// Folds the events, decides the command with the real rules, and on success records the events.
    /// `signed`: the person's badge + secret were verified for it (LocalStore's part, taken as
    /// given here; `SignatureRuleTests` decides without it).
    mutating func run(_ command: Command, badge: String, station: String, signed: Bool = true) throws -> Result<[DomainEvent], Refusal> {
        loadPlant()
        let state = PlantState.fold(events)
        guard let index = state.plant else { throw Unexpected(description: "no plant in state") }
        let ids = self.ids
        let env = DecisionEnv(now: now, newID: { ids.next() }, signedBy: signed ? badge : nil, node: node)
        let result = try Decider.decide(
            command, by: Actor(person: person(badge), station: self.station(station)),
            plant: index, state: state, env: env)
        if case .success(let evs) = result {
            for e in evs { append(e, actor: badge) }
        }
        return result
    }

    /// Runs a command that must succeed; records an issue and throws otherwise.
    @discardableResult
    mutating func ok(
        _ command: Command, _ badge: String, _ station: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [DomainEvent] {
        switch try run(command, badge: badge, station: station) {
        case .success(let evs): return evs
        case .failure(let r):
            Issue.record("\(command) by \(badge) at \(station) refused: \(r.codes) \(r)", sourceLocation: sourceLocation)
            throw r
        }
    }

    /// Runs a command that must be refused; nothing is recorded. Returns the refusal.
    mutating func refused(
        _ command: Command, _ badge: String, _ station: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Refusal {
        let before = events.count
        switch try run(command, badge: badge, station: station) {
        case .success(let evs):
            Issue.record("\(command) by \(badge) at \(station) was allowed: \(evs)", sourceLocation: sourceLocation)
            throw Unexpected(description: "allowed")
        case .failure(let r):
            #expect(events.count == before, "a refusal records nothing", sourceLocation: sourceLocation)
            return r
        }
    }

    func part(_ serial: String) throws -> PartState {
        guard let p = state.parts[serial] else { throw Unexpected(description: "no part \(serial)") }
        return p
    }

    // MARK: Scripted work (each helper must succeed)

    /// Starts `serial` at `station`, scans the step's lots, records in-tolerance values for every
    /// characteristic the step has, and completes it.
    mutating func doStep(
        _ serial: String, _ badge: String, _ station: String, completer: String? = nil,
        values: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try ok(.start(serial: serial), badge, station, sourceLocation: sourceLocation)
        try fillStep(serial, badge, station, values: values, sourceLocation: sourceLocation)
        advance(minutes: 1)
        try ok(.complete(serial: serial, good: nil, scrap: 0, scrapReason: nil), completer ?? badge, station, sourceLocation: sourceLocation)
    }

    /// Scans the running step's lots and records every characteristic (values override defaults).
    mutating func fillStep(
        _ serial: String, _ badge: String, _ station: String, values: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard let run = try part(serial).run, let step = plant.routings.first(where: { $0.id == "BRK-7741" })?.step(run.step) else {
            Issue.record("\(serial) is not running", sourceLocation: sourceLocation)
            throw Unexpected(description: "not running")
        }
        for m in step.materials {
            try ok(
                .consume(serial: serial, material: m.material, lot: Fixtures.lotFor[m.material] ?? "LOT-X", expiry: nil), badge, station,
                sourceLocation: sourceLocation)
        }
        for c in step.measurements {
            try ok(
                .record(serial: serial, characteristic: c.id, value: values[c.id] ?? Fixtures.goodValues[c.id] ?? "0", gauge: nil),
                badge, station, sourceLocation: sourceLocation)
        }
    }
}

extension Result where Success == [DomainEvent], Failure == Refusal {
    var refusal: Refusal? { if case .failure(let r) = self { return r }; return nil }
    var events: [DomainEvent]? { if case .success(let e) = self { return e }; return nil }
}

extension DomainEvent {
    var isFPIDesignated: Bool { if case .fpiDesignated = self { return true }; return false }
    var designatedKey: FPIKey? { if case .fpiDesignated(let e) = self { return e.key }; return nil }
    var heldPayload: PartHeld? { if case .partHeld(let e) = self { return e }; return nil }
    var completed: StepCompleted? { if case .stepCompleted(let e) = self { return e }; return nil }
}

// MARK: - Moving parts along the example routing

extension World {
    /// Who does each step of BRK-7741 v3 in the scripted helpers, where, and who completes it
    /// (OP40 is signed off by Dana, since Chidi worked on it).
    static let workers: [String: (badge: String, station: String, completer: String?)] = [
        "OP10": ("1001", "ST-10", nil),
        "OP20": ("1002", "ST-20", nil),
        "OP30": ("1003", "ST-30", nil),
        "OP40": ("2001", "ST-40", "9001"),
        "OP50": ("1003", "ST-50", nil),
    ]

    /// Does the step the part is at with in-tolerance values (passing its first piece with Chidi
    /// when the start designates it).
    mutating func passStep(_ serial: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let step = try part(serial).step
        guard let w = World.workers[step] else { throw Unexpected(description: "no worker for \(step)") }
        let evs = try ok(.start(serial: serial), w.badge, w.station, sourceLocation: sourceLocation)
        if evs.contains(where: { $0.isFPIDesignated }) {
            try ok(.fpiPass(serial: serial), "2001", w.station, sourceLocation: sourceLocation)
        }
        try fillStep(serial, w.badge, w.station, sourceLocation: sourceLocation)
        advance(minutes: 1)
        try ok(
            .complete(serial: serial, good: nil, scrap: 0, scrapReason: nil), w.completer ?? w.badge, w.station,
            sourceLocation: sourceLocation)
    }

    /// Moves the part step by step until it is queued at `step`.
    mutating func bring(_ serial: String, to step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var guardCount = 0
        while try part(serial).step != step {
            guardCount += 1
            if guardCount > 10 { throw Unexpected(description: "\(serial) never reached \(step)") }
            try passStep(serial, sourceLocation: sourceLocation)
        }
    }
}

extension Refusal {
    /// The message of the reason with `code` ("" when absent).
    func message(_ code: String) -> String { reasons.first { $0.code == code }?.message ?? "" }
}

extension Array where Element == DomainEvent {
    var overrideRequestID: String? {
        for e in self { if case .overrideRequested(let o) = e { return o.id } }
        return nil
    }
    var holdID: String? { compactMap(\.heldPayload).first?.hold }
}
