import Testing
@testable import MESCore

@Suite struct SyncRulesTests {
    @Test func aStoreIsAnOlderCopyOnlyWhenTheCentralNodeHoldsMoreOfItsCurrentEpoch() {
        #expect(SyncRules.isOlderCopy(ownEpoch: "a", ownSeq: 5, centralEpoch: "a", centralSeq: 8))
        #expect(!SyncRules.isOlderCopy(ownEpoch: "a", ownSeq: 8, centralEpoch: "a", centralSeq: 8))
        #expect(!SyncRules.isOlderCopy(ownEpoch: "a", ownSeq: 9, centralEpoch: "a", centralSeq: 8))   // not pushed yet
        #expect(!SyncRules.isOlderCopy(ownEpoch: "b", ownSeq: 0, centralEpoch: "a", centralSeq: 8))   // an old epoch of ours
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
