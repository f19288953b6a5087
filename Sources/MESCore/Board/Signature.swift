import Foundation

/// Electronic signatures (21 CFR Part 11): which records are signatures, what each means, the
/// manifestation a signature carries (§11.50) and the checks that bind it to its records (§11.70).
/// Whether a secret is right is LocalStore's to check (`SigningSecrets`); these are the rules.
public enum Signature {
    /// The meaning of a signed record (nil: the event is not a signature).
    public static func meaning(of event: DomainEvent) -> String? {
        switch event {
        case .dispositionDecided(let e): return "dispositioned (\(e.kind.rawValue))"
        case .fpiPassed: return "approved (first piece)"
        case .fpiFailed: return "rejected (first piece)"
        case .fpiWaived: return "waived (first piece)"
        case .overrideRequested: return "requested (override)"
        case .overrideApproved: return "approved (override)"
        case .stepUndone(let e) where e.approvedBy != nil: return "approved (undo)"
        case .workOrderHeld: return "held (work order)"
        case .workOrderHoldReleased, .partHoldReleased, .lotHoldReleased: return "released (hold)"
        case .lotHeld: return "held (lot)"
        case .workOrderCancelled: return "cancelled (work order)"
        case .workOrderPriority: return "prioritized (work order)"
        case .signingUnlocked: return "unlocked (signing)"
        case .routingApproved: return "approved (routing version)"
        case .stepCompleted(let e) where e.signoffBy != nil: return signoffMeaning
        case .qualificationGranted: return "certified (qualification)"
        case .qualificationRevoked: return "revoked (qualification)"
        case .quality(let q): return q.signatureMeaning
        default: return nil
        }
    }

    /// The types of the records `meaning(of:)` may call signatures (readers that scan the whole log
    /// decode only these).
    public static let signedTypes: Set<String> = Set([
        "disposition.decided", "fpi.passed", "fpi.failed", "fpi.waived", "override.requested", "override.approved", "step.undone",
        "wo.held", "wo.hold_released", "part.hold_released", "lot.hold_released", "lot.held", "wo.cancelled", "wo.priority", "signing.unlocked",
        "routing.approved", "qualification.granted", "qualification.revoked", "step.completed",
    ]).union(QualityEvent.signedTypes)

    /// The meaning of an inspector's sign-off of a step (`signoff: true`), given as it completes.
    public static let signoffMeaning = "reviewed (step sign-off)"

    /// The meaning a command will carry, shown before the person signs. Commands that are not
    /// signatures are "recorded" (the console confirms them without a secret).
    public static func meaning(of command: Command) -> String {
        switch command {
        case .disposition(_, let kind, _, _, _, _): return "dispositioned (\(kind.rawValue))"
        case .fpiPass: return "approved (first piece)"
        case .fpiFail: return "rejected (first piece)"
        case .fpiWaive: return "waived (first piece)"
        case .requestOverride: return "requested (override)"
        case .approveOverride: return "approved (override)"
        case .undo: return "approved (undo)"
        case .holdWorkOrder: return "held (work order)"
        case .releaseWorkOrder, .releaseHold: return "released (hold)"
        case .cancelWorkOrder: return "cancelled (work order)"
        case .setPriority: return "prioritized (work order)"
        case .unlockSigning: return "unlocked (signing)"
        case .approveRouting: return "approved (routing version)"
        // A completion is a signature only at a sign-off step (the Decider asks it there).
        case .complete: return signoffMeaning
        case .qualify: return "certified (qualification)"
        case .revokeQualification: return "revoked (qualification)"
        case .acknowledgeAndon: return "acknowledged (andon)"
        case .clearAndon: return "cleared (andon)"
        case .hold: return "held (part)"
        case .scrap: return "scrapped"
        case .note: return "noted"
        case .quality(let q): return q.meaning
        default: return "recorded"
        }
    }

    /// Commands whose record is always a signature, whoever gives it: first-piece verdicts,
    /// dispositions, hold releases, override requests and approvals, work-order holds, releases,
    /// cancellations and priorities, unlocking someone's signing. (An undo is one only when it
    /// needs a supervisor's approval: the Decider asks for the signature then.)
    public static func isSigned(_ command: Command) -> Bool {
        switch command {
        case .fpiPass, .fpiFail, .fpiWaive, .disposition, .releaseHold, .requestOverride, .approveOverride, .holdWorkOrder,
            .releaseWorkOrder, .cancelWorkOrder, .setPriority, .unlockSigning, .approveRouting, .qualify, .revokeQualification:
            return true
        case .quality(let q):
            return q.isSigned
        default:
            return false
        }
    }

