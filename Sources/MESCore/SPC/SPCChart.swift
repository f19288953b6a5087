import Foundation

/// One reading of a charted characteristic, as the chart needs it. A traveler's later reading of
/// the same characteristic at the same step replaces its earlier one (a re-measurement).
public struct SPCReading: Equatable, Sendable, Codable {
    public var serial: String
    public var workOrder: String
    public var station: String
    public var by: String
    public var value: Double
    public var order: OrderKey
    public init(serial: String, workOrder: String, station: String, by: String, value: Double, order: OrderKey) {
        self.serial = serial; self.workOrder = workOrder; self.station = station; self.by = by; self.value = value; self.order = order
    }
    public var at: Int64 { order.hlc.wall }
}

/// A window of a chart's readings in canonical order, and where it starts in the whole stream
/// (subgroups are counted from the chart's first reading, so a window knows how to align them).
public struct SPCSeries: Equatable, Sendable {
    public var readings: [SPCReading]
    /// The chart's readings before the first of `readings` (0 when the chart does not need it:
    /// only consecutive subgroups of more than one reading are aligned by it).
    public var before: Int
    /// For each work order among `readings`: its readings before the window.
    public var beforeByOrder: [String: Int]
    public init(readings: [SPCReading], before: Int = 0, beforeByOrder: [String: Int] = [:]) {
        self.readings = readings; self.before = before; self.beforeByOrder = beforeByOrder
    }

    /// The window of a whole stream: every reading after `after`, and `lookback` readings before
    /// them (after nil: the last `lookback`). What a store answers from its table. `byOrder`: count
    /// each work order's readings before the window (needed only to group subgroups by order).
    public static func window(of all: [SPCReading], after: OrderKey?, lookback: Int, byOrder: Bool = true, counted: Bool = true) -> SPCSeries {
        let firstAfter = after.map { a in all.firstIndex { $0.order > a } ?? all.count } ?? all.count
        let start = max(0, firstAfter - max(0, min(lookback, all.count)))
        let kept = Array(all[start...])
        var before: [String: Int] = [:]
        let orders = Set(kept.map(\.workOrder))
        if byOrder { for r in all[..<start] where orders.contains(r.workOrder) { before[r.workOrder, default: 0] += 1 } }
        return SPCSeries(readings: kept, before: counted ? start : 0, beforeByOrder: before)
    }
}

/// A plotted point: an individual reading or a subgroup's mean, with its spread (moving range,
/// range or standard deviation), the limits in force when it was plotted and the rules it set off.
public struct SPCPoint: Equatable, Sendable {
    public var value: Double
    /// nil: the first individual of a window (no moving range).
    public var spread: Double?
    public var readings: [SPCReading]
    /// The limits in force when the point was plotted (nil: none set yet).
    public var limits: ControlLimits?
    /// The rules this point set off: a run's rule signals where the run begins, rule 1 at every point beyond.
    public var signals: [NelsonRule]
    public var order: OrderKey { readings.last!.order }
    public var station: String { readings.last!.station }
    public var at: Int64 { order.hlc.wall }
}

/// A signal of a chart at a point: which rule, what it calls for, where.
public struct SPCSignal: Equatable, Sendable, Codable {
    public var chart: String
    public var rule: NelsonRule
    public var reaction: SPCReaction
    public var station: String
    public var value: Double
    public var order: OrderKey
    public var serial: String
    /// In words for the operator: the rule, and that this is about the process, not the part.
    public var words: String { rule.words }
    public var at: Int64 { order.hlc.wall }
}

/// A chart's frozen limits as set (signed) by a person, and acknowledgements and clearances of
/// its signals per station. The aggregate `spc:PART/STEP/CHARACTERISTIC`.
public struct SPCChartState: Codable, Equatable, Sendable {
    public struct LimitsEntry: Codable, Equatable, Sendable {
        public var limits: ControlLimits
        public var by: String
        public var at: Int64
        public var order: OrderKey
        public var baseline: String
        public var reason: String
    }
    public struct Response: Codable, Equatable, Sendable {
        public var station: String
        public var through: OrderKey
        public var rules: [NelsonRule]
        public var by: String
        public var at: Int64
        public var reason: String
        /// An inspector's clearance (signed), not an operator's acknowledgement.
        public var cleared: Bool
    }
    public var key: String
    /// Every limits act, in canonical order; the last is in force.
    public var limitsHistory: [LimitsEntry]
    public var responses: [Response]
    public init(key: String) { self.key = key; limitsHistory = []; responses = [] }

