import Foundation

/// The rules a node replicates by. Pure: the transports (LocalStore, FloorCentral) and the
/// screens ask here.
public enum SyncRules {
    /// The central node holds more of this store's current epoch than the store does: the store
    /// is an older copy of itself (a backup or a disk image restored in place) and must start a
    /// new epoch before it writes on, or it would write new events under identities the original
    /// already used.
    public static func isOlderCopy(ownEpoch: String, ownSeq: Int64, centralEpoch: String, centralSeq: Int64) -> Bool {
        centralEpoch == ownEpoch && centralSeq > ownSeq
    }

    /// Seconds to wait after a failed attempt: from 1 s, doubling, up to `cap`; a refusal someone
    /// must fix (not `transient`) is retried at the cap at once.
    public static func backoff(after previous: Double, transient: Bool, cap: Double) -> Double {
        min(cap, max(transient ? 1 : cap, previous * 2))
    }
}

/// What a kiosk's status line says about replication.
public enum SyncIndicator: Equatable, Sendable {
    /// Not tried yet.
    case connecting(pending: Int)
    /// Connected, nothing waiting; the last good exchange (epoch ms).
    case synced(lastOk: Int64?)
    /// Connected, events waiting to go out.
    case online(pending: Int)
    /// The central node cannot be reached: work goes on and waits.
    case offline(pending: Int, lastOk: Int64?)
    /// Refused for a reason someone must fix (a wrong secret, a revoked node, a fork).
    case refused(pending: Int)

    public static func classify(connected: Bool?, pending: Int, lastOk: Int64?, needsAttention: Bool) -> SyncIndicator {
        if needsAttention { return .refused(pending: pending) }
        switch connected {
        case nil: return .connecting(pending: pending)
        case true?: return pending == 0 ? .synced(lastOk: lastOk) : .online(pending: pending)
        case false?: return .offline(pending: pending, lastOk: lastOk)
        }
    }
}
