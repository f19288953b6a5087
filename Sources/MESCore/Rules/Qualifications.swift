import Foundation

/// Whether a person holds a skill on a day: listed in `skills` (no expiry), or certified in
/// `qualifications` until its expiry date (the last day it holds). An expired certification
/// refuses the start like any blocker, with the date it ran out.
public enum Qualifications {
    public enum Status: Equatable, Sendable {
        case held
        /// Certified, but the certification ran out after this day.
        case expired(LocalDate)
        case missing
    }

    public static func status(of person: Person, skill: String, on day: LocalDate) -> Status {
        if person.skills.contains(skill) { return .held }
        let certs = (person.qualifications ?? []).filter { $0.skill == skill }
        guard let latest = certs.map(\.expires).max() else { return .missing }
        return latest >= day ? .held : .expired(latest)
    }

    /// Why `person` may not work a step needing `skill` on `day` (nil: they may).
    public static func refusal(of person: Person, skill: String, on day: LocalDate) -> RefusalReason? {
        switch status(of: person, skill: skill, on: day) {
        case .held: return nil
        case .missing: return RefusalReason(.missingSkill, "\(person.name) does not have the skill \(skill)")
        case .expired(let d):
            return RefusalReason(.qualificationExpired, "\(person.name)'s qualification for \(skill) expired on \(d) (renew the certification)")
        }
    }

    /// A person as the rules see them: the plant file's skills and certifications, with the acts
    /// signed at the console on top (a grant replaces the skill's certifications; a revoke removes
    /// the skill, listed or certified, until a later grant).
    public static func effective(_ person: Person, acts: [String: QualificationAct]?) -> Person {
        guard let acts, !acts.isEmpty else { return person }
        var p = person
        for (skill, act) in acts.sorted(by: { $0.key < $1.key }) {
            p.skills.removeAll { $0 == skill }
            var certs = (p.qualifications ?? []).filter { $0.skill != skill }
            if case .granted(let q) = act { certs.append(q) }
            p.qualifications = certs
        }
        return p
    }

    /// `person` with the acts their aggregate holds in `state` (one read).
    public static func effective(_ person: Person, in state: StateReader) throws -> Person {
        effective(person, acts: try state.signing(person.badge)?.qualificationActs)
    }

    /// Every person of `people` as the rules see them.
    public static func effective(_ people: [Person], in state: StateReader) throws -> [Person] {
        try people.map { try effective($0, in: state) }
    }

    /// Who may certify or revoke `target`'s skill: a supervisor, for someone else.
    public static func actRefusal(by actor: Person, for target: Person, skill: String) -> Refusal? {
        if actor.role < .supervisor { return Refusal(.insufficientRole, "certifying or revoking a qualification needs a supervisor") }
        if actor.badge == target.badge { return Refusal(.ownRequest, "a supervisor cannot certify or revoke their own qualification") }
        if skill.trimmingCharacters(in: .whitespaces).isEmpty { return Refusal(.badValue, "which skill?") }
        return nil
    }

    /// One certification that runs out within the window, or has run out.
    public struct Expiry: Equatable, Sendable {
        public var person: Person
        public var qualification: Qualification
        /// Days from `today` to the expiry date (negative: expired that many days ago).
        public var daysLeft: Int
        public var expired: Bool { daysLeft < 0 }
    }

    /// Every certification that has expired or expires within `days` of `today`, soonest first
    /// (a skill renewed by a later certification is not listed for its old one).
    public static func expiring(_ people: [Person], within days: Int, today: LocalDate) -> [Expiry] {
        var out: [Expiry] = []
        for p in people {
            var latest: [String: Qualification] = [:]
            for q in p.qualifications ?? [] where latest[q.skill].map({ q.expires > $0.expires }) ?? true { latest[q.skill] = q }
            for q in latest.values.sorted(by: { $0.skill < $1.skill }) where !p.skills.contains(q.skill) {
                let left = today.days(until: q.expires)
                if left <= days { out.append(Expiry(person: p, qualification: q, daysLeft: left)) }
            }
        }
        return out.sorted { ($0.daysLeft, $0.person.badge, $0.qualification.skill) < ($1.daysLeft, $1.person.badge, $1.qualification.skill) }
    }
}

/// A qualification act signed at the console: a certification given, or the skill withdrawn.
public enum QualificationAct: Codable, Equatable, Sendable {
    case granted(Qualification)
    case revoked(reason: String)
}
