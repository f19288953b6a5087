import FloorStation
import Foundation
import LocalStore
import MESCore
import ScannerInput

/// `update` for the supervisor console: keys become actions through the keymap; an action on a
/// row opens the pickers and fields it needs, then a signature prompt naming what the signature
/// means; only a signed, complete command leaves as an effect, and MESCore decides it.
enum ConsoleUpdate {
    static func update(_ m: inout ConsoleModel, _ msg: ConsoleMsg) -> [ConsoleEffect] {
        switch msg {
        case .resize(let w, let h):
            m.width = w; m.height = h
            return [.redraw]
        case .tick(let now):
            m.now = now
            if let idle = m.idleSignOut, m.person != nil, now.timeIntervalSince(m.lastInput) >= idle {
                signOut(&m)
                m.message = .init(text: "signed out after \(Int(idle / 60)) min without input", role: .dim)
            }
            return []
        case .loaded(let table, let last, let plant):
            m.table = table
            m.lastEvent = last
            m.plant = plant
            m.selection = min(m.selection, max(0, table.rows.count - 1))
            return []
        case .done(let text):
            m.message = .init(text: text, role: .ok)
            return [.load]
        case .signed(let text, let full):
            if full { m.sessionVerified = true }
            m.message = .init(text: text, role: .ok)
            return [.load]
        case .signedIn(let badge):
            guard let p = m.plant?.people[badge] else { return [] }
            m.overlay = nil
            m.sessionVerified = true
            return signIn(&m, p)
        case .loginSession(let badge):
            // Signed in by the OS login: the first signature asks the full badge + secret.
            guard let p = m.plant?.people[badge], ConsoleRules.signInRefusal(p) == nil else { return [] }
            m.sessionVerified = false
            return signIn(&m, p)
        case .renewSecret(let badge, let text):
            // The first use of a secret a supervisor reset: the sign-in pad asks it, then a new one twice.
            guard let p = m.plant?.people[badge] else { return [] }
            var pad = signInPad(p)
            pad.renew()
            m.overlay = .signIn(pad)
            m.message = .init(text: text, role: .warn)
            return []
        case .refused(let text):
            m.message = .init(text: text, role: .stop)
            return []
        case .failed(let text):
            m.message = .init(text: text, role: .stop)
            return []
        case .scan(let code):
            m.lastInput = m.now
            switch m.overlay {
            case .signIn(var pad)?:
                let pair = pad.scanned(code)
                m.overlay = .signIn(pad)
                return pair.map { [.signIn(badge: $0.badge, secret: $0.secret, newSecret: $0.newSecret)] } ?? []
            case .confirm(var c)? where c.pad != nil:
                guard let pair = c.pad!.scanned(code) else { m.overlay = .confirm(c); return [] }
                m.overlay = nil
                return [.sign(c.command, badge: pair.badge, secret: pair.secret, method: c.pad!.method)]
            default: break
            }
            if m.person == nil { return login(&m, code) }
            // A traveler scanned at the console opens its history; anything else is refused here.
            if case .serial(let s) = Label.parse(code) { push(&m, .history(s)); return [.load] }
            if case .bare(let s) = Label.parse(code) { push(&m, .history(s)); return [.load] }
            if case .badge(let b) = Label.parse(code) { return login(&m, b) }
            m.message = .init(text: "\(Sanitize.line(code)): scan a badge or a traveler here", role: .stop)
            return []
        case .key(let k):
            m.lastInput = m.now
            return key(&m, k)
        }
    }

    private static func signIn(_ m: inout ConsoleModel, _ p: Person) -> [ConsoleEffect] {
        m.person = p
        m.overlay = nil
        m.message = .init(text: "signed in: \(p.name) (\(p.role.label))", role: .ok)
        return [.load]
    }

    static func signOut(_ m: inout ConsoleModel) {
        m.person = nil; m.sessionVerified = false; m.overlay = nil; m.stack = [.tab(.stations)]; m.selection = 0
    }

