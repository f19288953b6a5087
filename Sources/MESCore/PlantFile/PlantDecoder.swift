import Foundation

/// Turns a parsed plant file (`SourceNode`, positions kept) into a validated `Plant`, or into every
/// problem found in it: file, line, column, field path and message (`docs/plant-file.md`).
public enum PlantDecoder {
    public static func decode(_ root: SourceNode, file: String) -> Result<Plant, FileProblems> {
        var d = PlantDecoding(file: file)
        let plant = d.decodePlant(root)
        if let plant, d.problems.isEmpty { return .success(plant) }
        if d.problems.isEmpty {
            d.report(root, "plant", "the plant file could not be read")
        }
        return .failure(FileProblems(d.sortedProblems()))
    }
}

// MARK: - Keys

/// Every key the plant-file decoder accepts, by the mapping it belongs to (the reference in
/// `docs/plant-file.md` is checked against this table).
public enum PlantFileKeys {
    public static let top = [
        "plant", "shifts", "reasons", "people", "work_centers", "equipment", "stations",
        "materials", "parts", "routings", "change_control", "quality", "spc",
    ]
    public static let quality = ["defects", "require_receipt", "close_capa"]
    public static let defect = ["code", "label", "severity"]
    public static let spc = ["set_limits", "charts"]
    public static let spcChart = ["part", "step", "characteristic", "subgroup", "subgroup_by", "rules", "reaction", "stop_on", "warn_on", "baseline"]
    public static let changeControl = ["approve_routings"]
    public static let plant = ["id", "name", "timezone"]
    public static let shift = ["id", "start", "end", "days"]
    public static let reasons = ["downtime", "scrap", "hold"]
    public static let downtime = ["code", "label", "planned"]
    public static let reason = ["code", "label"]
    public static let person = ["badge", "name", "role", "skills", "logins", "qualifications"]
    public static let qualification = ["skill", "certified", "expires"]
    public static let workCenter = ["id", "name"]
    public static let equipment = ["id", "name", "work_center", "kind", "calibration_due"]
    public static let station = ["id", "name", "work_center", "equipment", "receiving"]
    public static let material = ["id", "name", "unit", "gtin", "incoming_inspection", "supplier", "inspection", "inspection_sample"]
    public static let part = ["id", "name", "revision", "gtin", "routing"]
    public static let routing = ["id", "version", "status", "effective", "steps"]
    public static let step = [
        "id", "name", "work_center", "skill", "role", "setup_min", "run_min", "instructions",
        "materials", "measurements", "first_piece", "signoff", "on_fail", "next",
    ]
    public static let materialUse = ["material", "qty"]
    public static let characteristic = ["id", "name", "kind", "unit", "nominal", "lower", "upper", "balloon", "sample", "require_gauge"]
    public static let edge = ["to", "when"]
    public static let onFailMapping = ["rework"]

    /// (where the mapping stands, its keys), in the file's order.
    public static let sections: [(section: String, keys: [String])] = [
        ("(top level)", top), ("plant", plant), ("shifts[]", shift), ("reasons", reasons),
        ("reasons.downtime[]", downtime), ("reasons.scrap[], reasons.hold[]", reason), ("people[]", person),
        ("people[].qualifications[]", qualification),
        ("work_centers[]", workCenter), ("equipment[]", equipment), ("stations[]", station), ("materials[]", material),
        ("parts[]", part), ("routings[]", routing), ("routings[].steps[]", step), ("steps[].materials[]", materialUse),
        ("steps[].measurements[], materials[].inspection[]", characteristic), ("steps[].next[]", edge), ("steps[].on_fail", onFailMapping),
        ("change_control", changeControl),
        ("quality", quality), ("quality.defects[]", defect), ("spc", spc), ("spc.charts[]", spcChart),
    ]
}

private typealias Keys = PlantFileKeys

private enum Choices {
    static let weekdays: [Weekday] = Weekday.allCases
    static let roles: [Role] = Role.allCases
    static let equipmentKinds: [EquipmentKind] = [.machine, .gauge]
    static let routingStatuses: [RoutingStatus] = [.draft, .approved, .obsolete]
    static let firstPiece: [FirstPieceScope] = [.none, .perWorkOrder, .perShift, .perEquipment, .perOperator]
    static let characteristicKinds: [CharacteristicKind] = [.variable, .passFail]
    static let edgeConditions: [EdgeCondition] = [.pass, .fail, .always]
    static let severities: [NCRSeverity] = NCRSeverity.allCases
    static let reactions: [SPCReaction] = SPCReaction.allCases
    static let subgroupings: [SPCSubgrouping] = SPCSubgrouping.allCases
}

