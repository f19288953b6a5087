import Foundation
import Testing

@testable import MESCore

/// Part 11 §11.200 and §11.50/§11.70: which records are signatures, that none is decided without
/// its signer's signature given for it, what a signature shows, and what breaks its link.
@Suite struct SignatureRuleTests {
    let s1 = "WO-1001-001", s2 = "WO-1001-002"

    /// A world whose first piece s1 is running at OP20 (waiting for an inspector's verdict).
    func firstPiece() throws -> World {
        var w = try FPITests.atOP20(2)
        try w.ok(.start(serial: s1), "1002", "ST-20")
        return w
    }

    @Test func aFirstPieceVerdictWithoutItsSignatureIsRefusedAndRecordsNothing() throws {
        var w = try firstPiece()
        for command in [Command.fpiPass(serial: s1), .fpiFail(serial: s1, note: "burr"), .fpiWaive(serial: s1, reason: "customer deviation CD-7")] {
            let before = w.events.count
            let r = try #require(try w.run(command, badge: "2001", station: "ST-20", signed: false).failure)
            #expect(r.codes == ["signature_required"])
            #expect(r.description.contains("Chidi Okafor"))
            #expect(w.events.count == before)
        }
        // Signed by the inspector it is recorded, as theirs.
        let evs = try w.ok(.fpiPass(serial: s1), "2001", "ST-20")
        #expect(evs.count == 1)
        #expect(w.events.last?.actor == "2001")
    }

    @Test func aSignatureCountsOnlyForItsOwnSigner() throws {
        let w = try firstPiece()
        let ids = w.ids
        // The operator logged in is 1002; the inspector 2001 signed: the record must be 2001's.
        let env = DecisionEnv(now: w.now, newID: { ids.next() }, signedBy: "2001")
        let state = w.state
        let r = try Decider.decide(
            .fpiPass(serial: s1), by: Actor(person: w.person("1002"), station: w.station("ST-20")), plant: state.plant!, state: state, env: env)
        #expect(r.failure?.codes == ["signature_required"])
    }

    @Test func everySignedCommandIsRefusedUnsigned() throws {
        var w = World()
        w.release(Fixtures.wo(qty: 2))
        let signed: [Command] = [
            .fpiPass(serial: s1), .fpiFail(serial: s1, note: "x"), .fpiWaive(serial: s1, reason: "0123456789 reason"),
            .disposition(serial: s1, kind: .scrap, reworkStep: nil, reference: nil, scrapReason: "DIM", note: ""),
            .releaseHold(serial: s1, holds: nil, note: ""), .requestOverride(serial: s1, blocker: .waitingFirstPiece, reason: "rush"),
            .approveOverride(serial: s1, id: "O1", validMinutes: 30), .holdWorkOrder(number: "WO-1001", reason: "OOT", note: ""),
            .releaseWorkOrder(number: "WO-1001"), .cancelWorkOrder(number: "WO-1001", reason: "customer"),
            .setPriority(number: "WO-1001", priority: .urgent), .unlockSigning(badge: "2001"),
        ]
        #expect(Signature.asksSignature(.undo(serial: s1, reason: "r")) && !Signature.isSigned(.undo(serial: s1, reason: "r")))
        for c in signed {
            #expect(Signature.isSigned(c) && Signature.asksSignature(c), "\(c)")
            let r = try w.run(c, badge: "9001", station: "ST-20", signed: false)
            #expect(r.failure?.codes == ["signature_required"], "\(c)")
        }
        // Operator work is never a signature.
        for c in [
            Command.start(serial: s1), .pause(serial: s1, reason: ""), .callAndon(kind: .quality, note: ""),
            .hold(serial: s1, reason: "OOT", note: ""),
        ] {
            #expect(!Signature.isSigned(c), "\(c)")
        }
    }

    @Test func anUndoNeedsASignatureOnlyWhenItNeedsASupervisor() throws {
        var w = World()
        w.release(Fixtures.wo(qty: 2))
        try w.doStep(s1, "1001", "ST-10")
        // The operator's own undo within 15 minutes is no signature.
        let own = try w.run(.undo(serial: s1, reason: "wrong part"), badge: "1001", station: "ST-10", signed: false)
        #expect(own.failure == nil)
        try w.doStep(s2, "1001", "ST-10")
        w.advance(minutes: 30)
        // Later it is a supervisor's approval: refused unsigned, recorded with approvedBy signed.
        let unsigned = try w.run(.undo(serial: s2, reason: "wrong part"), badge: "9001", station: "ST-10", signed: false)
        #expect(unsigned.failure?.codes == ["signature_required"])
        let evs = try w.ok(.undo(serial: s2, reason: "wrong part"), "9001", "ST-10")
        guard case .stepUndone(let e)? = evs.first else { Issue.record("no undo: \(evs)"); return }
        #expect(e.approvedBy == "9001")
        #expect(Signature.meaning(of: evs[0]) == "approved (undo)")
    }