    static func login(_ m: inout ConsoleModel, _ code: String) -> [ConsoleEffect] {
        var badge = code
        if case .badge(let b) = Label.parse(code) { badge = b }
        guard let p = m.plant?.people[badge] else {
            m.message = .init(text: "no person with badge \(Sanitize.line(badge))", role: .stop)
            return []
        }
        if let why = ConsoleRules.signInRefusal(p) {
            m.message = .init(text: why, role: .stop)
            return []
        }
        // Badge and secret open the session.
        m.overlay = .signIn(signInPad(p))
        return []
    }

    static func signInPad(_ p: Person) -> SignaturePad {
        SignaturePad(meaning: "sign in", what: "\(p.name) (\(p.role.label), badge \(p.badge))", title: "Sign in", badge: p.badge, asksBadge: false)
    }

    static func push(_ m: inout ConsoleModel, _ s: ConsoleScreen) {
        m.stack.append(s)
        m.selection = 0
    }

    private static func key(_ m: inout ConsoleModel, _ k: Key) -> [ConsoleEffect] {
        let context = m.context
        let action = m.keymap.action(for: k, in: context)
        switch m.overlay {
        case .signIn(var pad)?:
            switch action {
            case .accept?:
                guard let pair = pad.accept() else { m.overlay = .signIn(pad); return [] }
                m.overlay = .signIn(pad)
                return [.signIn(badge: pair.badge, secret: pair.secret, newSecret: pair.newSecret)]
            case .erase?: pad.erase(); m.overlay = .signIn(pad)
            case .back?, .cancel?: m.overlay = nil; m.message = .init(text: "not signed in", role: .dim)
            default:
                if let t = k.text, t.count == 1, let c = t.first { pad.type(c); m.overlay = .signIn(pad) }
            }
            return []
        case .confirm(var c)? where c.pad != nil:
            switch action {
            case .accept?:
                guard let pair = c.pad!.accept() else { m.overlay = .confirm(c); return [] }
                m.overlay = nil
                return [.sign(c.command, badge: pair.badge, secret: pair.secret, method: c.pad!.method)]
            case .erase?: c.pad!.erase(); m.overlay = .confirm(c)
            case .back?, .cancel?: m.overlay = nil; m.message = .init(text: "not signed: nothing recorded", role: .dim)
            default:
                if let t = k.text, t.count == 1, let ch = t.first { c.pad!.type(ch); m.overlay = .confirm(c) }
            }
            return []
        case .entry(var e)?:
            switch action {
            case .accept?:
                m.overlay = nil
                return answer(&m, e.flow, e.text)
            case .erase?: if !e.text.isEmpty { e.text.removeLast() }; m.overlay = .entry(e); return []
            case .back?, .cancel?:
                m.overlay = nil
                if e.flow == .badge { return [] }
                m.message = .init(text: "cancelled", role: .dim)
                return []
            case .quit?: return [.quit]
            default:
                if let t = k.text, t.count == 1 { e.text += t; m.overlay = .entry(e) }
                return []
            }
        case .picker(var p)?:
            switch action {
            case .up?: p.selection = max(0, p.selection - 1); m.overlay = .picker(p)
            case .down?: p.selection = min(p.options.count - 1, p.selection + 1); m.overlay = .picker(p)
            case .accept?:
                m.overlay = nil
                return answer(&m, p.flow, p.options[p.selection].1)
            case .back?, .cancel?: m.overlay = nil; m.message = .init(text: "cancelled", role: .dim)
            default: break
            }
            return []
        case .confirm(let c)?:
            switch action {
            case .accept?: m.overlay = nil; return [.run(c.command)]
            case .back?, .cancel?: m.overlay = nil; m.message = .init(text: "not signed: nothing recorded", role: .dim)
            default: break
            }
            return []
        case .help(let scroll)?:
            switch action {
            case .up?: m.overlay = .help(scroll: max(0, scroll - 1))
            case .down?: m.overlay = .help(scroll: scroll + 1)
            default: m.overlay = nil
            }
            return []
        case nil:
            break
        }
        if m.person == nil {
            switch action {
            case .quit?: return [.quit]
            case .help?: m.overlay = .help(scroll: 0); return []
            default:
                // Typing starts the badge field.
                if let t = k.text, t.count == 1 {
                    m.overlay = .entry(.init(title: "Sign in", prompt: "Badge (scan it, or type it and press Enter):", text: t, flow: .badge))
                } else if k == .enter {
                    m.overlay = .entry(.init(title: "Sign in", prompt: "Badge (scan it, or type it and press Enter):", flow: .badge))
                }
                return []
            }
        }
        guard let action else { return [] }
        return act(&m, action)
    }

