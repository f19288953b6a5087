import Foundation
import LocalStore
import MESCore
import ScannerInput
import Testing

@testable import FloorStation
@testable import FloorTUI

/// A plant with something on every list: a running first piece, a hold from an out-of-tolerance
/// reading, a machine down, an andon call.
func boardScenario(_ h: KioskHarness) throws {
    try h.elsewhere("K-SW1", "EMP:101", "SN:NW-5001-001", "CMD:START", "LOT:TI64-6:HEAT-7731")
    h.clockBox.now = h.clockBox.now.addingTimeInterval(600)
    var s = StationSession(stationID: "K-SW1")
    _ = try s.handle("EMP:101", service: h.service, now: h.clockBox.now)
    _ = try s.handle("SN:NW-5001-001", service: h.service, now: h.clockBox.now)
    let r = try s.handle("M:OD=3.60", service: h.service, now: h.clockBox.now)  // out of tolerance: hold
    #expect(r.kind == .done, "\(r.text)")
    try h.elsewhere("K-SW2", "EMP:102", "CMD:DOWN:JAM")
    try h.elsewhere("K-UW", "EMP:103", "CMD:ANDON:material")
    h.clockBox.now = h.clockBox.now.addingTimeInterval(300)
}

func boardDriver(_ h: KioskHarness, width: Int, height: Int, keymap: String = "default", workCenter: String? = nil) throws -> BoardDriver {
    var m = BoardModel(keymap: try KioskHarness.keymap(keymap), now: h.clockBox.now, workCenter: workCenter)
    m.width = width; m.height = height
    m.staleAfter = 600
    let box = h.clockBox
    let d = BoardDriver(model: m, store: h.store, clock: { box.now })
    d.forceLoad()
    return d
}

@Suite struct BoardTests {
    @Test func liveAndStaleBoardsAt80x24And240x67() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let small = try boardDriver(h, width: 80, height: 24)
        let large = try boardDriver(h, width: 240, height: 67)
        #expect(!small.model.stale)
        let d = try #require(small.model.data)
        #expect(d.holdCount == 1)
        #expect(d.downs.map(\.station) == ["K-SW2"])
        #expect(d.andons.map(\.station) == ["K-UW"])
        let tiles = Dictionary(uniqueKeysWithValues: d.tiles.map { ($0.station, $0) })
        #expect(tiles["K-SW2"]?.state == .down)
        #expect(tiles["K-SW1"]?.state == .fpi, "its first piece is held and waits for a decision")
        #expect(tiles["K-UW"]?.andon == "material")
        #expect(small.screen.contains("LIVE") && small.screen.contains("DOWN") && small.screen.contains("ANDON material"))
        try assertGolden(small.screen, "board-80x24-live")
        try assertGolden(large.screen, "board-240x67-live")

        // No change and no sync for longer than --stale-after: grey, STALE, never pretending.
        h.clockBox.now = h.clockBox.now.addingTimeInterval(15 * 60)
        small.tick(h.clockBox.now)
        large.tick(h.clockBox.now)
        #expect(small.model.stale)
        #expect(small.screen.contains("STALE (was DOWN)") && small.screen.contains("no change seen for"))
        #expect(!small.screen.contains("LIVE"))
        try assertGolden(small.screen, "board-80x24-stale")
        try assertGolden(large.screen, "board-240x67-stale")

