import Foundation
import MESCore
import ScannerInput
import Testing

@testable import FloorStation
@testable import FloorTUI

/// `update` on scripted input: scans, typing, fields, timers.
@Suite("kiosk update")
struct KioskUpdateTests {
    @Test func aScanNeverLeaksIntoTheFocusedField() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5)); k.key(.function(3))
        k.type("3.5")
        // A code scanned while a measurement is being typed is handled as a scan; the field keeps "3.5".
        k.scan("EQ:MIC-7")
        #expect(k.driver.model.fields["OD"] == "3.5")
        #expect(k.driver.model.message?.text.contains("gauge MIC-7") == true)
        // The manual entry field too.
        k.key(.function(2))
        k.type("SN:NW")
        k.scan("LOT:TI64-6:HEAT-1")
        if case .entry(let e)? = k.driver.model.overlay { #expect(e.text == "SN:NW") } else { Issue.record("entry closed by a scan") }
        #expect(k.driver.model.message?.text.contains("HEAT-1") == true)
    }

    @Test func aNumericBurstInMeasureModeIsAGaugeReadingForTheFocusedCharacteristic() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5)); k.key(.function(3))
        k.scan("EQ:MIC-7")
        k.type("9")  // a half-typed value stays put
        k.scan("3.502")
        let od = k.driver.model.data.part?.measurements.first { $0.characteristic.id == "OD" }
        #expect(od?.recorded?.value == .number(3.502))
        #expect(od?.recorded?.gauge == "MIC-7")
        // Focus moved on to the next characteristic; the typed 9 was in the OD field, now cleared with the recording.
        #expect(k.driver.model.measureFocus == 1)
    }

    @Test func manualEntryActsExactlyAsAScan() throws {
        let a = try KioskHarness(), b = try KioskHarness()
        a.scan("EMP:101"); a.scan("SN:NW-5001-002")
        b.key(.function(2)); b.type("EMP:101"); b.key(.enter)
        b.key(.function(2)); b.type("SN:NW-5001-002"); b.key(.enter)
        #expect(a.driver.model.session.selected == b.driver.model.session.selected)
        #expect(a.driver.model.base == .part && b.driver.model.base == .part)
        #expect(a.driver.model.message == b.driver.model.message)
    }

    @Test func refusalsNameTheReasonAndChangeNothing() throws {
        let k = try KioskHarness()
        k.scan("SN:NW-5001-001")
        #expect(k.driver.model.message?.text.contains("scan your badge first") == true)
        k.scan("EMP:101")
        k.scan("&é\"'(")
        #expect(k.driver.model.message?.kind == .refused)
        #expect(k.driver.model.message?.text.contains("keyboard-layout mismatch") == true)
        k.scan("SN:NW-5001-001"); k.key(.function(5)); k.key(.escape)
        k.scan("SN:NW-5001-002"); k.key(.function(5))
        #expect(k.driver.model.message?.kind == .refused)
        #expect(k.driver.model.message?.text.contains("waiting for first piece NW-5001-001") == true)
        #expect(k.driver.model.data.part?.part.status == .queued)
    }

    @Test func idleLogoutAfterTheConfiguredTime() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        k.advance(599)
        #expect(k.driver.model.person != nil)
        k.key(.down)  // any input restarts the count
        k.advance(599)
        #expect(k.driver.model.person != nil)
        k.advance(2)
        #expect(k.driver.model.person == nil)
        #expect(k.text.contains("SCAN YOUR BADGE"))
        #expect(k.text.contains("logged out after 10 min without input"))
    }

    @Test func anotherBadgeSwitchesPersonAndLogoutKeyLogsOut() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001")
        k.scan("EMP:102")
        #expect(k.driver.model.person?.badge == "102")
        #expect(k.driver.model.base == .queue)
        k.key(.function(9))
        #expect(k.driver.model.person == nil)
        k.scan("EMP:101"); k.scan("CMD:LOGOUT")
        #expect(k.driver.model.person == nil)
    }

    @Test func scrapAndHoldPickReasonsFromThePlant() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-003")
        k.type("h")
        guard case .picker(let p)? = k.driver.model.overlay else { Issue.record("no picker"); return }
        #expect(p.items.map(\.code) == ["OOT", "FPI", "SUSPECT", "CLEAN"])
        k.key(.down); k.key(.down); k.key(.enter)
        #expect(k.driver.model.data.part?.part.holds.first?.reason == "SUSPECT")
        #expect(k.text.contains("HOLD SUSPECT"))
    }

    @Test func batchCompletionAsksForTheGoodCount() throws {
        let k = try KioskHarness()
        try k.elsewhere("K-SW1", "EMP:301", "SN:NW-5003", "CMD:START")
        try k.elsewhere("K-SW1", "EMP:201", "SN:NW-5003", "CMD:PASS")
        k.scan("EMP:301"); k.scan("SN:NW-5003")
        k.scan("LOT:TI64-6:HEAT-9")
        k.key(.function(3))
        for _ in 0..<3 { k.type("3.5"); k.key(.enter) }
        k.key(.escape)
        k.key(.function(4))
        guard case .entry(let e)? = k.driver.model.overlay else { Issue.record("no good-count entry"); return }
        #expect(e.text == "50")
        k.key(.backspace); k.key(.backspace); k.type("48"); k.key(.enter)
        #expect(k.driver.model.message?.kind == .refused, "48 good of 50 with no scrap must be refused: \(k.driver.model.message?.text ?? "")")
    }

    @Test func readOnlyModeDropsMutatingActions() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        var m = k.driver.model
        m.readOnly = true
        #expect(KioskUpdate.perform(&m, .start).isEmpty)
        #expect(KioskUpdate.perform(&m, .downtime).isEmpty)
        #expect(m.overlay == nil)
    }

    @Test func liveChangesFromAnotherProcessShow() throws {
        let k = try KioskHarness()
        k.scan("EMP:102")
        #expect(!k.driver.reloadIfChanged())  // nothing new
        try k.elsewhere("K-SW2", "EMP:101", "SN:NW-5002-001", "CMD:START")
        #expect(k.driver.reloadIfChanged())
        #expect(k.driver.model.data.queue.first { $0.serial == "NW-5002-001" }?.status == .running)
    }
}

