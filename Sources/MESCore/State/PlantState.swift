import Foundation

/// Read access to folded state, as the rules need it. MESCore's in-memory `PlantState`
/// implements it for tests and simulations; LocalStore implements it over SQLite projections.
public protocol StateReader {
    var plant: PlantIndex? { get }
    func part(_ serial: String) throws -> PartState?
    func workOrder(_ number: String) throws -> WorkOrderState?
    func machine(_ id: String) throws -> MachineState?
    func fpi(_ key: FPIKey) throws -> FPIState?
    func lot(material: String, lot: String) throws -> LotState?
    func andon(_ station: String) throws -> AndonState?
    /// A person's signing (nil: nothing recorded for them yet).
    func signing(_ badge: String) throws -> SigningState?
    /// Whether a routing version was approved for release (`routing.approved`).
    func routingApproved(id: String, version: Int) throws -> Bool
    /// A routing version, including versions no longer in the current plant file (a work order
    /// keeps the version it was released with).
    func routing(id: String, version: Int) throws -> Routing?
    /// The 1-based piece number of `serial` at `step` of its work order: the rank of its first
    /// start among all the order's first starts of that step, in canonical order. nil if it has
    /// not started that step.
    func pieceNumber(workOrder: String, step: String, serial: String) throws -> Int?
    /// How many pieces of the work order have started `step`.
    func startedCount(workOrder: String, step: String) throws -> Int
    /// A nonconformance report (nil: none by that number known here).
    func ncr(_ number: String) throws -> NCRState?
    /// A CAPA (nil: none by that number known here).
    func capa(_ number: String) throws -> CAPAState?
    /// How many register numbers (NCRs and CAPAs) known here start with `prefix` (`NCRNumber`).
    func registerCount(prefix: String) throws -> Int
    /// The travelers that used a lot (every step), in serial order.
    func lotUsers(material: String, lot: String) throws -> [String]
    /// Each traveler that used a lot, where it is now and the NCRs of that lot it is held under,
    /// in serial order (`Containment.usage` gives the meaning; a store may answer from its tables).
    /// `family`: the lot and the lots made from it (`Containment.family`), the lot first.
    func lotUsage(material: String, family: [String]) throws -> [Containment.Entry]
    /// A control chart's limits and responses (nil: nothing recorded for it).
    func spcChart(_ key: String) throws -> SPCChartState?
    /// A window of a chart's readings in canonical order (`SPCSeries.window`): every reading
    /// after `after` and `lookback` readings before them; after nil, the last `lookback`.
    func spcSeries(chart: SPCPlan, after: OrderKey?, lookback: Int) throws -> SPCSeries
    /// A machine's or gauge's recorded calibrations (nil: none recorded; the plant file's date holds).
    func calibration(_ equipment: String) throws -> CalibrationState?
}

/// The plant with its lookups built once (the scan path must not search arrays).
public final class PlantIndex: Sendable {
    public let plant: Plant
    public let calendar: PlantCalendar
    public let people: [String: Person]
    public let stations: [String: Station]
    public let equipment: [String: Equipment]
    public let materials: [String: Material]
    public let materialsByGTIN: [String: Material]
    public let parts: [String: PartDefinition]
    public let partsByGTIN: [String: PartDefinition]
    public let workCenters: [String: WorkCenter]
    public let downtimeReasons: [String: Reason]
    public let scrapReasons: [String: Reason]
    public let holdReasons: [String: Reason]

    public init(_ plant: Plant) {
        self.plant = plant
        calendar = PlantCalendar(plant: plant)
        func map<T>(_ xs: [T], _ key: (T) -> String) -> [String: T] {
            var d: [String: T] = [:]
            for x in xs where d[key(x)] == nil { d[key(x)] = x }
            return d
        }
        people = map(plant.people) { $0.badge }
        stations = map(plant.stations) { $0.id }
        equipment = map(plant.equipment) { $0.id }
        materials = map(plant.materials) { $0.id }
        materialsByGTIN = map(plant.materials.filter { $0.gtin != nil }) { $0.gtin! }
        parts = map(plant.parts) { $0.id }
        partsByGTIN = map(plant.parts.filter { $0.gtin != nil }) { $0.gtin! }
        workCenters = map(plant.workCenters) { $0.id }
        downtimeReasons = map(plant.reasons.downtime) { $0.code }
        scrapReasons = map(plant.reasons.scrap) { $0.code }
        holdReasons = map(plant.reasons.hold) { $0.code }
    }

    /// The routing version a new work order of `part` gets on `date`: the approved version with
    /// the latest `effective` date that has come.
    public func routingForRelease(part: String, on date: LocalDate, approved: Set<String> = []) -> Routing? {
        guard let p = parts[part] else { return nil }
        return plant.routings
            .filter { $0.id == p.routing && RoutingApproval.releases($0, plant: plant, approved: approved) && $0.effective <= date }
            .max { ($0.effective, $0.version) < ($1.effective, $1.version) }
    }

