import Foundation
import LocalStore
import MESCore
import ScannerInput

/// One station's kiosk session: who is logged in, which traveler is selected, what the next
/// action needs (a note, counts, a gauge). It turns codes into commands; MESCore decides them.
/// `floor scan` and the full-screen kiosk both drive this.
public struct StationSession: Sendable {
    public let stationID: String
    public private(set) var person: Person?
    public private(set) var selected: String?
    public private(set) var gauge: String?
    public private(set) var pendingNote: String?
    public private(set) var pendingGood: Int?
    public private(set) var pendingScrap: (count: Int, reason: String)?
    /// A signed record asked for, waiting for its signer's badge + secret (`sign`).
    public private(set) var awaitingSignature: PendingSignature?
    /// At a receiving station: the lot being received (`ReceiptDraft`), until `CMD:RECEIVE`.
    public private(set) var receipt: ReceiptDraft?
    /// At a receiving station: the received lot in quarantine that `M:` readings go to (incoming
    /// inspection), set by receiving it or by scanning it again.
    public private(set) var inspecting: (material: String, lot: String)?

    /// A command whose record is a signature, decided only once its signer gives badge + secret.
    public struct PendingSignature: Equatable, Sendable {
        public var command: Command
        /// What the signature will mean (`Signature.meaning(of:)`).
        public var meaning: String
        /// The code that asked for it, sanitized, and the part it concerns.
        public var code: String
        public var serial: String?
    }

    /// This station's scanner sends the raw `%` of a GS1 QR symbol instead of GS (a setting of the
    /// station, `--gs1-percent-separator`); by default a `%` in a GS1 label is data.
    public var gs1PercentIsSeparator = false

    public init(stationID: String, gs1PercentIsSeparator: Bool = false) {
        self.stationID = stationID
        self.gs1PercentIsSeparator = gs1PercentIsSeparator
    }

    /// What handling one code did.
    public struct Reply: Sendable {
        /// `needsSignature`: nothing was recorded yet; `sign` with the signer's badge + secret.
        public enum Kind: Sendable, Equatable { case info, done, refused, needsSignature }
        public var kind: Kind
        /// One line for people, already sanitized.
        public var text: String
        public var refusal: Refusal?
        public var events: [RecordedEvent]
        static func info(_ t: String) -> Reply { Reply(kind: .info, text: t, refusal: nil, events: []) }
        static func refused(_ r: Refusal, _ what: String) -> Reply {
            Reply(
                kind: .refused, text: "REFUSED \(what): " + r.reasons.map { Sanitize.line($0.message) }.joined(separator: "; "), refusal: r,
                events: [])
        }
        static func refused(_ code: RefusalCode, _ message: String, _ what: String) -> Reply { refused(Refusal(code, message), what) }
    }

