import FloorStation
import Foundation
import MESCore
import ScannerInput

/// The kiosk's `update`: messages in, new state and effects out. It decides nothing about the
/// work itself: actions become the same codes a scanner would send, which `StationSession` and
/// MESCore judge.
enum KioskUpdate {
    static func update(_ m: inout KioskModel, _ msg: KioskMsg) -> [KioskEffect] {
        switch msg {
        case .resize(let w, let h):
            m.width = w; m.height = h
            return [.redraw]
        case .sync(let sync):
            m.sync = sync
            return []
        case .tick(let now):
            m.now = now
            if let idle = m.idleLogout, m.person != nil, now.timeIntervalSince(m.lastInput) >= idle {
                m.lastInput = now
                m.overlay = nil; m.base = .queue
                m.idleLoggedOut = true
                return [.handle(["CMD:LOGOUT"], open: false)]
            }
            return []
        case .loaded(let d):
            m.data = d
            m.selection = min(m.selection, max(0, m.rows.count - 1))
            if m.base == .measure { m.measureFocus = min(m.measureFocus, max(0, m.measurements.count - 1)) }
            if m.base != .queue && m.session.selected == nil { m.base = .queue }
            return []
        case .failed(let text):
            // Never a reload here: a store that cannot be read would fail again, in a loop.
            m.message = .init(kind: .refused, text: text)
            return []
        case .handled(let session, let replies, let opened):
            return handled(&m, session, replies, opened)
        case .scan(let code, _):
            m.lastInput = m.now
            return scan(&m, code)
        case .scanTiming(let gaps):
            guard case .calibrate(var c)? = m.overlay else { return [] }
            if gaps.count >= 3 { c.samples.append(gaps) }
            c.proposed = c.samples.count >= 3 ? m.wedge.calibrated(from: c.samples) : nil
            m.overlay = .calibrate(c)
            return []
        case .key(let key):
            m.lastInput = m.now
            return keyPressed(&m, key)
        }
    }

    // MARK: scans

    private static func scan(_ m: inout KioskModel, _ code: String) -> [KioskEffect] {
        if case .sign(var pad)? = m.overlay {
            let pair = pad.scanned(code)
            m.overlay = .sign(pad)
            return pair.map { [.sign(badge: $0.badge, secret: $0.secret, newSecret: $0.newSecret)] } ?? []
        }
        if case .calibrate? = m.overlay {
            m.message = .init(kind: .info, text: "test scan read: \(Sanitize.line(code))")
            return []
        }
        // A numeric burst while a measurement has focus is a gauge reading for that characteristic;
        // the field being typed is left as it was.
        if m.base == .measure, m.overlay == nil, m.measurements.indices.contains(m.measureFocus) {
            let c = m.measurements[m.measureFocus].characteristic
            if case .bare = Label.parse(code), Tolerance.parseValue(code, kind: c.kind) != nil {
                return [.handle(["M:\(c.id)=\(code)"], open: false)]
            }
        }
        return [.handle([code], open: true)]
    }

