import Foundation
import GRDB
import MESCore

/// Writes realistic, reproducible history: work orders released every morning, operators taking
/// parts from their station's queue, lots scanned, measurements with a realistic spread (about
/// one in a hundred out of tolerance), holds and dispositions, first pieces inspected, downtime,
/// scrap. Every action goes through `FloorService.run`, the same path as a real scan; actions are
/// committed in batches of `batch` per transaction.
public final class Simulator {
    public struct Options: Sendable {
        public var days: Int
        public var seed: UInt64
        public var end: Date
        public var batch: Int
        /// Work orders the simulation releases are numbered PREFIX-000001 ...
        public var orderPrefix: String
        /// Pieces kept waiting per first-step station each morning (the plant's load).
        public var loadPerStation: Int
        public init(days: Int, seed: UInt64 = 1, end: Date = Date(), batch: Int = 400, orderPrefix: String = "SIM", loadPerStation: Int = 150) {
            self.days = days; self.seed = seed; self.end = end; self.batch = batch; self.orderPrefix = orderPrefix
            self.loadPerStation = loadPerStation
        }
        /// When the simulated history starts (midnight, plant time, `days` before `end`).
        public func start(in calendar: PlantCalendar) -> Date { calendar.startOfDay(calendar.localDate(end).adding(days: -days)) }
    }

    public struct Report: Sendable {
        public var events: Int = 0
        public var commands: Int = 0
        public var refusals: Int = 0
        public var piecesReleased: Int = 0
        public var piecesDone: Int = 0
        public var seconds: Double = 0
        /// Refusals by reason code (the simulated people try things the rules refuse, as real ones do).
        public var refusedBy: [String: Int] = [:]
    }

    enum Phase {
        case idle
        case working(serial: String, actions: [Command])
        case down(until: Date)
    }

    struct StationSim {
        var station: Station
        var next: Date
        var phase: Phase
        var operators: [String]
    }

    let service: FloorService
    let store: Store
    var rng: SplitMix64
    let options: Options
    var queues: [String: [String]] = [:]  // work center → serials waiting
    var report = Report()
    var woCounter = 0
    /// "work center|order" → until when its parts wait for a first piece (operators pick other orders meanwhile).
    var waitingFirstPiece: [String: Date] = [:]
    var orderOf: [String: String] = [:]

    public init(store: Store, options: Options) {
        self.store = store
        let ids = SeededIDs(seed: options.seed)
        self.service = FloorService(store: store, newID: { ids.next() })
        self.options = options
        self.rng = SplitMix64(simulationSeed: options.seed)
    }

