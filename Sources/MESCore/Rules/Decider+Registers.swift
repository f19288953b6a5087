import Foundation

// The quality registers: NCRs raised by hand or by the rules, their dispositions and closure;
// lots received, inspected, held with their users contained. One family of `Decider.events`.
extension Decider {
    /// An NCR the rules raise (out of tolerance, a failed first piece), numbered by this node.
    static func automaticNCR(
        _ code: String, _ source: NCRSource, part: PartState, step: String?, station: String?, characteristic: String? = nil,
        value: String? = nil, description: String, _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv, offset: Int = 0
    ) throws -> (event: DomainEvent, number: String) {
        let number = try NCRNumber.next(on: plant.calendar.localDate(env.now), node: env.node, state: state, offset: offset)
        let defect = QualityRules.automaticDefect(code, plant: plant.plant)
        let wo = try state.workOrder(part.workOrder)
        let raised = NCRRaised(
            number: number, defect: defect.code, severity: defect.severity, source: source, serials: [part.serial], part: wo?.spec.part,
            workOrder: part.workOrder, step: step, station: station, characteristic: characteristic, value: value, description: description)
        return (.quality(.ncrRaised(raised)), number)
    }

    static func requireNCR(_ number: String, _ state: StateReader) throws -> NCRState {
        guard let n = try state.ncr(number), n.raised != nil else { throw Refusal(.unknownNCR, "no NCR \(number)") }
        return n
    }