    /// The meaning shown before signing is the meaning of the record made.
    @Test func aCommandsMeaningIsItsRecordsMeaning() throws {
        var w = try firstPiece()
        let evs = try w.ok(.fpiFail(serial: s1, note: "thread"), "2001", "ST-20")
        #expect(evs.compactMap(Signature.meaning(of:)).first == Signature.meaning(of: Command.fpiFail(serial: s1, note: "")))
        let dispo = Command.disposition(serial: s1, kind: .rework, reworkStep: "OP20", reference: nil, scrapReason: nil, note: "")
        let d = try w.ok(dispo, "2001", "ST-20")
        #expect(d.compactMap(Signature.meaning(of:)).first == Signature.meaning(of: dispo))
    }

    @Test func theSignedTypesAreExactlyThoseWithAMeaning() {
        let meaningful = Set(EventCodecTests.samples().filter { Signature.meaning(of: $0) != nil }.map { $0.type })
        #expect(meaningful == Signature.signedTypes)
    }

    static func sample(hash: String = String(repeating: "0f", count: 32)) -> SignatureApplied {
        Signature.manifest(
            of: .fpiPass(serial: "WO-1001-001"), signer: Person(badge: "2001", name: "Chidi Okafor", role: .inspector),
            at: Fixtures.date("2026-12-02T09:15:03Z"), timeZone: TimeZone(identifier: "Europe/Berlin")!, method: .badgeAndSecret,
            records: [SignedRecord(event: "K1/E/7", type: "fpi.passed", hash: hash)], aggregate: "fpi:WO-1001|OP20")
    }

    @Test func theManifestationNamesWhoWhenWithZoneAndMeaning() {
        let s = Self.sample()
        #expect(s.signedAt == "2026-12-02T10:15:03+01:00")
        #expect(s.zone == "Europe/Berlin")
        #expect(s.name == "Chidi Okafor" && s.badge == "2001")
        #expect(s.meaning == "approved (first piece)")
        #expect(
            Signature.manifestation(s)
                == "Chidi Okafor (2001) · approved (first piece) · 2026-12-02T10:15:03+01:00 Europe/Berlin · sha256 0f0f0f0f0f0f")
    }

    @Test func aSignatureHoldsOnlyOnTheExactRecordItSigned() {
        let s = Self.sample()
        let key = FPIKey(rawValue: "WO-1001|OP20")
        let record = Signature.RecordFacts(
            type: "fpi.passed", actor: "2001", hash: String(repeating: "0f", count: 32),
            event: .fpiPassed(FPIVerdictEvent(key: key, serial: "WO-1001-001")))
        #expect(Signature.linkProblems(s, actor: "2001", records: ["K1/E/7": record]).isEmpty)
        // The record edited after signing (its content hashes to something else).
        var edited = record
        edited.hash = String(repeating: "aa", count: 32)
        #expect(Signature.linkProblems(s, actor: "2001", records: ["K1/E/7": edited]).contains { $0.contains("does not match the hash") })
        // Carried over to a record that is not in the log, or by someone else.
        #expect(Signature.linkProblems(s, actor: "2001", records: [:]).contains { $0.contains("not in the log") })
        var other = record
        other.actor = "1002"
        #expect(Signature.linkProblems(s, actor: "2001", records: ["K1/E/7": other]).contains { $0.contains("not by its signer") })
        #expect(Signature.linkProblems(s, actor: "1002", records: ["K1/E/7": record]).contains { $0.contains("recorded by 1002") })
        // A meaning that is not the record's.
        var rejected = record
        rejected.event = .fpiFailed(FPIVerdictEvent(key: key, serial: "WO-1001-001"))
        #expect(Signature.linkProblems(s, actor: "2001", records: ["K1/E/7": rejected]).contains { $0.contains("its record is \"rejected") })
    }
}

extension Result {
    var failure: Failure? { if case .failure(let f) = self { return f }; return nil }
}

/// The audit trail's words for what each event changed and where.
@Suite struct AuditTrailTests {
    @Test func everyEventSaysWhatItChangedExceptNotesSignaturesAndUnknownOnes() {
        for e in EventCodecTests.samples() {
            let change = AuditTrail.change(of: e)
            switch e {
            case .noteAdded, .signatureApplied, .unknown: #expect(change == nil, "\(e.type)")
            default: #expect(change?.isEmpty == false, "\(e.type) says nothing")
            }
        }
    }

    @Test func transitionsReadOldToNewFromTheEventAlone() {
        #expect(AuditTrail.change(of: .stepStarted(StepStarted(serial: "S", step: "OP10", station: "ST-10"))) == "status: queued → running (OP10)")
        #expect(
            AuditTrail.change(of: .stepCompleted(StepCompleted(serial: "S", step: "OP10", station: "ST-10", next: "OP20")))
                == "step: OP10 → queued at OP20")
        #expect(AuditTrail.change(of: .stepCompleted(StepCompleted(serial: "S", step: "OP50", station: "ST-50", next: nil))) == "step: OP50 → done")
        #expect(AuditTrail.place(of: .stepStarted(StepStarted(serial: "S", step: "OP10", station: "ST-10"))) == "ST-10")
        // A new secret's hash is never printed, only that it changed.
        let set = DomainEvent.signingSecretSet(SigningSecretSet(badge: "2001", hash: "$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA", mustChange: false))
        #expect(AuditTrail.change(of: set) == "signing secret: → new hash")
        #expect(AuditTrail.meaning(of: .signatureApplied(SignatureRuleTests.sample())) == "approved (first piece)")
    }
}
