import Foundation

public enum WorkOrderStatus: String, Codable, Sendable {
    case released, inProgress = "in_progress", complete, hold, cancelled
}

/// A work order, folded from its `wo.*` events. Progress (in progress, complete, counts) comes
/// from its parts; see `WorkOrderProgress`.
public struct WorkOrderState: Codable, Equatable, Sendable {
    public var spec: WorkOrderSpec
    public var routing: String
    public var routingVersion: Int
    public var serials: [String]
    public var priority: Priority
    public var holds: [OpenHold]
    public var cancelled: Bool
    public var cancelReason: String?
    public var releasedAt: Int64
    public var conflicts: [Conflict]

    public var isOnHold: Bool { !holds.isEmpty }

    public init(released e: WorkOrderReleased, at t: Int64) {
        spec = e.order; routing = e.routing; routingVersion = e.routingVersion; serials = e.serials
        priority = e.order.priority; holds = []; cancelled = false; cancelReason = nil; releasedAt = t; conflicts = []
    }

    /// A work order from its events in canonical order: the first release founds it, every other
    /// event (a second release included) is folded on it. nil until a release is among them.
    public static func fold(_ events: [RecordedEvent]) -> WorkOrderState? {
        guard
            let i = events.firstIndex(where: {
                if case .workOrderReleased = $0.event { return true }; return false
            }),
            case .workOrderReleased(let rel) = events[i].event
        else { return nil }
        var wo = WorkOrderState(released: rel, at: events[i].millis)
        for e in events where e.id != events[i].id { wo.apply(e) }
        return wo
    }

    public mutating func apply(_ r: RecordedEvent) {
        switch r.event {
        case .workOrderReleased(let e):
            if e.order != spec {
                conflicts.append(
                    Conflict(
                        event: r.id, aggregate: AggregateID.workOrder(spec.number).rawValue, at: r.millis,
                        text: "released again with different content; the first release stands"))
            }
        case .workOrderHeld(let e):
            if !holds.contains(where: { $0.id == e.hold }) {
                holds.append(OpenHold(id: e.hold, reason: e.reason, note: e.note, by: r.actor, at: r.millis))
            }
        case .workOrderHoldReleased(let e):
            holds.removeAll { e.holds.contains($0.id) }
        case .workOrderCancelled(let e):
            if !cancelled { cancelled = true; cancelReason = e.reason }
        case .workOrderPriority(let e):
            priority = e.priority
        default:
            break
        }
    }
}

/// A machine, or a station without one: down or not.
public struct MachineState: Codable, Equatable, Sendable {
    public struct Down: Codable, Equatable, Sendable {
        public var reason: String
        public var since: Int64
        public var by: String
        public var station: String
    }
    public var id: String
    public var down: Down?
    /// The last closed downtime. The full history is in the log (the state stays small: every
    /// start at this machine reads it).
    public var lastDown: DowntimeSpan?
    public var conflicts: [Conflict]

    public init(id: String) { self.id = id; down = nil; lastDown = nil; conflicts = [] }

    public mutating func apply(_ r: RecordedEvent) {
        switch r.event {
        case .downtimeStarted(let e):
            if down == nil {
                down = Down(reason: e.reason, since: r.millis, by: r.actor, station: e.station)
            } else {
                conflicts.append(
                    Conflict(
                        event: r.id, aggregate: AggregateID.machine(id).rawValue, at: r.millis,
                        text: "down (\(e.reason)) while already down; the earlier start stands"))
            }
        case .downtimeEnded:
            if let d = down {
                lastDown = DowntimeSpan(reason: d.reason, from: d.since, to: max(r.millis, d.since))
                down = nil
            }
        default:
            break
        }
    }
}

/// A station's andon light: the call open now, if any. One call at a time; a second call while one
/// is open (offline, at two kiosks of one station) is a conflict and the earlier stands.
public struct AndonState: Codable, Equatable, Sendable {
    public struct Call: Codable, Equatable, Sendable {
        public var id: String
        public var kind: String
        public var note: String
        public var by: String
        public var at: Int64
        public var acknowledgedBy: String?
        public var acknowledgedAt: Int64?
    }
    public var station: String
    public var open: Call?
    public var conflicts: [Conflict]
    public init(station: String) { self.station = station; open = nil; conflicts = [] }