fileprivate extension SourceNode {
    /// A plain (unquoted) `~`, `null` or nothing: YAML's null. Treated as an absent value.
    var isNull: Bool {
        if case .scalar(let text, quoted: false) = value {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }
}

/// The keys of one mapping, unknown and duplicate keys already reported.
private struct Fields {
    let node: SourceNode
    let path: String
    var entries: [String: SourceEntry] = [:]

    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    /// The value of `key` when present and not null.
    func value(_ key: String) -> SourceNode? {
        guard let e = entries[key], !e.value.isNull else { return nil }
        return e.value
    }
}

/// A reference to check once every id it may point to is known.
private struct PendingRef {
    var id: String
    var node: SourceNode
    var field: String
}

// MARK: - Decoding

private struct PlantDecoding {
    let file: String
    var problems: [FileProblem] = []

    init(file: String) { self.file = file }

    // MARK: Problems

    mutating func report(line: Int, column: Int?, field: String, _ message: String) {
        problems.append(FileProblem(file: file, line: line, column: column, field: field, message: message))
    }

    mutating func report(_ node: SourceNode, _ field: String, _ message: String) {
        report(line: node.line, column: node.column, field: field, message)
    }

    func sortedProblems() -> [FileProblem] {
        problems.enumerated().sorted { a, b in
            (a.element.line, a.element.column ?? 0, a.offset) < (b.element.line, b.element.column ?? 0, b.offset)
        }.map(\.element)
    }

    static func describe(_ node: SourceNode) -> String {
        switch node.value {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, _): return node.isNull ? "nothing" : "\"\(text)\""
        }
    }

    static func quoted(_ list: [String]) -> String { list.joined(separator: ", ") }

    // MARK: Structure

    mutating func fields(_ node: SourceNode, _ path: String, _ allowed: [String], what: String) -> Fields? {
        guard case .mapping(let entries) = node.value else {
            report(
                node, path.isEmpty ? "(file)" : path,
                "expected \(what) (a mapping with keys \(Self.quoted(allowed))), found \(Self.describe(node))")
            return nil
        }
        var f = Fields(node: node, path: path)
        for e in entries {
            // Keys come from the file; the field path is printed, so it is made safe too.
            let field = f.path(Sanitize.line(e.key))
            if !allowed.contains(e.key) {
                var message = "unknown key \"\(e.key)\""
                if let s = FileHints.suggestion(for: e.key, among: allowed) { message += "; did you mean \"\(s)\"?" }
                message += " (keys of \(what): \(Self.quoted(allowed)))"
                report(line: e.keyLine, column: e.keyColumn, field: field, message)
            } else if let first = f.entries[e.key] {
                report(
                    line: e.keyLine, column: e.keyColumn, field: field,
                    "duplicate key \"\(e.key)\" (first on line \(first.keyLine))")
            } else {
                f.entries[e.key] = e
            }
        }
        return f
    }

    /// The value of a required key, or a "missing" problem (at the mapping) when absent or null.
    mutating func required(_ f: Fields, _ key: String) -> SourceNode? {
        if let v = f.value(key) { return v }
        if let e = f.entries[key] {
            report(e.value, f.path(key), "\"\(key)\" has no value")
        } else {
            report(f.node, f.path(key), "missing required key \"\(key)\"")
        }
        return nil
    }

    /// A scalar's text; nil (and a problem if required or not a scalar) otherwise.
    mutating func scalar(_ f: Fields, _ key: String, required isRequired: Bool) -> (text: String, node: SourceNode)? {
        let node: SourceNode
        if isRequired {
            guard let n = required(f, key) else { return nil }
            node = n
        } else {
            guard let n = f.value(key) else { return nil }
            node = n
        }
        guard case .scalar(let text, _) = node.value else {
            report(node, f.path(key), "expected a single value, found \(Self.describe(node))")
            return nil
        }
        return (text, node)
    }

    mutating func text(_ f: Fields, _ key: String, required isRequired: Bool = false) -> String? {
        scalar(f, key, required: isRequired)?.text
    }

    /// A required, non-empty identifier.
    mutating func identifier(_ f: Fields, _ key: String) -> (text: String, node: SourceNode)? {
        guard let (text, node) = scalar(f, key, required: true) else { return nil }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            report(node, f.path(key), "\"\(key)\" must not be empty")
            return nil
        }
        return (text, node)
    }

    mutating func number(_ f: Fields, _ key: String, required isRequired: Bool = false) -> (value: Double, node: SourceNode)? {
        guard let (text, node) = scalar(f, key, required: isRequired) else { return nil }
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            report(node, f.path(key), "expected a number, found \"\(text)\"")
            return nil
        }
        return (v, node)
    }

    /// A number that may not be negative (standard minutes); absent means `defaultValue`.
    mutating func nonNegative(_ f: Fields, _ key: String, default defaultValue: Double) -> Double {
        guard let (v, node) = number(f, key) else { return defaultValue }
        if v < 0 {
            report(node, f.path(key), "\"\(key)\" must not be negative, found \(Self.describe(node))")
            return defaultValue
        }
        return v
    }

    mutating func integer(_ f: Fields, _ key: String, required isRequired: Bool) -> (value: Int, node: SourceNode)? {
        guard let (text, node) = scalar(f, key, required: isRequired) else { return nil }
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else {
            report(node, f.path(key), "expected a whole number, found \"\(text)\"")
            return nil
        }
        return (v, node)
    }

    mutating func bool(_ f: Fields, _ key: String, default defaultValue: Bool) -> Bool {
        guard let (text, node) = scalar(f, key, required: false) else { return defaultValue }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            report(node, f.path(key), "expected true or false, found \"\(text)\"")
            return defaultValue
        }
    }

    mutating func date(_ f: Fields, _ key: String, required isRequired: Bool) -> LocalDate? {
        guard let (text, node) = scalar(f, key, required: isRequired) else { return nil }
        guard let d = LocalDate(text.trimmingCharacters(in: .whitespaces)) else {
            report(node, f.path(key), "bad date \"\(text)\" (expected YYYY-MM-DD)")
            return nil
        }
        return d
    }

    mutating func time(_ f: Fields, _ key: String) -> ClockTime? {
        guard let (text, node) = scalar(f, key, required: true) else { return nil }
        guard let t = ClockTime(text.trimmingCharacters(in: .whitespaces)) else {
            report(node, f.path(key), "bad time \"\(text)\" (expected HH:MM, 00:00 to 23:59)")
            return nil
        }
        return t
    }

    /// One of `cases`, by raw value (case-insensitive). Absent: `defaultValue`, or a missing-key
    /// problem when there is no default.
    mutating func choice<T: RawRepresentable>(
        _ f: Fields, _ key: String, _ cases: [T], default defaultValue: T?,
        what: String
    ) -> T? where T.RawValue == String {
        guard let (text, node) = scalar(f, key, required: defaultValue == nil) else { return defaultValue }
        return choice(text, node: node, field: f.path(key), cases, what: what)
    }

    mutating func choice<T: RawRepresentable>(
        _ text: String, node: SourceNode, field: String, _ cases: [T],
        what: String
    ) -> T? where T.RawValue == String {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let c = cases.first(where: { $0.rawValue == t }) { return c }
        let names = cases.map(\.rawValue)
        var message = "unknown \(what) \"\(text)\""
        if let s = FileHints.suggestion(for: t, among: names) { message += "; did you mean \"\(s)\"?" }
        message += " (expected one of \(Self.quoted(names)))"
        report(node, field, message)
        return nil
    }

    /// The items of a list; absent or null is an empty list.
    mutating func list(_ f: Fields, _ key: String) -> [SourceNode] {
        guard let node = f.value(key) else { return [] }
        guard case .sequence(let items) = node.value else {
            report(node, f.path(key), "expected a list, found \(Self.describe(node))")
            return []
        }
        return items
    }

    /// A list of texts (skills, days, equipment ids): each item with its field path.
    mutating func textList(_ f: Fields, _ key: String) -> [(text: String, node: SourceNode, field: String)] {
        var out: [(String, SourceNode, String)] = []
        for (i, item) in list(f, key).enumerated() {
            let field = "\(f.path(key))[\(i)]"
            guard case .scalar(let text, _) = item.value, !item.isNull else {
                report(item, field, "expected a single value, found \(Self.describe(item))")
                continue
            }
            out.append((text, item, field))
        }
        return out
    }

    // MARK: Ids and references

    mutating func unique(_ id: String, _ node: SourceNode, _ field: String, _ seen: inout [String: Int], what: String) {
        if let line = seen[id] {
            report(node, field, "duplicate \(what) \"\(id)\" (first on line \(line))")
        } else {
            seen[id] = node.line
        }
    }

    mutating func reference(_ id: String, _ node: SourceNode, _ field: String, in known: [String: Int], what: String) {
        guard known[id] == nil else { return }
        var message = "unknown \(what) \"\(id)\""
        if let s = FileHints.suggestion(for: id, among: known.keys.sorted()) { message += "; did you mean \"\(s)\"?" }
        report(node, field, message)
    }

    // MARK: The plant

    mutating func decodePlant(_ root: SourceNode) -> Plant? {
        guard let top = fields(root, "", Keys.top, what: "the plant file") else { return nil }

        var header: (id: String, name: String, timezone: String)?
        if let node = required(top, "plant"), let f = fields(node, "plant", Keys.plant, what: "the plant section") {
            let id = identifier(f, "id")?.text
            let name = text(f, "name", required: true)
            var timezone: String?
            if let (tz, tzNode) = scalar(f, "timezone", required: true) {
                if TimeZone(identifier: tz) == nil {
                    report(
                        tzNode, f.path("timezone"),
                        "unknown time zone \"\(tz)\" (expected an IANA name such as America/Chicago)")
                } else {
                    timezone = tz
                }
            }
            if let id, let name, let timezone { header = (id, name, timezone) }
        }

        let shifts = decodeShifts(top)
        let reasons = decodeReasons(top)
        let people = decodePeople(top)
        let (workCenters, workCenterIDs) = decodeWorkCenters(top)
        let (equipment, equipmentIDs) = decodeEquipment(top, workCenters: workCenterIDs)
        let stations = decodeStations(top, workCenters: workCenterIDs, equipment: equipmentIDs)
        let (materials, materialIDs) = decodeMaterials(top)
        let (routings, routingIDs) = decodeRoutings(top, workCenters: workCenterIDs, materials: materialIDs)
        let parts = decodeParts(top, routings: routingIDs)

        var policy: ChangeControlPolicy?
        if let node = top.value("change_control"), !node.isNull,
            let f = fields(node, "change_control", Keys.changeControl, what: "the change_control section"),
            let role = choice(f, "approve_routings", Choices.roles, default: nil, what: "role")
        {
            policy = ChangeControlPolicy(approveRoutings: role)
        }

        let quality = decodeQuality(top)
        let spc = decodeSPC(top, parts: parts, routings: routings)

        guard let header else { return nil }
        var plant = Plant(
            id: header.id, name: header.name, timezone: header.timezone, shifts: shifts, reasons: reasons,
            people: people, workCenters: workCenters, equipment: equipment, stations: stations,
            materials: materials, parts: parts, routings: routings)
        plant.changeControl = policy
        plant.quality = quality
        plant.spc = spc
        return plant
    }

    mutating func decodeShifts(_ top: Fields) -> [Shift] {
        var out: [Shift] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(top, "shifts").enumerated() {
            let path = "shifts[\(i)]"
            guard let f = fields(node, path, Keys.shift, what: "a shift") else { continue }
            let id = identifier(f, "id")
            if let id { unique(id.text, id.node, f.path("id"), &seen, what: "shift id") }
            let start = time(f, "start")
            let end = time(f, "end")
            var days: [Weekday] = []
            var daysOK = true
            if required(f, "days") == nil { daysOK = false }
            let dayItems = textList(f, "days")
            for item in dayItems {
                guard let day = choice(item.text, node: item.node, field: item.field, Choices.weekdays, what: "weekday")
                else { daysOK = false; continue }
                if days.contains(day) {
                    report(item.node, item.field, "weekday \"\(item.text)\" is listed twice")
                    daysOK = false
                } else {
                    days.append(day)
                }
            }
            if daysOK, dayItems.isEmpty, let v = f.value("days"), case .sequence = v.value {
                report(v, f.path("days"), "a shift needs at least one day")
                daysOK = false
            }
            if let id, let start, let end, daysOK {
                out.append(Shift(id: id.text, start: start, end: end, days: days))
            }
        }
        return out
    }

    mutating func decodeReasons(_ top: Fields) -> Reasons {
        var reasons = Reasons()
        guard let node = top.value("reasons"), let f = fields(node, "reasons", Keys.reasons, what: "the reasons section")
        else { return reasons }
        reasons.downtime = decodeReasonList(f, "downtime", keys: Keys.downtime)
        reasons.scrap = decodeReasonList(f, "scrap", keys: Keys.reason)
        reasons.hold = decodeReasonList(f, "hold", keys: Keys.reason)
        return reasons
    }

    mutating func decodeQuality(_ top: Fields) -> QualityPolicy? {
        guard let node = top.value("quality"), !node.isNull, let f = fields(node, "quality", Keys.quality, what: "the quality section")
        else { return nil }
        var q = QualityPolicy()
        q.requireReceipt = bool(f, "require_receipt", default: false)
        if let role = choice(f, "close_capa", Choices.roles, default: .supervisor, what: "role") { q.closeCAPA = role }
        var seen: [String: Int] = [:]
        for (i, item) in list(f, "defects").enumerated() {
            guard let d = fields(item, "\(f.path("defects"))[\(i)]", Keys.defect, what: "a defect code") else { continue }
            let code = identifier(d, "code")
            if let code { unique(code.text, code.node, d.path("code"), &seen, what: "defect code") }
            let label = text(d, "label", required: true)
            let severity = choice(d, "severity", Choices.severities, default: .minor, what: "severity")
            if let code, let label, let severity { q.defects.append(DefectCode(code: code.text, label: label, severity: severity)) }
        }
        return q
    }

    /// The `spc` section: each chart names a part, a step of its routing and a variable
    /// characteristic of that step (in some version of the routing).
    mutating func decodeSPC(_ top: Fields, parts: [PartDefinition], routings: [Routing]) -> SPCPolicy? {
        guard let node = top.value("spc"), !node.isNull, let f = fields(node, "spc", Keys.spc, what: "the spc section") else { return nil }
        var policy = SPCPolicy()
        if let role = choice(f, "set_limits", Choices.roles, default: .inspector, what: "role") { policy.setLimits = role }
        var seen: [String: Int] = [:]
        for (i, item) in list(f, "charts").enumerated() {
            guard let c = fields(item, "\(f.path("charts"))[\(i)]", Keys.spcChart, what: "a control chart") else { continue }
            let part = identifier(c, "part"), step = identifier(c, "step"), characteristic = identifier(c, "characteristic")
            var ok = part != nil && step != nil && characteristic != nil
            if let part, let step, let characteristic {
                let key = SPCPlan.key(part: part.text, step: step.text, characteristic: characteristic.text)
                unique(key, part.node, c.path("part"), &seen, what: "control chart")
                if let def = parts.first(where: { $0.id == part.text }) {
                    let steps = routings.filter { $0.id == def.routing }.flatMap(\.steps).filter { $0.id == step.text }
                    let chars = steps.flatMap(\.measurements).filter { $0.id == characteristic.text }
                    if steps.isEmpty {
                        report(step.node, c.path("step"), "part \(part.text)'s routing \(def.routing) has no step \"\(step.text)\""); ok = false
                    } else if chars.isEmpty {
                        report(characteristic.node, c.path("characteristic"), "step \(step.text) measures no \"\(characteristic.text)\""); ok = false
                    } else if chars.contains(where: { $0.kind != .variable }) {
                        report(characteristic.node, c.path("characteristic"), "\(characteristic.text) is pass/fail: only a variable is charted")
                        ok = false
                    }
                } else {
                    report(part.node, c.path("part"), "unknown part \"\(part.text)\""); ok = false
                }
            }
            var size = 1
            if let (n, nNode) = integer(c, "subgroup", required: false) {
                if (1...25).contains(n) {
                    size = n
                } else {
                    report(nNode, c.path("subgroup"), "a subgroup is 1 to 25 readings, found \(n)"); ok = false
                }
            }
            var baseline = SPCPlan.defaultBaseline
            if let (k, kNode) = integer(c, "baseline", required: false) {
                if k >= 2 { baseline = k } else { report(kNode, c.path("baseline"), "a baseline needs at least 2 subgroups, found \(k)"); ok = false }
            }
            func rules(_ key: String, _ fallback: [NelsonRule]) -> [NelsonRule] {
                guard c.value(key) != nil else { return fallback }
                var out: [NelsonRule] = []
                for item in textList(c, key) {
                    guard let n = Int(item.text.trimmingCharacters(in: .whitespaces)), let r = NelsonRule(rawValue: n) else {
                        report(item.node, item.field, "a Nelson rule is 1 to 8, found \"\(item.text)\""); ok = false; continue
                    }
                    if !out.contains(r) { out.append(r) }
                }
                return out
            }
            let inForce = rules("rules", SPCPlan.defaultRules), stopOn = rules("stop_on", []), warnOn = rules("warn_on", [])
            for (key, list) in [("stop_on", stopOn), ("warn_on", warnOn)] {
                for r in list where !inForce.contains(r) {
                    if let n = c.value(key) { report(n, c.path(key), "rule \(r.rawValue) is not among the chart's rules"); ok = false }
                }
            }
            let reaction = choice(c, "reaction", Choices.reactions, default: .acknowledge, what: "reaction")
            let by = choice(c, "subgroup_by", Choices.subgroupings, default: .consecutive, what: "subgrouping")
            if ok, let part, let step, let characteristic, let reaction, let by {
                policy.charts.append(
                    SPCPlan(
                        part: part.text, step: step.text, characteristic: characteristic.text, subgroupSize: size, subgrouping: by,
                        rules: inForce, reaction: reaction, stopOn: stopOn, warnOn: warnOn, baseline: baseline))
            }
        }
        return policy
    }

    mutating func decodeReasonList(_ parent: Fields, _ key: String, keys: [String]) -> [Reason] {
        var out: [Reason] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(parent, key).enumerated() {
            guard let f = fields(node, "\(parent.path(key))[\(i)]", keys, what: "a \(key) reason") else { continue }
            let code = identifier(f, "code")
            if let code { unique(code.text, code.node, f.path("code"), &seen, what: "\(key) reason code") }
            let label = text(f, "label", required: true)
            let planned = keys.contains("planned") ? bool(f, "planned", default: false) : false
            if let code, let label { out.append(Reason(code: code.text, label: label, planned: planned)) }
        }
        return out
    }

    mutating func decodePeople(_ top: Fields) -> [Person] {
        var out: [Person] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(top, "people").enumerated() {
            guard let f = fields(node, "people[\(i)]", Keys.person, what: "a person") else { continue }
            let badge = identifier(f, "badge")
            if let badge { unique(badge.text, badge.node, f.path("badge"), &seen, what: "badge") }
            let name = text(f, "name", required: true)
            let role = choice(f, "role", Choices.roles, default: .operator_, what: "role")
            let skills = textList(f, "skills").map(\.text)
            let logins = textList(f, "logins").map(\.text)
            var qualifications: [Qualification] = []
            for (j, qnode) in list(f, "qualifications").enumerated() {
                guard let q = fields(qnode, "\(f.path("qualifications"))[\(j)]", Keys.qualification, what: "a qualification") else { continue }
                let skill = identifier(q, "skill")
                let certified = date(q, "certified", required: false)
                let expires = date(q, "expires", required: true)
                if let certified, let expires, expires < certified, let node = q.value("expires") {
                    report(node, q.path("expires"), "the certification expires (\(expires)) before it was granted (\(certified))")
                }
                if let skill, let expires { qualifications.append(Qualification(skill: skill.text, certified: certified, expires: expires)) }
            }
            if let badge, let name, let role {
                out.append(
                    Person(
                        badge: badge.text, name: name, role: role, skills: skills, logins: logins.isEmpty ? nil : logins,
                        qualifications: qualifications.isEmpty ? nil : qualifications))
            }
        }
        return out
    }

    mutating func decodeWorkCenters(_ top: Fields) -> ([WorkCenter], [String: Int]) {
        var out: [WorkCenter] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(top, "work_centers").enumerated() {
            guard let f = fields(node, "work_centers[\(i)]", Keys.workCenter, what: "a work center") else { continue }
            let id = identifier(f, "id")
            if let id { unique(id.text, id.node, f.path("id"), &seen, what: "work center id") }
            let name = text(f, "name", required: true)
            if let id, let name { out.append(WorkCenter(id: id.text, name: name)) }
        }
        return (out, seen)
    }

    mutating func decodeEquipment(_ top: Fields, workCenters: [String: Int]) -> ([Equipment], [String: Int]) {
        var out: [Equipment] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(top, "equipment").enumerated() {
            guard let f = fields(node, "equipment[\(i)]", Keys.equipment, what: "a piece of equipment") else { continue }
            let id = identifier(f, "id")
            if let id { unique(id.text, id.node, f.path("id"), &seen, what: "equipment id") }
            let name = text(f, "name", required: true)
            let workCenter = scalar(f, "work_center", required: false)
            if let wc = workCenter {
                reference(wc.text, wc.node, f.path("work_center"), in: workCenters, what: "work center")
            }
            let kind = choice(f, "kind", Choices.equipmentKinds, default: .machine, what: "equipment kind")
            let due = date(f, "calibration_due", required: false)
            if let id, let name, let kind {
                out.append(Equipment(id: id.text, name: name, workCenter: workCenter?.text, kind: kind, calibrationDue: due))
            }
        }
        return (out, seen)
    }

    mutating func decodeStations(_ top: Fields, workCenters: [String: Int], equipment: [String: Int]) -> [Station] {
        var out: [Station] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(top, "stations").enumerated() {
            guard let f = fields(node, "stations[\(i)]", Keys.station, what: "a station") else { continue }
            let id = identifier(f, "id")
            if let id { unique(id.text, id.node, f.path("id"), &seen, what: "station id") }
            let name = text(f, "name", required: true)
            let wc = identifier(f, "work_center")
            if let wc { reference(wc.text, wc.node, f.path("work_center"), in: workCenters, what: "work center") }
            var ids: [String] = []
            var listed: [String: Int] = [:]
            for item in textList(f, "equipment") {
                reference(item.text, item.node, item.field, in: equipment, what: "equipment")
                unique(item.text, item.node, item.field, &listed, what: "equipment in this station")
                ids.append(item.text)
            }
            let receiving = bool(f, "receiving", default: false)
            if let id, let name, let wc {
                out.append(Station(id: id.text, name: name, workCenter: wc.text, equipment: ids, receiving: receiving ? true : nil))
            }
        }
        return out
    }

    mutating func gtin(_ f: Fields) -> String? {
        guard let (text, node) = scalar(f, "gtin", required: false) else { return nil }
        let digitsOnly = !text.isEmpty && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
        if !digitsOnly || ![8, 12, 13, 14].contains(text.count) {
            report(node, f.path("gtin"), "bad GTIN \"\(text)\" (expected 8, 12, 13 or 14 digits; quote it to keep leading zeros)")
            return nil
        }
        return text
    }

    mutating func decodeMaterials(_ top: Fields) -> ([Material], [String: Int]) {
        var out: [Material] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(top, "materials").enumerated() {
            guard let f = fields(node, "materials[\(i)]", Keys.material, what: "a material") else { continue }
            let id = identifier(f, "id")
            if let id { unique(id.text, id.node, f.path("id"), &seen, what: "material id") }
            let name = text(f, "name", required: true)
            let unit = text(f, "unit", required: true)
            let code = gtin(f)
            let gtinOK = f.value("gtin") == nil || code != nil
            let inspect = bool(f, "incoming_inspection", default: false)
            let supplier = text(f, "supplier", required: false)
            var seenCharacteristics: [String: Int] = [:]
            let checks = list(f, "inspection").enumerated().compactMap { k, item in
                decodeCharacteristic(item, "\(f.path("inspection"))[\(k)]", seen: &seenCharacteristics)
            }
            let sample = integer(f, "inspection_sample", required: false)
            if let sample, sample.value < 1 { report(sample.node, f.path("inspection_sample"), "inspection_sample is 1 or more") }
            if !checks.isEmpty, !inspect {
                report(node, f.path("inspection"), "inspection characteristics need incoming_inspection: yes (a lot is measured while in quarantine)")
            }
            if let id, let name, let unit, gtinOK {
                var m = Material(id: id.text, name: name, unit: unit, gtin: code)
                if inspect { m.incomingInspection = true }
                m.supplier = supplier
                if !checks.isEmpty { m.inspection = checks }
                if let sample, sample.value > 1 { m.inspectionSample = sample.value }
                out.append(m)
            }
        }
        return (out, seen)
    }

    mutating func decodeParts(_ top: Fields, routings: [String: Int]) -> [PartDefinition] {
        var out: [PartDefinition] = []
        var seen: [String: Int] = [:]
        for (i, node) in list(top, "parts").enumerated() {
            guard let f = fields(node, "parts[\(i)]", Keys.part, what: "a part") else { continue }
            let id = identifier(f, "id")
            if let id { unique(id.text, id.node, f.path("id"), &seen, what: "part id") }
            let name = text(f, "name", required: true)
            let revision = text(f, "revision", required: true)
            let code = gtin(f)
            let gtinOK = f.value("gtin") == nil || code != nil
            let routing = identifier(f, "routing")
            if let routing { reference(routing.text, routing.node, f.path("routing"), in: routings, what: "routing") }
            if let id, let name, let revision, let routing, gtinOK {
                out.append(PartDefinition(id: id.text, name: name, revision: revision, gtin: code, routing: routing.text))
            }
        }
        return out
    }

    mutating func decodeRoutings(_ top: Fields, workCenters: [String: Int], materials: [String: Int]) -> ([Routing], [String: Int]) {
        var out: [Routing] = []
        var ids: [String: Int] = [:]
        var versions: [String: Int] = [:]  // "id\u{0}version" -> line
        for (i, node) in list(top, "routings").enumerated() {
            let path = "routings[\(i)]"
            guard let f = fields(node, path, Keys.routing, what: "a routing") else { continue }
            let id = identifier(f, "id")
            if let id, ids[id.text] == nil { ids[id.text] = id.node.line }
            var version = integer(f, "version", required: true)
            if let v = version, v.value < 0 {
                report(v.node, f.path("version"), "\"version\" must not be negative, found \(v.value)")
                version = nil
            }
            if let id, let version {
                let key = "\(id.text)\u{0}\(version.value)"
                if let line = versions[key] {
                    report(
                        version.node, f.path("version"),
                        "duplicate routing \"\(id.text)\" version \(version.value) (first on line \(line))")
                } else {
                    versions[key] = version.node.line
                }
            }
            let status = choice(f, "status", Choices.routingStatuses, default: nil, what: "routing status")
            let effective = date(f, "effective", required: true)

            var steps: [Step] = []
            var stepIDs: [String: Int] = [:]
            var stepRefs: [PendingRef] = []
            var stepsOK = true
            if let stepsNode = required(f, "steps") {
                let items = list(f, "steps")
                if case .sequence = stepsNode.value, items.isEmpty {
                    report(stepsNode, f.path("steps"), "a routing needs at least one step")
                }
                for (j, stepNode) in items.enumerated() {
                    let step = decodeStep(
                        stepNode, "\(f.path("steps"))[\(j)]", workCenters: workCenters,
                        materials: materials, stepIDs: &stepIDs, stepRefs: &stepRefs)
                    if let step { steps.append(step) } else { stepsOK = false }
                }
            } else {
                stepsOK = false
            }
            for ref in stepRefs {
                reference(ref.id, ref.node, ref.field, in: stepIDs, what: "step")
            }
            if let id, let version, let status, let effective, stepsOK, !steps.isEmpty {
                out.append(Routing(id: id.text, version: version.value, status: status, effective: effective, steps: steps))
            }
        }
        return (out, ids)
    }

    mutating func decodeStep(
        _ node: SourceNode, _ path: String, workCenters: [String: Int], materials: [String: Int],
        stepIDs: inout [String: Int], stepRefs: inout [PendingRef]
    ) -> Step? {
        guard let f = fields(node, path, Keys.step, what: "a step") else { return nil }
        let id = identifier(f, "id")
        if let id { unique(id.text, id.node, f.path("id"), &stepIDs, what: "step id") }
        let name = text(f, "name", required: true)
        let wc = identifier(f, "work_center")
        if let wc { reference(wc.text, wc.node, f.path("work_center"), in: workCenters, what: "work center") }
        let skill = text(f, "skill")
        let role = choice(f, "role", Choices.roles, default: .operator_, what: "role")
        let setup = nonNegative(f, "setup_min", default: 0)
        let run = nonNegative(f, "run_min", default: 0)
        var instructions = text(f, "instructions") ?? ""
        while instructions.last?.isNewline == true { instructions.removeLast() }

        var uses: [MaterialRequirement] = []
        var usedMaterials: [String: Int] = [:]
        for (k, item) in list(f, "materials").enumerated() {
            guard let m = fields(item, "\(f.path("materials"))[\(k)]", Keys.materialUse, what: "a material use")
            else { continue }
            let material = identifier(m, "material")
            if let material {
                reference(material.text, material.node, m.path("material"), in: materials, what: "material")
                unique(material.text, material.node, m.path("material"), &usedMaterials, what: "material in this step")
            }
            var qty = number(m, "qty", required: true)
            if let q = qty, q.value <= 0 {
                report(q.node, m.path("qty"), "\"qty\" must be greater than 0, found \(Self.describe(q.node))")
                qty = nil
            }
            if let material, let qty { uses.append(MaterialRequirement(material: material.text, qty: qty.value)) }
        }

        var characteristics: [Characteristic] = []
        var characteristicIDs: [String: Int] = [:]
        for (k, item) in list(f, "measurements").enumerated() {
            if let c = decodeCharacteristic(item, "\(f.path("measurements"))[\(k)]", seen: &characteristicIDs) {
                characteristics.append(c)
            }
        }

        let firstPiece = choice(f, "first_piece", Choices.firstPiece, default: FirstPieceScope.none, what: "first_piece scope")
        let signoff = bool(f, "signoff", default: false)
        let onFail = decodeOnFail(f, stepRefs: &stepRefs)

        var next: [NextEdge] = []
        for (k, item) in list(f, "next").enumerated() {
            guard let e = fields(item, "\(f.path("next"))[\(k)]", Keys.edge, what: "a next edge") else { continue }
            let to = identifier(e, "to")
            if let to { stepRefs.append(PendingRef(id: to.text, node: to.node, field: e.path("to"))) }
            let when = choice(e, "when", Choices.edgeConditions, default: .always, what: "edge condition")
            if let to, let when { next.append(NextEdge(to: to.text, when: when)) }
        }

        guard let id, let name, let wc, let role, let firstPiece, let onFail else { return nil }
        return Step(
            id: id.text, name: name, workCenter: wc.text, skill: skill, role: role, setupMin: setup,
            runMin: run, instructions: instructions, materials: uses, measurements: characteristics,
            firstPiece: firstPiece, signoff: signoff, onFail: onFail, next: next)
    }

    mutating func decodeOnFail(_ f: Fields, stepRefs: inout [PendingRef]) -> OnFail? {
        guard let node = f.value("on_fail") else { return .hold }
        let field = f.path("on_fail")
        switch node.value {
        case .scalar(let text, _):
            if text.trimmingCharacters(in: .whitespaces).lowercased() == "hold" { return .hold }
            report(node, field, "expected \"hold\" or {rework: STEP}, found \"\(text)\"")
            return nil
        case .mapping:
            guard let m = fields(node, field, Keys.onFailMapping, what: "on_fail") else { return nil }
            guard let target = identifier(m, "rework") else { return nil }
            stepRefs.append(PendingRef(id: target.text, node: target.node, field: m.path("rework")))
            return .rework(step: target.text)
        case .sequence:
            report(node, field, "expected \"hold\" or {rework: STEP}, found a list")
            return nil
        }
    }

    mutating func decodeCharacteristic(_ node: SourceNode, _ path: String, seen: inout [String: Int]) -> Characteristic? {
        guard let f = fields(node, path, Keys.characteristic, what: "a measurement") else { return nil }
        let id = identifier(f, "id")
        if let id { unique(id.text, id.node, f.path("id"), &seen, what: "characteristic id") }
        let name = text(f, "name", required: true)
        let kind = choice(f, "kind", Choices.characteristicKinds, default: .variable, what: "characteristic kind")
        let unit = text(f, "unit")
        let nominal = number(f, "nominal")
        let lower = number(f, "lower")
        let upper = number(f, "upper")
        let balloon = text(f, "balloon")
        var sample: SamplePlan? = .every
        if let (text, sampleNode) = scalar(f, "sample", required: false) {
            sample = SamplePlan(text)
            if sample == nil {
                report(
                    sampleNode, f.path("sample"),
                    "unknown sample plan \"\(text)\" (expected every, \"first N\", \"every N\" or \"N%\")")
            }
        }
        var limitsOK = true
        switch kind {
        case .variable?:
            if f.value("lower") == nil, f.value("upper") == nil {
                report(node, path, "a variable characteristic needs a lower or an upper limit (or both)")
                limitsOK = false
            }
            if let lower, let upper, lower.value > upper.value {
                report(
                    lower.node, f.path("lower"),
                    "lower limit \(Self.describe(lower.node)) is greater than upper limit \(Self.describe(upper.node))")
                limitsOK = false
            }
            if let nominal, (lower.map { nominal.value < $0.value } ?? false) || (upper.map { nominal.value > $0.value } ?? false) {
                report(nominal.node, f.path("nominal"), "nominal \(Self.describe(nominal.node)) is outside the limits")
                limitsOK = false
            }
        case .passFail?:
            for key in ["nominal", "lower", "upper"] {
                if let v = f.value(key) {
                    report(v, f.path(key), "a pass_fail characteristic has no \(key); remove it or use kind: variable")
                    limitsOK = false
                }
            }
        case nil:
            break
        }
        let numbersOK =
            (f.value("nominal") == nil || nominal != nil) && (f.value("lower") == nil || lower != nil)
            && (f.value("upper") == nil || upper != nil)
        let requireGauge = bool(f, "require_gauge", default: false)
        guard let id, let name, let kind, let sample, limitsOK, numbersOK else { return nil }
        var c = Characteristic(
            id: id.text, name: name, kind: kind, unit: unit, nominal: nominal?.value,
            lower: lower?.value, upper: upper?.value, balloon: balloon, sample: sample)
        if requireGauge { c.requireGauge = true }
        return c
    }
}

// MARK: - Suggestions

public enum FileHints {
    /// The closest candidate within a small edit distance, for "did you mean" hints.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        guard !w.isEmpty else { return nil }
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(w, Array(c.lowercased()))
            let limit = max(1, min(2, c.count / 3))
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
