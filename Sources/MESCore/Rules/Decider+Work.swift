import Foundation

// Work at the station: start, pause, resume, complete, record, consume. One family of `Decider.events`.
extension Decider {
    static func workCommands(
        _ command: Command, _ a: Actor, _ person: Person, _ station: Station, _ plant: PlantIndex, _ state: StateReader,
        _ env: DecisionEnv
    ) throws -> [DomainEvent] {
        switch command {
        case .start(let serial):
            let part = try requirePart(serial, state)
            if part.status == .paused, part.run.map({ plant.stations[$0.station]?.workCenter == station.workCenter }) == true {
                return try events(.resume(serial: serial), a, plant, state, env)
            }
            let d = try StartGate.evaluate(serial: serial, station: station, person: person, plant: plant, state: state, env: env)
            guard d.allowed, let step = d.step else { throw Refusal(d.blockers) }
            var out: [DomainEvent] = [
                .stepStarted(
                    StepStarted(
                        serial: serial, step: step.id, station: station.id, equipment: d.equipment,
                        fpiKey: d.fpiKey, overrides: d.overridesUsed))
            ]
            if d.designatesFirstPiece, let key = d.fpiKey { out.append(.fpiDesignated(FPIDesignated(key: key, serial: serial))) }
            out += d.overridesUsed.map { .overrideUsed(OverrideUsed(id: $0, serial: serial)) }
            return out

        case .pause(let serial, let reason):
            let part = try requirePart(serial, state)
            guard part.status == .running, let run = part.run else {
                throw Refusal(.notRunning, "\(serial) is not running (\(part.displayStatus.rawValue))")
            }
            return [.stepPaused(StepPaused(serial: serial, step: run.step, reason: reason))]

        case .resume(let serial):
            let part = try requirePart(serial, state)
            guard part.status == .paused, let run = part.run else {
                throw Refusal(.notPaused, "\(serial) is not paused (\(part.displayStatus.rawValue))")
            }
            var reasons = try resumeBlockers(part, run, a, plant, state, env)
            if run.station != station.id {
                // Its machine, first-piece key and setup belong to that station.
                reasons.insert(RefusalReason(.pausedElsewhere, "\(serial) is paused at \(run.station): resume it there"), at: 0)
            }
            guard reasons.isEmpty else { throw Refusal(reasons) }
            return [.stepResumed(StepResumed(serial: serial, step: run.step, station: station.id))]

        case .complete(let serial, let good, let scrap, let scrapReason):
            return try complete(serial, good, scrap, scrapReason, a, plant, state, env)

        case .record(let serial, let charID, let text, let gauge):
            let (part, _, step) = try running(serial, plant, state)
            let (c, value, verdict) = try reading(charID, text, gauge, among: step.measurements, of: step.id, plant, state, env)
            var out: [DomainEvent] = [
                .measurementRecorded(
                    MeasurementRecorded(
                        serial: serial, step: step.id, characteristic: c.id, value: value,
                        inTolerance: verdict.isGood, gauge: gauge, station: station.id))
            ]
            if !verdict.isGood, case .hold = step.onFail, !part.holds.contains(where: { $0.reason == "OOT" && $0.step == step.id }) {
                let note = "\(c.id) = \(value) (\(Tolerance.limitsText(c))): \(verdict.word)"
                let ncr = try automaticNCR(
                    "OOT", .measurement, part: part, step: step.id, station: station.id, characteristic: c.id, value: value.description,
                    description: note, plant, state, env)
                out.append(ncr.event)
                out.append(.partHeld(PartHeld(serial: serial, hold: env.newID(), reason: "OOT", note: note, step: step.id, ncr: ncr.number)))
            }
            return out

        case .consume(let serial, let material, let lot, let expiry):
            let (part, _, step) = try running(serial, plant, state)
            guard let req = step.materials.first(where: { $0.material == material }) else {
                throw Refusal(
                    .wrongMaterial,
                    "\(step.id) does not use \(material)"
                        + (step.materials.isEmpty ? "" : " (it uses \(step.materials.map(\.material).joined(separator: ", ")))")
                )
            }
            let qty = req.qty * Double(part.quantity)
            if let why = QualityRules.lotRefusal(
                material: material, lot: lot, state: try state.lot(material: material, lot: lot), labelExpiry: expiry, needs: qty,
                requireReceipt: plant.plant.quality?.requireReceipt ?? false, today: plant.calendar.localDate(env.now))
            {
                throw Refusal([why])
            }
            return [
                .materialConsumed(MaterialConsumed(serial: serial, step: step.id, material: material, lot: lot, qty: qty, expiry: expiry)),
                .quality(.lotConsumed(LotConsumed(material: material, lot: lot, serial: serial, step: step.id, qty: qty))),
            ]

        default:
            throw Refusal(.unknownCommand, "\(command) is not a command of this family")
        }
    }
}

extension Decider {
    /// A reading of one of `checks` (a step's measurements, or a material's incoming inspection):
    /// the characteristic, the value as typed (a number, or PASS/FAIL) and its verdict; a gauge
    /// out of calibration is refused, and its reading with it.
    static func reading(
        _ charID: String, _ text: String, _ gauge: String?, among checks: [Characteristic], of owner: String, _ plant: PlantIndex,
        _ state: StateReader, _ env: DecisionEnv
    ) throws -> (Characteristic, MeasuredValue, Verdict) {
        guard let c = checks.first(where: { $0.id.caseInsensitiveCompare(charID) == .orderedSame }) else {
            throw Refusal(.unknownCharacteristic, "\(owner) has no characteristic \(charID) (it has \(checks.map(\.id).joined(separator: ", ")))")
        }
        guard let value = Tolerance.parseValue(text, kind: c.kind) else {
            throw Refusal(.badValue, c.kind == .passFail ? "\(c.id) takes PASS or FAIL, not \"\(text)\"" : "\(c.id) takes a number, not \"\(text)\"")
        }
        if c.requireGauge == true, gauge == nil {
            throw Refusal(.gaugeRequired, "\(c.id) is read only with a gauge: scan its EQ: code first")
        }
        if let g = gauge {
            guard let e = plant.equipment[g] else { throw Refusal(.unknownGauge, "no gauge \(g)") }
            if let why = try Calibration.reason(e, state: state, on: plant.calendar.localDate(env.now)) {
                throw Refusal(.calibrationExpired, why.message + "; its reading is refused")
            }
        }
        return (c, value, Tolerance.verdict(c, value))
    }
}