    public mutating func handle(_ code: String, service: FloorService, now: Date = Date()) throws -> Reply {
        let shown = Sanitize.line(code)
        guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
        guard plant.stations[stationID] != nil else { throw ServiceError.unknownStation(stationID) }
        let label = Label.parse(code)

        // Anyone may log in; everything else needs a person.
        switch label {
        case .invalid(_, let why):
            return .refused(.badCode, why, shown)
        case .badge(let badge):
            return login(badge, plant, shown)
        case .command(verb: .help, _):
            return .info(ScanVocabulary.helpLine)
        case .bare(let text):
            // AIM-identified or parenthesised: a GS1 label. Otherwise a serial, a work order, a
            // badge (barcodes.md), and last a GS1 element string without identifier.
            if text.hasPrefix("]") || text.hasPrefix("(") { return try gs1(parseGS1(text, now), plant, service, now, shown) }
            if try service.read({ try $0.part(text) }) != nil { return try handle("SN:" + text, service: service, now: now) }
            if try service.read({ try $0.workOrder(text) }) != nil { return try handle("WO:" + text, service: service, now: now) }
            if plant.people[text] != nil { return login(text, plant, shown) }
            let label = parseGS1(text, now)
            if case .success = label { return try gs1(label, plant, service, now, shown) }
            if GS1.looksLikeLayoutMismatch(text) {
                return .refused(.layoutMismatch, "\"\(shown)\" looks like a keyboard-layout mismatch between the scanner and this kiosk", shown)
            }
            return .refused(.unknownCode, "\"\(shown)\" is not a serial, work order or badge known here", shown)
        default:
            break
        }
        guard let person else { return .refused(.notLoggedIn, "scan your badge first", shown) }
        if plant.stations[stationID]?.isReceiving == true {
            // A gauge (EQ:) is taken as at any station; every other code is the receiving station's.
            if case .equipment = label {} else { return try receiving(label, person, plant, service, now, shown) }
        }

        switch label {
        case .supplier, .certificate, .expiry, .command(verb: .receive, _):
            return .refused(.notReceiving, "\(stationID) is not a receiving station", shown)
        case .serial(let serial):
            guard let part = try service.read({ try $0.part(serial) }) else {
                return .refused(.unknownPart, "no part \(Sanitize.line(serial))", shown)
            }
            selected = serial
            return .info("selected \(Sanitize.line(serial)): \(part.part) at \(part.step), \(part.displayStatus.rawValue)")
        case .workOrder(let number):
            guard let wo = try service.read({ try $0.workOrder(number) }) else {
                return .refused(.unknownWorkOrder, "no work order \(Sanitize.line(number))", shown)
            }
            // A batch traveler's serial is its work order number; otherwise pick its next piece waiting here.
            let pick = try service.read { s in try StartGate.pieceForScan(of: wo, at: plant.stations[stationID]!, state: s) }
            selected = pick
            return .info("work order \(Sanitize.line(number)): \(wo.spec.quantity) x \(wo.spec.part), selected \(Sanitize.line(pick ?? "-"))")
        case .equipment(let id):
            guard let e = plant.equipment[id] else { return .refused(.unknownEquipment, "no equipment \(Sanitize.line(id))", shown) }
            if let why = try service.read({ try Calibration.reason(e, state: $0, on: plant.calendar.localDate(now)) }) {
                return .refused(Refusal([why]), shown)
            }
            if e.kind == .gauge { gauge = e.id; return .info("gauge \(e.id) (\(Sanitize.line(e.name))) for the next readings") }
            return .info("equipment \(e.id) (\(Sanitize.line(e.name)))")
        case .note(let text):
            pendingNote = text
            return .info("note kept for the next action")
        case .quantity(let n):
            pendingGood = n
            return .info("good count \(n) for the next completion")
        case .scrapCount(let n, let reason):
            pendingScrap = (n, reason)
            return .info("scrap \(n) (\(Sanitize.line(reason))) for the next completion")
        case .measurement(let c, let v):
            guard let serial = selected else { return .refused(.noPart, "scan a part first", shown) }
            return try run(.record(serial: serial, characteristic: c, value: v, gauge: gauge), person, service, now, shown)
        case .lot(let material, let lot):
            guard let serial = selected else { return .refused(.noPart, "scan a part first", shown) }
            return try run(.consume(serial: serial, material: material, lot: lot, expiry: nil), person, service, now, shown)
        case .command(let verb, let arg):
            return try command(verb, arg, person, service, now, shown)
        default:
            return .refused(.unknownCode, "\"\(shown)\" means nothing here", shown)
        }
    }

    /// A supplier's or customer's GS1 label: a GTIN of a material makes it a lot scan (expiry
    /// checked by the rules), a GTIN of a part selects that part's serial.
    /// A GS1 label read with this station's setting, in the century window of the station's clock.
    private func parseGS1(_ text: String, _ now: Date) -> Result<GS1Data, GS1Error> {
        GS1.parse(text, referenceYear: Calendar(identifier: .gregorian).component(.year, from: now), percentIsSeparator: gs1PercentIsSeparator)
    }

