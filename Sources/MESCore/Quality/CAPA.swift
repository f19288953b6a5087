import Foundation

/// Where a CAPA comes from.
public enum CAPASource: String, Codable, CaseIterable, Sendable { case ncr, audit, complaint, other }

public struct CAPAOpened: Codable, Equatable, Sendable {
    public var number: String
    public var source: CAPASource
    public var ncrs: [String]
    public var owner: String
    public var due: LocalDate
    public var problem: String
    public init(number: String, source: CAPASource, ncrs: [String], owner: String, due: LocalDate, problem: String) {
        self.number = number; self.source = source; self.ncrs = ncrs; self.owner = owner; self.due = due; self.problem = problem
    }
}

/// Containment, root cause (method and text), owner or due date written; NCRs added (nil: unchanged).
public struct CAPAUpdated: Codable, Equatable, Sendable {
    public var number: String
    public var containment: String?
    public var rootCauseMethod: String?
    public var rootCause: String?
    public var owner: String?
    public var due: LocalDate?
    public var addNCRs: [String]
    public init(
        number: String, containment: String? = nil, rootCauseMethod: String? = nil, rootCause: String? = nil, owner: String? = nil,
        due: LocalDate? = nil, addNCRs: [String] = []
    ) {
        self.number = number; self.containment = containment; self.rootCauseMethod = rootCauseMethod; self.rootCause = rootCause
        self.owner = owner; self.due = due; self.addNCRs = addNCRs
    }
}

public struct CAPAActionAdded: Codable, Equatable, Sendable {
    public var number: String
    /// Unique without coordination (two nodes may add actions at once); shown as A1, A2 … in order.
    public var action: String
    public var text: String
    public var owner: String
    public var due: LocalDate
    public init(number: String, action: String, text: String, owner: String, due: LocalDate) {
        self.number = number; self.action = action; self.text = text; self.owner = owner; self.due = due
    }
}

public struct CAPAActionDone: Codable, Equatable, Sendable {
    public var number: String
    public var action: String
    public var note: String
    public init(number: String, action: String, note: String) { self.number = number; self.action = action; self.note = note }
}

public struct CAPAEffectiveness: Codable, Equatable, Sendable {
    public var number: String
    /// What was checked (e.g. "no DIM NCR on BRK-7741 for 30 days").
    public var check: String
    public var passed: Bool
    public var note: String
    public init(number: String, check: String, passed: Bool, note: String) {
        self.number = number; self.check = check; self.passed = passed; self.note = note
    }
}

public struct CAPAClosed: Codable, Equatable, Sendable {
    public var number: String
    public var note: String
    public init(number: String, note: String = "") { self.number = number; self.note = note }
}

extension AggregateID {
    /// A corrective and preventive action: `capa:CAPA-261202-K07-1`.
    public static func capa(_ number: String) -> AggregateID { AggregateID(rawValue: "capa:" + number) }
}

public struct CAPAActionState: Codable, Equatable, Sendable {
    public var id: String
    public var text: String
    public var owner: String
    public var due: LocalDate
    public var addedBy: String
    public var doneBy: String?
    public var doneAt: Int64?
    public var note: String?
}

public struct CAPACheck: Codable, Equatable, Sendable {
    public var check: String
    public var passed: Bool
    public var note: String
    public var by: String
    public var at: Int64
}

/// A CAPA folded from its `capa.*` events in canonical order. Actions added on two nodes at once
/// both stand; the first close stands and a later act is listed as a conflict.
public struct CAPAState: Codable, Equatable, Sendable {
    public var number: String
    public var opened: CAPAOpened?
    public var openedBy: String = ""
    public var openedAt: Int64 = 0
    public var ncrs: [String] = []
    public var owner: String = ""
    public var due: LocalDate?
    public var containment: String = ""
    public var rootCauseMethod: String = ""
    public var rootCause: String = ""
    public var actions: [CAPAActionState] = []
    /// Every effectiveness check recorded, last is the one in force.
    public var checks: [CAPACheck] = []
    public var closedBy: String?
    public var closedAt: Int64?
    public var conflicts: [Conflict] = []
    public init(number: String) { self.number = number }

    public var isOpen: Bool { closedAt == nil }