    static func registerCommands(
        _ command: QualityCommand, _ person: Person, _ station: Station, _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        let today = plant.calendar.localDate(env.now)
        let where_ = station.isConsole ? nil : station.id
        switch command {
        case .openCAPA, .updateCAPA, .addCAPAAction, .completeCAPAAction, .checkCAPAEffectiveness, .closeCAPA:
            return try capaCommands(command, person, plant, state, env)
        case .setSPCLimits, .acknowledgeSPC, .clearSPC:
            return try spcCommands(command, person, station, plant, state, env)
        case .recordCalibration(let c):
            try requireRole(.inspector, person, "record a calibration")
            if let r = Calibration.refusal(c, plant: plant, today: today) { throw r }
            return [.quality(.calibrated(c))]
        case .raiseNCR(let subject, let code, let severity, let description, let containment):
            var reasons: [RefusalReason] = []
            let defect = QualityRules.defect(code, plant: plant.plant)
            if defect == nil { reasons.append(QualityRules.unknownDefect(code, plant: plant.plant)) }
            if description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                reasons.append(RefusalReason(.emptyNote, "an NCR needs a description of what is wrong"))
            }
            let number = try NCRNumber.next(on: today, node: env.node, state: state)
            var raised = NCRRaised(
                number: number, defect: code, severity: severity ?? defect?.severity ?? .minor, source: .manual, station: where_,
                description: description, containment: containment)
            var holds: [DomainEvent] = []
            switch subject {
            case .part(let serial):
                let part = try requirePart(serial, state)
                raised.serials = [serial]; raised.workOrder = part.workOrder; raised.step = part.step
                raised.part = try state.workOrder(part.workOrder)?.spec.part
                // A traveler with a nonconformance stops until it is dispositioned.
                if !part.status.isTerminal {
                    holds.append(
                        .partHeld(PartHeld(serial: serial, hold: env.newID(), reason: "NCR", note: description, step: part.step, ncr: number)))
                }
            case .workOrder(let n):
                guard let wo = try state.workOrder(n) else { throw Refusal(.unknownWorkOrder, "no work order \(n)") }
                raised.workOrder = n; raised.part = wo.spec.part
            case .lot(let material, let lot):
                guard plant.materials[material] != nil else { throw Refusal(.wrongMaterial, "no material \(material) in the plant") }
                raised.material = material; raised.lot = lot; raised.supplier = try state.lot(material: material, lot: lot)?.receipt?.supplier
            }
            guard reasons.isEmpty else { throw Refusal(reasons) }
            return [.quality(.ncrRaised(raised))] + holds

        case .updateNCR(let u):
            let n = try requireNCR(u.number, state)
            try requireRole(.inspector, person, "change an NCR")
            try QualityRules.requireOpen(n)
            if let code = u.defect, QualityRules.defect(code, plant: plant.plant) == nil {
                throw Refusal([QualityRules.unknownDefect(code, plant: plant.plant)])
            }
            return [.quality(.ncrUpdated(u))]

        case .dispositionNCR(let number, let kind, let reference, let note):
            let n = try requireNCR(number, state)
            if let r = QualityRules.dispositionRefusal(n, kind: kind, reference: reference, by: person) { throw r }
            var out: [DomainEvent] = [.quality(.ncrDispositioned(NCRDispositioned(number: number, kind: kind, reference: reference, note: note)))]
            // Every traveler still held under it takes the disposition too (scrap and return need
            // no more; rework is decided traveler by traveler, at its own step).
            if kind != .rework {
                for serial in n.raised?.serials ?? [] {
                    guard let p = try state.part(serial) else { continue }
                    let held = p.holds.filter { $0.ncr == number }
                    guard !held.isEmpty else { continue }
                    out.append(
                        .dispositionDecided(
                            DispositionDecided(
                                serial: serial, holds: held.map(\.id), kind: kind, reference: reference,
                                scrapReason: kind == .scrap ? plant.plant.reasons.scrap.first?.code : nil, note: note)))
                }
            }
            return out

        case .closeNCR(let number, let note):
            let n = try requireNCR(number, state)
            if let r = QualityRules.closeRefusal(n, by: person) { throw r }
            return [.quality(.ncrClosed(NCRClosed(number: number, note: note)))]

        case .receiveLot(let material, let lot, let quantity, let supplier, let certificate, let expiry):
            guard let m = plant.materials[material] else { throw Refusal(.wrongMaterial, "no material \(material) in the plant") }
            var reasons: [RefusalReason] = []
            if try state.lot(material: material, lot: lot)?.receipt != nil {
                reasons.append(RefusalReason(.lotAlreadyReceived, "lot \(lot) of \(material) was received already"))
            }
            if !(quantity > 0) || !quantity.isFinite { reasons.append(RefusalReason(.badCount, "a received quantity is more than 0")) }
            if let why = QualityRules.lotNumberRefusal(lot) { reasons.append(why) }
            if let expiry, QualityRules.expiredAtReceipt(expiry, today: today) {
                reasons.append(RefusalReason(.lotExpired, "lot \(lot) of \(material) expired on \(expiry): it is not received"))
            }
            guard reasons.isEmpty else { throw Refusal(reasons) }
            return [
                .quality(
                    .lotReceived(
                        LotReceived(
                            material: material, lot: lot, quantity: quantity, unit: m.unit, supplier: supplier, certificate: certificate,
                            expiry: expiry, quarantined: m.incomingInspection ?? false)))
            ]

        case .releaseLot(let material, let lot, let note):
            let l = try requireLot(material, lot, state)
            try requireRole(.inspector, person, "release a lot from incoming inspection")
            guard l.status == .quarantined else {
                throw Refusal(.badDisposition, "lot \(lot) of \(material) is not in quarantine (\(QualityRules.statusText(l, today: today)))")
            }
            if let m = plant.materials[material], let r = QualityRules.inspectionRefusal(l, material: m) { throw r }
            return [.quality(.lotReleased(LotVerdict(material: material, lot: lot, note: note)))]

        case .rejectLot(let material, let lot, let code, let note):
            let l = try requireLot(material, lot, state)
            try requireRole(.inspector, person, "reject a lot at incoming inspection")
            guard l.status == .quarantined || l.status == .released else {
                throw Refusal(.badDisposition, "lot \(lot) of \(material) is \(QualityRules.statusText(l, today: today))")
            }
            guard let defect = QualityRules.defect(code, plant: plant.plant) else {
                throw Refusal([QualityRules.unknownDefect(code, plant: plant.plant)])
            }
            let number = try NCRNumber.next(on: today, node: env.node, state: state)
            return [
                .quality(
                    .ncrRaised(
                        NCRRaised(
                            number: number, defect: defect.code, severity: defect.severity, source: .incoming, material: material, lot: lot,
                            supplier: l.receipt?.supplier, station: where_, description: note.isEmpty ? "rejected at incoming inspection" : note))),
                .quality(.lotRejected(LotVerdict(material: material, lot: lot, note: note, ncr: number))),
            ]

        case .holdLot(let material, let lot, let reason):
            try requireRole(.inspector, person, "hold a lot")
            guard plant.materials[material] != nil else { throw Refusal(.wrongMaterial, "no material \(material) in the plant") }
            guard reason.trimmingCharacters(in: .whitespacesAndNewlines).count >= 3 else {
                throw Refusal(.reasonTooShort, "a lot hold needs the reason written")
            }
            let plan = try Containment.plan(material: material, lot: lot, state: state)
            let number = try NCRNumber.next(on: today, node: env.node, state: state)
            let supplier = try state.lot(material: material, lot: lot)?.receipt?.supplier
            var out: [DomainEvent] = [
                .lotHeld(LotHeld(material: material, lot: lot, hold: env.newID(), reason: reason)),
                .quality(
                    .ncrRaised(
                        NCRRaised(
                            number: number, defect: QualityRules.automaticDefect("LOT", plant: plant.plant).code,
                            severity: QualityRules.automaticDefect("LOT", plant: plant.plant).severity, source: .containment,
                            serials: plan.toHold.map(\.serial), material: material, lot: lot, supplier: supplier, station: where_,
                            description: reason, containment: "lot held; \(plan.toHold.count) open traveler(s) held under this NCR"))),
            ]
            // The lots made from it are held with it (each refused at the station on its own).
            for child in plan.family.dropFirst() {
                out.append(.lotHeld(LotHeld(material: material, lot: child, hold: env.newID(), reason: "parent lot \(lot) held: " + reason)))
            }
            for p in plan.toHold {
                out.append(
                    .partHeld(
                        PartHeld(
                            serial: p.serial, hold: env.newID(), reason: "LOT", note: "lot \(lot) of \(material): \(reason)", step: p.step,
                            ncr: number)))
            }
            return out

        case .measureLot(let material, let lot, let charID, let text, let gauge):
            let l = try requireLot(material, lot, state)
            guard let m = plant.materials[material], let checks = m.inspection, !checks.isEmpty else {
                throw Refusal(.unknownCharacteristic, "\(material) has no characteristics to measure at incoming inspection")
            }
            guard l.status == .quarantined else {
                throw Refusal(
                    .badDisposition, "lot \(lot) of \(material) is measured while in quarantine (\(QualityRules.statusText(l, today: today)))")
            }
            let (c, value, verdict) = try reading(charID, text, gauge, among: checks, of: material, plant, state, env)
            return [
                .quality(
                    .lotMeasured(
                        LotMeasured(material: material, lot: lot, characteristic: c.id, value: value, inTolerance: verdict.isGood, gauge: gauge)))
            ]

        case .splitLot(let material, let lot, let into, let quantity):
            let l = try requireLot(material, lot, state)
            if let r = QualityRules.splitRefusal(l, into: into, quantity: quantity, existing: try state.lot(material: material, lot: into)) {
                throw r
            }
            let receipt = l.receipt!
            return [
                .quality(.lotSplit(LotSplit(material: material, lot: lot, into: into, qty: quantity))),
                .quality(
                    .lotDerived(
                        LotDerived(
                            material: material, lot: into, from: [LotDerived.Portion(lot: lot, qty: quantity)], quantity: quantity,
                            unit: receipt.unit, supplier: receipt.supplier, certificate: receipt.certificate, expiry: receipt.expiry,
                            quarantined: l.status == .quarantined))),
            ]

        case .mergeLots(let material, let lots, let into):
            let sources = try lots.map { try requireLot(material, $0, state) }
            if let r = QualityRules.mergeRefusal(sources, into: into, existing: try state.lot(material: material, lot: into)) { throw r }
            let portions = sources.map { LotDerived.Portion(lot: $0.lot, qty: $0.remaining ?? 0) }
            let receipts = sources.compactMap(\.receipt)
            let certificates = Array(Set(receipts.compactMap(\.certificate))).sorted()
            return portions.map { .quality(.lotSplit(LotSplit(material: material, lot: $0.lot, into: into, qty: $0.qty))) } + [
                .quality(
                    .lotDerived(
                        LotDerived(
                            material: material, lot: into, from: portions, quantity: portions.reduce(0) { $0 + $1.qty },
                            unit: receipts[0].unit, supplier: receipts[0].supplier,
                            certificate: certificates.isEmpty ? nil : certificates.joined(separator: " "),
                            expiry: receipts.compactMap(\.expiry).min(), quarantined: sources[0].status == .quarantined)))
            ]

        case .releaseLotHold(let material, let lot, let note):
            try requireRole(.inspector, person, "release a lot's hold")
            guard let l = try state.lot(material: material, lot: lot), !l.holds.isEmpty else {
                throw Refusal(.noHold, "lot \(lot) of \(material) has no open hold")
            }
            return [.lotHoldReleased(HoldReleased(subject: material + ":" + lot, holds: l.holds.map(\.id), note: note))]
        }
    }

    static func requireCAPA(_ number: String, _ state: StateReader) throws -> CAPAState {
        guard let c = try state.capa(number), c.opened != nil else { throw Refusal(.unknownCAPA, "no CAPA \(number)") }
        guard c.isOpen else { throw Refusal(.capaClosed, "\(number) is closed") }
        return c
    }

    static func capaCommands(
        _ command: QualityCommand, _ person: Person, _ plant: PlantIndex, _ state: StateReader, _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        let today = plant.calendar.localDate(env.now)
        func requireOwner(_ badge: String) throws {
            guard plant.people[badge] != nil else { throw Refusal(.unknownBadge, "no person with badge \(badge) to own it") }
        }
        switch command {
        case .openCAPA(let source, let ncrs, let owner, let due, let problem):
            try requireRole(.inspector, person, "open a CAPA")
            try requireOwner(owner)
            for n in ncrs { _ = try requireNCR(n, state) }
            if source == .ncr, ncrs.isEmpty { throw Refusal(.unknownNCR, "a CAPA from NCRs names at least one") }
            guard !problem.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Refusal(.emptyNote, "a CAPA needs its problem statement")
            }
            let number = try NCRNumber.next("CAPA", on: today, node: env.node, state: state)
            return [.quality(.capaOpened(CAPAOpened(number: number, source: source, ncrs: ncrs, owner: owner, due: due, problem: problem)))]
        case .updateCAPA(let u):
            _ = try requireCAPA(u.number, state)
            try requireRole(.inspector, person, "change a CAPA")
            if let o = u.owner { try requireOwner(o) }
            for n in u.addNCRs { _ = try requireNCR(n, state) }
            return [.quality(.capaUpdated(u))]
        case .addCAPAAction(let number, let text, let owner, let due):
            _ = try requireCAPA(number, state)
            try requireRole(.inspector, person, "add a CAPA action")
            try requireOwner(owner)
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Refusal(.emptyNote, "an action needs its text") }
            return [.quality(.capaActionAdded(CAPAActionAdded(number: number, action: env.newID(), text: text, owner: owner, due: due)))]
        case .completeCAPAAction(let number, let label, let note):
            let c = try requireCAPA(number, state)
            guard label.hasPrefix("A"), let i = Int(label.dropFirst()), i >= 1, i <= c.actions.count else {
                throw Refusal(.badCode, "\(number) has actions A1 to A\(c.actions.count); \(label) is not one")
            }
            let a = c.actions[i - 1]
            guard a.owner == person.badge || person.role >= .inspector else {
                throw Refusal(.insufficientRole, "\(label) is \(a.owner)'s: they or an inspector mark it done")
            }
            guard a.doneAt == nil else { throw Refusal(.capaIncomplete, "\(label) is done already") }
            return [.quality(.capaActionDone(CAPAActionDone(number: number, action: a.id, note: note)))]
        case .checkCAPAEffectiveness(let number, let check, let passed, let note):
            let c = try requireCAPA(number, state)
            try requireRole(.inspector, person, "record a CAPA's effectiveness check")
            if c.actions.isEmpty || c.actions.contains(where: { $0.doneAt == nil }) {
                throw Refusal(.capaIncomplete, "the effectiveness of \(number) is checked once every action is done")
            }
            guard !check.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Refusal(.emptyNote, "say what was checked") }
            return [.quality(.capaEffectiveness(CAPAEffectiveness(number: number, check: check, passed: passed, note: note)))]
        case .closeCAPA(let number, let note):
            guard let c = try state.capa(number), c.opened != nil else { throw Refusal(.unknownCAPA, "no CAPA \(number)") }
            if let r = CAPARules.closeRefusal(c, by: person, role: plant.plant.quality?.closeCAPA ?? .supervisor) { throw r }
            return [.quality(.capaClosed(CAPAClosed(number: number, note: note)))]
        default:
            throw Refusal(.unknownCommand, "\(command) is not a CAPA command")
        }
    }

    static func requireLot(_ material: String, _ lot: String, _ state: StateReader) throws -> LotState {
        guard let l = try state.lot(material: material, lot: lot), l.receipt != nil else {
            throw Refusal(.unknownLot, "lot \(lot) of \(material) was never received here")
        }
        return l
    }
}