@Suite("scanner calibration screen")
struct CalibrationTests {
    @Test func threeSlowTestScansSetAndSaveTheStationThresholds() throws {
        let k = try KioskHarness()
        k.key(.function(12))
        #expect(k.driver.model.context == .calibrate)
        let slow = Array(repeating: 80, count: 11)  // an ~80 ms/character scanner
        for _ in 0..<2 { k.driver.send(.scanTiming(slow)); k.scan("TEST-LABEL-1") }
        guard case .calibrate(let c)? = k.driver.model.overlay else { Issue.record("calibration closed"); return }
        #expect(c.samples.count == 2 && c.proposed == nil)
        #expect(k.text.contains("Scans read: 2"))
        k.driver.send(.scanTiming(slow.map { $0 + 4 })); k.scan("TEST-LABEL-1")
        #expect(k.text.contains("(Enter saves)"))
        k.key(.enter)
        #expect(k.driver.model.overlay == nil)
        let saved = StationScanner.saved(k.store, station: "K-SW1")
        #expect(saved == k.driver.model.wedge)
        #expect(saved.maxGap >= 84 && saved.maxGap != WedgeSettings.defaults.maxGap)
        // The saved thresholds make an 80 ms burst a scan, which the defaults do not.
        func decode(_ s: WedgeSettings) -> [WedgeOutput] {
            var d = WedgeDecoder(settings: s)
            var out: [WedgeOutput] = []
            var t: Int64 = 1000
            for key in Key.keys("SN:NW-5001-001\r") { out += d.feed(key, at: t); t += 80 }
            return out + d.tick(at: t + 1000)
        }
        #expect(decode(saved) == [.scan("SN:NW-5001-001", symbology: nil)])
        #expect(decode(.defaults) != [.scan("SN:NW-5001-001", symbology: nil)])
        // The other station keeps its own (default) thresholds.
        #expect(StationScanner.saved(k.store, station: "K-SW2") == .defaults)
    }
}

@Suite("kiosk store errors")
struct KioskStoreErrorTests {
    @Test func aStoreErrorIsShownAndNeverRetriedInALoop() throws {
        let k = try KioskHarness()
        var m = k.driver.model
        let effects = KioskUpdate.update(&m, .failed("cannot read the store: disk I/O error"))
        #expect(effects.isEmpty)
        #expect(m.message == .init(kind: .refused, text: "cannot read the store: disk I/O error"))
        #expect(KioskView.draw(m).text.contains("cannot read the store: disk I/O error"))
    }

    @Test func aSelectionOnlyScanReusesTheQueueAndReadsOnlyThePart() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        let before = k.driver.model.data
        k.scan("SN:NW-5002-004")
        let after = k.driver.model.data
        #expect(after.lastEvent == before.lastEvent)
        #expect(after.loadedAt == before.loadedAt)  // the queue was not re-evaluated
        #expect(after.part?.part.serial == "NW-5002-004")
        k.key(.function(5))  // a start writes: full reload
        #expect(k.driver.model.data.lastEvent > before.lastEvent)
        #expect(k.driver.model.data.running.map(\.serial) == ["NW-5002-004"])
    }
}