    public mutating func apply(_ r: RecordedEvent) {
        guard case .quality(let q) = r.event else { return }
        func conflict(_ text: String) {
            conflicts.append(Conflict(event: r.id, aggregate: AggregateID.capa(number).rawValue, at: r.millis, text: text))
        }
        if closedAt != nil, q.type != "capa.opened" { return conflict("\(q.type) after the CAPA was closed; the closed record stands") }
        switch q {
        case .capaOpened(let e):
            guard opened == nil else { return conflict("opened again under the same number; the first stands") }
            opened = e; openedBy = r.actor; openedAt = r.millis
            ncrs = e.ncrs; owner = e.owner; due = e.due
        case .capaUpdated(let e):
            if let v = e.containment { containment = v }
            if let v = e.rootCauseMethod { rootCauseMethod = v }
            if let v = e.rootCause { rootCause = v }
            if let v = e.owner { owner = v }
            if let v = e.due { due = v }
            for n in e.addNCRs where !ncrs.contains(n) { ncrs.append(n) }
        case .capaActionAdded(let e):
            guard !actions.contains(where: { $0.id == e.action }) else { return }
            actions.append(CAPAActionState(id: e.action, text: e.text, owner: e.owner, due: e.due, addedBy: r.actor))
        case .capaActionDone(let e):
            guard let i = actions.firstIndex(where: { $0.id == e.action }) else { return conflict("action \(e.action) done but never added here") }
            guard actions[i].doneAt == nil else { return }
            actions[i].doneBy = r.actor; actions[i].doneAt = r.millis; actions[i].note = e.note
        case .capaEffectiveness(let e):
            checks.append(CAPACheck(check: e.check, passed: e.passed, note: e.note, by: r.actor, at: r.millis))
        case .capaClosed:
            closedBy = r.actor; closedAt = r.millis
        default:
            break
        }
    }
}

/// A CAPA's states and what moves it on, in words and as rules.
public enum CAPARules {
    public enum Phase: String, Sendable {
        case rootCause = "root cause", actions, effectiveness, readyToClose = "ready to close", closed
    }

    /// Where the CAPA stands: what it waits for next.
    public static func phase(_ c: CAPAState) -> Phase {
        if !c.isOpen { return .closed }
        if c.rootCause.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .rootCause }
        if c.actions.isEmpty || c.actions.contains(where: { $0.doneAt == nil }) { return .actions }
        if c.checks.last?.passed != true { return .effectiveness }
        return .readyToClose
    }

    public static func isOverdue(_ c: CAPAState, today: LocalDate) -> Bool { c.isOpen && (c.due.map { $0 < today } ?? false) }

    /// "OVERDUE 12 days" / "due in 3 days" / "due today".
    public static func dueText(_ c: CAPAState, today: LocalDate, calendar: PlantCalendar) -> String {
        guard let due = c.due, c.isOpen else { return "" }
        let days = Int((calendar.startOfDay(due).timeIntervalSince(calendar.startOfDay(today)) / 86_400).rounded())
        if days < 0 { return "OVERDUE \(-days) day\(days == -1 ? "" : "s")" }
        return days == 0 ? "due today" : "due in \(days) day\(days == 1 ? "" : "s")"
    }

    /// Why `c` may not close now, every reason: root cause, actions, all done, an effectiveness check passed, the role.
    public static func closeRefusal(_ c: CAPAState, by person: Person, role: Role) -> Refusal? {
        var r: [RefusalReason] = []
        if person.role < role {
            r.append(
                RefusalReason(.insufficientRole, "\(person.name) (\(person.role.label)) may not close a CAPA: the plant names a(n) \(role.label)"))
        }
        if !c.isOpen { r.append(RefusalReason(.capaClosed, "\(c.number) is closed already")) }
        if c.rootCause.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            r.append(RefusalReason(.capaIncomplete, "\(c.number) has no root cause written"))
        }
        let open = c.actions.enumerated().filter { $0.element.doneAt == nil }.map { "A\($0.offset + 1)" }
        if c.actions.isEmpty { r.append(RefusalReason(.capaIncomplete, "\(c.number) has no action")) }
        if !open.isEmpty { r.append(RefusalReason(.capaIncomplete, "actions not done: \(open.joined(separator: ", "))")) }
        if c.checks.last?.passed != true {
            r.append(
                RefusalReason(
                    .capaIncomplete,
                    c.checks.isEmpty ? "no effectiveness check recorded" : "the last effectiveness check failed: \(c.checks.last!.check)"))
        }
        return r.isEmpty ? nil : Refusal(r)
    }
}
