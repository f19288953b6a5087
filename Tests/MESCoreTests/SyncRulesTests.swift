import Foundation
import Testing

@testable import MESCore

@Suite struct SyncRulesTests {
    @Test func aStoreIsAnOlderCopyOnlyWhenTheCentralNodeHoldsMoreOfItsCurrentEpoch() {
        #expect(SyncRules.isOlderCopy(ownEpoch: "a", ownSeq: 5, centralEpoch: "a", centralSeq: 8))
        #expect(!SyncRules.isOlderCopy(ownEpoch: "a", ownSeq: 8, centralEpoch: "a", centralSeq: 8))
        #expect(!SyncRules.isOlderCopy(ownEpoch: "a", ownSeq: 9, centralEpoch: "a", centralSeq: 8))  // not pushed yet
        #expect(!SyncRules.isOlderCopy(ownEpoch: "b", ownSeq: 0, centralEpoch: "a", centralSeq: 8))  // an old epoch of ours
    }

    @Test func backoffDoublesFromOneSecondToItsCapAndRefusalsWaitTheCap() {
        var b = 0.0
        var seen: [Double] = []
        for _ in 0..<6 { b = SyncRules.backoff(after: b, transient: true, cap: 10); seen.append(b) }
        #expect(seen == [1, 2, 4, 8, 10, 10])
        #expect(SyncRules.backoff(after: 0, transient: false, cap: 10) == 10)
    }

    @Test func theIndicatorSaysWhatTheOperatorNeedsToKnow() {
        #expect(SyncIndicator.classify(connected: nil, pending: 2, lastOk: nil, needsAttention: false) == .connecting(pending: 2))
        #expect(SyncIndicator.classify(connected: true, pending: 0, lastOk: 5, needsAttention: false) == .synced(lastOk: 5))
        #expect(SyncIndicator.classify(connected: true, pending: 3, lastOk: 5, needsAttention: false) == .online(pending: 3))
        #expect(SyncIndicator.classify(connected: false, pending: 3, lastOk: 5, needsAttention: false) == .offline(pending: 3, lastOk: 5))
        #expect(SyncIndicator.classify(connected: true, pending: 3, lastOk: 5, needsAttention: true) == .refused(pending: 3))
    }
}

/// The hybrid logical clock never traps, whatever it adopted.
@Suite struct HLCBoundsTests {
    let t = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func tickAtTheLogicalBoundMovesToTheNextMillisecond() {
        let wall = t.epochMillis + 60_000
        var clock = HLCClock(last: HLC(wall: wall, logical: HLC.maxLogical))
        #expect(clock.tick(physical: t) == HLC(wall: wall + 1, logical: 0))
        #expect(clock.tick(physical: t) == HLC(wall: wall + 1, logical: 1))
        // A counter past the bound (a store written before the bound existed) recovers too.
        var old = HLCClock(last: HLC(wall: wall, logical: Int32.max))
        #expect(old.tick(physical: t) == HLC(wall: wall + 1, logical: 0))
        var negative = HLCClock(last: HLC(wall: wall, logical: -5))
        #expect(negative.tick(physical: t) == HLC(wall: wall + 1, logical: 0))
    }

    @Test func observeAdoptsNothingOutOfBounds() {
        var clock = HLCClock(last: HLC(wall: t.epochMillis, logical: 0))
        let before = clock
        let hostile = clock.observe(HLC(wall: t.epochMillis + 1000, logical: Int32.max), physical: t)
        let negative = clock.observe(HLC(wall: -1, logical: 0), physical: t)
        #expect(!hostile && !negative)
        #expect(clock == before)
        let edge = clock.observe(HLC(wall: t.epochMillis + 1000, logical: HLC.maxLogical), physical: t)
        #expect(edge)
        #expect(clock.last == HLC(wall: t.epochMillis + 1000, logical: HLC.maxLogical))
        #expect(HLC(wall: HLC.maxWall, logical: HLC.maxLogical).isBounded && !HLC(wall: HLC.maxWall + 1, logical: 0).isBounded)
    }
}

@Suite struct EnvelopeBoundsTests {
    func envelope(_ hlc: HLC, wall: Int64 = 1_790_000_000_000) -> EventEnvelope {
        EventEnvelope(
            node: "K1", epoch: "e", seq: 1, hlc: hlc, wallTime: wall, causal: 0, type: "note.added", typeVersion: 1,
            aggregate: "part:X", actor: "", prevHash: "", payload: "{}")
    }

    @Test func aReceivedEventsFieldsAreBoundedInMESCore() {
        #expect(envelope(HLC(wall: 1_790_000_000_000, logical: HLC.maxLogical)).outOfBounds == nil)
        #expect(envelope(HLC(wall: 1_790_000_000_000, logical: Int32.max)).outOfBounds?.contains("clock") == true)
        #expect(envelope(HLC(wall: -1, logical: 0)).outOfBounds != nil)
        #expect(envelope(HLC(wall: 1, logical: 0), wall: Int64.max).outOfBounds?.contains("wall time") == true)
    }
}