    private static func act(_ m: inout ConsoleModel, _ a: Action) -> [ConsoleEffect] {
        m.message = nil
        let row = m.selectedRow
        let page = max(1, m.height - 8)
        switch a {
        case .quit: return [.quit]
        case .help: m.overlay = .help(scroll: 0); return []
        case .refresh: return [.redraw, .load]
        case .logout:
            signOut(&m)
            m.message = .init(text: "signed out", role: .dim)
            return []
        case .up: m.selection = max(0, m.selection - 1); return []
        case .down: m.selection = min(max(0, m.table.rows.count - 1), m.selection + 1); return []
        case .pageUp: m.selection = max(0, m.selection - page); return []
        case .pageDown: m.selection = min(max(0, m.table.rows.count - 1), m.selection + page); return []
        case .top: m.selection = 0; return []
        case .bottom: m.selection = max(0, m.table.rows.count - 1); return []
        case .back:
            if m.stack.count > 1 { m.stack.removeLast(); m.selection = 0; return [.load] }
            return []
        case .nextView, .prevView:
            let current: ConsoleTab
            if case .tab(let t) = m.screen { current = t } else { current = .stations }
            let n = ConsoleTab.allCases.count
            let next = ConsoleTab(rawValue: (current.rawValue + (a == .nextView ? 1 : n - 1)) % n)!
            m.stack = [.tab(next)]; m.selection = 0
            return [.load]
        case .viewStations, .viewHolds, .viewFPI, .viewApprovals, .viewAndon, .viewOrders, .viewConflicts, .viewReports:
            m.stack = [.tab(ConsoleTab.allCases.first { $0.action == a }!)]; m.selection = 0
            return [.load]
        case .open:
            switch row?.ref {
            case .station(let s)?: push(&m, .station(s)); return [.load]
            case .lot(let key)?: push(&m, .lot(key)); return [.load]
            case let r? where r.serial != nil: push(&m, .history(r.serial!)); return [.load]
            default: return []
            }
        case .history:
            guard let s = row?.ref.serial ?? historySerial(m) else { return none(&m, "choose a part first") }
            push(&m, .history(s)); return [.load]
        case .disposition:
            guard let s = row?.ref.serial ?? historySerial(m) else { return none(&m, "choose a held part") }
            m.overlay = .picker(
                .init(
                    title: "Disposition of \(s)", options: DispositionKind.allCases.map { (label($0), $0.rawValue) },
                    flow: .dispositionKind(serial: s)))
            return []
        case .release:
            switch row?.ref {
            case .hold(let s, let h)?: return confirm(&m, .releaseHold(serial: s, holds: [h], note: ""), "release hold \(h) on \(s)")
            case .orderHold(let o)?: return confirm(&m, .releaseWorkOrder(number: o), "release the hold on work order \(o)")
            case .order(let o)?: return confirm(&m, .releaseWorkOrder(number: o), "release the hold on work order \(o)")
            default: return none(&m, "choose a hold")
            }
        case .fpiPass:
            guard let s = row?.ref.serial ?? historySerial(m) else { return none(&m, "choose a first piece") }
            return confirm(&m, .fpiPass(serial: s), "first piece \(s) passes")
        case .fpiFail:
            guard let s = row?.ref.serial ?? historySerial(m) else { return none(&m, "choose a first piece") }
            m.overlay = .entry(.init(title: "First piece \(s) fails", prompt: "What is wrong (goes on the NCR):", flow: .failNote(serial: s)))
            return []
        case .fpiWaive:
            guard let s = row?.ref.serial ?? historySerial(m) else { return none(&m, "choose a first piece") }
            m.overlay = .entry(.init(title: "Waive first piece \(s)", prompt: "Why (10 characters or more):", flow: .waiveReason(serial: s)))
            return []
        case .approve:
            guard case .override(let s, let id)? = row?.ref else { return none(&m, "choose an override request (Approvals, 4)") }
            m.overlay = .picker(
                .init(
                    title: "Approve override \(id) for",
                    options: [
                        ("30 minutes", "30"), ("1 hour", "60"), ("4 hours", "240"),
                        ("8 hours (a shift)", "480"),
                    ],
                    flow: .approveMinutes(serial: s, id: id)))
            return []
        case .undo:
            guard let s = row?.ref.serial ?? historySerial(m) else { return none(&m, "choose a part") }
            m.overlay = .entry(.init(title: "Undo the last completion of \(s)", prompt: "Why:", flow: .undoReason(serial: s)))
            return []
        case .acknowledge:
            guard let st = selectedAndon(row) else { return none(&m, "choose an andon call (Andon, 5)") }
            return confirm(&m, .acknowledgeAndon(station: st), "acknowledge the andon call at \(st)")
        case .clearAndon:
            guard let st = selectedAndon(row) else { return none(&m, "choose an andon call (Andon, 5)") }
            return confirm(&m, .clearAndon(station: st), "clear the andon call at \(st)")
        case .priority:
            guard let o = selectedOrder(row) else { return none(&m, "choose a work order (Orders, 6)") }
            m.overlay = .picker(
                .init(
                    title: "Priority of \(o)", options: Priority.allCases.map { ($0.rawValue, $0.rawValue) },
                    flow: .priority(order: o)))
            return []
        case .holdOrder:
            guard let o = selectedOrder(row) else { return none(&m, "choose a work order (Orders, 6)") }
            m.overlay = .picker(
                .init(
                    title: "Hold \(o): reason", options: (m.plant?.plant.reasons.hold ?? []).map { ("\($0.code)  \($0.label)", $0.code) },
                    flow: .holdReason(order: o)))
            return []
        case .releaseOrder:
            guard let o = selectedOrder(row) else { return none(&m, "choose a work order (Orders, 6)") }
            return confirm(&m, .releaseWorkOrder(number: o), "release the hold on work order \(o)")
        case .cancelOrder:
            guard let o = selectedOrder(row) else { return none(&m, "choose a work order (Orders, 6)") }
            m.overlay = .entry(.init(title: "Cancel work order \(o)", prompt: "Why:", flow: .cancelReason(order: o)))
            return []
        case .loadOrders:
            m.overlay = .entry(.init(title: "Load a work-order file", prompt: "Path of the CSV file:", flow: .loadOrders))
            return []
        case .raiseNCR:
            // On the part, order or lot of the row (or of the history shown).
            let subject: NCRSubject
            var what: String
            if let s = row?.ref.serial ?? historySerial(m) {
                subject = .part(serial: s); what = s
            } else if let o = selectedOrder(row) {
                subject = .workOrder(o); what = "work order \(o)"
            } else if case .lot(let key)? = row?.ref, let c = key.firstIndex(of: ":") {
                subject = .lot(material: String(key[..<c]), lot: String(key[key.index(after: c)...])); what = "lot \(key)"
            } else if case .lot(let key) = m.screen, let c = key.firstIndex(of: ":") {
                subject = .lot(material: String(key[..<c]), lot: String(key[key.index(after: c)...])); what = "lot \(key)"
            } else {
                return none(&m, "choose a part, a work order or a lot")
            }
            let codes = (m.plant?.plant.quality?.defects ?? []).map(\.code).joined(separator: " ")
            m.overlay = .entry(
                .init(
                    title: "Raise an NCR on \(what)", prompt: "Defect code, then what is wrong (\(codes.isEmpty ? "DIM bore oversize" : codes)):",
                    flow: .raiseNCR(subject)))
            return []
        case .filterNCRs:
            if m.screen != .tab(.holds) { m.stack = [.tab(.holds)]; m.selection = 0 }
            var e = ConsoleModel.Entry(
                title: "Filter the open NCRs", prompt: "part: wc: defect: sev: supplier: lot: or words (empty: all):", flow: .ncrFilter)
            e.text = m.ncrFilter.text
            m.overlay = .entry(e)
            return []
        case .unlockSigning:
            m.overlay = .entry(.init(title: "Unlock a person's signing", prompt: "Badge of the person locked out:", flow: .unlockBadge))
            return []
        case .qualify:
            m.overlay = .entry(
                .init(title: "Certify a person's skill", prompt: "Badge, skill, last day it holds (1002 MILL 2027-11-30):", flow: .qualify))
            return []
        case .revokeQualification:
            m.overlay = .entry(
                .init(title: "Revoke a person's skill", prompt: "Badge, skill, reason (1002 MILL failed re-test):", flow: .revokeQualification))
            return []
        default:
            return []
        }
    }

