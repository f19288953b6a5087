import Foundation

/// Hybrid logical clock time: physical milliseconds since 1970 and a logical counter that orders
/// events within the same millisecond (and across nodes whose clocks disagree).
public struct HLC: Codable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var wall: Int64
    public var logical: Int32
    public init(wall: Int64, logical: Int32 = 0) { self.wall = wall; self.logical = logical }
    public static func < (a: HLC, b: HLC) -> Bool { (a.wall, a.logical) < (b.wall, b.logical) }
    public var date: Date { Date(timeIntervalSince1970: Double(wall) / 1000) }
    public var description: String { "\(wall).\(logical)" }
    public static let zero = HLC(wall: 0, logical: 0)

    /// The largest logical counter a clock reaches or adopts: no node makes 16 million events
    /// within one millisecond, so a larger one is hostile or corrupt.
    public static let maxLogical: Int32 = (1 << 24) - 1
    /// Milliseconds since 1970 past which no clock reading is believable (about the year 6400);
    /// below it, differences of two readings cannot overflow.
    public static let maxWall: Int64 = 1 << 47

    /// Within the bounds a received event's clock must keep to before it is stored or may move a clock.
    public var isBounded: Bool { (0...HLC.maxWall).contains(wall) && (0...HLC.maxLogical).contains(logical) }
}

/// The clock of one node. `tick` for a local event; `observe` for an event received from
/// elsewhere. A remote time more than `maxDrift` ahead of our physical clock is not adopted
/// (the event is flagged by the caller), so a node with a wrong clock cannot drag everyone forward.
public struct HLCClock: Codable, Equatable, Sendable {
    public var last: HLC
    public static let maxDriftMillis: Int64 = 5 * 60 * 1000
    public init(last: HLC = .zero) { self.last = last }

    /// The next local time. Never traps: a logical counter at its bound moves on to the next
    /// millisecond instead (a clock that adopted a hostile counter recovers at once).
    public mutating func tick(physical: Date) -> HLC {
        let p = physical.epochMillis
        if p > last.wall {
            last = HLC(wall: p, logical: 0)
        } else if last.logical >= HLC.maxLogical || last.logical < 0 {
            last = HLC(wall: min(last.wall, HLC.maxWall) + 1, logical: 0)
        } else {
            last = HLC(wall: last.wall, logical: last.logical + 1)
        }
        return last
    }

    /// Returns false (and leaves the clock alone) when `remote` is too far in the future or out
    /// of bounds.
    @discardableResult
    public mutating func observe(_ remote: HLC, physical: Date) -> Bool {
        let p = physical.epochMillis
        if !remote.isBounded || remote.wall > p + HLCClock.maxDriftMillis { return false }
        if remote > last { last = remote }
        return true
    }
}

/// (node, epoch, seq): an event's identity. Seq counts from 1 without gaps within an epoch.
public struct EventID: Codable, Hashable, Sendable, CustomStringConvertible {
    public var node: String
    public var epoch: String
    public var seq: Int64
    public init(node: String, epoch: String, seq: Int64) { self.node = node; self.epoch = epoch; self.seq = seq }
    public var description: String { "\(node)/\(epoch)/\(seq)" }
}

/// The canonical order in which an aggregate's events are folded: HLC, then node, then seq.
/// Every node sorts the same set of events the same way, whatever order they arrived in.
public struct OrderKey: Codable, Hashable, Comparable, Sendable {
    public var hlc: HLC
    public var node: String
    public var seq: Int64
    public init(hlc: HLC, node: String, seq: Int64) { self.hlc = hlc; self.node = node; self.seq = seq }
    public static func < (a: OrderKey, b: OrderKey) -> Bool {
        if a.hlc != b.hlc { return a.hlc < b.hlc }
        if a.node != b.node { return a.node < b.node }
        return a.seq < b.seq
    }
}

/// The replication envelope (`docs/replication.md`). `payload` holds the event's
/// canonical JSON text as written by its node and is never re-encoded, so the checksum over
/// `canonicalText` can be verified byte for byte on any node.
public struct EventEnvelope: Codable, Equatable, Sendable {
    public var node: String
    public var epoch: String
    public var seq: Int64
    public var hlc: HLC
    /// Wall time at the writer, for audit only (ordering uses the HLC).
    public var wallTime: Int64
    /// The highest central position this node had applied when it wrote the event.
    public var causal: Int64
    public var type: String
    public var typeVersion: Int
    /// What it is about: `part:WO-1001-003`, `wo:WO-1001`, `machine:VF2-01`, `fpi:...`, `plant`.
    public var aggregate: String
    /// The badge of the person who did it (empty for system events).
    public var actor: String
    /// The checksum of this node's previous event in this epoch ("" for seq 1).
    public var prevHash: String
    public var payload: String
    /// SHA-256 (hex) of `canonicalText`; computed by the store.
    public var checksum: String

    public init(
        node: String, epoch: String, seq: Int64, hlc: HLC, wallTime: Int64, causal: Int64, type: String,
        typeVersion: Int, aggregate: String, actor: String, prevHash: String, payload: String, checksum: String = ""
    ) {
        self.node = node; self.epoch = epoch; self.seq = seq; self.hlc = hlc; self.wallTime = wallTime
        self.causal = causal; self.type = type; self.typeVersion = typeVersion; self.aggregate = aggregate
        self.actor = actor; self.prevHash = prevHash; self.payload = payload; self.checksum = checksum
    }

    public var id: EventID { EventID(node: node, epoch: epoch, seq: seq) }

    /// Why a received event may not be stored or move a clock (a field out of its bounds: a
    /// logical counter at Int32.max once trapped every kiosk that received it), or nil.
    public var outOfBounds: String? {
        if !hlc.isBounded { return "its clock \(hlc) is out of range (wall 0 to \(HLC.maxWall) ms, logical 0 to \(HLC.maxLogical))" }
        if !(0...HLC.maxWall).contains(wallTime) { return "its wall time \(wallTime) is out of range" }
        return nil
    }
    public var orderKey: OrderKey { OrderKey(hlc: hlc, node: node, seq: seq) }

    /// The bytes the checksum covers: every envelope field but the checksum, one per line, in a
    /// fixed order, then the payload text. Field values cannot contain a newline except the payload,
    /// which comes last.
    public var canonicalText: String {
        "floor-event/1\n\(node)\n\(epoch)\n\(seq)\n\(hlc.wall)\n\(hlc.logical)\n\(wallTime)\n\(causal)\n"
            + "\(type)\n\(typeVersion)\n\(aggregate)\n\(actor)\n\(prevHash)\n\(payload)"
    }
}