    private static func handled(
        _ m: inout KioskModel, _ session: StationSession, _ replies: [StationSession.Reply],
        _ opened: Bool
    ) -> [KioskEffect] {
        let before = m.session
        m.session = session
        let events = replies.flatMap(\.events).map(\.event)
        if let pending = session.awaitingSignature {
            // A signed record waits: open the pad (again, with the secret cleared, after a wrong one).
            var badge = "", renewing = false
            if case .sign(let open)? = m.overlay { badge = open.badge; renewing = open.renewing }
            var pad = SignaturePad(meaning: pending.meaning, what: pending.serial.map { "\($0) · \(pending.code)" } ?? pending.code, badge: badge)
            // A reset secret is renewed here, at its first use (and asked again after a wrong or weak one).
            let codes = Set(replies.compactMap(\.refusal).flatMap(\.codes))
            if codes.contains(RefusalCode.secretMustChange.rawValue) || (renewing && !codes.isEmpty) { pad.renew() }
            m.overlay = .sign(pad)
            if codes == [RefusalCode.secretMustChange.rawValue] {
                m.message = .init(kind: .info, text: "\(Sanitize.line(pad.badge))'s secret was reset by a supervisor: choose a new one to sign")
            } else if let refused = replies.first(where: { $0.kind == .refused }) {
                m.message = .init(kind: .refused, text: refused.text)
            } else {
                m.message = .init(kind: .info, text: "\(pending.meaning): the signer scans their badge and types their secret")
            }
            return [.load]
        }
        if case .sign? = m.overlay { m.overlay = nil }
        if let refused = replies.first(where: { $0.kind == .refused }) {
            m.message = .init(kind: .refused, text: refused.text)
        } else if events.contains(where: {
            if case .partHeld = $0 { return true }; return false
        }) {
            m.message = .init(kind: .warning, text: "ON HOLD · " + (replies.last?.text ?? ""))
        } else if let last = replies.last {
            m.message = .init(kind: last.kind == .done ? .ok : .info, text: last.text)
        }
        if m.idleLoggedOut, session.person == nil, let idle = m.idleLogout {
            m.idleLoggedOut = false
            m.message = .init(kind: .info, text: "logged out after \(Int(idle / 60)) min without input")
        }
        if session.person == nil {
            m.base = .queue; m.overlay = nil; m.selection = 0; m.fields = [:]
        } else if before.person?.badge != session.person?.badge {
            m.base = .queue; m.selection = 0; m.fields = [:]
        }
        // A newly selected part opens its operation view.
        if opened, session.person != nil, let sel = session.selected, sel != before.selected || m.base == .queue,
            !replies.contains(where: { $0.kind == .refused })
        {
            m.base = .part; m.instructionScroll = 0; m.fields = [:]; m.measureFocus = 0
        }
        // A recorded measurement clears its field and moves on.
        if m.base == .measure, replies.allSatisfy({ $0.kind != .refused }),
            events.contains(where: {
                if case .measurementRecorded = $0 { return true }; return false
            })
        {
            if m.measurements.indices.contains(m.measureFocus) { m.fields[m.measurements[m.measureFocus].characteristic.id] = nil }
            m.measureFocus = min(m.measureFocus + 1, max(0, m.measurements.count - 1))
        }
        return [.load]
    }

    // MARK: keys

    private static func keyPressed(_ m: inout KioskModel, _ key: Key) -> [KioskEffect] {
        let context = m.context
        // In a field, printable keys the context does not bind are text.
        if context.hasField, !m.keymap.binds(key, in: context), case .char(let c) = key,
            let s = c.unicodeScalars.first, s.value >= 0x20, s.value != 0x7F
        {
            type(&m, c)
            return []
        }
        guard let action = m.keymap.action(for: key, in: context, readOnly: m.readOnly) else {
            if m.tooSmall { return [] }
            let help = m.keymap.keys(for: .help, in: context).first.map(KeyName.name) ?? "?"
            m.message = .init(kind: .info, text: "\(KeyName.name(key)) does nothing here (\(help): help)")
            return []
        }
        return perform(&m, action)
    }

    private static func type(_ m: inout KioskModel, _ c: Character) {
        switch m.overlay {
        case .sign(var pad)?:
            pad.type(c)
            m.overlay = .sign(pad)
        case .entry(var e)?:
            if e.text.count < 200 { e.text.append(c) }
            m.overlay = .entry(e)
        case nil where m.base == .measure:
            guard m.measurements.indices.contains(m.measureFocus) else { return }
            let id = m.measurements[m.measureFocus].characteristic.id
            if (m.fields[id] ?? "").count < 24 { m.fields[id, default: ""].append(c) }
        default:
            break
        }
    }