    private static func selectedOrder(_ row: ConsoleRow?) -> String? {
        if case .order(let o)? = row?.ref { return o }
        return nil
    }

    private static func selectedAndon(_ row: ConsoleRow?) -> String? {
        if case .andon(let st)? = row?.ref { return st }
        return nil
    }

    private static func historySerial(_ m: ConsoleModel) -> String? {
        if case .history(let s) = m.screen { return s }
        return nil
    }

    private static func none(_ m: inout ConsoleModel, _ text: String) -> [ConsoleEffect] {
        m.message = .init(text: text, role: .warn)
        return []
    }

    static func label(_ k: DispositionKind) -> String {
        switch k {
        case .useAsIs: return "use as is (needs a reference)"
        case .rework: return "rework to a step"
        case .repair: return "repair (needs a reference)"
        case .scrap: return "scrap (with a reason)"
        case .returnToSupplier: return "return to supplier"
        }
    }

    /// The signature prompt of a complete command (an undo from the console is always a
    /// supervisor's approval, so it is signed too); commands that are not signatures are
    /// confirmed with Enter.
    private static func confirm(_ m: inout ConsoleModel, _ c: Command, _ what: String) -> [ConsoleEffect] {
        let signed = Signature.asksSignature(c)
        let meaning = Signature.meaning(of: c)
        let pad =
            signed
            ? SignaturePad(meaning: meaning, what: what, badge: m.sessionVerified ? m.person?.badge ?? "" : "", asksBadge: !m.sessionVerified) : nil
        m.overlay = .confirm(.init(command: c, meaning: meaning, what: what, pad: pad))
        return []
    }