    public mutating func apply(_ r: RecordedEvent) {
        switch r.event {
        case .andonCalled(let e):
            if open == nil {
                open = Call(id: e.id, kind: e.kind, note: e.note, by: r.actor, at: r.millis)
            } else {
                conflicts.append(
                    Conflict(
                        event: r.id, aggregate: AggregateID.andon(station).rawValue, at: r.millis,
                        text: "andon call (\(e.kind)) while one was open; the earlier call stands"))
            }
        case .andonAcknowledged(let e):
            if open?.id == e.id, open?.acknowledgedBy == nil { open?.acknowledgedBy = r.actor; open?.acknowledgedAt = r.millis }
        case .andonCleared(let e):
            if open?.id == e.id { open = nil }
        default:
            break
        }
    }
}

public struct DowntimeSpan: Codable, Equatable, Sendable {
    public var reason: String
    public var from: Int64
    public var to: Int64
}

public enum FPIVerdict: String, Codable, Sendable {
    /// A first piece is designated and waits for its inspection.
    case pending
    case passed, failed, waived
    /// Satisfies the gate: a waive exactly as a pass.
    public var unlocks: Bool { self == .passed || self == .waived }
}

/// The first-piece record of one full scope key.
public struct FPIState: Codable, Equatable, Sendable {
    public var key: FPIKey
    /// The current first piece (after a fail, the next part started becomes it).
    public var firstPiece: String?
    public var verdict: FPIVerdict?
    public var decidedBy: String?
    public var reason: String?
    public var at: Int64
    /// Earlier first pieces that failed.
    public var failed: [String]
    public var conflicts: [Conflict]

    public init(key: FPIKey) { self.key = key; firstPiece = nil; verdict = nil; at = 0; failed = []; conflicts = [] }

    /// Whether `serial` still needs a first piece decision before it may start (false when it is the first piece).
    public func blocks(_ serial: String) -> Bool {
        if verdict?.unlocks == true { return false }
        guard let first = firstPiece, verdict == .pending else { return false }
        return first != serial
    }
    /// Whether `serial` would become the first piece if it started now.
    public var needsDesignation: Bool { firstPiece == nil || verdict == .failed || verdict == nil }

    public mutating func apply(_ r: RecordedEvent) {
        switch r.event {
        case .fpiDesignated(let e):
            if needsDesignation && verdict?.unlocks != true {
                firstPiece = e.serial; verdict = .pending; decidedBy = nil; reason = nil; at = r.millis
            } else if firstPiece != e.serial {
                conflicts.append(
                    Conflict(
                        event: r.id, aggregate: AggregateID.fpi(key).rawValue, at: r.millis,
                        text: "\(e.serial) designated first piece, but \(firstPiece ?? "?") was first; the earlier stands"))
            }
        case .fpiPassed(let e), .fpiWaived(let e):
            guard e.serial == firstPiece, verdict == .pending else {
                return conflicts.append(
                    Conflict(
                        event: r.id, aggregate: AggregateID.fpi(key).rawValue, at: r.millis,
                        text: "verdict for \(e.serial), which is not the pending first piece"))
            }
            if case .fpiWaived = r.event { verdict = .waived } else { verdict = .passed }
            decidedBy = r.actor; reason = e.reason; at = r.millis
        case .fpiFailed(let e):
            guard e.serial == firstPiece, verdict == .pending else {
                return conflicts.append(
                    Conflict(
                        event: r.id, aggregate: AggregateID.fpi(key).rawValue, at: r.millis,
                        text: "fail for \(e.serial), which is not the pending first piece"))
            }
            verdict = .failed; decidedBy = r.actor; reason = e.reason; at = r.millis
            failed.append(e.serial)
        default:
            break
        }
    }
}

/// Where a work order stands, from its own state and its travelers' counts
/// (rules.md, States: released → in progress → complete; hold and cancelled at any time).
public enum WorkOrderProgress {
    /// - Parameters: `done`/`scrapped` in pieces; `touched`: travelers that have moved since release.
    public static func status(cancelled: Bool, onHold: Bool, quantity: Int, done: Int, scrapped: Int, touched: Int) -> WorkOrderStatus {
        if cancelled { return .cancelled }
        if onHold { return .hold }
        if done + scrapped >= quantity { return .complete }
        if touched > 0 || done + scrapped > 0 { return .inProgress }
        return .released
    }
}

/// The plant aggregate: the latest plant file loaded, in canonical order.
public struct PlantAggregate: Codable, Equatable, Sendable {
    public var plant: Plant?
    public var loads: Int = 0
    public init() {}
    public mutating func apply(_ r: RecordedEvent) {
        if case .plantLoaded(let p) = r.event { plant = p.plant; loads += 1 }
    }
}