    /// Whether a decision's events hold a signed record, so that the signature given for it is
    /// recorded after them (an undo that turned out to be the operator's own holds none).
    public static func signs(_ events: [DomainEvent]) -> Bool { events.contains { meaning(of: $0) != nil } }

    /// Whether a screen asks for a signature before sending `command`: every signed command,
    /// and an undo (which the Decider makes a signature when it needs a supervisor's approval,
    /// as every undo from the console does).
    public static func asksSignature(_ command: Command) -> Bool {
        if case .undo = command { return true }
        return isSigned(command)
    }

    /// A signed record decided without its signer's signature given for it (nil: signed, or no
    /// signature needed). `signedBy` is the badge whose badge + secret were verified for this
    /// command.
    public static func missing(_ command: Command, by person: Person, signedBy: String?) -> Refusal? {
        guard isSigned(command) else { return nil }
        return missing(meaning(of: command), by: person, signedBy: signedBy)
    }

    /// The refusal for a record with `meaning` that `person` has not signed now (nil: signed).
    public static func missing(_ meaning: String, by person: Person, signedBy: String?) -> Refusal? {
        if signedBy == person.badge { return nil }
        return Refusal(.signatureRequired, "\(meaning) is a signature: \(person.name) signs it with badge and secret")
    }

    /// A signature's manifestation: `command`'s meaning, signed by `signer` at `at` (the plant's
    /// local time with its offset and zone), over `records`.
    public static func manifest(
        of command: Command, signer: Person, at: Date, timeZone: TimeZone, method: SignatureMethod, records: [SignedRecord],
        aggregate: String
    ) -> SignatureApplied {
        SignatureApplied(
            aggregate: aggregate, badge: signer.badge, name: signer.name, meaning: meaning(of: command),
            signedAt: ISO8601.format(at, timeZone: timeZone), zone: timeZone.identifier, method: method, records: records)
    }

    /// The three elements in one line: `Sofia Marino (201) · approved (first piece) ·
    /// 2026-12-02T10:15:03+01:00 Europe/Berlin`, then the hash's first 12 hex digits.
    public static func manifestation(_ s: SignatureApplied, hash: Bool = true) -> String {
        var text = "\(s.name) (\(s.badge)) · \(s.meaning) · \(s.signedAt) \(s.zone)"
        if s.method != .badgeAndSecret { text += " · \(s.method.rawValue)" }
        if hash, let first = s.records.first { text += " · sha256 \(first.hash.prefix(12))" }
        return Sanitize.line(text)
    }

    /// What the audit knows of one record a signature names.
    public struct RecordFacts: Sendable {
        public var type: String
        public var actor: String
        /// The SHA-256 of its canonical text, as recomputed now (not as stored).
        public var hash: String
        public var event: DomainEvent
        public init(type: String, actor: String, hash: String, event: DomainEvent) {
            self.type = type; self.actor = actor; self.hash = hash; self.event = event
        }
    }

    /// Why a signature does not hold (empty: it does): it names no record, a record that is not
    /// stored, a record whose content no longer hashes to what was signed, a record by someone
    /// else, or a meaning that is not the record's. `actor` is the signature event's own actor.
    public static func linkProblems(_ s: SignatureApplied, actor: String, records: [String: RecordFacts]) -> [String] {
        var out: [String] = []
        if s.records.isEmpty { out.append("the signature names no record") }
        if actor != s.badge { out.append("the signature of \(s.badge) was recorded by \(actor.isEmpty ? "nobody" : actor)") }
        var meanings: [String] = []
        for r in s.records {
            guard let f = records[r.event] else {
                out.append("the signed record \(r.event) is not in the log")
                continue
            }
            if f.type != r.type { out.append("the signed record \(r.event) is a \(f.type), not the \(r.type) signed") }
            if f.hash != r.hash { out.append("the content of \(r.event) does not match the hash signed (changed after signing?)") }
            if f.actor != s.badge { out.append("\(r.event) was recorded by \(f.actor), not by its signer \(s.badge)") }
            if let m = meaning(of: f.event) { meanings.append(m) }
        }
        if let m = meanings.first, m != s.meaning { out.append("the signature means \"\(s.meaning)\" but its record is \"\(m)\"") }
        return out.map(Sanitize.line)
    }
}