    /// The next step of a flow once its picker or field is answered.
    private static func answer(_ m: inout ConsoleModel, _ flow: ConsoleFlow, _ v: String) -> [ConsoleEffect] {
        switch flow {
        case .badge:
            return login(&m, v)
        case .dispositionKind(let s):
            let kind = DispositionKind(rawValue: v)!
            switch kind {
            case .rework:
                let steps = reworkSteps(m, s)
                m.overlay = .picker(.init(title: "Rework \(s) to step", options: steps, flow: .reworkStep(serial: s)))
                return []
            case .scrap:
                m.overlay = .picker(
                    .init(
                        title: "Scrap \(s): reason", options: (m.plant?.plant.reasons.scrap ?? []).map { ("\($0.code)  \($0.label)", $0.code) },
                        flow: .scrapReason(serial: s)))
                return []
            default:
                m.overlay = .entry(
                    .init(
                        title: "\(label(kind).capitalized) for \(s)",
                        prompt: kind.needsReference ? "Customer or engineering reference:" : "Reference (optional):",
                        flow: .reference(serial: s, kind: kind)))
                return []
            }
        case .reworkStep(let s):
            return confirm(
                &m, .disposition(serial: s, kind: .rework, reworkStep: v, reference: nil, scrapReason: nil, note: ""),
                "\(s): rework to \(v)")
        case .scrapReason(let s):
            return confirm(
                &m, .disposition(serial: s, kind: .scrap, reworkStep: nil, reference: nil, scrapReason: v, note: ""),
                "\(s): scrap (\(v))")
        case .reference(let s, let kind):
            let ref = v.trimmingCharacters(in: .whitespaces)
            return confirm(
                &m, .disposition(serial: s, kind: kind, reworkStep: nil, reference: ref.isEmpty ? nil : ref, scrapReason: nil, note: ""),
                "\(s): \(kind.rawValue)" + (ref.isEmpty ? "" : " (ref \(ref))"))
        case .failNote(let s):
            return confirm(&m, .fpiFail(serial: s, note: v), "first piece \(s) fails: \(v)")
        case .waiveReason(let s):
            return confirm(&m, .fpiWaive(serial: s, reason: v), "first piece \(s) waived: \(v)")
        case .approveMinutes(let s, let id):
            return confirm(&m, .approveOverride(serial: s, id: id, validMinutes: Int(v) ?? 60), "override \(id) on \(s), valid \(v) min, single use")
        case .undoReason(let s):
            return confirm(&m, .undo(serial: s, reason: v), "undo the last completion of \(s): \(v)")
        case .priority(let o):
            return confirm(&m, .setPriority(number: o, priority: Priority(rawValue: v) ?? .normal), "work order \(o) priority \(v)")
        case .holdReason(let o):
            return confirm(&m, .holdWorkOrder(number: o, reason: v, note: ""), "hold work order \(o) (\(v))")
        case .cancelReason(let o):
            return confirm(&m, .cancelWorkOrder(number: o, reason: v), "cancel work order \(o): \(v)")
        case .loadOrders:
            return [.loadOrders(path: v)]
        case .raiseNCR(let subject):
            let words = v.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
            guard words.count == 2 else { return none(&m, "type the defect code, then what is wrong") }
            let command = Command.quality(.raiseNCR(subject: subject, defect: words[0], severity: nil, description: words[1], containment: ""))
            return confirm(&m, command, "raise an NCR (\(words[0])): \(words[1])")
        case .ncrFilter:
            switch NCRViewFilter.parse(v) {
            case .failure(let r): return none(&m, r.reasons.map(\.message).joined(separator: "; "))
            case .success(let f):
                m.ncrFilter = f
                m.selection = 0
                return [.load]
            }
        case .unlockBadge:
            var badge = v.trimmingCharacters(in: .whitespaces)
            if case .badge(let b) = Label.parse(badge) { badge = b }
            let name = m.plant?.people[badge]?.name ?? badge
            return confirm(&m, .unlockSigning(badge: badge), "unlock the signing of \(name) (\(badge))")
        case .qualify, .revokeQualification:
            let words = v.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            guard words.count == 3 else { return none(&m, "type the badge, the skill and \(flow == .qualify ? "the last day" : "the reason")") }
            var badge = words[0]
            if case .badge(let b) = Label.parse(badge) { badge = b }
            guard let person = m.plant?.people[badge] else { return none(&m, "no person with badge \(Sanitize.line(badge))") }
            let skill = words[1].uppercased()
            if flow == .revokeQualification {
                return confirm(
                    &m, .revokeQualification(badge: badge, skill: skill, reason: words[2]), "revoke \(person.name)'s \(skill): \(words[2])")
            }
            guard let until = LocalDate(words[2]), let today = m.plant.map({ $0.calendar.localDate(m.now) }) else {
                return none(&m, "\(Sanitize.line(words[2])) is not a date (2027-11-30)")
            }
            return confirm(
                &m, .qualify(badge: badge, skill: skill, certified: today, expires: until), "certify \(person.name) for \(skill) until \(until)")
        }
    }

    /// The steps a part may be reworked to, as the loader read them (its work order's routing
    /// version, the one the Decider checks).
    private static func reworkSteps(_ m: ConsoleModel, _ serial: String) -> [(String, String)] {
        (m.table.reworkSteps[serial] ?? []).map { ("\($0.id)  \($0.name)", $0.id) }
    }
}