        // A change brings it back to life.
        try h.elsewhere("K-SW2", "EMP:102", "CMD:UP")
        small.reloadIfChanged()
        #expect(!small.model.stale)
        #expect(small.model.data?.downs.isEmpty == true)
    }

    @Test func aSyncKeepsTheBoardLiveAndAReadFailureMakesItStale() throws {
        let h = try KioskHarness()
        let b = try boardDriver(h, width: 80, height: 24)
        h.clockBox.now = h.clockBox.now.addingTimeInterval(3600)
        try h.store.setMeta(BoardQueries.lastSyncKey, String(h.clockBox.now.epochMillis - 60_000))
        b.forceLoad()
        #expect(!b.model.stale, "a sync a minute ago: live, though nothing changed for an hour")
        b.send(.failed("disk gone"))
        #expect(b.model.stale)
        #expect(b.screen.contains("STALE: disk gone"))
    }

    @Test func theHoldCountDropsWhenASupervisorDispositions() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let b = try boardDriver(h, width: 80, height: 24)
        #expect(b.model.data?.holdCount == 1)
        let out = try SigningSecrets.runSigned(
            .disposition(
                serial: "NW-5001-001", kind: .rework, reworkStep: "OP10", reference: nil,
                scrapReason: nil, note: ""), badge: "301", secret: KioskHarness.secret, service: h.service, station: Station.console.id,
            now: h.clockBox.now)
        #expect(out.refusal == nil)
        b.reloadIfChanged()
        #expect(b.model.data?.holdCount == 0)
        #expect(b.screen.contains("OPEN HOLDS 0"))
    }

    @Test func theBoardHasNoWayToChangeData() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let before = try h.store.read { try EventLog.lastPosition(db: $0) }
        for name in ["default", "kiosk", "vi"] {
            let km = try KioskHarness.keymap(name)
            var m = BoardModel(keymap: km, now: h.clockBox.now)
            // Every key any context of this keymap binds, plus printable keys and function keys.
            let keys = Set(
                km.bindings.map(\.key) + Key.keys("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*/-+.")
                    + (1...12).map { Key.function($0) } + [.enter, .escape, .tab, .backspace])
            for k in keys {
                for e in BoardUpdate.update(&m, .key(k)) { #expect([.load, .quit, .redraw].contains(e), "\(name): \(KeyName.name(k)) gave \(e)") }
                #expect(m.keymap.action(for: k, in: .board, readOnly: true)?.mutating != true)
            }
        }
        #expect(try h.store.read { try EventLog.lastPosition(db: $0) } == before)
        // And the store the dashboard opens refuses writes outright.
        let ro = try Store.openReadOnly(path: h.store.path)
        #expect(throws: (any Error).self) { try ro.setMeta("x", "y") }
        #expect(throws: (any Error).self) {
            _ = try FloorService(store: ro).run(.callAndon(kind: .help, note: ""), badge: "101", station: "K-SW1", now: h.clockBox.now)
        }
    }

    @Test func workCenterNarrowsTheBoard() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let b = try boardDriver(h, width: 80, height: 24, workCenter: "SWISS")
        #expect(b.model.data?.tiles.map(\.station) == ["K-SW1", "K-SW2"])
        #expect(b.model.data?.andons.isEmpty == true, "the andon is at the wash")
    }
}

func consoleDriver(_ h: KioskHarness, width: Int = 100, height: Int = 30) throws -> ConsoleDriver {
    var m = ConsoleModel(keymap: try KioskHarness.keymap(), now: h.clockBox.now)
    m.width = width; m.height = height
    let box = h.clockBox
    return ConsoleDriver(model: m, service: h.service, clock: { box.now })
}

extension ConsoleDriver {
    /// Signs in with a badge and its secret, as a person types them.
    func signIn(_ badge: String) { type(badge + "\r" + KioskHarness.secret + "\r") }
    /// Gives the secret the open signature prompt asks for.
    func sign() { type(KioskHarness.secret + "\r") }
}