    private mutating func gs1(
        _ label: Result<GS1Data, GS1Error>, _ plant: PlantIndex, _ service: FloorService, _ now: Date,
        _ shown: String
    ) throws -> Reply {
        let data: GS1Data
        switch label {
        case .failure(let e): return .refused(.badGS1, e.message, shown)
        case .success(let d): data = d
        }
        guard let gtin = data.gtin else { return .refused(.noGtin, "the GS1 label carries no GTIN (01)", shown) }
        if let material = plant.materialsByGTIN[gtin] {
            guard let person else { return .refused(.notLoggedIn, "scan your badge first", shown) }
            guard let lot = data.lot else { return .refused(.noLot, "the label of \(material.id) carries no lot (10)", shown) }
            if plant.stations[stationID]?.isReceiving == true {
                return try lotAtReceiving(
                    ReceiptDraft(material: material, lot: lot, expiry: data.expiry, count: data.count, fromLabel: true), material, service, shown)
            }
            guard let serial = selected else { return .refused(.noPart, "scan a part first", shown) }
            return try run(.consume(serial: serial, material: material.id, lot: lot, expiry: data.expiry), person, service, now, shown)
        }
        if let part = plant.partsByGTIN[gtin] {
            guard let serial = data.serial else { return .refused(.noSerial, "the label of \(part.id) carries no serial (21)", shown) }
            return try handle("SN:" + serial, service: service, now: now)
        }
        return .refused(.unknownGtin, "GTIN \(gtin) is not a material or part of this plant", shown)
    }

    /// A receiving station's codes: a lot label starts a receipt, its fields complete it,
    /// `CMD:RECEIVE` records it (decided by the rules as `floor lots receive` is).
    private mutating func receiving(
        _ label: Label, _ person: Person, _ plant: PlantIndex, _ service: FloorService, _ now: Date, _ shown: String
    ) throws -> Reply {
        func needDraft() -> Reply { .refused(.receiptIncomplete, "scan the lot's label (or type LOT:<material>:<lot>) first", shown) }
        switch label {
        case .lot(let material, let lot):
            guard let m = plant.materials[material] else {
                return .refused(.wrongMaterial, "no material \(Sanitize.line(material)) in the plant", shown)
            }
            return try lotAtReceiving(ReceiptDraft(material: m, lot: lot, fromLabel: false), m, service, shown)
        case .measurement(let c, let v):
            guard let (material, lot) = inspecting else {
                return .refused(.receiptIncomplete, "scan the received lot to inspect (LOT:<material>:<lot>) first", shown)
            }
            return try run(
                .quality(.measureLot(material: material, lot: lot, characteristic: c, value: v, gauge: gauge)), person, service, now, shown)
        case .quantity(let n):
            guard receipt != nil else { return needDraft() }
            guard n > 0 else { return .refused(.badCount, "a received quantity is more than 0", shown) }
            receipt?.quantity = Double(n); receipt?.sources[.quantity] = "typed"
        case .supplier(let text):
            guard receipt != nil else { return needDraft() }
            receipt?.supplier = text; receipt?.sources[.supplier] = "typed"
        case .certificate(let text):
            guard receipt != nil else { return needDraft() }
            receipt?.certificate = text; receipt?.sources[.certificate] = "typed"
        case .expiry(let d):
            guard receipt != nil else { return needDraft() }
            receipt?.expiry = d; receipt?.sources[.expiry] = "typed"
        case .command(verb: .receive, _):
            guard let draft = receipt else { return needDraft() }
            switch draft.command {
            case .failure(let r): return .refused(r, shown)
            case .success(let command):
                let reply = try run(command, person, service, now, shown)
                if reply.kind == .done {
                    receipt = nil
                    let awaits = plant.materials[draft.material].map {
                        QualityRules.awaitsInspection(draft.quarantine ? .quarantined : .released, material: $0)
                    }
                    inspecting = awaits == true ? (draft.material, draft.lot) : nil
                }
                return reply
            }
        case .command(let verb, let arg) where verb == .cancel || verb == .logout:
            return try command(verb, arg, person, service, now, shown)
        default:
            return .refused(.notReceiving, "\(stationID) is a receiving station: scan a lot's label, or LOT:<material>:<lot>", shown)
        }
        return .info(receiptLine())
    }

