import Foundation

/// How a work order stands against its due date.
public enum DueRisk: String, Codable, Sendable, Equatable {
    case onTime = "on_time", atRisk = "at_risk", late

    /// Late once the deadline has passed. At risk when the standard work still to do (this and the
    /// later steps, setup plus run for the remaining quantity) no longer fits in the time left, or
    /// when less than `margin` minutes are left.
    public static func classify(dueAt: Int64, now: Int64, remainingMinutes: Double, margin: Double = 240) -> DueRisk {
        if now > dueAt { return .late }
        let left = Double(dueAt - now) / 60_000
        return (remainingMinutes >= left || left < margin) ? .atRisk : .onTime
    }

    /// An order's risk: its travelers' standard minutes still to do, the longest of them deciding
    /// (the kiosk judges one traveler, the board the order; both through `classify`).
    public static func ofOrder(dueAt: Int64, now: Int64, travelersRemainingMinutes: [Double], margin: Double = 240) -> DueRisk {
        classify(dueAt: dueAt, now: now, remainingMinutes: travelersRemainingMinutes.max() ?? 0, margin: margin)
    }

    /// How far ahead an order can be due and still be at risk, in minutes: the margin, or the
    /// longest standard work any of `routings` could need for `largestQuantity` pieces from its
    /// first step. An order due later than `now` plus this is on time whatever its travelers are,
    /// so a list of at-risk orders may read only the orders due before it.
    public static func horizonMinutes(routings: [Routing], largestQuantity: Int, margin: Double = 240) -> Double {
        let longest =
            routings.compactMap { r in r.steps.first.map { remainingMinutes(routing: r, from: $0.id, quantity: largestQuantity) } }.max() ?? 0
        return max(margin, longest)
    }

    /// Standard minutes still to do for `quantity` pieces from `step` to the end of `routing`
    /// (following the routing's order; rework loops are not counted).
    public static func remainingMinutes(routing: Routing, from step: String, quantity: Int) -> Double {
        guard let i = routing.index(of: step) else { return 0 }
        return routing.steps[i...].reduce(0) { $0 + $1.setupMin + $1.runMin * Double(max(quantity, 1)) }
    }
}

/// Where first-piece inspection stands for one work order and step at a station (the FPI banner).
public enum FirstPieceStatus: Equatable, Sendable {
    /// No first piece yet: the next part started becomes it.
    case required
    /// The first piece is designated and waits for an inspector's decision.
    case pending(firstPiece: String)
    /// The last first piece failed; the next part started becomes the new first piece.
    case failed(lastFirstPiece: String)
    case passed(firstPiece: String, by: String)
    case waived(firstPiece: String?, by: String, reason: String)

    public var word: String {
        switch self {
        case .required: return "FPI REQUIRED"
        case .pending: return "FPI PENDING"
        case .failed: return "FPI FAILED"
        case .passed: return "FPI PASSED"
        case .waived: return "FPI WAIVED"
        }
    }
    public var unlocked: Bool {
        switch self {
        case .passed, .waived: return true;
        default: return false
        }
    }

    public static func of(_ f: FPIState?) -> FirstPieceStatus {
        guard let f else { return .required }
        switch f.verdict {
        case .pending?: return .pending(firstPiece: f.firstPiece ?? "?")
        case .failed?: return .failed(lastFirstPiece: f.failed.last ?? f.firstPiece ?? "?")
        case .passed?: return .passed(firstPiece: f.firstPiece ?? "?", by: f.decidedBy ?? "?")
        case .waived?: return .waived(firstPiece: f.firstPiece, by: f.decidedBy ?? "?", reason: f.reason ?? "")
        case nil: return f.firstPiece.map { .pending(firstPiece: $0) } ?? .required
        }
    }
}

/// The first-piece banner of one work order and step at a station.
public struct FirstPieceBanner: Equatable, Sendable {
    public var workOrder: String
    public var step: String
    public var stepName: String
    public var key: FPIKey
    public var status: FirstPieceStatus
    /// Who may decide: the rules' role (an inspector or higher), in a word.
    public var decidedBy: String { Role.inspector.label }
}

/// One characteristic due on a running piece, with what has been recorded.
public struct DueMeasurement: Equatable, Sendable {
    public var characteristic: Characteristic
    public var recorded: RecordedMeasurement?
    public var verdict: Verdict? { recorded.map { Tolerance.verdict(characteristic, $0.value) } }
}

/// One material a step consumes, with the lot scanned for the running piece (if any).
public struct MaterialDue: Equatable, Sendable {
    public var requirement: MaterialRequirement
    public var name: String
    public var scanned: LotUse?
}

/// What a station shows, decided from the plant and the state (the kiosk only draws it).
public enum StationBoard {
    /// The first-piece banners for the (work order, step) pairs waiting or running at `station`,
    /// evaluated on the key the next start by `person` now would use.
    public static func firstPieceBanners(
        pairs: [(workOrder: String, step: String)], station: Station, person: Person?,
        plant: PlantIndex, state: StateReader, now: Date
    ) throws -> [FirstPieceBanner] {
        var seen = Set<String>()
        var out: [FirstPieceBanner] = []
        for (number, stepID) in pairs where seen.insert(number + "|" + stepID).inserted {
            guard let wo = try state.workOrder(number), let routing = try state.routing(id: wo.routing, version: wo.routingVersion),
                let step = routing.step(stepID), step.workCenter == station.workCenter, step.firstPiece != .none
            else { continue }
            guard
                let key = FPIKey.forStart(
                    step: step, workOrder: number, station: station, person: person?.badge ?? "",
                    plant: plant, at: now)
            else { continue }
            out.append(
                FirstPieceBanner(
                    workOrder: number, step: stepID, stepName: step.name, key: key,
                    status: FirstPieceStatus.of(try state.fpi(key))))
        }
        return out
    }

    /// The characteristics due on the piece running `serial` at its step, with recorded values.
    public static func measurementsDue(_ part: PartState, step: Step, state: StateReader) throws -> [DueMeasurement] {
        guard let run = part.run else { return step.measurements.map { DueMeasurement(characteristic: $0, recorded: nil) } }
        let k = try state.pieceNumber(workOrder: part.workOrder, step: run.step, serial: part.serial) ?? 1
        return Sampling.due(step, piece: k).map { DueMeasurement(characteristic: $0, recorded: run.measurements[$0.id]) }
    }

    /// What the rules do with a piece that fails a measurement at `step` (its `on_fail`), in words.
    public static func onFailConsequence(_ step: Step) -> String {
        switch step.onFail {
        case .hold: return "the part goes on hold"
        case .rework(let to): return "the part goes back to \(to) for rework"
        }
    }

    /// The materials of `step` with the lots scanned on the running piece.
    public static func materialsDue(_ part: PartState, step: Step, plant: PlantIndex) -> [MaterialDue] {
        step.materials.map { m in
            MaterialDue(requirement: m, name: plant.materials[m.material]?.name ?? m.material, scanned: part.run?.lots[m.material])
        }
    }
}