@Suite struct ConsoleTests {
    @Test func anOperatorCannotSignInNorDoAnySupervisorAction() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let c = try consoleDriver(h)
        c.send(.scan("EMP:101"))
        #expect(c.model.person == nil)
        #expect(c.model.message?.text.contains("operator") == true)
        c.type("101\r")
        #expect(c.model.person == nil)
        // Whatever reaches the rules with an operator's badge is refused, and nothing is written.
        let before = try h.store.read { try EventLog.lastPosition(db: $0) }
        let commands: [Command] = [
            .disposition(serial: "NW-5001-001", kind: .useAsIs, reworkStep: nil, reference: "ENG-1", scrapReason: nil, note: ""),
            .fpiPass(serial: "NW-5001-001"), .fpiWaive(serial: "NW-5001-001", reason: "customer agreed in writing"),
            .setPriority(number: "NW-5002", priority: .urgent), .holdWorkOrder(number: "NW-5002", reason: "SUSPECT", note: ""),
            .cancelWorkOrder(number: "NW-5002", reason: "no"), .acknowledgeAndon(station: "K-UW"), .clearAndon(station: "K-UW"),
            .approveOverride(serial: "NW-5001-001", id: "X", validMinutes: 60), .undo(serial: "NW-5001-001", reason: "r"),
        ]
        for cmd in commands {
            let out = try h.service.runAtConsole(cmd, badge: "101", now: h.clockBox.now)
            #expect(out.refusal != nil, "\(cmd) was allowed to an operator")
        }
        #expect(try h.store.read { try EventLog.lastPosition(db: $0) } == before)
        // The console is not a station: station work is refused there, even to a supervisor.
        #expect(
            try h.service.runAtConsole(.start(serial: "NW-5002-001"), badge: "301", now: h.clockBox.now).refusal?.reasons.first?.code
                == "needs_station")
    }

    /// A supervisor certifies and revokes skills from the console, each a signature; the acts are
    /// events the start gate and the qualifications list then follow.
    @Test func aSupervisorCertifiesAndRevokesASkillWithASignature() throws {
        let h = try KioskHarness()
        let c = try consoleDriver(h)
        c.signIn("301")
        c.type("C")
        guard case .entry? = c.model.overlay else { Issue.record("no entry: \(c.model.overlay.map { "\($0)" } ?? "")"); return }
        c.type("101 laser 2027-11-30\r")
        guard case .confirm(let sign)? = c.model.overlay else { Issue.record("no signature prompt: \(c.model.message?.text ?? "")"); return }
        #expect(sign.meaning == "certified (qualification)" && sign.what == "certify Lena Vogel for LASER until 2027-11-30")
        c.sign()
        #expect(c.model.message?.text.hasPrefix("SIGNED certified (qualification)") == true, "\(c.model.message?.text ?? "")")
        let acts = try h.service.read { try $0.signing("101") }?.qualificationActs
        #expect(acts?["LASER"] == .granted(Qualification(skill: "LASER", certified: LocalDate("2026-11-24")!, expires: LocalDate("2027-11-30")!)))
        // Revoking one the plant file lists; a line that is not badge, skill and reason is asked again.
        c.type("V")
        c.type("101 SWISS\r")
        #expect(c.model.message?.text.contains("the reason") == true)
        c.type("V")
        c.type("101 SWISS failed the practical re-test\r")
        c.sign()
        #expect(c.model.message?.text.hasPrefix("SIGNED revoked (qualification)") == true, "\(c.model.message?.text ?? "")")
        let types = try h.store.read { db in try String.fetchAll(db, sql: "SELECT type FROM events WHERE aggregate = 'person:101' ORDER BY pos") }
        #expect(types.suffix(4) == ["qualification.granted", "signature.applied", "qualification.revoked", "signature.applied"])
        // The kiosk's start gate follows: Lena no longer holds SWISS.
        var s = StationSession(stationID: "K-SW1")
        _ = try s.handle("EMP:101", service: h.service, now: h.clockBox.now)
        let r = try s.handle("SN:NW-5001-001", service: h.service, now: h.clockBox.now)
        let start = try s.handle("CMD:START", service: h.service, now: h.clockBox.now)
        #expect(start.kind == .refused && start.text.contains("does not have the skill SWISS"), "\(r.text) / \(start.text)")
    }

    /// A reset secret is renewed at the console's sign-in: the one given, then a new one twice.
    @Test func aResetSecretIsRenewedAtSignIn() throws {
        let h = try KioskHarness()
        let given = "Given-8812-tmp", chosen = "Quarry-lamp-37"
        _ = try SigningSecrets.set(given, for: "201", by: "301", current: nil, service: h.service, station: "CONSOLE", cost: KioskHarness.cheap)
        let c = try consoleDriver(h)
        c.type("201\r" + given + "\r")
        #expect(c.model.person == nil)
        guard case .signIn(let pad)? = c.model.overlay, pad.renewing else {
            Issue.record("no renewal: \(c.model.overlay.map { "\($0)" } ?? "")"); return
        }
        #expect(c.model.message?.text.contains("reset by a supervisor") == true)
        c.type(given + "\r" + chosen + "\r" + chosen + "\r")
        #expect(c.model.person?.badge == "201", "\(c.model.message?.text ?? "")")
        #expect(c.model.sessionVerified)
        #expect(try SigningSecrets.check(chosen, for: "201", service: h.service, station: "CONSOLE") == nil)
    }

    @Test func aSupervisorDispositionsAHeldPartToReworkWithASignature() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let c = try consoleDriver(h)
        c.signIn("301")
        #expect(c.model.person?.badge == "301")
        c.type("2")  // holds
        #expect(
            c.model.table.rows.first?.ref
                == .hold(
                    serial: "NW-5001-001",
                    hold: c.model.table.rows.first.map { r in
                        if case .hold(_, let id) = r.ref { return id }; return ""
                    } ?? ""))
        c.type("d")  // disposition: kinds
        c.send(.key(.down)); c.send(.key(.enter))  // rework
        guard case .picker(let steps)? = c.model.overlay else { Issue.record("no step picker"); return }
        #expect(steps.options.map(\.1).starts(with: ["OP10", "OP20"]))
        c.send(.key(.enter))  // OP10
        guard case .confirm(let sign)? = c.model.overlay else { Issue.record("no signature prompt"); return }
        #expect(sign.meaning == "dispositioned (rework)")
        try assertGolden(c.screen, "console-sign-disposition")
        c.send(.key(.escape))  // not signed: nothing happens
        #expect(try h.service.read { try $0.part("NW-5001-001") }?.holds.count == 1)
        c.type("d"); c.send(.key(.down)); c.send(.key(.enter)); c.send(.key(.enter)); c.sign()
        #expect(c.model.message?.text.hasPrefix("SIGNED dispositioned (rework)") == true, "\(c.model.message?.text ?? "")")
        let p = try #require(try h.service.read { try $0.part("NW-5001-001") })
        #expect(p.holds.isEmpty && p.status == .queued && p.step == "OP10")
        #expect(
            !c.model.table.rows.contains {
                if case .hold = $0.ref { return true }; return false
            }, "the holds list reloaded")
        // Its NCR took the disposition and stays listed, open until an inspector closes it; Enter opens the part.
        let ncr = try #require(c.model.table.rows.first)
        #expect(ncr.cells[0].hasPrefix("NCR-") && ncr.cells[7].hasPrefix("dispositioned") && ncr.ref == .part("NW-5001-001"))
        // The history shows the signature's meaning and who signed.
        c.send(.scan("SN:NW-5001-001"))
        #expect(c.screen.contains("dispositioned (rework)") && c.screen.contains("Eva Schmidt"))
    }

    @Test func andonAcknowledgeAndClearFromTheConsole() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let c = try consoleDriver(h)
        c.signIn("301")
        c.type("5")
        #expect(c.model.table.rows.first?.ref == .andon(station: "K-UW"))
        c.type("k"); c.send(.key(.enter))
        #expect(c.model.table.rows.first?.cells[4] == "Eva Schmidt")
        c.type("c"); c.send(.key(.enter))
        #expect(c.model.table.rows.isEmpty)
    }

    @Test func badWorkOrderFileIsRefusedWithItsProblemsAndLoadsNothing() throws {
        let h = try KioskHarness()
        let c = try consoleDriver(h)
        c.signIn("301")
        c.type("6")
        let orders = c.model.table.rows.count
        let bad = h.dir.appendingPathComponent("bad.csv").path
        try "number,part\nNW-9,\u{1B}[31mNOPE\n".write(toFile: bad, atomically: true, encoding: .utf8)
        c.type("L"); c.type(bad + "\r")
        #expect(c.model.message?.text.contains("nothing was loaded") == true)
        #expect(!c.screen.text.contains("\u{1B}"))
        #expect(c.model.table.rows.count == orders)
    }

    @Test func twoConsolesRacingOnOneHoldCannotBothWin() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        let other = FloorService(store: try Store.open(path: h.store.path))
        let dispo = Command.disposition(serial: "NW-5001-001", kind: .scrap, reworkStep: nil, reference: nil, scrapReason: "DIM", note: "")
        let rework = Command.disposition(serial: "NW-5001-001", kind: .rework, reworkStep: "OP10", reference: nil, scrapReason: nil, note: "")
        let results = [dispo, rework].enumerated().map { i, cmd in
            (try? SigningSecrets.runSigned(
                cmd, badge: "301", secret: KioskHarness.secret, service: i == 0 ? h.service : other, station: Station.console.id,
                now: h.clockBox.now))?.refusal == nil
        }
        #expect(results.filter { $0 }.count == 1, "exactly one disposition closes the hold")
        let p = try #require(try h.service.read { try $0.part("NW-5001-001") })
        #expect(p.status == .scrapped)
    }
}