    /// A lot scanned at the receiving station: one received before resumes its inspection, a new
    /// one starts `draft`.
    private mutating func lotAtReceiving(_ draft: ReceiptDraft, _ m: Material, _ service: FloorService, _ shown: String) throws -> Reply {
        if let known = try service.read({ try $0.lot(material: m.id, lot: draft.lot) }), known.receipt != nil { return inspect(known, m, shown) }
        return startReceipt(draft)
    }

    private mutating func startReceipt(_ draft: ReceiptDraft) -> Reply {
        receipt = draft
        inspecting = nil
        return .info(receiptLine())
    }

    /// A lot received before, scanned again: its incoming inspection, when it is in quarantine
    /// and its material has characteristics to measure; else what it is, in words.
    private mutating func inspect(_ l: LotState, _ m: Material, _ shown: String) -> Reply {
        receipt = nil
        guard QualityRules.awaitsInspection(l.status, material: m) else {
            inspecting = nil
            return .refused(
                .lotAlreadyReceived, "lot \(Sanitize.line(l.lot)) of \(m.id) is received already (\(l.status?.rawValue ?? "known"))", shown)
        }
        inspecting = (m.id, l.lot)
        let missing = QualityRules.inspectionProgress(l, material: m).map { "\($0.characteristic) \($0.have)/\($0.need)" }
        return .info("inspecting lot \(Sanitize.line(l.lot)) of \(m.id): scan M:<characteristic>=<value> (" + missing.joined(separator: ", ") + ")")
    }

    /// The receipt so far and what it still needs, in one line.
    private func receiptLine() -> String {
        guard let r = receipt else { return "" }
        var s = "receiving lot \(Sanitize.line(r.lot)) of \(r.material)"
        if let q = r.quantity { s += ": \(ReceiptDraft.quantityText(q)) \(Sanitize.line(r.unit))" }
        if let sup = r.supplier { s += " from \(Sanitize.line(sup))" }
        if let e = r.expiry { s += ", expires \(e)" }
        let missing = r.missing
        s +=
            missing.isEmpty
            ? "; scan CMD:RECEIVE to record it" : "; still needs " + missing.map { ReceiptDraft.code(for: $0) }.joined(separator: " and ")
        return s
    }

    private mutating func login(_ badge: String, _ plant: PlantIndex, _ shown: String) -> Reply {
        guard let p = plant.people[badge] else { return .refused(.unknownBadge, "no person with badge \(Sanitize.line(badge))", shown) }
        person = p
        selected = nil; pendingNote = nil; pendingGood = nil; pendingScrap = nil; gauge = nil; awaitingSignature = nil; receipt = nil
        inspecting = nil
        return .info("logged in: \(Sanitize.line(p.name)) (\(p.role.label)) at \(stationID)")
    }

    private mutating func command(
        _ verb: CommandVerb, _ arg: String?, _ person: Person, _ service: FloorService, _ now: Date,
        _ shown: String
    ) throws -> Reply {
        switch verb {
        case .help:
            return .info(ScanVocabulary.helpLine)
        case .logout:
            self = StationSession(stationID: stationID, gs1PercentIsSeparator: gs1PercentIsSeparator)
            return .info("logged out")
        case .cancel:
            selected = nil; pendingNote = nil; pendingGood = nil; pendingScrap = nil; awaitingSignature = nil; receipt = nil; inspecting = nil
            return .info("cancelled")
        default:
            break
        }
        if verb.needsPart, selected == nil { return .refused(.noPart, "scan a part first", shown) }
        switch Self.command(verb, arg, serial: selected ?? "", station: stationID, note: pendingNote, good: pendingGood, scrap: pendingScrap) {
        case .failure(let refusal): return .refused(refusal, shown)
        case .success(let command): return try run(command, person, service, now, shown)
        }
    }

