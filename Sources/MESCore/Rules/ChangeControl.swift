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
        for r in known { byKey[PlantState.routingKey(r.id, r.version)] = r }
        var out: [RoutingChange] = []
        for new in incoming {
            guard let old = byKey[PlantState.routingKey(new.id, new.version)], old.steps != new.steps else { continue }
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
            if (was.requireGauge ?? false) != (c.requireGauge ?? false) { out.append("characteristic \(c.id) gauge requirement changed") }
            if was.kind != c.kind || was.unit != c.unit || was.name != c.name || was.balloon != c.balloon {
                out.append("characteristic \(c.id) changed")
            }
        }
        return out.isEmpty ? ["changed"] : out
    }
}

/// What loading a plant file would change, for `floor plant diff`: each list's entries added,
/// removed or changed (by id), and for a routing version already loaded, each change of its steps.
public struct PlantDiff: Equatable, Sendable {
    public struct Entry: Equatable, Sendable, Codable {
        public enum Change: String, Codable, Sendable { case added, removed, changed }
        /// `person`, `station`, `equipment`, `material`, `part`, `routing`, `work_center`, `shift`, `plant`.
        public var kind: String
        public var id: String
        public var change: Change
        /// For a changed routing version already loaded: what changed (a load would be refused).
        public var details: [String]
    }
    public var entries: [Entry]
    public var isEmpty: Bool { entries.isEmpty }
    /// Whether the load would be refused (a loaded routing version changed).
    public var refused: Bool { entries.contains { $0.kind == "routing" && $0.change == .changed && !$0.details.isEmpty } }

    /// `current` is the plant loaded now (nil: none), `known` every routing version ever loaded.
    public static func between(current: Plant?, known: [Routing], new: Plant) -> PlantDiff {
        var out: [Entry] = []
        func compare<T: Equatable>(_ kind: String, _ old: [T], _ new: [T], id: (T) -> String) {
            let o = Dictionary(old.map { (id($0), $0) }, uniquingKeysWith: { a, _ in a })
            let n = Dictionary(new.map { (id($0), $0) }, uniquingKeysWith: { a, _ in a })
            for k in n.keys.sorted() {
                if let was = o[k] {
                    if was != n[k]! { out.append(Entry(kind: kind, id: k, change: .changed, details: [])) }
                } else {
                    out.append(Entry(kind: kind, id: k, change: .added, details: []))
                }
            }
            for k in o.keys.sorted() where n[k] == nil { out.append(Entry(kind: kind, id: k, change: .removed, details: [])) }
        }
        let c = current
        if let c, c.id != new.id || c.name != new.name || c.timezone != new.timezone || c.reasons != new.reasons {
            out.append(Entry(kind: "plant", id: new.id, change: .changed, details: []))
        }
        compare("shift", c?.shifts ?? [], new.shifts) { $0.id }
        compare("person", c?.people ?? [], new.people) { $0.badge }
        compare("work_center", c?.workCenters ?? [], new.workCenters) { $0.id }
        compare("equipment", c?.equipment ?? [], new.equipment) { $0.id }
        compare("station", c?.stations ?? [], new.stations) { $0.id }
        compare("material", c?.materials ?? [], new.materials) { $0.id }
        compare("part", c?.parts ?? [], new.parts) { $0.id }
        // Routings by version, against every version ever loaded (a version left out of the file
        // stays known: work orders keep it).
        let knownKeys = Dictionary(known.map { (PlantState.routingKey($0.id, $0.version), $0) }, uniquingKeysWith: { a, _ in a })
        let changes = ChangeControl.routingChanges(known: known, incoming: new.routings)
        for r in new.routings.sorted(by: { ($0.id, $0.version) < ($1.id, $1.version) }) {
            let key = PlantState.routingKey(r.id, r.version)
            guard let was = knownKeys[key] else { out.append(Entry(kind: "routing", id: key, change: .added, details: [])); continue }
            let mine = changes.filter { $0.routing == r.id && $0.version == r.version }.map { c in (c.step.map { "\($0): " } ?? "") + c.what }
            if !mine.isEmpty || was != r { out.append(Entry(kind: "routing", id: key, change: .changed, details: mine)) }
        }
        return PlantDiff(entries: out)
    }
}
