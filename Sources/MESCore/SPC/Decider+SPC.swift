import Foundation

// Control charts: limits set from a baseline (signed), signals acknowledged by an operator or
// cleared by an inspector (signed). One family of `Decider.events`.
extension Decider {
    static func spcPlan(_ chart: String, _ plant: PlantIndex) throws -> SPCPlan {
        guard let plan = plant.plant.spc?.plan(key: chart) else {
            let known = plant.plant.spc?.charts.map(\.key) ?? []
            throw Refusal(
                .unknownChart,
                "no control chart \(chart)" + (known.isEmpty ? " (the plant charts none)" : " (charted: \(known.joined(separator: ", ")))"))
        }
        return plan
    }

    static func spcCommands(
        _ command: QualityCommand, _ person: Person, _ station: Station, _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        switch command {
        case .setSPCLimits(let chart, let subgroups, let from, let to, let reason):
            let plan = try spcPlan(chart, plant)
            try requireRole(plant.plant.spc?.setLimits ?? .inspector, person, "set control limits")
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw Refusal(.emptyNote, "setting control limits needs a reason (a new baseline, a process change)")
            }
            let all = try state.spcSeries(chart: plan, after: nil, lookback: .max).readings
            let k = subgroups ?? (from == nil && to == nil ? plan.baseline : nil)
            let (limits, count) = try SPCChart.limits(all, plan: plan, firstSubgroups: k, from: from, to: to)
            let cal = plant.calendar
            func day(_ t: Int64?, _ none: String) -> String {
                t.map { cal.localDate(Date(timeIntervalSince1970: Double($0) / 1000)).description } ?? none
            }
            let baseline =
                from != nil || to != nil
                ? "\(day(from, "the first reading")) to \(day(to, "the last reading")): \(count) subgroups" + (k.map { " (the first \($0))" } ?? "")
                : "the first \(count) subgroups"
            return [.quality(.spcLimitsSet(SPCLimitsSet(chart: chart, limits: limits, baseline: baseline, reason: reason)))]
        case .acknowledgeSPC(let chart, let reason):
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw Refusal(.emptyNote, "an acknowledgement needs a reason: what was seen or done")
            }
            return try responses(chart, at: station.id, plant, state) {
                .spcAcknowledged(SPCResponse(chart: $0, station: station.id, through: $1, rules: $2, reason: reason))
            }
        case .clearSPC(let chart, let at, let note):
            try requireRole(.inspector, person, "clear a control chart's signal")
            if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw Refusal(.emptyNote, "clearing a signal needs a note: the cause found and what was done")
            }
            return try responses(chart, at: at, plant, state) {
                .spcCleared(SPCResponse(chart: $0, station: at, through: $1, rules: $2, reason: note))
            }
        default:
            return []
        }
    }

    /// One response per chart with open signals at `station` (`chart` empty: every chart of the plant), through its newest.
    private static func responses(
        _ chart: String, at station: String, _ plant: PlantIndex, _ state: StateReader,
        _ make: (String, OrderKey, [NelsonRule]) -> QualityEvent
    ) throws -> [DomainEvent] {
        let plans = chart.isEmpty ? plant.plant.spc?.charts ?? [] : [try spcPlan(chart, plant)]
        var out: [DomainEvent] = []
        for plan in plans {
            let open = try SPCChart.openSignals(plan: plan, station: station, state: state)
            if let last = open.map(\.order).max() { out.append(.quality(make(plan.key, last, rules(open)))) }
        }
        guard !out.isEmpty else {
            throw Refusal(.spcNothingOpen, (chart.isEmpty ? "no control chart" : chart) + " has no open signal at \(station)")
        }
        return out
    }

    private static func rules(_ signals: [SPCSignal]) -> [NelsonRule] { Array(Set(signals.map(\.rule))).sorted { $0.rawValue < $1.rawValue } }

    /// The start gate's SPC blockers: a stop not cleared, an acknowledgement not given, at this station.
    static func spcBlockers(part: String, step: String, station: Station, plant: PlantIndex, state: StateReader) throws -> [RefusalReason] {
        let open = try SPCChart.openSignals(part: part, step: step, station: station.id, plant: plant, state: state)
        var out: [RefusalReason] = []
        for (chart, sigs) in Dictionary(grouping: open, by: \.chart).sorted(by: { $0.key < $1.key }) {
            let words = sigs.map { "rule \($0.rule.rawValue): \($0.words)" }
            let unique = words.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: "; ")
            if sigs.contains(where: { $0.reaction == .stop }) {
                out.append(
                    RefusalReason(
                        .spcStopped,
                        "\(chart) is out of control (\(unique)): an inspector clears it before the next start (NOTE:<cause>, then CMD:SPCCLEAR)"))
            } else if sigs.contains(where: { $0.reaction == .acknowledge }) {
                out.append(RefusalReason(.spcSignalOpen, "\(chart) is out of control (\(unique)): acknowledge it: NOTE:<reason>, then CMD:SPCACK"))
            }
        }
        return out
    }
}