@Suite struct ConsoleViewsTests {
    @Test func theHoldsViewSaysACAPAIsOverdueInWordsAndColour() throws {
        let h = try KioskHarness()
        let yesterday = try #require(try h.service.plantIndex()).calendar.localDate(h.clockBox.now.addingTimeInterval(-86_400))
        let out = try h.service.runAtConsole(
            .quality(.openCAPA(source: .audit, ncrs: [], owner: "301", due: yesterday, problem: "audit finding 7: gauge labels")), badge: "201",
            now: h.clockBox.now)
        #expect(out.refusal == nil, "\(String(describing: out.refusal))")
        let c = try signedIn(h)
        c.type("2")
        let row = try #require(c.model.table.rows.first { $0.cells[0].hasPrefix("CAPA-") })
        #expect(row.cells[3].hasPrefix("OVERDUE") && row.role == .stop && row.cells[2] == "root cause", "\(row.cells)")
        #expect(c.model.table.summary.contains { $0.contains("1 CAPA open, 1 OVERDUE") })
    }

    /// The NCR register in the holds view narrows by part, work center, defect, severity,
    /// supplier, lot or words (`/`), says how many it shows of how many, refuses a filter it cannot
    /// read, and Enter on a lot's NCR opens the lot's page: receipt, status history, every user.
    @Test func theNCRViewFiltersAndALotsNCROpensTheLotsPage() throws {
        let yaml =
            DemoPlant.yaml + "\nquality:\n  defects:\n    - {code: DIM, label: Dimension, severity: major}\n    - {code: SURF, label: Surface}\n"
        let h = try KioskHarness(plantYAML: yaml)
        let now = h.clockBox.now
        func run(_ c: Command, _ badge: String = "201") throws {
            let out = try h.service.runAtConsole(c, badge: badge, now: now)
            #expect(out.refusal == nil, "\(String(describing: out.refusal))")
        }
        try run(.quality(.raiseNCR(subject: .part(serial: "NW-5001-001"), defect: "DIM", severity: nil, description: "OD over", containment: "")))
        try run(.quality(.raiseNCR(subject: .part(serial: "NW-5002-001"), defect: "SURF", severity: nil, description: "scratch", containment: "")))
        try run(
            .quality(.receiveLot(material: "TI64-6", lot: "L-1", quantity: 900, supplier: "Titan Alloys", certificate: "TA-1", expiry: nil)), "104")
        try run(
            .quality(.raiseNCR(subject: .lot(material: "TI64-6", lot: "L-1"), defect: "DIM", severity: nil, description: "bar bent", containment: ""))
        )
        let c = try signedIn(h)
        c.type("2")
        func ncrRows() -> [ConsoleRow] { c.model.table.rows.filter { $0.cells[0].hasPrefix("NCR-") } }
        #expect(ncrRows().count == 3)
        #expect(c.model.table.summary.contains { $0.hasPrefix("/ filters the NCRs") })

        c.type("/defect:SURF\r")
        #expect(ncrRows().map { $0.cells[1] } == ["BS-35-40"] && ncrRows().first?.cells[3] == "minor SURF", "\(ncrRows().map(\.cells))")
        #expect(c.model.table.summary.contains("NCRs filtered by defect:SURF: 1 of 3 shown · / changes the filter, an empty one clears it"))
        // The holds themselves are not filtered: the register is.
        #expect(c.model.table.rows.contains { $0.cells[0] == "part:NW-5001-001" })
        c.type("/")
        for _ in 0..<"defect:SURF".count { c.send(.key(.backspace)) }
        c.type("sev:bogus\r")
        #expect(c.model.message?.text.contains("sev:bogus is not a severity (minor, major, critical)") == true)
        #expect(c.model.ncrFilter.defect == "SURF")
        c.type("/")
        for _ in 0..<"defect:SURF".count { c.send(.key(.backspace)) }
        c.type("sev:major bent\r")
        #expect(ncrRows().count == 1 && ncrRows().first?.cells[1] == "lot L-1", "\(ncrRows().map(\.cells))")

        // Enter on it: the lot's page.
        let index = try #require(c.model.table.rows.firstIndex { $0.cells[0].hasPrefix("NCR-") })
        for _ in 0..<index { c.send(.key(.down)) }
        c.type("\r")
        #expect(c.model.screen == .lot("TI64-6:L-1"))
        #expect(c.model.table.title == "Lot L-1 of TI64-6")
        let summary = c.model.table.summary.joined(separator: "\n")
        #expect(summary.contains("status: RELEASED · received 900 mm, used 0, left 900"), "\(summary)")
        #expect(summary.contains("from Titan Alloys · CoC TA-1") && summary.contains("0 travelers used it"), "\(summary)")
        #expect(c.model.table.rows.contains { $0.cells[1].contains("received") }, "\(c.model.table.rows.map(\.cells))")
        #expect(c.screen.text.contains("Lot L-1 of TI64-6") && c.screen.text.contains("2026-11-24 09:00  received"))
    }