    /// The command a `CMD:` card becomes, with what the session keeps for the next action
    /// (`note`, `good`, `scrap`); a card whose argument is missing or wrong is refused here, since
    /// no command can be made of it. The kiosk's previews of what its actions would do ask this
    /// too, so a key and a scanned card are one path. Session verbs (help, cancel, logout) have
    /// no command.
    public static func command(
        _ verb: CommandVerb, _ arg: String?, serial: String, station: String, note pendingNote: String?,
        good: Int? = nil, scrap: (count: Int, reason: String)? = nil
    ) -> Result<Command, Refusal> {
        let note = pendingNote ?? ""
        switch verb {
        case .down:
            guard let arg else { return .failure(Refusal(.needsReason, CommandVerb.down.syntax)) }
            return .success(.downtimeStart(reason: arg))
        case .up: return .success(.downtimeEnd)
        case .andon:
            if arg?.uppercased() == "CLEAR" { return .success(.clearAndon(station: station)) }
            guard let kind = AndonKind(rawValue: (arg ?? "help").lowercased()) else {
                return .failure(Refusal(.badAndon, CommandVerb.andon.syntax))
            }
            return .success(.callAndon(kind: kind, note: note))
        case .start: return .success(.start(serial: serial))
        case .resume: return .success(.resume(serial: serial))
        case .pause: return .success(.pause(serial: serial, reason: note))
        case .complete: return .success(.complete(serial: serial, good: good, scrap: scrap?.count ?? 0, scrapReason: scrap?.reason))
        case .pass: return .success(.fpiPass(serial: serial))
        case .fail: return .success(.fpiFail(serial: serial, note: note))
        case .waive: return .success(.fpiWaive(serial: serial, reason: note))
        case .undo: return .success(.undo(serial: serial, reason: note))
        case .scrap:
            guard let arg else { return .failure(Refusal(.needsReason, CommandVerb.scrap.syntax)) }
            return .success(.scrap(serial: serial, count: nil, reason: arg))
        case .hold:
            guard let arg else { return .failure(Refusal(.needsReason, CommandVerb.hold.syntax)) }
            return .success(.hold(serial: serial, reason: arg, note: note))
        case .release: return .success(.releaseHold(serial: serial, holds: nil, note: note))
        case .override:
            // Asks a supervisor to lift one blocker of this part's start; NOTE: gives the reason.
            guard let kind = arg.flatMap({ BlockerKind(rawValue: $0.lowercased()) }) else {
                return .failure(Refusal(.badOverride, CommandVerb.override.syntax + " after NOTE:<reason>"))
            }
            return .success(.requestOverride(serial: serial, blocker: kind, reason: note))
        case .dispo:
            let parts = (arg ?? "").split(separator: ":", maxSplits: 1).map(String.init)
            guard let kindText = parts.first, let kind = DispositionKind(rawValue: kindText.lowercased()) else {
                return .failure(Refusal(.badDisposition, CommandVerb.dispo.syntax))
            }
            let extra = parts.count > 1 ? parts[1] : nil
            return .success(
                .disposition(
                    serial: serial, kind: kind, reworkStep: kind == .rework ? extra : nil,
                    reference: pendingNote, scrapReason: kind == .scrap ? extra : nil, note: note))
        case .ncr:
            // Raised by hand on the selected part, which goes on hold under it; NOTE: says what is wrong.
            guard let arg else { return .failure(Refusal(.needsReason, CommandVerb.ncr.syntax + " after NOTE:<what is wrong>")) }
            return .success(.quality(.raiseNCR(subject: .part(serial: serial), defect: arg, severity: nil, description: note, containment: "")))
        case .receive:
            return .failure(Refusal(.notReceiving, "CMD:RECEIVE is for a receiving station"))
        case .spcAck: return .success(.quality(.acknowledgeSPC(chart: "", reason: note)))
        case .spcClear: return .success(.quality(.clearSPC(chart: "", station: station, note: note)))
        case .help, .cancel, .logout:
            return .failure(Refusal(.unknownCommand, "CMD:\(verb.rawValue) is not a command of the record"))
        }
    }