    public func run(progress: ((Date, Report) -> Void)? = nil) throws -> Report {
        let started = Date()
        guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
        let cal = plant.calendar
        let endDay = cal.localDate(options.end)
        var day = endDay.adding(days: -options.days)
        let inspectors = plant.plant.people.filter { $0.role == .inspector }.map(\.badge)
        let supervisor = plant.plant.people.first { $0.role == .supervisor }?.badge ?? ""
        var sims: [StationSim] = plant.plant.stations.map { st in
            let ops = plant.plant.people.filter { p in
                p.role == .operator_ || p.role == .inspector
            }.filter { p in p.skills.contains(st.workCenter) }.map(\.badge)
            return StationSim(station: st, next: .distantPast, phase: .idle, operators: ops)
        }
        // Resume queues from what the store holds (a second run continues the first).
        try store.read { db in
            for row in try Row.fetchAll(db, sql: "SELECT serial, work_center, work_order FROM parts WHERE status = 'queued' ORDER BY since") {
                queues[row[1], default: []].append(row[0])
                orderOf[row[0]] = row[2]
            }
            woCounter = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM work_orders") ?? 0
        }

        while day < endDay || day == endDay {
            let dayStart = cal.startOfDay(day)
            let dayEnd = min(cal.startOfDay(day.adding(days: 1)), options.end)
            if dayStart >= options.end { break }
            // Orders are released at midnight (before any of the day's work, night-shift tail included).
            if plant.plant.shifts.contains(where: { $0.days.contains(day.weekday) }) {
                try releaseOrders(plant: plant, at: dayStart, stations: sims.count)
            }
            for i in sims.indices { sims[i].next = max(sims[i].next, dayStart) }
            // Commit in batches of `batch` actions until every station is past the day's end.
            while sims.contains(where: { $0.next < dayEnd }) {
                try store.write { db in
                    var n = 0
                    while n < options.batch, let i = sims.indices.min(by: { sims[$0].next < sims[$1].next }), sims[i].next < dayEnd {
                        let t = sims[i].next
                        if cal.shift(at: t, shifts: plant.plant.shifts) == nil {
                            sims[i].next = t.addingTimeInterval(15 * 60)
                            continue
                        }
                        try step(&sims[i], at: t, plant: plant, inspectors: inspectors, supervisor: supervisor, db: db)
                        n += 1
                    }
                }
            }
            progress?(dayStart, report)
            day = day.adding(days: 1)
        }
        // The simulated period ends with every machine back up and no part left half made: a store
        // handed over (the demo) has no downtime nobody is there to end, and no work running at a
        // station that nobody is at (whatever the hour the demo was made at).
        try store.write { db in
            for i in sims.indices {
                let op = sims[i].operators.first ?? supervisor
                switch sims[i].phase {
                case .down:
                    _ = try run(.downtimeEnd, op, sims[i].station.id, options.end, db)
                case .working(_, let actions):
                    for command in actions { _ = try run(command, op, sims[i].station.id, options.end, db) }
                default:
                    continue
                }
                sims[i].phase = .idle
            }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: - One action of one station

    func step(_ s: inout StationSim, at t: Date, plant: PlantIndex, inspectors: [String], supervisor: String, db: Database) throws {
        let op = s.operators.isEmpty ? supervisor : s.operators[Int(t.timeIntervalSince1970 / 3600 / 8) % s.operators.count]
        switch s.phase {
        case .down(let until):
            _ = try run(.downtimeEnd, op, s.station.id, until, db)
            s.phase = .idle
            s.next = until.addingTimeInterval(60)
        case .idle:
            if rng.chance(0.015) {
                let reasons = plant.plant.reasons.downtime
                let r = reasons[Int(rng.next() % UInt64(reasons.count))]
                if case .done = try run(.downtimeStart(reason: r.code), op, s.station.id, t, db) {
                    let until = t.addingTimeInterval(Double(10 + rng.next() % 80) * 60)
                    s.phase = .down(until: until)
                    s.next = until
                    return
                }
            }
            let wc = s.station.workCenter
            // The first part in the queue whose order is not waiting for its first piece.
            guard var queue = queues[wc],
                let index = queue.prefix(200).firstIndex(where: { serial in
                    (waitingFirstPiece["\(wc)|\(orderOf[serial] ?? "")"] ?? .distantPast) <= t
                })
            else {
                s.next = t.addingTimeInterval(Double(5 + rng.next() % 10) * 60)
                return
            }
            let serial = queue.remove(at: index)
            queues[wc] = queue
            switch try run(.start(serial: serial), op, s.station.id, t, db) {
            case .refused(let r):
                if r.codes.contains(BlockerKind.waitingFirstPiece.rawValue) || r.codes.contains(BlockerKind.alreadyRunning.rawValue) {
                    queues[wc, default: []].insert(serial, at: min(index, queues[wc, default: []].count))  // keeps its place
                    waitingFirstPiece["\(wc)|\(orderOf[serial] ?? "")"] = t.addingTimeInterval(20 * 60)
                }
                s.next = t.addingTimeInterval(60)
            case .done(let events):
                s.phase = .working(serial: serial, actions: try plan(serial, events, plant, db))
                s.next = t.addingTimeInterval(60 * Double(2 + rng.next() % 4))
            }
        case .working(let serial, var actions):
            guard !actions.isEmpty else { s.phase = .idle; s.next = t; return }
            let command = actions.removeFirst()
            let outcome = try run(command, op, s.station.id, t, db)
            let state = StoreState(db: db, plant: plant)
            switch (command, outcome) {
            case (.complete, .done(let events)):
                report.piecesDone += 1
                for e in events {
                    guard case .stepCompleted(let c) = e.event else { continue }
                    if let next = c.next, let wc = try workCenter(serial, next, state) { queues[wc, default: []].append(serial) }
                }
                // First piece: an inspector decides right after the piece is made.
                if let part = try state.part(serial), let key = part.lastCompletion?.fpiKey, let f = try state.fpi(key),
                    f.firstPiece == serial, f.verdict == .pending, !inspectors.isEmpty
                {
                    let inspector = inspectors[Int(rng.next() % UInt64(inspectors.count))]
                    let pass = rng.chance(0.97)
                    _ = try run(
                        pass ? .fpiPass(serial: serial) : .fpiFail(serial: serial, note: "bore oversize"), inspector, s.station.id,
                        t.addingTimeInterval(300), db)
                    waitingFirstPiece["\(s.station.workCenter)|\(part.workOrder)"] = nil
                    if !pass { try disposition(serial, plant, supervisor, s.station.id, t.addingTimeInterval(900), db) }
                }
                s.phase = .idle
                s.next = t.addingTimeInterval(60)
            case (.record, .done(let events)):
                let held = events.contains {
                    if case .partHeld = $0.event { return true }; return false
                }
                if held {
                    // A supervisor dispositions the nonconformance a quarter of an hour later.
                    let kind = try disposition(serial, plant, supervisor, s.station.id, t.addingTimeInterval(900), db)
                    if kind == .useAsIs {
                        s.phase = .working(serial: serial, actions: actions)
                        s.next = t.addingTimeInterval(960)
                    } else {
                        s.phase = .idle
                        s.next = t.addingTimeInterval(960)
                    }
                    return
                }
                s.phase = .working(serial: serial, actions: actions)
                s.next = t.addingTimeInterval(60 * Double(1 + rng.next() % 3))
            case (_, .refused):
                s.phase = .idle
                s.next = t.addingTimeInterval(60)
            default:
                s.phase = actions.isEmpty ? .idle : .working(serial: serial, actions: actions)
                s.next = t.addingTimeInterval(60 * Double(1 + rng.next() % 3))
            }
            if case .working(_, let rest) = s.phase, rest.count == 1, case .complete = rest[0] {
                // The run time of the piece passes before completing.
                if let part = try state.part(serial), let wo = try state.workOrder(part.workOrder),
                    let r = try state.routing(id: wo.routing, version: wo.routingVersion), let st = r.step(part.step)
                {
                    s.next = s.next.addingTimeInterval(max(0.5, rng.normal(st.runMin, st.runMin / 6)) * 60)
                }
            }
        }
    }

    /// What the operator does once a part is started: lots, measurements due, maybe scrap, complete.
    func plan(_ serial: String, _ events: [RecordedEvent], _ plant: PlantIndex, _ db: Database) throws -> [Command] {
        let state = StoreState(db: db, plant: plant)
        guard let part = try state.part(serial), let wo = try state.workOrder(part.workOrder),
            let routing = try state.routing(id: wo.routing, version: wo.routingVersion), let step = routing.step(part.step)
        else { return [] }
        var out: [Command] = []
        for m in step.materials {
            out.append(.consume(serial: serial, material: m.material, lot: "L\(String(format: "%05d", Int(rng.next() % 400)))", expiry: nil))
        }
        if rng.chance(0.003) {
            return out + [.scrap(serial: serial, count: nil, reason: plant.plant.reasons.scrap.first?.code ?? "DIM")]
        }
        let piece = try state.pieceNumber(workOrder: part.workOrder, step: step.id, serial: serial) ?? 1
        for c in Sampling.due(step, piece: piece) {
            out.append(.record(serial: serial, characteristic: c.id, value: value(c), gauge: nil))
        }
        out.append(.complete(serial: serial, good: nil, scrap: 0, scrapReason: nil))
        return out
    }

    func value(_ c: Characteristic) -> String {
        switch c.kind {
        case .passFail: return rng.chance(0.995) ? "PASS" : "FAIL"
        case .variable:
            switch (c.lower, c.upper) {
            case let (lo?, hi?):
                let v = rng.normal(c.nominal ?? (lo + hi) / 2, (hi - lo) / 5.6)
                return String(format: "%.4f", v)
            case let (nil, hi?):
                return String(format: "%.4f", abs(rng.normal(0, hi / 2.8)))
            case let (lo?, nil):
                return String(format: "%.4f", lo + abs(rng.normal(0, abs(lo) / 10 + 0.01)))
            default: return "0"
            }
        }
    }

    @discardableResult
    func disposition(
        _ serial: String, _ plant: PlantIndex, _ supervisor: String, _ station: String, _ t: Date, _ db: Database
    ) throws -> DispositionKind {
        let state = StoreState(db: db, plant: plant)
        guard let part = try state.part(serial) else { return .scrap }
        let roll = rng.unit()
        let kind: DispositionKind = roll < 0.6 ? .useAsIs : roll < 0.85 ? .rework : .scrap
        let command = Command.disposition(
            serial: serial, kind: kind, reworkStep: kind == .rework ? part.step : nil,
            reference: kind == .useAsIs ? "ENG-\(1000 + rng.next() % 9000)" : nil,
            scrapReason: kind == .scrap ? (plant.plant.reasons.scrap.first?.code ?? "DIM") : nil,
            note: "simulated MRB")
        if case .done = try run(command, supervisor, station, t, db), kind == .rework,
            let wc = try workCenter(serial, part.step, state)
        {
            queues[wc, default: []].append(serial)
        }
        return kind
    }

    func workCenter(_ serial: String, _ step: String, _ state: StoreState) throws -> String? {
        guard let part = try state.part(serial), let wo = try state.workOrder(part.workOrder),
            let r = try state.routing(id: wo.routing, version: wo.routingVersion)
        else { return nil }
        return r.step(step)?.workCenter
    }

    func run(_ c: Command, _ badge: String, _ station: String, _ t: Date, _ db: Database) throws -> Outcome {
        report.commands += 1
        // Simulated people sign what they decide; the signatures say they are simulated.
        let o = try service.run(c, badge: badge, station: station, now: t, db: db, signature: .simulated)
        switch o {
        case .done(let e): report.events += e.count
        case .refused(let r):
            report.refusals += 1
            report.refusedBy[r.codes.first ?? "?", default: 0] += 1
        }
        return o
    }

    /// Releases the morning's work orders: enough pieces to keep the first stations busy.
    func releaseOrders(plant: PlantIndex, at t: Date, stations: Int) throws {
        let parts = plant.plant.parts
        guard !parts.isEmpty else { return }
        let today = plant.calendar.localDate(t)
        let firstCenters = Set(parts.compactMap { plant.routingForRelease(part: $0.id, on: today)?.steps.first?.workCenter })
        let firstStations = plant.plant.stations.filter { firstCenters.contains($0.workCenter) }.count
        let queued = firstCenters.reduce(0) { $0 + (queues[$1]?.count ?? 0) }
        var target = max(0, firstStations * options.loadPerStation - queued)
        var events: [DomainEvent] = []
        while target > 0 {
            let part = parts[Int(rng.next() % UInt64(parts.count))]
            let qty = min(target, 5 + Int(rng.next() % 26))
            let due = today.adding(days: 3 + Int(rng.next() % 10))
            let priority = Priority.allCases[Int(rng.next() % 4)]
            let spec = WorkOrderSpec(
                number: options.orderPrefix + String(format: "-%06d", woCounter + 1), part: part.id, quantity: qty,
                due: .date(due), priority: priority, customer: "Customer \(rng.next() % 20)", tracking: .serial)
            guard let release = spec.release(plant: plant, on: today),
                let firstCenter = plant.plant.routings.first(where: { $0.id == release.routing && $0.version == release.routingVersion })?
                    .steps.first?.workCenter
            else { break }
            woCounter += 1
            events.append(.workOrderReleased(release))
            queues[firstCenter, default: []] += spec.serials
            for serial in spec.serials { orderOf[serial] = spec.number }
            report.piecesReleased += qty
            target -= qty
        }
        guard !events.isEmpty else { return }
        let appended = try store.write { db in try EventLog.append(events.map { ($0, "") }, now: t, db: db) }
        report.events += appended.count
    }
}

/// Seeded ids for the simulated history, so that a seed and an end give the same store.
final class SeededIDs: @unchecked Sendable {
    private var rng: SplitMix64
    private let lock = NSLock()
    init(seed: UInt64) { rng = SplitMix64(simulationSeed: seed ^ 0x5EED_1D5) }
    func next() -> String {
        lock.lock(); defer { lock.unlock() }
        return String(rng.next() & 0xFFFF_FFFF_FFFF, radix: 16, uppercase: true).leftPadded(to: 12)
    }
}