    public var limits: ControlLimits? { limitsHistory.last?.limits }

    /// The limits in force for a point plotted at `order`: the last set before it.
    public func limits(at order: OrderKey) -> ControlLimits? { limitsHistory.last { $0.order < order }?.limits }

    /// Up to where a station's signals are answered: by anyone (`cleared: false`) or by an inspector's clearance.
    public func answered(_ station: String, clearedOnly: Bool) -> OrderKey? {
        responses.filter { $0.station == station && (!clearedOnly || $0.cleared) }.map(\.through).max()
    }

    public mutating func apply(_ r: RecordedEvent) {
        switch r.event {
        case .quality(.spcLimitsSet(let e)):
            let entry = LimitsEntry(limits: e.limits, by: r.actor, at: r.millis, order: r.order, baseline: e.baseline, reason: e.reason)
            let i = limitsHistory.firstIndex { $0.order > r.order } ?? limitsHistory.count
            limitsHistory.insert(entry, at: i)
        case .quality(.spcAcknowledged(let e)), .quality(.spcCleared(let e)):
            var cleared = false
            if case .quality(.spcCleared) = r.event { cleared = true }
            responses.append(
                Response(station: e.station, through: e.through, rules: e.rules, by: r.actor, at: r.millis, reason: e.reason, cleared: cleared))
        default:
            break
        }
    }
}

/// Control limits set from a baseline, frozen until a person sets them again (signed).
public struct SPCLimitsSet: Codable, Equatable, Sendable {
    public var chart: String
    public var limits: ControlLimits
    /// What they were set from, in words ("first 25 subgroups", "2026-11-01 to 2026-11-30: 40 subgroups").
    public var baseline: String
    public var reason: String
    public init(chart: String, limits: ControlLimits, baseline: String, reason: String) {
        self.chart = chart; self.limits = limits; self.baseline = baseline; self.reason = reason
    }
}

/// A station's signals answered up to a point: acknowledged by the operator with a reason, or
/// (`SPCCleared`, signed) cleared by an inspector.
public struct SPCResponse: Codable, Equatable, Sendable {
    public var chart: String
    public var station: String
    /// The newest signalled point answered; every signal at the station up to it is answered.
    public var through: OrderKey
    public var rules: [NelsonRule]
    public var reason: String
    public init(chart: String, station: String, through: OrderKey, rules: [NelsonRule], reason: String) {
        self.chart = chart; self.station = station; self.through = through; self.rules = rules; self.reason = reason
    }
}

/// The arithmetic of a chart over its readings: a pure function of the readings in canonical
/// order and of the limits acts, so every node that holds the same events draws the same chart
/// and raises the same signals.
public enum SPCChart {
    /// Rules look back at most this many points (rule 7: 15, and one more to tell where a run began).
    public static let ruleLookback = 16

    /// The points of a window: complete subgroups only (a subgroup still forming is not plotted);
    /// a subgroup begun before the window is left out.
    public static func points(_ series: SPCSeries, plan: SPCPlan, state: SPCChartState?) -> [SPCPoint] {
        let n = max(1, plan.subgroupSize)
        var groups: [[SPCReading]] = []
        switch plan.subgrouping {
        case .consecutive:
            var current: [SPCReading] = []
            for (i, r) in series.readings.enumerated() {
                let position = series.before + i
                if position % n == 0 { current = [] } else if current.isEmpty { continue }  // begun before the window
                current.append(r)
                if current.count == n { groups.append(current); current = [] }
            }
        case .order:
            var forming: [String: [SPCReading]] = [:]
            var seen = series.beforeByOrder
            for r in series.readings {
                let position = seen[r.workOrder, default: 0]
                seen[r.workOrder] = position + 1
                if position % n == 0 { forming[r.workOrder] = [] } else if forming[r.workOrder] == nil { continue }
                forming[r.workOrder]!.append(r)
                if forming[r.workOrder]!.count == n { groups.append(forming.removeValue(forKey: r.workOrder)!) }
            }
        }
        var out: [SPCPoint] = []
        out.reserveCapacity(groups.count)
        for g in groups {
            let x = g.map(\.value)
            let value = n == 1 ? x[0] : Statistics.mean(x)
            let spread: Double?
            switch plan.kind {
            case .individuals: spread = out.last.map { abs(value - $0.value) }
            case .xbarR: spread = x.max()! - x.min()!
            case .xbarS: spread = Statistics.sampleSD(x)
            }
            out.append(SPCPoint(value: value, spread: spread, readings: g, limits: state?.limits(at: g.last!.order), signals: []))
        }
        judge(&out, rules: plan.rules)
        return out
    }

