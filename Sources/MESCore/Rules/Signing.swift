import Foundation

/// A person's signing, folded from their aggregate (`person:<badge>`): the hash of their secret,
/// the run of wrong secrets, the lock. Wrong secrets count in canonical order, so two kiosks that
/// each saw wrong secrets while offline agree, after they exchange, on where the run stands.
public struct SigningState: Codable, Equatable, Sendable {
    public var badge: String
    /// The secret's hash (PHC string); nil until one is set.
    public var hash: String?
    /// A supervisor reset it: the person chooses their own before signing anything else.
    public var mustChange = false
    /// Wrong secrets since the last right one (or the last unlock, or new secret).
    public var failures = 0
    public var locked = false
    /// Qualification acts signed at the console, the last per skill, applied on top of the plant
    /// file's list (`Qualifications.effective`). nil: none.
    public var qualificationActs: [String: QualificationAct]?
    public init(badge: String) { self.badge = badge }

    public mutating func apply(_ r: RecordedEvent) {
        switch r.event {
        case .signingSecretSet(let e):
            hash = e.hash; mustChange = e.mustChange
            failures = 0; locked = false
        case .signatureFailed:
            failures += 1
            if failures >= SigningRules.lockAfter { locked = true }
        case .signatureAccepted:
            if !locked { failures = 0 }
        case .signingLocked:
            locked = true
        case .signingUnlocked:
            locked = false; failures = 0
        case .qualificationGranted(let e):
            qualificationActs = (qualificationActs ?? [:]).merging([e.qualification.skill: .granted(e.qualification)]) { $1 }
        case .qualificationRevoked(let e):
            qualificationActs = (qualificationActs ?? [:]).merging([e.skill: .revoked(reason: e.reason)]) { $1 }
        default:
            break
        }
    }
}

/// What a secret must be, and who may sign, set, reset and unlock. Pure: the hashing itself is
/// LocalStore's (`SigningSecrets`), which asks these first.
public enum SigningRules {
    /// Wrong secrets in a row that lock a person's signing until a supervisor unlocks it.
    public static let lockAfter = 5
    /// The shortest secret accepted. A kiosk verifies offline, so its store holds every signer's
    /// hash: what protects a secret from someone who stole a kiosk's disk is its length and the
    /// hash's cost (`docs/signatures.md` works out the guesses).
    public static let minimumLength = 8
    /// The shortest secret of digits only (a numeric pad's PIN): 10^10 guesses at the standard
    /// cost is decades of one core, where 10^8 would be months.
    public static let minimumDigits = 10

    /// Why `secret` is not good enough for `person` (nil: it is).
    public static func weakness(_ secret: String, person: Person) -> String? {
        let chars = Array(secret)
        if chars.count < minimumLength { return "a secret needs at least \(minimumLength) characters" }
        if chars.allSatisfy(\.isASCIIDigit), chars.count < minimumDigits {
            return "a secret of digits only needs at least \(minimumDigits) of them (or add letters)"
        }
        if Set(chars).count < 3 { return "a secret needs at least 3 different characters" }
        let scalars = secret.unicodeScalars.map(\.value)
        // A run up or down (digits wrap: 1234567890 is a run too).
        let digits = chars.allSatisfy(\.isASCIIDigit)
        let steps = zip(scalars.dropFirst(), scalars).map { pair -> Int64 in
            let d = Int64(pair.0) - Int64(pair.1)
            return digits ? (d + 10) % 10 : d
        }
        let run: Set<Int64> = digits ? [1, 9] : [1, -1]
        if Set(steps).count == 1, let step = steps.first, run.contains(step) { return "a secret cannot be a run like 12345678 or abcdefgh" }
        let lower = secret.lowercased()
        if lower.contains(person.badge.lowercased()) && person.badge.count >= 3 { return "a secret cannot contain the badge" }
        for word in person.name.lowercased().split(whereSeparator: { !$0.isLetter }) where word.count >= 3 && lower.contains(word) {
            return "a secret cannot contain the person's name"
        }
        if secret.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a secret cannot contain control characters"
        }
        return nil
    }

    /// Whether `person` may sign now, as far as their signing state goes (nil: yes).
    public static func signingRefusal(_ state: SigningState?, person: Person) -> Refusal? {
        guard let state, state.hash != nil else {
            return Refusal(.noSecret, "\(person.name) has no signing secret yet: set one with floor people set-secret \(person.badge)")
        }
        if state.locked {
            return Refusal(.signingLocked, "\(person.name)'s signing is locked after \(lockAfter) wrong secrets: a supervisor unlocks it")
        }
        if state.mustChange {
            return Refusal(.secretMustChange, "\(person.name)'s secret was reset by a supervisor: choose a new one first")
        }
        return nil
    }

    /// Who may set `target`'s secret: the person themself (whose old secret, if any, the caller
    /// has checked), or a supervisor resetting someone else's (the person must then change it).
    public static func setRefusal(by actor: Person, for target: Person) -> Refusal? {
        if actor.badge == target.badge || actor.role >= .supervisor { return nil }
        return Refusal(.insufficientRole, "only \(target.name) or a supervisor may set \(target.name)'s signing secret")
    }

    /// Whether setting `target`'s secret needs their current one first: when they set their own
    /// and have one (a supervisor's reset needs none: the supervisor signs for it).
    public static func needsCurrentSecret(by actor: String, for target: String, state: SigningState?) -> Bool {
        actor == target && state?.hash != nil
    }

    /// A supervisor unlocks someone else's signing.
    public static func unlockRefusal(by actor: Person, for target: Person, state: SigningState?) -> Refusal? {
        if actor.role < .supervisor { return Refusal(.insufficientRole, "unlocking signing needs a supervisor") }
        if actor.badge == target.badge { return Refusal(.ownRequest, "a supervisor cannot unlock their own signing") }
        guard state?.locked == true else { return Refusal(.notLocked, "\(target.name)'s signing is not locked") }
        return nil
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