    /// The machine a station's work runs on: its first equipment of kind machine.
    public func machine(of station: Station) -> Equipment? {
        station.equipment.lazy.compactMap { self.equipment[$0] }.first { $0.kind == .machine }
    }
    /// What downtime is recorded against: the station's machine, or the station itself.
    public func downtimeTarget(of station: Station) -> String { machine(of: station)?.id ?? station.id }

    /// Why `e` may not be used on `date` (past its calibration date), or nil: the one place that
    /// says so, for a machine at the start gate, a gauge scanned at a station, a gauge's reading.
    public func calibrationReason(_ e: Equipment, on date: LocalDate) -> RefusalReason? {
        guard isOutOfCalibration(e, on: date), let due = e.calibrationDue else { return nil }
        return RefusalReason(.calibrationExpired, "\(e.id) is past its calibration date (\(due))")
    }

    /// Equipment whose calibration date has passed on `date` (the due date itself is still usable).
    public func isOutOfCalibration(_ e: Equipment, on date: LocalDate) -> Bool {
        guard let due = e.calibrationDue else { return false }
        return date > due
    }
}

/// The whole plant's state folded in memory from a set of events. The same events give the same
/// state whatever order they are given in: each aggregate is folded in canonical order.
public struct PlantState: StateReader {
    public var plant: PlantIndex?
    public var routings: [String: Routing] = [:]
    public var parts: [String: PartState] = [:]
    public var workOrders: [String: WorkOrderState] = [:]
    public var machines: [String: MachineState] = [:]
    public var andons: [String: AndonState] = [:]
    public var fpis: [FPIKey: FPIState] = [:]
    public var lots: [String: LotState] = [:]
    public var signings: [String: SigningState] = [:]
    public var ncrs: [String: NCRState] = [:]
    public var capas: [String: CAPAState] = [:]
    /// The travelers that consumed each lot (`material:lot`), as LocalStore's `lot_uses`.
    public var lotUses: [String: Set<String>] = [:]
    /// Routing versions approved under change control (`PlantState.routingKey`).
    public var approvedRoutings: Set<String> = []
    public var spcCharts: [String: SPCChartState] = [:]
    public var calibrations: [String: CalibrationState] = [:]
    /// Each chart's numeric readings (`SPCPlan.key`), as LocalStore's `measurements`: a traveler's
    /// latest reading per step and characteristic, in canonical order.
    public var spcReadings: [String: [SPCReading]] = [:]
    /// Events of a type this build does not know, kept and counted.
    public var unknownEvents: Int = 0

    public init() {}

    public static func routingKey(_ id: String, _ version: Int) -> String { "\(id)@\(version)" }

    /// Folds a set of events (any order) into state.
    public static func fold(_ events: [RecordedEvent]) -> PlantState {
        var s = PlantState()
        var byAggregate: [String: [RecordedEvent]] = [:]
        for e in events { byAggregate[e.event.aggregate.rawValue, default: []].append(e) }
        for key in byAggregate.keys { byAggregate[key]!.sort { $0.order < $1.order } }

        // Master data first: the plant (every version ever loaded feeds the routing library), then orders.
        for e in byAggregate["plant"] ?? [] {
            if case .plantLoaded(let p) = e.event { s.loadPlant(p.plant) }
        }
        for (key, evs) in byAggregate where key.hasPrefix("wo:") {
            guard let wo = WorkOrderState.fold(evs) else { continue }
            s.workOrders[wo.spec.number] = wo
            for serial in wo.serials where s.parts[serial] == nil {
                s.parts[serial] = s.initialPart(serial: serial, order: wo)
            }
        }
        for (key, evs) in byAggregate {
            let agg = AggregateID(rawValue: key)
            switch agg.kind {
            case "part":
                guard var p = s.parts[agg.key] else { continue }
                var latest: [String: (chart: String, reading: SPCReading)] = [:]
                for e in evs {
                    p.apply(e)
                    if case .materialConsumed(let m) = e.event { s.lotUses[m.material + ":" + m.lot, default: []].insert(agg.key) }
                    if case .measurementRecorded(let m) = e.event, case .number(let v) = m.value {
                        let chart = SPCPlan.key(part: p.part, step: m.step, characteristic: m.characteristic)
                        latest[m.step + "/" + m.characteristic] = (
                            chart, SPCReading(serial: m.serial, workOrder: p.workOrder, station: m.station, by: e.actor, value: v, order: e.order)
                        )
                    }
                }
                for (chart, r) in latest.values { s.spcReadings[chart, default: []].append(r) }
                s.parts[agg.key] = p
            case "machine":
                s.machines[agg.key] = folded(MachineState(id: agg.key), evs) { $0.apply($1) }
            case "andon":
                s.andons[agg.key] = folded(AndonState(station: agg.key), evs) { $0.apply($1) }
            case "routing":
                if evs.contains(where: {
                    if case .routingApproved = $0.event { return true }; return false
                }) {
                    s.approvedRoutings.insert(agg.key)
                }
            case "person":
                s.signings[agg.key] = folded(SigningState(badge: agg.key), evs) { $0.apply($1) }
            case "fpi":
                let k = FPIKey(rawValue: agg.key)
                s.fpis[k] = folded(FPIState(key: k), evs) { $0.apply($1) }
            case "lot":
                let l = folded(LotState(material: "", lot: ""), evs) { $0.apply($1) }
                guard !l.material.isEmpty else { continue }  // only releases of a hold never seen here
                s.lots[agg.key] = l
            case "ncr":
                s.ncrs[agg.key] = folded(NCRState(number: agg.key), evs) { $0.apply($1) }
            case "capa":
                s.capas[agg.key] = folded(CAPAState(number: agg.key), evs) { $0.apply($1) }
            case "spc":
                s.spcCharts[agg.key] = folded(SPCChartState(key: agg.key), evs) { $0.apply($1) }
            case "calibration":
                s.calibrations[agg.key] = folded(CalibrationState(equipment: agg.key), evs) { $0.apply($1) }
            default:
                s.unknownEvents +=
                    evs.filter {
                        if case .unknown = $0.event { return true }; return false
                    }.count
            }
        }
        for k in s.spcReadings.keys { s.spcReadings[k]!.sort { $0.order < $1.order } }
        return s
    }