    /// Sets each point's signals: the rules in force that fire at it under its limits, counting
    /// only the points plotted under the same limits; a run's rule signals at its first point.
    static func judge(_ points: inout [SPCPoint], rules: [NelsonRule]) {
        var runStart = 0
        var firedBefore: Set<NelsonRule> = []
        for i in points.indices {
            guard let l = points[i].limits else { runStart = i + 1; firedBefore = []; continue }
            if i > runStart, points[i - 1].limits != l { runStart = i; firedBefore = [] }
            let from = max(runStart, i - ruleLookback + 1)
            let values = points[from...i].map(\.value)
            let fired = Set(NelsonRule.signals(values, center: l.center, sigma: l.pointSigma, rules: rules))
            points[i].signals = rules.filter { fired.contains($0) && ($0 == .beyond3Sigma || !firedBefore.contains($0)) }
            firedBefore = fired
        }
    }

    /// Every signal of `points`, oldest first, with the reaction the plan gives it.
    public static func signals(_ points: [SPCPoint], plan: SPCPlan) -> [SPCSignal] {
        points.flatMap { p in
            p.signals.map {
                SPCSignal(
                    chart: plan.key, rule: $0, reaction: plan.reaction(to: $0), station: p.station, value: p.value, order: p.order,
                    serial: p.readings.last!.serial)
            }
        }
    }

    /// The signals at `station` not answered yet: a warning or an acknowledgement is answered by
    /// any response through its point, a stop only by an inspector's clearance.
    public static func open(_ signals: [SPCSignal], station: String, state: SPCChartState?) -> [SPCSignal] {
        let any = state?.answered(station, clearedOnly: false), cleared = state?.answered(station, clearedOnly: true)
        return signals.filter { s in
            guard s.station == station else { return false }
            let through = s.reaction == .stop ? cleared : any
            return through.map { s.order > $0 } ?? true
        }
    }

    /// The open signals at `station` of every chart of `part` at `step`, from the store's windows:
    /// what the start gate and the kiosk's banner ask.
    public static func openSignals(part: String, step: String, station: String, plant: PlantIndex, state: StateReader) throws -> [SPCSignal] {
        try (plant.plant.spc?.charts ?? []).filter { $0.part == part && $0.step == step }.flatMap {
            try openSignals(plan: $0, station: station, state: state)
        }
    }

    /// The open signals of one chart at `station`.
    public static func openSignals(plan: SPCPlan, station: String, state: StateReader) throws -> [SPCSignal] {
        guard let chart = try state.spcChart(plan.key), let first = chart.limitsHistory.first else { return [] }
        // Look from the oldest point a signal could still be open at: the last clearance when the
        // plan stops on some rule (an acknowledgement does not answer a stop), else the last
        // response; never before limits were first set (no point before has signals).
        let stops = plan.rules.contains { plan.reaction(to: $0) == .stop }
        let since = max(first.order, chart.answered(station, clearedOnly: stops) ?? first.order)
        let series = try state.spcSeries(chart: plan, after: since, lookback: ruleLookback * max(1, plan.subgroupSize))
        return open(signals(points(series, plan: plan, state: chart), plan: plan), station: station, state: chart)
    }

