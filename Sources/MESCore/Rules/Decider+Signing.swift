import Foundation

// Signing: a person's secret (as its hash), wrong secrets and the lock. One family of
// `Decider.events`. Whether a secret is right is checked by LocalStore against the hash; these
// record what came of it.
extension Decider {
    static func signingCommands(
        _ command: Command, _ a: Actor, _ person: Person, _ station: Station, _ plant: PlantIndex, _ state: StateReader,
        _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        func target(_ badge: String) throws -> Person {
            guard let p = plant.people[badge] else { throw Refusal(.unknownBadge, "no person with badge \(badge)") }
            return p
        }
        switch command {
        case .setSigningSecret(let badge, let hash):
            let who = try target(badge)
            if let r = SigningRules.setRefusal(by: person, for: who) { throw r }
            guard hash.hasPrefix("$scrypt$") || hash.hasPrefix("$pbkdf2") else {
                throw Refusal(.badValue, "a signing secret is recorded only as a salted hash")
            }
            return [.signingSecretSet(SigningSecretSet(badge: badge, hash: hash, mustChange: person.badge != badge))]
        case .signatureFailed(let badge):
            _ = try target(badge)
            let before = try state.signing(badge) ?? SigningState(badge: badge)
            var out: [DomainEvent] = [.signatureFailed(SigningAttempt(badge: badge, station: station.id))]
            if !before.locked, before.failures + 1 >= SigningRules.lockAfter { out.append(.signingLocked(SigningPerson(badge: badge))) }
            return out
        case .signatureAccepted(let badge):
            _ = try target(badge)
            guard let s = try state.signing(badge), s.failures > 0, !s.locked else { return [] }
            return [.signatureAccepted(SigningAttempt(badge: badge, station: station.id))]
        case .unlockSigning(let badge):
            let who = try target(badge)
            if let r = SigningRules.unlockRefusal(by: person, for: who, state: try state.signing(badge)) { throw r }
            return [.signingUnlocked(SigningPerson(badge: badge))]
        case .qualify(let badge, let skill, let certified, let expires):
            let who = try target(badge)
            if let r = Qualifications.actRefusal(by: person, for: who, skill: skill) { throw r }
            guard expires >= certified else { throw Refusal(.badValue, "the certification expires (\(expires)) before it was given (\(certified))") }
            return [
                .qualificationGranted(
                    QualificationGranted(badge: badge, qualification: Qualification(skill: skill, certified: certified, expires: expires)))
            ]
        case .revokeQualification(let badge, let skill, let reason):
            let who = try target(badge)
            if let r = Qualifications.actRefusal(by: person, for: who, skill: skill) { throw r }
            let held = try Qualifications.effective(who, in: state)
            guard held.skills.contains(skill) || (held.qualifications ?? []).contains(where: { $0.skill == skill }) else {
                throw Refusal(.badValue, "\(who.name) has no qualification for \(skill) to revoke")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw Refusal(.needsReason, "revoking a qualification needs a reason") }
            return [.qualificationRevoked(QualificationRevoked(badge: badge, skill: skill, reason: reason))]
        default:
            throw Refusal(.unknownCommand, "\(command) is not a command of this family")
        }
    }
}