    static func perform(_ m: inout KioskModel, _ action: Action) -> [KioskEffect] {
        if m.readOnly && action.mutating { return [] }
        switch action {
        case .quit:
            return [.quit]
        case .refresh:
            return [.redraw, .load]
        case .help:
            m.overlay = .help(scroll: 0)
            // The help on the open part says why an action would be refused: read it now.
            return m.showsActionPreviews ? [.load] : []
        case .manualEntry:
            m.overlay = .entry(.init(purpose: .code, title: "Type a code", prompt: "code (acts exactly as a scan):"))
            return []
        case .calibrate:
            m.overlay = .calibrate(.init())
            return []
        case .logout:
            return m.person == nil ? [] : [.handle(["CMD:LOGOUT"], open: false)]
        case .back, .cancel:
            if case .sign? = m.overlay {
                m.session.cancelSignature()
                m.message = .init(kind: .info, text: "not signed: nothing recorded")
            }
            if m.overlay != nil { m.overlay = nil } else if m.base == .measure { m.base = .part } else if m.base == .part { m.base = .queue }
            return []
        default:
            break
        }
        if let overlay = m.overlay { return overlayAction(&m, overlay, action) }
        guard m.person != nil else { return [] }
        switch (m.base, action) {
        case (.queue, .up): m.selection = max(0, m.selection - 1)
        case (.queue, .down): m.selection = min(max(0, m.rows.count - 1), m.selection + 1)
        case (.queue, .pageUp): m.selection = max(0, m.selection - 10)
        case (.queue, .pageDown): m.selection = min(max(0, m.rows.count - 1), m.selection + 10)
        case (.queue, .top): m.selection = 0
        case (.queue, .bottom): m.selection = max(0, m.rows.count - 1)
        case (.queue, .open):
            guard let s = m.highlighted else { return [] }
            return [.handle(["SN:" + s], open: true)]
        case (.part, .scrollUp): m.instructionScroll = max(0, m.instructionScroll - 1)
        case (.part, .scrollDown): m.instructionScroll = min(max(0, (m.data.part?.instructions.count ?? 0) - 1), m.instructionScroll + 1)
        case (_, .measure):
            guard m.session.selected != nil else { return [] }
            m.base = .measure
            m.measureFocus = m.measurements.firstIndex { $0.recorded == nil } ?? 0
        case (.measure, .nextField), (.measure, .down):
            m.measureFocus = min(max(0, m.measurements.count - 1), m.measureFocus + 1)
        case (.measure, .prevField), (.measure, .up):
            m.measureFocus = max(0, m.measureFocus - 1)
        case (.measure, .erase):
            if m.measurements.indices.contains(m.measureFocus) {
                let id = m.measurements[m.measureFocus].characteristic.id
                if !(m.fields[id] ?? "").isEmpty { m.fields[id]!.removeLast() }
            }
        case (.measure, .accept):
            guard m.measurements.indices.contains(m.measureFocus) else { return [] }
            let c = m.measurements[m.measureFocus].characteristic
            let text = (m.fields[c.id] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return [] }
            return [.handle(["M:\(c.id)=\(text)"], open: false)]
        default:
            return work(&m, action)
        }
        return []
    }

