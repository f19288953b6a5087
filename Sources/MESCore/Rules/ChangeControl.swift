import Foundation

/// Change control of master data. A routing version, once loaded, is what work orders released
/// under it follow: its steps never change afterwards. A change is a new version. (Its status and
/// effective date may still move: draft → approved → obsolete.)
public enum ChangeControl {
    /// One difference between a routing version already loaded and the same version in a file.
    public struct RoutingChange: Equatable, Sendable, CustomStringConvertible {
        public var routing: String
        public var version: Int
        /// The step concerned (nil: the list of steps itself).
        public var step: String?
        public var what: String
        public var description: String {
            "routing \(routing) version \(version)" + (step.map { " step \($0)" } ?? "") + ": \(what)"
        }
    }

    /// Every change `incoming` makes to a version in `known` (the versions ever loaded). Empty
    /// when none: new versions and status or date changes are not changes of content.
    public static func routingChanges(known: [Routing], incoming: [Routing]) -> [RoutingChange] {
        var byKey: [String: Routing] = [:]
        for r in known { byKey["\(r.id)@\(r.version)"] = r }
        var out: [RoutingChange] = []
        for new in incoming {
            guard let old = byKey["\(new.id)@\(new.version)"], old.steps != new.steps else { continue }
            func add(_ step: String?, _ what: String) { out.append(RoutingChange(routing: new.id, version: new.version, step: step, what: what)) }
            let oldIDs = old.steps.map(\.id), newIDs = new.steps.map(\.id)
            for id in newIDs where !oldIDs.contains(id) { add(id, "added") }
            for id in oldIDs where !newIDs.contains(id) { add(id, "removed") }
            if oldIDs.filter(newIDs.contains) != newIDs.filter(oldIDs.contains) { add(nil, "steps in another order") }
            for n in new.steps {
                guard let o = old.step(n.id), o != n else { continue }
                for what in stepChanges(o, n) { add(n.id, what) }
            }
        }
        return out
    }

    static func stepChanges(_ o: Step, _ n: Step) -> [String] {
        var out: [String] = []
        func field<T: Equatable>(_ name: String, _ a: T, _ b: T, show: (T) -> String) {
            if a != b { out.append("\(name) \(show(a)) → \(show(b))") }
        }
        field("name", o.name, n.name) { "\"\($0)\"" }
        field("work center", o.workCenter, n.workCenter) { $0 }
        field("skill", o.skill, n.skill) { $0 ?? "none" }
        field("role", o.role, n.role) { $0.label }
        field("setup minutes", o.setupMin, n.setupMin) { "\($0)" }
        field("run minutes", o.runMin, n.runMin) { "\($0)" }
        if o.instructions != n.instructions { out.append("instructions changed") }
        if o.materials != n.materials { out.append("materials changed") }
        field("first-piece rule", o.firstPiece, n.firstPiece) { $0.rawValue }
        field("sign-off", o.signoff, n.signoff) { $0 ? "required" : "none" }
        if o.onFail != n.onFail { out.append("on-fail rule changed") }
        if o.next != n.next { out.append("next steps changed") }
        let oc = Dictionary(o.measurements.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let nc = Dictionary(n.measurements.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for c in n.measurements where oc[c.id] == nil { out.append("characteristic \(c.id) added") }
        for c in o.measurements where nc[c.id] == nil { out.append("characteristic \(c.id) removed") }
        for c in n.measurements {
            guard let was = oc[c.id], was != c else { continue }
            func limits(_ x: Characteristic) -> String { "\(x.lower.map { "\($0)" } ?? "-") .. \(x.upper.map { "\($0)" } ?? "-")" }
            if was.lower != c.lower || was.upper != c.upper || was.nominal != c.nominal {
                out.append("characteristic \(c.id) tolerance \(limits(was)) → \(limits(c))")
            }
            if was.sample != c.sample { out.append("characteristic \(c.id) sampling changed") }
            if was.kind != c.kind || was.unit != c.unit || was.name != c.name || was.balloon != c.balloon {
                out.append("characteristic \(c.id) changed")
            }
        }
        return out.isEmpty ? ["changed"] : out
    }
}