/// Containing a suspect lot: every traveler that used it, where it is now, and which of them a
/// hold can still stop.
public enum Containment {
    public struct Entry: Equatable, Sendable {
        public init(serial: String, workOrder: String, step: String, status: PartStatus, onHoldUnder: [String]) {
            self.serial = serial; self.workOrder = workOrder; self.step = step; self.status = status; self.onHoldUnder = onHoldUnder
        }
        public var serial: String
        public var workOrder: String
        public var step: String
        public var status: PartStatus
        public var onHoldUnder: [String]
    }
    public struct Plan: Equatable, Sendable {
        /// Open travelers not yet held for this lot: the hold stops them.
        public var toHold: [Entry]
        /// Finished, scrapped or cancelled: listed for the report (shipped material is traced, not held).
        public var done: [Entry]
        /// Already held under an NCR of this lot.
        public var held: [Entry]
        /// The lot and the lots made from it (`family`), the lot first.
        public var family: [String]
    }

    public static func plan(material: String, lot: String, state: StateReader) throws -> Plan {
        let lots = try family(material: material, lot: lot, state: state)
        var plan = Plan(toHold: [], done: [], held: [], family: lots)
        for e in try state.lotUsage(material: material, family: lots) {
            if e.status.isTerminal { plan.done.append(e) } else if !e.onHoldUnder.isEmpty { plan.held.append(e) } else { plan.toHold.append(e) }
        }
        return plan
    }