    private mutating func run(_ command: Command, _ person: Person, _ service: FloorService, _ now: Date, _ shown: String) throws -> Reply {
        awaitingSignature = nil
        let outcome = try service.run(command, badge: person.badge, station: stationID, now: now)
        if let r = outcome.refusal, r.codes == [RefusalCode.signatureRequired.rawValue] {
            // Nothing is recorded: the record waits for its signer, who may not be the person logged in.
            let meaning = Signature.meaning(of: command)
            awaitingSignature = PendingSignature(command: command, meaning: meaning, code: shown, serial: Self.serial(of: command))
            return Reply(
                kind: .needsSignature,
                text: "SIGN \(shown): \(meaning)\(Self.serial(of: command).map { " of \(Sanitize.line($0))" } ?? ""): badge + secret",
                refusal: r, events: [])
        }
        return recorded(outcome, command, shown)
    }

    private mutating func recorded(_ outcome: Outcome, _ command: Command, _ shown: String) -> Reply {
        switch outcome {
        case .refused(let r):
            return .refused(r, shown)
        case .done(let recorded):
            // What the next action needed is used up.
            pendingNote = nil
            if case .complete = command { pendingGood = nil; pendingScrap = nil }
            let text = Describe.events(recorded)
            return Reply(kind: .done, text: "OK \(shown): \(text)", refusal: nil, events: recorded)
        }
    }

    /// Signs the record waiting for a signature: `badge` (a badge scan or the number typed) and
    /// `secret` are checked offline against this store (`SigningSecrets.runSigned`), and the
    /// record is decided as the signer's, who need not be the person logged in (the inspector
    /// who walks up to the operator's kiosk). A wrong secret is refused and counted, and the
    /// record still waits (until cancelled); any other refusal ends the wait. The secret is
    /// never kept, shown or logged.
    /// `newSecret`: the signer's secret was reset; `secret` is the one given, replaced first.
    public mutating func sign(
        badge entered: String, secret: String, newSecret: String? = nil, service: FloorService, now: Date = Date()
    ) throws
        -> Reply
    {
        guard let pending = awaitingSignature else { return .refused(.unknownCommand, "nothing waits for a signature", "SIGN") }
        var badge = entered.trimmingCharacters(in: .whitespaces)
        if case .badge(let b) = Label.parse(badge) { badge = b }
        guard try service.plantIndex()?.people[badge] != nil else {
            return .refused(.unknownBadge, "no person with badge \(Sanitize.line(badge))", pending.code)
        }
        let outcome = try SigningSecrets.runSigned(
            pending.command, badge: badge, secret: secret, newSecret: newSecret, service: service, station: stationID, now: now)
        // A wrong secret, one to renew or a new one too weak: the pad asks again, nothing recorded.
        let again: Set<String> = [RefusalCode.wrongSecret.rawValue, RefusalCode.secretMustChange.rawValue, RefusalCode.weakSecret.rawValue]
        if let r = outcome.refusal, Set(r.codes).isSubset(of: again) { return .refused(r, pending.code) }
        awaitingSignature = nil
        return recorded(outcome, pending.command, pending.code)
    }

    /// The signature is not given: nothing is recorded.
    public mutating func cancelSignature() { awaitingSignature = nil }

    static func serial(of command: Command) -> String? {
        switch command {
        case .fpiPass(let s), .fpiFail(let s, _), .fpiWaive(let s, _), .undo(let s, _), .releaseHold(let s, _, _), .hold(let s, _, _),
            .scrap(let s, _, _), .requestOverride(let s, _, _), .approveOverride(let s, _, _), .start(let s), .resume(let s),
            .pause(let s, _), .complete(let s, _, _, _), .record(let s, _, _, _), .consume(let s, _, _, _):
            return s
        case .disposition(let s, _, _, _, _, _): return s
        default: return nil
        }
    }
}
