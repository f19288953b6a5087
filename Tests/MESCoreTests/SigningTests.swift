import Foundation
import Testing

@testable import MESCore

/// Signing rules: how strong a secret must be, who sets, resets and unlocks, and the lock after
/// five wrong secrets, which must hold wherever the wrong secrets were typed.
@Suite struct SigningTests {
    let inspector = Person(badge: "2001", name: "Chidi Okafor", role: .inspector)
    let hash = "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"

    @Test func aSecretMustBeLongVariedAndNotThePersonsOwn() {
        #expect(SigningRules.weakness("7391-52x", person: inspector) == nil)
        #expect(SigningRules.weakness("739152", person: inspector) == "a secret needs at least 8 characters")
        #expect(SigningRules.weakness("1111122222", person: inspector) == "a secret needs at least 3 different characters")
        #expect(SigningRules.weakness("1234567890", person: inspector) == "a secret cannot be a run like 12345678 or abcdefgh")
        #expect(SigningRules.weakness("hgfedcba", person: inspector) == "a secret cannot be a run like 12345678 or abcdefgh")
        #expect(SigningRules.weakness("x2001y9z", person: inspector) == "a secret cannot contain the badge")
        #expect(SigningRules.weakness("okafor#77", person: inspector) == "a secret cannot contain the person's name")
        #expect(SigningRules.weakness("ab\u{7}cdefgh", person: inspector) == "a secret cannot contain control characters")
        #expect(SigningRules.weakness("58203917", person: inspector) == "a secret of digits only needs at least 10 of them (or add letters)")
        #expect(SigningRules.weakness("5820391746", person: inspector) == nil)  // a long PIN for a numeric pad
    }

    @Test func aPersonSetsTheirOwnAndASupervisorResetsWhichForcesAChange() throws {
        var w = World()
        try w.ok(.setSigningSecret(badge: "2001", hash: hash), "2001", "ST-30")
        #expect(w.state.signing("2001")?.mustChange == false)
        #expect(SigningRules.signingRefusal(w.state.signing("2001"), person: inspector) == nil)
        // An operator may not set an inspector's; a supervisor may, and then the inspector must change it.
        #expect(try w.refused(.setSigningSecret(badge: "2001", hash: hash), "1001", "ST-30").codes == ["insufficient_role"])
        try w.ok(.setSigningSecret(badge: "2001", hash: hash), "9001", "ST-30")
        #expect(SigningRules.signingRefusal(w.state.signing("2001"), person: inspector)?.codes == ["secret_must_change"])
        // Only a hash is ever recorded.
        #expect(try w.refused(.setSigningSecret(badge: "2001", hash: "hunter22"), "2001", "ST-30").codes == ["bad_value"])
        #expect(SigningRules.needsCurrentSecret(by: "2001", for: "2001", state: w.state.signing("2001")))
        #expect(!SigningRules.needsCurrentSecret(by: "9001", for: "2001", state: w.state.signing("2001")))
        #expect(!SigningRules.needsCurrentSecret(by: "1002", for: "1002", state: w.state.signing("1002")))
        // Nobody without a secret signs.
        #expect(SigningRules.signingRefusal(w.state.signing("1002"), person: w.person("1002"))?.codes == ["no_secret"])
    }

    @Test func fiveWrongSecretsInARowLockAndASupervisorUnlocks() throws {
        var w = World()
        try w.ok(.setSigningSecret(badge: "2001", hash: hash), "2001", "ST-30")
        for _ in 1...4 { try w.ok(.signatureFailed(badge: "2001"), "2001", "ST-30") }
        #expect(w.state.signing("2001")?.locked == false)
        // A right secret ends the run.
        try w.ok(.signatureAccepted(badge: "2001"), "2001", "ST-30")
        #expect(w.state.signing("2001")?.failures == 0)
        for _ in 1...4 { try w.ok(.signatureFailed(badge: "2001"), "2001", "ST-30") }
        let fifth = try w.ok(.signatureFailed(badge: "2001"), "2001", "ST-30")
        #expect(fifth.map(\.type) == ["signing.failed", "signing.locked"])
        #expect(SigningRules.signingRefusal(w.state.signing("2001"), person: inspector)?.codes == ["signing_locked"])
        // Not by an inspector, not by oneself; a supervisor unlocks.
        #expect(try w.refused(.unlockSigning(badge: "2001"), "2001", "ST-30").codes == ["insufficient_role"])
        #expect(try w.refused(.unlockSigning(badge: "9001"), "9001", "ST-30").codes == ["own_request"])
        try w.ok(.unlockSigning(badge: "2001"), "9001", "ST-30")
        #expect(w.state.signing("2001")?.locked == false && w.state.signing("2001")?.failures == 0)
        #expect(try w.refused(.unlockSigning(badge: "2001"), "9001", "ST-30").codes == ["not_locked"])
    }

    @Test func wrongSecretsAtTwoOfflineKiosksLockOnceTheyExchange() throws {
        // Three wrong secrets at each kiosk, neither reaching five alone.
        var a = World(node: "K1"), b = World(node: "K2")
        let set = try a.ok(.setSigningSecret(badge: "2001", hash: hash), "2001", "ST-30")
        _ = set
        b.events = a.events
        for _ in 1...3 { a.advance(seconds: 1); try a.ok(.signatureFailed(badge: "2001"), "2001", "ST-30") }
        for _ in 1...3 { b.advance(seconds: 2); try b.ok(.signatureFailed(badge: "2001"), "2001", "ST-30") }
        #expect(a.state.signing("2001")?.locked == false && b.state.signing("2001")?.locked == false)
        let merged = a.events + b.events.filter { e in !a.events.contains { $0.id == e.id } }
        let one = PlantState.fold(merged), other = PlantState.fold(merged.reversed())
        #expect(one.signing("2001") == other.signing("2001"))
        #expect(one.signing("2001")?.locked == true && one.signing("2001")?.failures == 6)
    }
}
