import Foundation
import GRDB
import LocalStore
import MESCore
import ScannerInput
import Testing

@testable import FloorTUI

/// Screens on the virtual screen, against golden copies (text and roles).
@Suite("kiosk screens")
struct KioskScreenTests {
    @Test func loginScreen() throws {
        let k = try KioskHarness()
        #expect(k.text.contains("SCAN YOUR BADGE"))
        #expect(k.text.contains("nobody logged in"))
        try assertGolden(k.screen, "login-80x24")
    }

    @Test func queueWithBlockedWorkAndPendingFirstPiece() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        #expect(k.text.contains("Lena Vogel (operator)"))
        // Before any start: first piece required for each order's OP10 on this shift.
        #expect(k.text.contains("FIRST PIECE REQUIRED"))
        k.scan("SN:NW-5001-001")
        k.key(.function(5))  // start
        #expect(k.driver.model.message?.kind == .ok)
        k.key(.escape)  // back to the queue
        // Another session holds a part of the other order.
        try k.elsewhere("K-SW2", "EMP:201", "SN:NW-5002-003", "CMD:HOLD:SUSPECT")
        k.driver.reloadIfChanged()
        let text = k.text
        #expect(text.contains("FIRST PIECE PENDING NW-5001 OP10: NW-5001-001 awaits inspector; others wait"))
        #expect(text.contains("RUNNING"))
        #expect(text.contains("WAIT FPI"))
        #expect(text.contains("HOLD"))
        try assertGolden(k.screen, "queue-blocked-80x24")
    }

    @Test func firstPieceBannerStates() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        #expect(k.text.contains("FIRST PIECE PENDING"))
        // The inspector fails it at their own kiosk session: the banner turns FAILED.
        try k.elsewhere("K-SW1", "EMP:201", "SN:NW-5001-001", "NOTE:thread form", "CMD:FAIL")
        k.driver.reloadIfChanged()
        #expect(k.text.contains("FIRST PIECE FAILED NW-5001 OP10: NW-5001-001 failed"))
        try assertGolden(k.screen, "fpi-failed-80x24")
        // The next part started becomes the new first piece; an inspector passes it.
        k.key(.escape)
        k.scan("SN:NW-5001-002"); k.key(.function(5))
        try k.elsewhere("K-SW1", "EMP:201", "SN:NW-5001-002", "CMD:PASS")
        k.driver.reloadIfChanged()
        #expect(k.text.contains("FIRST PIECE PASSED NW-5001 OP10: NW-5001-002 by Sofia Marino"))
    }

    @Test func inspectorDecidesAtTheKiosk() throws {
        let k = try KioskHarness()
        try k.elsewhere("K-SW1", "EMP:101", "SN:NW-5001-001", "CMD:START")
        k.scan("EMP:201")
        k.scan("SN:NW-5001-001")
        k.type("w")  // waive: asks for a reason
        #expect(k.driver.model.context == .entry)
        k.type("customer deviation D-17")
        k.key(.enter)
        // A waiver is a signature: the pad asks the signer's badge, then the secret.
        guard case .sign(let pad)? = k.driver.model.overlay else { Issue.record("no signature pad"); return }
        #expect(pad.meaning == "waived (first piece)")
        k.scan("EMP:201")
        k.type(KioskHarness.secret)
        k.key(.enter)
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        #expect(k.text.contains("FIRST PIECE WAIVED"))
    }

    /// The inspector walks up to the operator's kiosk: the operator stays logged in, the pass is
    /// the inspector's, signed with their badge and secret; the secret is never on the screen.
    @Test func anInspectorSignsAtTheOperatorsKiosk() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        #expect(k.text.contains("FIRST PIECE PENDING"))
        let before = try k.store.read { try EventLog.lastPosition(db: $0) }
        k.type("i")
        guard case .sign? = k.driver.model.overlay else { Issue.record("no signature pad: \(k.text)"); return }
        #expect(try k.store.read { try EventLog.lastPosition(db: $0) } == before, "nothing is recorded before the signature")
        k.scan("EMP:201")
        k.type(KioskHarness.secret)
        #expect(!k.text.contains(KioskHarness.secret))
        #expect(!"\(k.driver.model)".contains(KioskHarness.secret), "the model's description hides the secret")
        try assertGolden(k.screen, "sign-pad-80x24")
        k.key(.enter)
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        #expect(k.driver.model.overlay == nil)
        #expect(k.driver.model.person?.badge == "101", "the operator stays logged in")
        let recorded = try k.store.read { db in
            try Row.fetchAll(db, sql: "SELECT type, actor FROM events WHERE pos > ? ORDER BY pos", arguments: [before]).map {
                "\($0[0] as String) by \($0[1] as String)"
            }
        }
        #expect(recorded == ["fpi.passed by 201", "signature.applied by 201"])
    }

    /// Keys typed fast (or while the kiosk was busy verifying the last secret) reach it as one
    /// burst ending in Enter: in the secret field that is the secret and its Enter, never a scan.
    @Test func aBurstIntoTheSecretIsTheSecretAndItsEnter() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        k.type("i")
        k.scan("EMP:201")
        k.scan(KioskHarness.secret)
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        #expect(k.text.contains("FIRST PIECE PASSED"))
    }

    /// A supervisor reset the inspector's secret: at the first signature the pad asks the secret
    /// given, then a new one twice (a mismatch and a weak one are asked again), replaces it and
    /// signs; the given one no longer works, the new one does, and no secret reaches the screen.
    @Test func aResetSecretIsRenewedAtItsFirstSignature() throws {
        let k = try KioskHarness()
        let given = "Given-4471-tmp", chosen = "Harbor-tide-58"
        let reset = try SigningSecrets.set(
            given, for: "201", by: "301", current: nil, service: k.service, station: "CONSOLE", now: k.clockBox.now, cost: KioskHarness.cheap)
        #expect(reset.refusal == nil)
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        k.type("i")
        k.scan("EMP:201")
        k.type(given); k.key(.enter)
        guard case .sign(let pad)? = k.driver.model.overlay else { Issue.record("the pad closed: \(k.text)"); return }
        #expect(pad.renewing && pad.badge == "201" && pad.focus == .secret)
        #expect(k.text.contains("Secret reset: type the one given") && k.text.contains("New") && k.text.contains("Again"), "\(k.text)")
        #expect(k.driver.model.message?.text.contains("reset by a supervisor") == true)
        try assertGolden(k.screen, "sign-pad-renew-80x24")
        // Two new secrets that differ: asked again, nothing recorded.
        let before = try k.store.read { try EventLog.lastPosition(db: $0) }
        k.type(given); k.key(.enter); k.type(chosen); k.key(.enter); k.type(chosen + "x"); k.key(.enter)
        guard case .sign(let again)? = k.driver.model.overlay else { Issue.record("the pad closed"); return }
        #expect(again.mismatch && again.focus == .newSecret && again.renewing)
        #expect(k.text.contains("The two new secrets differ"))
        #expect(try k.store.read { try EventLog.lastPosition(db: $0) } == before)
        // A weak new one: refused by the strength rule, the pad still renewing.
        k.type("aaaa1111"); k.key(.enter); k.type("aaaa1111"); k.key(.enter)
        guard case .sign(let weak)? = k.driver.model.overlay else { Issue.record("the pad closed"); return }
        #expect(weak.renewing, "\(k.driver.model.message?.text ?? "")")
        #expect(k.driver.model.message?.kind == .refused)
        // The given one, a good new one twice: renewed and signed.
        k.type(given); k.key(.enter); k.type(chosen); k.key(.enter); k.type(chosen); k.key(.enter)
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        #expect(k.text.contains("FIRST PIECE PASSED"))
        let types = try k.store.read { db in try String.fetchAll(db, sql: "SELECT type FROM events WHERE pos > ? ORDER BY pos", arguments: [before]) }
        #expect(types == ["signing.secret_set", "fpi.passed", "signature.applied"])
        let state = try k.service.read { try $0.signing("201") }
        #expect(state?.mustChange == false && state?.hash.map { !$0.contains(chosen) } == true)
        #expect(try SigningSecrets.check(given, for: "201", service: k.service, station: "K-SW1") != nil, "the given secret is spent")
        #expect(try SigningSecrets.check(chosen, for: "201", service: k.service, station: "K-SW1") == nil)
        for s in [given, chosen] { #expect(!k.text.contains(s) && !"\(k.driver.model)".contains(s)) }
    }

    @Test func aWrongSecretIsRefusedAndTheRecordStillWaits() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        k.type("i")
        k.type("201"); k.key(.enter)  // the badge typed, not scanned
        k.type("not-the-secret"); k.key(.enter)
        #expect(k.driver.model.message?.text.contains("wrong secret for Sofia Marino") == true, "\(k.driver.model.message?.text ?? "")")
        guard case .sign(let pad)? = k.driver.model.overlay else { Issue.record("the pad closed"); return }
        #expect(pad.badge == "201" && !pad.hasSecret && pad.focus == .secret)
        #expect(try k.service.read { try $0.signing("201") }?.failures == 1)
        #expect(k.text.contains("FIRST PIECE PENDING"))
        // Esc: not signed, nothing recorded.
        k.key(.escape)
        #expect(k.driver.model.overlay == nil && k.driver.model.session.awaitingSignature == nil)
        #expect(k.driver.model.message?.text == "not signed: nothing recorded")
    }

    @Test func operatorCannotPassFirstPiece() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        k.type("i")
        // The pad asks for a signer; the operator's own signature does not pass a first piece.
        k.scan("EMP:101"); k.type(KioskHarness.secret); k.key(.enter)
        #expect(k.driver.model.message?.kind == .refused)
        #expect(k.text.contains("first-piece decisions need an inspector"))
        #expect(k.driver.model.overlay == nil)
    }

    @Test func measurementVerdictsAndHold() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        k.scan("LOT:TI64-6:HEAT-7731")
        k.key(.function(3))
        #expect(k.driver.model.context == .measure)
        k.type("3.51")
        // Instant verdict while typing, in a word and a colour.
        #expect(k.text.contains("[3.51    ] IN TOL"))
        try assertGolden(k.screen, "measure-typing-80x24")
        k.key(.enter)
        #expect(k.text.contains("3.51 IN TOL"))
        k.type("2.6")
        #expect(k.text.contains("HIGH - OUT"))
        k.key(.enter)
        #expect(k.driver.model.message?.kind == .warning)
        #expect(k.text.contains("ON HOLD"))
        #expect(k.text.contains("HOLD OOT"))
        #expect(k.text.contains("OUT OF TOLERANCE: the part goes on hold"))
        try assertGolden(k.screen, "measure-oot-hold-80x24")
    }

    @Test func completeMovesThePartOnAndTheQueueChanges() throws {
        let k = try KioskHarness()
        k.scan("EMP:101"); k.scan("SN:NW-5001-001"); k.key(.function(5))
        k.scan("LOT:TI64-6:HEAT-7731")
        k.key(.function(3))
        k.type("3.5"); k.key(.enter)
        k.type("2.4"); k.key(.enter)
        #expect(k.driver.model.data.part?.measurements.allSatisfy { $0.recorded != nil } == true)
        // The first piece must be passed before it completes? It completes; the decision gates the others.
        k.key(.function(4))
        #expect(k.driver.model.message?.kind == .ok, "\(k.driver.model.message?.text ?? "")")
        k.key(.escape); k.key(.escape)
        #expect(!k.driver.model.rows.contains { $0.serial == "NW-5001-001" })
        #expect(k.driver.model.data.queue.count == 8 + 20 + 1 - 1)
    }

    @Test func downtimePickerAndBanner() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        k.key(.function(8))
        #expect(k.driver.model.context == .picker)
        try assertGolden(k.screen, "downtime-picker-80x24")
        k.key(.down); k.key(.enter)
        #expect(k.text.contains("■ DOWN  SW-1 since 09:00"))
        #expect(k.text.contains("DOWN"))
        k.advance(300)
        #expect(k.text.contains("(5m)"))
        try assertGolden(k.screen, "queue-down-80x24")
        k.key(.function(8))  // up again
        #expect(!k.text.contains("■ DOWN"))
    }

    @Test func theAndonPickerCallsForHelpFromThePartScreen() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        k.scan("SN:NW-5001-001")
        k.key(.char("a"))
        #expect(k.driver.model.context == .picker)
        #expect(k.text.contains("Andon: call for help at K-SW1"))
        try assertGolden(k.screen, "andon-picker-80x24")
        k.key(.down); k.key(.enter)  // quality problem
        #expect(k.driver.model.overlay == nil)
        let calls = try k.store.read { db in try Queries.andonCalls(db) }
        #expect(calls.map(\.kind) == ["quality"] && calls.first?.station == "K-SW1" && calls.first?.by == "101")
        // A second call of the same kind is refused, with the reason shown.
        k.key(.char("a")); k.key(.down); k.key(.enter)
        #expect(k.driver.model.message?.kind == .refused, "\(k.driver.model.message?.text ?? "")")
    }

    @Test func helpOnThePartSaysWhyAnActionIsNotAvailableBeforeItIsTried() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        k.scan("SN:NW-5001-001")
        k.key(.function(5))  // start: it runs, its measurements are due, no hold
        #expect(k.driver.model.context == .part)
        #expect(k.driver.model.data.part?.notNow.isEmpty == true)  // a scan pays for no previews
        k.key(.function(1))
        #expect(k.driver.model.context == .help)
        let notNow = try #require(k.driver.model.data.part?.notNow)
        #expect(notNow[.start] != nil && notNow[.resume] != nil && notNow[.pass] != nil && notNow[.release] != nil)
        #expect(notNow[.pause] == nil && notNow[.hold] == nil)
        #expect(k.text.contains("start (not now)") && k.text.contains("NW-5001-001 is already running at K-SW1"))
        try assertGolden(k.screen, "help-part-not-now-80x24")
        // What the help said is what the rules answer when the action is tried.
        k.key(.escape)
        let said = try #require(notNow[.complete]?.reasons.first?.message)
        k.key(.function(4))
        #expect(k.driver.model.message?.kind == .refused)
        #expect(k.driver.model.message?.text.contains(said) == true, "\(k.driver.model.message?.text ?? "") vs \(said)")
    }

    /// A receiving station: the supplier's GS1 label fills the receipt (lot, expiry from AI 17,
    /// count from AI 30; the supplier from the plant file), the screen says where each value came
    /// from and what is missing, and the received lot is listed with its status in words.
    @Test func aReceivingStationShowsTheLotBeingReceivedAndTheLastReceived() throws {
        let yaml = DemoPlant.yaml
            .replacingOccurrences(
                of: "- {id: K-PK,  name: Pack,        work_center: PACK}",
                with: "- {id: K-PK,  name: Pack,        work_center: PACK}\n  - {id: K-RCV, name: Goods in, work_center: PACK, receiving: yes}"
            )
            .replacingOccurrences(
                of: "unit: mm, gtin: \"04012345000016\"}",
                with: "unit: mm, gtin: \"04012345000016\", supplier: \"Titan Alloys\", incoming_inspection: yes}")
        #expect(yaml.contains("K-RCV") && yaml.contains("Titan Alloys"))
        let k = try KioskHarness(station: "K-RCV", plantYAML: yaml)
        k.scan("EMP:104")
        #expect(k.text.contains("Receiving at Goods in") && k.text.contains("No lot received yet."))
        k.scan("LOT:POUCH:P-1")
        #expect(k.text.contains("needed: QTY:<quantity>") && k.text.contains("needed: SUP:<supplier>"))
        #expect(k.text.contains("Still needs QTY:<quantity> and SUP:<supplier>"))
        k.scan("CMD:RECEIVE")
        #expect(k.driver.model.message?.kind == .refused)
        k.scan("CMD:CANCEL")
        k.scan("]C1010401234500001610T-881\u{1D}17280630\u{1D}30600")
        #expect(k.text.contains("Titan Alloys") && k.text.contains("(plant file)"), "\(k.text)")
        #expect(k.text.contains("2028-06-30") && k.text.contains("600 mm"))
        #expect(k.text.contains("Goes to QUARANTINE until incoming inspection releases it"))
        #expect(k.text.contains("Ready: scan CMD:RECEIVE"))
        try assertGolden(k.screen, "receiving-draft-80x24")
        k.scan("COC:TA-2026-0412")
        k.scan("CMD:RECEIVE")
        #expect(k.driver.model.message?.kind == .ok, "\(String(describing: k.driver.model.message))")
        k.driver.reloadIfChanged()
        #expect(k.text.contains("T-881") && k.text.contains("09:00 quarantine"), "\(k.text)")
        #expect(k.driver.model.session.receipt == nil)
        try assertGolden(k.screen, "receiving-received-80x24")
        // A traveler cannot be worked at a receiving station.
        k.scan("SN:NW-5001-001")
        #expect(k.driver.model.message?.text.contains("K-RCV is a receiving station") == true)
    }

    @Test func tooSmallTerminal() throws {
        let k = try KioskHarness(width: 60, height: 20)
        #expect(k.text.contains("Terminal too small"))
        try assertGolden(k.screen, "too-small-60x20")
        k.driver.send(.resize(width: 80, height: 24))
        #expect(k.text.contains("SCAN YOUR BADGE"))
    }

    @Test func largeTerminalShowsMoreRows() throws {
        let k = try KioskHarness(width: 160, height: 50)
        k.scan("EMP:102")
        #expect(!k.text.contains("of 29"))  // everything fits: no "1-n of m" pager
        try assertGolden(k.screen, "queue-160x50")
    }

    @Test func helpOverlayIsGeneratedFromTheKeymap() throws {
        for name in ["default", "kiosk", "vi"] {
            let k = try KioskHarness(keymap: name)
            k.scan("EMP:101")
            let helpKey = k.driver.model.keymap.keys(for: .help, in: .queue).first!
            k.key(helpKey)
            #expect(k.driver.model.context == .help)
            for (keys, title) in k.driver.model.keymap.help(for: .queue) where !keys.isEmpty {
                _ = title
                #expect(k.text.contains(keys), "\(name): \(keys)")
            }
            if name == "default" { try assertGolden(k.screen, "help-default-80x24") }
        }
    }

    @Test func asciiGlyphsAndHostileTextNeverReachTheScreenRaw() throws {
        var s = Screen(width: 40, height: 3, glyphs: .ascii)
        s.box(x: 0, y: 0, width: 40, height: 3, title: "Ünïcode")
        s.put("a\u{1B}[2Jb\u{07}c", x: 1, y: 1)
        #expect(s.text.contains("a\\u{1B}[2Jb\\u{7}c"))
        #expect(!s.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(s.row(0).hasPrefix("+-"))
        #expect(s.row(0).contains("?n?code"))
        var u = Screen(width: 10, height: 1)
        #expect(u.put("工場ab", x: 0, y: 0) == 6)
        #expect(u.row(0) == "工場ab    ")
    }

    @Test func scannedTextIsSanitizedInMessages() throws {
        let k = try KioskHarness()
        k.scan("EMP:101")
        k.scan("SN:\u{1B}]0;pwned\u{07}")
        #expect(k.driver.model.message?.kind == .refused)
        #expect(!k.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }
}

@Suite("kiosk help text")
struct KioskHelpTextTests {
    @Test func longHelpLinesWrapInsteadOfBeingCut() throws {
        #expect(KioskView.wrap("Badges: EMP:101 Lena (operator)  EMP:102 Omar", 20) == ["Badges: EMP:101 Lena", "(operator) EMP:102", "Omar"])
        #expect(KioskView.wrap("ABCDEFGHIJKLMNOPQRSTUVWXY", 10) == ["ABCDEFGHIJ", "KLMNOPQRST", "UVWXY"])
        let k = try KioskHarness()
        var m = k.driver.model
        m.helpExtra = ["Gauge: EQ:MIC-7 then a reading such as 3.502 while a measurement has focus"]
        m.overlay = .help(scroll: 0)
        let text = KioskView.draw(m).text
        #expect(text.contains("Gauge: EQ:MIC-7 then a reading such as 3.502 while a"))
        #expect(text.contains("measurement has focus"))
    }
}