    /// `N` raises an NCR by hand on the row's part (or order, or lot): the defect code and what is
    /// wrong are typed, Enter records it, and the part goes on hold under it; an unknown code is
    /// refused with the plant's list.
    @Test func anNCRIsRaisedByHandInTheConsole() throws {
        let yaml = DemoPlant.yaml + "\nquality:\n  defects:\n    - {code: DIM, label: Dimension, severity: major}\n"
        let h = try KioskHarness(plantYAML: yaml)
        let c = try signedIn(h)
        c.type("6")  // orders
        let row = try #require(
            c.model.table.rows.firstIndex {
                if case .order = $0.ref { return true }; return false
            })
        for _ in 0..<row { c.send(.key(.down)) }
        guard case .order(let order) = c.model.selectedRow?.ref else { Issue.record("no order row"); return }
        c.type("N")
        c.type("XYZ wrong\r\r")
        #expect(c.model.message?.text.contains("no defect code XYZ (DIM)") == true, "\(String(describing: c.model.message))")
        c.type("N")
        c.type("DIM drawing revision C used, D released\r\r")
        let ncrs = try h.store.read { db in try QualityReports.ncrs(db, plant: nil).rows.map { $0.map(\.plain) } }
        #expect(ncrs.count == 1 && ncrs.first?[6] == order && ncrs.first?[19] == "drawing revision C used, D released", "\(ncrs)")
        // On a held traveler's row: the part goes on hold under the NCR too.
        let hold = try h.service.runAtConsole(.hold(serial: "NW-5001-001", reason: "SUSPECT", note: "looks bent"), badge: "301", now: h.clockBox.now)
        #expect(hold.refusal == nil, "\(String(describing: hold.refusal))")
        c.type("2")
        #expect(c.model.selectedRow?.ref.serial == "NW-5001-001", "\(c.model.table.rows.map(\.cells))")
        c.type("N")
        c.type("DIM shank bent\r\r")
        let part = try #require(try h.service.read { try $0.part("NW-5001-001") })
        #expect(part.holds.count == 2 && part.holds.contains { $0.reason == "NCR" && $0.ncr?.hasPrefix("NCR-") == true }, "\(part.holds)")
    }

    func signedIn(_ h: KioskHarness, _ badge: String = "301") throws -> ConsoleDriver {
        let c = try consoleDriver(h)
        c.signIn(badge)
        #expect(c.model.person?.badge == badge)
        return c
    }

    @Test func anOverrideAskedAtAKioskIsApprovedInTheConsoleOnceWithAnExpiry() throws {
        let h = try KioskHarness()
        try boardScenario(h)  // NW-5001-001 is the pending first piece: the order's next pieces wait
        try h.elsewhere("K-SW1", "EMP:102", "SN:NW-5001-002", "NOTE:surgery tomorrow, customer accepts", "CMD:OVERRIDE:waiting_first_piece")
        let c = try signedIn(h)
        c.type("4")
        guard case .override(let serial, let id)? = c.model.table.rows.first?.ref else { Issue.record("no request listed"); return }
        #expect(serial == "NW-5001-002")
        c.type("a"); c.send(.key(.down)); c.send(.key(.enter))  // 1 hour
        guard case .confirm(let sign)? = c.model.overlay else { Issue.record("no signature prompt"); return }
        #expect(sign.meaning == "approved (override)")
        c.sign()
        let o = try #require(try h.service.read { try $0.part("NW-5001-002") }?.overrides.first { $0.id == id })
        #expect(o.status == .approved && o.approvedBy == "301")
        #expect(o.expiresAt == h.clockBox.now.epochMillis + 3_600_000)
        #expect(c.model.table.rows.isEmpty, "approved requests leave the list")
    }

    @Test func firstPieceUndoAndWorkOrderActionsFromTheConsole() throws {
        let h = try KioskHarness()
        try h.elsewhere(
            "K-SW1", "EMP:101", "SN:NW-5001-001", "CMD:START", "LOT:TI64-6:HEAT-7731",
            "M:OD=3.50", "M:LEN=40.0", "M:HEAD=2.40", "CMD:COMPLETE")
        let c = try signedIn(h, "201")  // an inspector decides first pieces
        c.type("3")
        #expect(c.model.table.rows.first?.ref == .firstPiece(serial: "NW-5001-001"))
        c.type("i"); c.sign()
        #expect(c.model.message?.text.hasPrefix("SIGNED approved (first piece)") == true, "\(c.model.message?.text ?? "")")
        #expect(c.model.table.rows.isEmpty)

        // An inspector may not prioritise: the rules refuse it, the console says so.
        c.type("6")
        let row = try #require(c.model.table.rows.firstIndex { $0.ref == .order("NW-5002") })
        for _ in 0..<row { c.send(.key(.down)) }
        c.type("P"); c.send(.key(.enter)); c.sign()
        #expect(c.model.message?.text.hasPrefix("REFUSED") == true)

        // A supervisor: priority, hold, release, cancel, each signed; and an undo from a history.
        c.send(.key(.function(9)))  // sign out
        c.signIn("301")
        c.type("6")
        for _ in 0..<row { c.send(.key(.down)) }
        c.type("P"); c.send(.key(.enter)); c.sign()  // urgent
        #expect(try h.service.read { try $0.workOrder("NW-5002") }?.priority == .urgent)
        let again = try #require(c.model.table.rows.firstIndex { $0.ref == .order("NW-5002") })
        while c.model.selection < again { c.send(.key(.down)) }
        while c.model.selection > again { c.send(.key(.up)) }
        c.type("h"); c.send(.key(.enter)); c.sign()  // hold (first reason)
        #expect(try h.service.read { try $0.workOrder("NW-5002") }?.isOnHold == true)
        c.type("r"); c.sign()
        #expect(try h.service.read { try $0.workOrder("NW-5002") }?.isOnHold == false)
        c.type("x"); c.type("customer withdrew"); c.send(.key(.enter)); c.sign()
        #expect(try h.service.read { try $0.workOrder("NW-5002") }?.cancelled == true)

        c.send(.scan("SN:NW-5001-001"))
        c.type("u"); c.type("wrong lot scanned"); c.send(.key(.enter))
        guard case .confirm(let sign)? = c.model.overlay else { Issue.record("no signature prompt"); return }
        #expect(sign.meaning == "approved (undo)")
        c.sign()
        #expect(try h.service.read { try $0.part("NW-5001-001") }?.completions.last?.undone == true)
        #expect(c.screen.contains("approved (undo)"))
    }

    @Test func conflictsAndReportsViewsShowTheirFigures() throws {
        let h = try KioskHarness()
        try boardScenario(h)
        // What the last pull brought of every node, as the console shows it.
        try h.store.setMeta(Replication.centralKey, "http://central:7300")
        try h.store.setMeta(
            Replication.nodesKey,
            """
            [{"node":"K-SW1","pending":3,"lastPush":\(Date().epochMillis - 120_000)},{"node":"K-OLD","revoked":true}]
            """)
        let c = try signedIn(h)
        c.type("7")
        #expect(c.model.table.problem == nil && c.model.table.title == "Conflicts found by replication")
        let nodes = c.model.table.rows.prefix(3).map { $0.cells }
        #expect(nodes.count == 3)
        #expect(nodes[0][0].hasPrefix("this store") && nodes[0][2] == "last sync never")
        #expect(nodes[1][0] == "node K-SW1" && nodes[1][1] == "3 to send" && nodes[1][2].hasPrefix("push ") && nodes[1][3] == "ok")
        #expect(nodes[2][0] == "node K-OLD" && nodes[2][3] == "REVOKED")
        c.type("8")
        let kinds = Set(c.model.table.rows.map { $0.cells[0] })
        #expect(kinds.isSuperset(of: ["OEE", "FPY", "WIP"]))
        #expect(c.model.table.rows.filter { $0.cells[0] == "OEE" }.count == 7, "one OEE row per station")
        #expect(
            c.model.table.rows.contains { $0.cells[0] == "FPY" && $0.cells[1] == "OP10" && $0.cells[2].hasPrefix("0%") },
            "the held first piece went wrong at OP10")
    }
}
