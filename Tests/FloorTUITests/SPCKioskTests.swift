import Foundation
import LocalStore
import MESCore
import Testing

@testable import FloorStation
@testable import FloorTUI

/// SPC at the station, through the kiosk's own loop: readings scanned piece by piece, limits set
/// by an inspector, a drift signalled on the ninth reading above the centre line, the banner and
/// the chart, and the next start held until the operator acknowledges (a stop: until an
/// inspector clears it).
@Suite(.serialized) struct SPCKioskTests {
    /// The demo plant without first pieces, its OD chart on a 5-point baseline. The routing gets
    /// an id of its own: routings are cached per process by id and version, and other tests of
    /// this process run the demo's own BS-35 v4 (with its first pieces).
    static let yaml = DemoPlant.yaml.replacingOccurrences(of: "first_piece: per_shift", with: "first_piece: none")
        .replacingOccurrences(of: "stop_on: [1], baseline: 20}", with: "stop_on: [1], baseline: 5}")
        .replacingOccurrences(of: "routing: BS-35}", with: "routing: BS-35-NOFP}").replacingOccurrences(
            of: "  - id: BS-35\n", with: "  - id: BS-35-NOFP\n")

    static let chart = SPCPlan.key(part: "BS-35-40", step: "OP10", characteristic: "OD")

    /// Runs one piece of NW-5002 at K-SW1 with its readings, the operator logged in.
    static func piece(_ k: KioskHarness, _ n: Int, od: String, complete: Bool = true) {
        k.scan(String(format: "SN:NW-5002-%03d", n))
        k.scan("CMD:START")
        k.scan("LOT:TI64-6:HEAT-7731")
        k.scan("M:OD=\(od)"); k.scan("M:LEN=40.0"); k.scan("M:HEAD=2.4")
        if complete { k.scan("CMD:COMPLETE") }
        k.advance(60)
    }

    /// Five baseline pieces (3.498 / 3.502: CL 3.500, UCL 3.5106), limits set by the inspector.
    static func baselined() throws -> KioskHarness {
        #expect(yaml.contains("first_piece: none") && yaml.contains("baseline: 5}") && yaml.contains("- id: BS-35-NOFP\n"))
        let k = try KioskHarness(plantYAML: yaml)
        k.scan("EMP:101")
        for i in 1...5 { piece(k, i, od: i % 2 == 0 ? "3.502" : "3.498") }
        let r = try k.store.write { db in
            try k.service.run(
                .quality(.setSPCLimits(chart: chart, subgroups: nil, from: nil, to: nil, reason: "new insert")), badge: "201",
                station: Station.console.id, now: k.clockBox.now, db: db, signature: .simulated)
        }
        #expect(r.refusal == nil, "\(String(describing: r.refusal))")
        k.advance(1)
        return k
    }

    @Test func aDriftIsSignalledOnTheNinthReadingAndTheNextStartWaitsForAnAcknowledgement() throws {
        let k = try Self.baselined()
        for i in 6...13 { Self.piece(k, i, od: "3.502") }
        #expect(!k.text.contains("OUT OF CONTROL"), "eight above the centre line is no signal")
        // The ninth: recorded and in tolerance, so the part goes on; the process is what signals.
        Self.piece(k, 14, od: "3.503", complete: false)
        k.key(.function(3))
        #expect(k.driver.model.context == .measure)
        #expect(k.text.contains("OUT OF CONTROL  OD at OP10: 9 points in a row on one side of the centre line"))
        #expect(k.text.contains("rule 2: check the process (not an NCR), then NOTE:<what you did>, CMD:SPCACK"))
        #expect(k.text.contains("newest 3.503: OUT OF CONTROL (rule 2) but in tolerance: the part is good"))
        try assertGolden(k.screen, "spc-chart-signal-80x24")
        k.key(.escape)
        k.scan("CMD:COMPLETE")
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        k.scan("SN:NW-5002-015"); k.scan("CMD:START")
        #expect(k.driver.model.message?.kind == .refused)
        #expect(k.driver.model.message?.text.contains("9 points in a row on one side of the centre line") == true)
        // The wall board shows the open signal on that station's tile (and on no other).
        let plant = try #require(try k.service.plantIndex())
        let board = try k.store.read { db in try BoardQueries.load(db, plant: plant, now: k.clockBox.now) }
        #expect(board.tiles.first { $0.station == "K-SW1" }?.spcSignals.map(\.rule) == [.nineOneSide])
        #expect(board.tiles.filter { !$0.spcSignals.isEmpty }.map(\.station) == ["K-SW1"])
        k.scan("CMD:SPCACK")
        #expect(k.driver.model.message?.kind == .refused, "an acknowledgement needs a reason")
        k.scan("NOTE:offset -0.002 on T2"); k.scan("CMD:SPCACK")
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        #expect(!k.text.contains("OUT OF CONTROL"))
        k.scan("SN:NW-5002-015"); k.scan("CMD:START")
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
    }

    @Test func aPointBeyondTheLimitStopsTheStepUntilAnInspectorClearsIt() throws {
        let k = try Self.baselined()
        Self.piece(k, 6, od: "3.530")  // beyond UCL 3.5106, inside the tolerance 3.55
        #expect(k.text.contains("stopped here until an inspector clears it"))
        k.scan("SN:NW-5002-007"); k.scan("CMD:START")
        #expect(k.driver.model.message?.text.contains("an inspector clears it") == true)
        k.scan("NOTE:seen"); k.scan("CMD:SPCACK")
        k.scan("SN:NW-5002-007"); k.scan("CMD:START")
        #expect(k.driver.model.message?.kind == .refused, "an operator's acknowledgement does not lift a stop")
        // The inspector walks up: NOTE and the clear card, signed with badge and secret on the pad.
        k.scan("NOTE:insert chipped, replaced; 3 pcs re-checked"); k.scan("CMD:SPCCLEAR")
        #expect(k.driver.model.session.awaitingSignature != nil)
        k.scan("EMP:201"); k.type(KioskHarness.secret); k.key(.enter)
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        k.scan("SN:NW-5002-007"); k.scan("CMD:START")
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
    }

    @Test func theChartGoldensAtEachSizeAndInASCII() throws {
        let k = try Self.baselined()
        for (i, v) in ["3.501", "3.499", "3.503", "3.500", "3.497", "3.502"].enumerated() { Self.piece(k, 6 + i, od: v) }
        Self.piece(k, 12, od: "3.501", complete: false)
        k.key(.function(3))
        #expect(k.text.contains("newest 3.501: in control, in tolerance"))
        try assertGolden(k.screen, "spc-chart-80x24")
        k.driver.model.glyphs = .ascii
        k.driver.send(.tick(k.clockBox.now))
        #expect(k.text.contains("@") && k.text.contains("UCL") && !k.text.contains("▀"))
        try assertGolden(k.screen, "spc-chart-ascii-80x24")
        k.driver.model.glyphs = .unicode
        k.driver.send(.resize(width: 160, height: 50))
        try assertGolden(k.screen, "spc-chart-160x50")
    }
}