    /// Limits from a baseline: the first `firstSubgroups` complete subgroups of the readings,
    /// or those plotted in [from, to] (millis), or both. Refused when it cannot set them.
    public static func limits(
        _ all: [SPCReading], plan: SPCPlan, firstSubgroups: Int?, from: Int64?, to: Int64?
    ) throws -> (limits: ControlLimits, subgroups: Int) {
        var pts = points(SPCSeries(readings: all), plan: plan, state: nil)
        if let from { pts = pts.filter { $0.at >= from } }
        if let to { pts = pts.filter { $0.at <= to } }
        if let k = firstSubgroups { pts = Array(pts.prefix(k)) }
        let need = max(2, firstSubgroups ?? 2)
        guard pts.count >= need else {
            throw Refusal(.spcBaselineShort, "the baseline has \(pts.count) subgroup(s) of \(plan.subgroupSize); \(need) needed")
        }
        guard let l = ControlLimits.establish(pts.map { $0.readings.map(\.value) }, subgroupSize: plan.subgroupSize), l.sigma > 0 else {
            throw Refusal(.spcBaselineShort, "the baseline has no spread to set limits from")
        }
        return (l, pts.count)
    }
}

/// What a chart says over a window of points: the limits in force, capability against the
/// specification, and each signal with the response that answered it (nil: still open).
public struct SPCSummary: Equatable, Sendable {
    public var plan: SPCPlan
    public var characteristic: Characteristic?
    public var limits: ControlLimits?
    public var points: [SPCPoint]
    public var capability: Capability?
    public var signals: [(signal: SPCSignal, answer: SPCChartState.Response?)]
    public var readings: Int { points.reduce(0) { $0 + $1.readings.count } }
    public var open: [SPCSignal] { signals.filter { $0.answer == nil }.map(\.signal) }

    public static func == (a: SPCSummary, b: SPCSummary) -> Bool {
        a.plan == b.plan && a.limits == b.limits && a.points == b.points && a.capability == b.capability
            && a.signals.map(\.signal) == b.signals.map(\.signal) && a.signals.map(\.answer) == b.signals.map(\.answer)
    }

    /// σ within comes from the frozen limits, or (none set yet) from the window's own subgroups.
    public static func of(_ points: [SPCPoint], plan: SPCPlan, state: SPCChartState?, characteristic: Characteristic?) -> SPCSummary {
        let limits = state?.limits
        let values = points.flatMap { $0.readings.map(\.value) }
        let sigma = limits?.sigma ?? ControlLimits.establish(points.map { $0.readings.map(\.value) }, subgroupSize: plan.subgroupSize)?.sigma
        let cap = sigma.flatMap { Capability.of(values, lower: characteristic?.lower, upper: characteristic?.upper, sigmaWithin: $0) }
        let sigs = SPCChart.signals(points, plan: plan).map { ($0, SPCChart.answer(to: $0, state: state)) }
        return SPCSummary(plan: plan, characteristic: characteristic, limits: limits, points: points, capability: cap, signals: sigs)
    }
}

extension SPCChart {
    /// The response that answered a signal: the first at its station through its point (a stop: a clearance).
    public static func answer(to s: SPCSignal, state: SPCChartState?) -> SPCChartState.Response? {
        state?.responses.filter { $0.station == s.station && $0.through >= s.order && ($0.cleared || s.reaction != .stop) }
            .min { $0.at < $1.at }
    }
}

extension Plant {
    /// The work center of a charted step (the part's newest routing version that has the step).
    public func workCenter(of plan: SPCPlan) -> String? { newest(plan) { $0.workCenter } }

    /// A charted characteristic as the part's newest routing version that has it defines it.
    public func characteristic(of plan: SPCPlan) -> Characteristic? { newest(plan) { $0.measurements.first { $0.id == plan.characteristic } } }

    /// `pick` of the charted step in the part's newest routing version where it gives an answer.
    private func newest<T>(_ plan: SPCPlan, _ pick: (Step) -> T?) -> T? {
        guard let def = parts.first(where: { $0.id == plan.part }) else { return nil }
        for r in routings.filter({ $0.id == def.routing }).sorted(by: { $0.version > $1.version }) {
            if let step = r.step(plan.step), let found = pick(step) { return found }
        }
        return nil
    }
}