    /// Work actions: on the part open (or the highlighted row of the queue).
    private static func work(_ m: inout KioskModel, _ action: Action) -> [KioskEffect] {
        if action == .andon {
            // A call for help needs no part: the station calls, and says what for.
            let kinds = AndonKind.allCases.map { Reason(code: $0.rawValue, label: $0.label) }
            m.overlay = .picker(.init(purpose: .andon, title: "Andon: call for help at \(m.stationID)", items: kinds))
            return []
        }
        if action == .downtime {
            if m.data.down != nil { return [.handle(["CMD:UP"], open: false)] }
            m.overlay = .picker(.init(purpose: .downtime, title: "Machine down: reason", items: m.data.reasons.downtime))
            return []
        }
        let target = m.base == .queue ? m.highlighted : m.session.selected
        guard let serial = target else {
            m.message = .init(kind: .info, text: "scan a traveler or pick a part first")
            return []
        }
        // From the queue, select the highlighted part first (the session acts on its selection).
        let select = m.base == .queue && serial != m.session.selected ? ["SN:" + serial] : []
        func run(_ codes: [String]) -> [KioskEffect] { [.handle(select + codes, open: false)] }
        switch action {
        case .start, .pause, .resume, .release, .fpiPass:
            // Cards that need nothing more: the action table names the verb.
            return action.spec.verb.map { run(["CMD:" + $0.rawValue]) } ?? []
        case .complete:
            let qty = m.data.part?.part.quantity ?? 1
            if qty > 1 {
                m.overlay = .entry(
                    .init(
                        purpose: .goodCount, title: "Complete batch", prompt: "good count (of \(qty)):",
                        text: String(qty - (m.data.part?.part.scrapped ?? 0))))
                return select.isEmpty ? [] : [.handle(select, open: false)]
            }
            return run(["CMD:COMPLETE"])
        case .scrap:
            m.overlay = .picker(.init(purpose: .scrap, title: "Scrap \(serial): reason", items: m.data.reasons.scrap))
        case .hold:
            m.overlay = .picker(.init(purpose: .hold, title: "Hold \(serial): reason", items: m.data.reasons.hold))
        case .undo:
            m.overlay = .entry(.init(purpose: .note(command: "CMD:UNDO"), title: "Undo the last step of \(serial)", prompt: "reason:"))
        case .fpiFail:
            m.overlay = .entry(.init(purpose: .note(command: "CMD:FAIL"), title: "First piece FAILED: \(serial)", prompt: "what failed:"))
        case .fpiWaive:
            m.overlay = .entry(
                .init(purpose: .note(command: "CMD:WAIVE"), title: "Waive first piece for \(serial)", prompt: "reason for the waiver:"))
        default:
            return []
        }
        return select.isEmpty ? [] : [.handle(select, open: false)]
    }

    private static func overlayAction(_ m: inout KioskModel, _ overlay: KioskModel.Overlay, _ action: Action) -> [KioskEffect] {
        switch overlay {
        case .help(let scroll):
            switch action {
            case .up, .scrollUp: m.overlay = .help(scroll: max(0, scroll - 1))
            case .down, .scrollDown: m.overlay = .help(scroll: scroll + 1)
            case .accept: m.overlay = nil
            default: break
            }
            return []
        case .picker(var p):
            switch action {
            case .up: p.selection = max(0, p.selection - 1); m.overlay = .picker(p)
            case .down: p.selection = min(max(0, p.items.count - 1), p.selection + 1); m.overlay = .picker(p)
            case .accept:
                guard p.items.indices.contains(p.selection) else { m.overlay = nil; return [] }
                let code = p.items[p.selection].code
                m.overlay = nil
                switch p.purpose {
                case .downtime: return [.handle(["CMD:DOWN:" + code], open: false)]
                case .scrap: return [.handle(["CMD:SCRAP:" + code], open: false)]
                case .hold: return [.handle(["CMD:HOLD:" + code], open: false)]
                case .andon: return [.handle(["CMD:ANDON:" + code], open: false)]
                }
            default: break
            }
            return []
        case .entry(var e):
            switch action {
            case .erase:
                if !e.text.isEmpty { e.text.removeLast() }
                m.overlay = .entry(e)
            case .accept:
                let text = e.text.trimmingCharacters(in: .whitespaces)
                m.overlay = nil
                guard !text.isEmpty else { return [] }
                switch e.purpose {
                case .code: return [.handle([text], open: true)]
                case .note(let command): return [.handle(["NOTE:" + text, command], open: false)]
                case .goodCount: return [.handle(["QTY:" + text, "CMD:COMPLETE"], open: false)]
                }
            default: break
            }
            return []
        case .sign(var pad):
            switch action {
            case .erase:
                pad.erase()
                m.overlay = .sign(pad)
            case .accept, .nextField:
                let pair = pad.accept()
                m.overlay = .sign(pad)
                return pair.map { [.sign(badge: $0.badge, secret: $0.secret, newSecret: $0.newSecret)] } ?? []
            default: break
            }
            return []
        case .calibrate(let c):
            if action == .accept, let proposed = c.proposed {
                m.wedge = proposed
                m.overlay = nil
                m.message = .init(kind: .ok, text: "scanner thresholds set: max gap \(proposed.maxGap) ms, average \(proposed.maxAverageGap) ms")
                return [.saveWedge(proposed)]
            }
            return []
        }
    }
}