    /// Every traveler that used the lot, where it is, and the NCRs of this lot it is held under
    /// (a hold counts by the NCR it sits under, never by the words of its note), from folded
    /// states: `StateReader.lotUsage`'s meaning, which a store may answer from its tables.
    public static func usage(material: String, lot: String, state: StateReader) throws -> [Entry] {
        try usage(material: material, family: family(material: material, lot: lot, state: state), state: state)
    }

    /// The same for a lot's `family` already known (`Containment.family`).
    public static func usage(material: String, family lots: [String], state: StateReader) throws -> [Entry] {
        var out: [Entry] = []
        var serials = Set<String>()
        for l in lots { serials.formUnion(try state.lotUsers(material: material, lot: l)) }
        let family = Set(lots)
        for serial in serials.sorted() {
            guard let p = try state.part(serial) else { continue }
            let lotHolds = try p.holds.filter { h in
                guard let n = h.ncr, let raised = try state.ncr(n)?.raised else { return false }
                return raised.material == material && raised.lot.map(family.contains) == true
            }
            let cancelled = try state.workOrder(p.workOrder)?.cancelled ?? false
            out.append(
                Entry(
                    serial: serial, workOrder: p.workOrder, step: p.step, status: p.effectiveStatus(workOrderCancelled: cancelled),
                    onHoldUnder: lotHolds.compactMap(\.ncr).sorted()))
        }
        return out
    }
}

extension Containment {
    /// The lot and every lot made from it by splits and merges, to any depth, the lot first: a
    /// sub-lot keeps its parent's history, so containing the parent contains it too.
    public static func family(material: String, lot: String, state: StateReader) throws -> [String] {
        var out = [lot], seen: Set<String> = [lot], i = 0
        while i < out.count {
            for c in try state.lot(material: material, lot: out[i])?.children ?? [] where seen.insert(c).inserted { out.append(c) }
            i += 1
        }
        return out
    }
}

extension StateReader {
    public func lotUsage(material: String, family: [String]) throws -> [Containment.Entry] {
        try Containment.usage(material: material, family: family, state: self)
    }
    /// A lot's usage, its family found first.
    public func lotUsage(material: String, lot: String) throws -> [Containment.Entry] {
        try lotUsage(material: material, family: Containment.family(material: material, lot: lot, state: self))
    }
}