    public mutating func loadPlant(_ p: Plant) {
        plant = PlantIndex(p)
        for r in p.routings { routings[PlantState.routingKey(r.id, r.version)] = r }
    }

    public func initialPart(serial: String, order: WorkOrderState) -> PartState {
        PartState.released(serial: serial, order: order, routing: routing(id: order.routing, version: order.routingVersion))
    }

    // MARK: StateReader
    public func part(_ serial: String) -> PartState? { parts[serial] }
    public func workOrder(_ number: String) -> WorkOrderState? { workOrders[number] }
    public func machine(_ id: String) -> MachineState? { machines[id] }
    public func andon(_ station: String) -> AndonState? { andons[station] }
    public func signing(_ badge: String) -> SigningState? { signings[badge] }
    public func routingApproved(id: String, version: Int) -> Bool { approvedRoutings.contains(PlantState.routingKey(id, version)) }
    public func fpi(_ key: FPIKey) -> FPIState? { fpis[key] }
    public func lot(material: String, lot: String) -> LotState? { lots[material + ":" + lot] }
    public func routing(id: String, version: Int) -> Routing? { routings[PlantState.routingKey(id, version)] }
    public func pieceNumber(workOrder: String, step: String, serial: String) -> Int? {
        guard let wo = workOrders[workOrder], let mine = parts[serial]?.firstStarts[step] else { return nil }
        return 1 + wo.serials.filter { s in (parts[s]?.firstStarts[step]).map { $0 < mine } ?? false }.count
    }
    public func ncr(_ number: String) -> NCRState? { ncrs[number] }
    public func capa(_ number: String) -> CAPAState? { capas[number] }
    public func registerCount(prefix: String) -> Int { (Array(ncrs.keys) + Array(capas.keys)).filter { $0.hasPrefix(prefix) }.count }
    public func lotUsers(material: String, lot: String) -> [String] {
        (lotUses[material + ":" + lot] ?? []).sorted()
    }
    public func spcChart(_ key: String) -> SPCChartState? { spcCharts[key] }
    public func calibration(_ equipment: String) -> CalibrationState? { calibrations[equipment] }
    public func spcSeries(chart: SPCPlan, after: OrderKey?, lookback: Int) -> SPCSeries {
        SPCSeries.window(
            of: spcReadings[chart.key] ?? [], after: after, lookback: lookback, byOrder: chart.subgrouping == .order,
            counted: chart.countsPosition)
    }
    public func startedCount(workOrder: String, step: String) -> Int {
        guard let wo = workOrders[workOrder] else { return 0 }
        return wo.serials.filter { parts[$0]?.firstStarts[step] != nil }.count
    }
}

extension PlantState: Equatable {
    public static func == (a: PlantState, b: PlantState) -> Bool {
        a.plant?.plant == b.plant?.plant && a.routings == b.routings && a.parts == b.parts && a.workOrders == b.workOrders
            && a.machines == b.machines && a.andons == b.andons && a.fpis == b.fpis && a.lots == b.lots && a.signings == b.signings
            && a.ncrs == b.ncrs && a.capas == b.capas
            && a.spcCharts == b.spcCharts && a.spcReadings == b.spcReadings && a.calibrations == b.calibrations
            && a.unknownEvents == b.unknownEvents
    }
}

/// An aggregate's state after `events`, in order, from `initial`.
func folded<S>(_ initial: S, _ events: [RecordedEvent], _ apply: (inout S, RecordedEvent) -> Void) -> S {
    var s = initial
    for e in events { apply(&s, e) }
    return s
}
