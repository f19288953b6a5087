import Foundation
import Testing

@testable import MESCore

/// Behaviours decided after the rule review: every batch piece accounted for, labour that resumes
/// when a hold is lifted from running work, and resuming only where the part was paused.
@Suite struct ReviewFixTests {
    @Test func aBatchCompletionMustAccountForEveryPiece() throws {
        var w = World()
        w.release(Fixtures.wo("WO-2001", qty: 10, tracking: .batch))
        let b = "WO-2001"
        try w.ok(.start(serial: b), "1001", "ST-10")
        try w.ok(.consume(serial: b, material: "AL6061-25", lot: "H1", expiry: nil), "1001", "ST-10")
        let short = try w.refused(.complete(serial: b, good: 7, scrap: 2, scrapReason: "DIM"), "1001", "ST-10")
        #expect(short.codes == ["bad_count"])
        #expect(short.description.contains("must equal 10"))
        try w.ok(.complete(serial: b, good: 8, scrap: 2, scrapReason: "DIM"), "1001", "ST-10")
        // Undo gives back every piece.
        try w.ok(.undo(serial: b, reason: "wrong count"), "1001", "ST-10")
        #expect(try w.part(b).quantity == 10)
    }

    @Test func labourCountsAgainAfterAHoldIsLiftedFromRunningWork() throws {
        var w = World()
        w.release(Fixtures.wo(qty: 1))
        let s = "WO-1001-001"
        try w.ok(.start(serial: s), "1001", "ST-10")
        w.advance(minutes: 10)
        try w.ok(.hold(serial: s, reason: "SUSPECT", note: "check bar"), "1001", "ST-10")
        w.advance(minutes: 30)  // on hold: not labour
        try w.ok(.releaseHold(serial: s, holds: nil, note: "bar ok"), "2001", "ST-10")
        w.advance(minutes: 5)
        try w.ok(.consume(serial: s, material: "AL6061-25", lot: "H1", expiry: nil), "1001", "ST-10")
        try w.ok(.complete(serial: s, good: nil, scrap: 0, scrapReason: nil), "1001", "ST-10")
        let shares = Labour.split(try w.part(s).labour, now: w.millis)
        #expect(shares.count == 1)
        #expect(abs((shares.first?.seconds ?? 0) - 15 * 60) < 1)
    }

    @Test func aPausedPartResumesOnlyWhereItWasPaused() throws {
        var w = World()
        w.release(Fixtures.wo(qty: 2))
        let s = "WO-1001-001"
        try w.bring(s, to: "OP20")
        try w.ok(.start(serial: s), "1001", "ST-20")
        try w.ok(.pause(serial: s, reason: "break"), "1001", "ST-20")
        let elsewhere = try w.refused(.start(serial: s), "1002", "ST-21")
        #expect(elsewhere.codes.first == "paused_elsewhere")
        #expect(
            try w.ok(.start(serial: s), "1002", "ST-20").first.map {
                if case .stepResumed = $0 { return true }; return false
            } == true)
    }
}

@Test func workOrderStatusFollowsItsTravelers() {
    #expect(WorkOrderProgress.status(cancelled: false, onHold: false, quantity: 10, done: 0, scrapped: 0, touched: 0) == .released)
    #expect(WorkOrderProgress.status(cancelled: false, onHold: false, quantity: 10, done: 0, scrapped: 0, touched: 1) == .inProgress)
    #expect(WorkOrderProgress.status(cancelled: false, onHold: false, quantity: 10, done: 9, scrapped: 1, touched: 10) == .complete)
    #expect(WorkOrderProgress.status(cancelled: false, onHold: true, quantity: 10, done: 9, scrapped: 1, touched: 10) == .hold)
    #expect(WorkOrderProgress.status(cancelled: true, onHold: true, quantity: 10, done: 2, scrapped: 0, touched: 3) == .cancelled)
}

@Test func measuredValuesAreJSONNumbersOrBooleansAndRoundTrip() throws {
    for v in [MeasuredValue.number(1), .number(0), .number(12.004), .number(-0.5), .passFail(true), .passFail(false)] {
        let e = MeasurementRecorded(serial: "S", step: "OP", characteristic: "C", value: v, inTolerance: true, station: "ST")
        let payload = EventCodec.payload(of: .measurementRecorded(e))
        #expect(EventCodec.decode(type: "measurement.recorded", version: 1, payload: payload) == .measurementRecorded(e), "\(payload)")
    }
    #expect(
        EventCodec.payload(
            of: .measurementRecorded(
                MeasurementRecorded(
                    serial: "S", step: "OP", characteristic: "C", value: .number(12.5),
                    inTolerance: false, station: "ST"))
        ).contains("\"value\":12.5"))
}

@Test func measuredValuesOfEarlyDevelopmentStoresStillDecode() throws {
    let dec = JSONDecoder()
    #expect(try dec.decode(MeasuredValue.self, from: Data(#"{"number":{"_0":3.51}}"#.utf8)) == .number(3.51))
    #expect(try dec.decode(MeasuredValue.self, from: Data(#"{"passFail":{"_0":false}}"#.utf8)) == .passFail(false))
    #expect(throws: DecodingError.self) { try dec.decode(MeasuredValue.self, from: Data(#"{"colour":"red"}"#.utf8)) }
    #expect(throws: DecodingError.self) { try dec.decode(MeasuredValue.self, from: Data(#""3.5""#.utf8)) }
}
