import FloorStation
import Foundation
import MESCore

/// `view(state)` for the supervisor console: tabs, a table with a selection, and the overlays
/// (pickers, fields, the signature prompt, help).
enum ConsoleView {
    static func draw(_ m: ConsoleModel) -> Screen {
        if m.tooSmall { return Screen.tooSmall(width: m.width, height: m.height, glyphs: m.glyphs) }
        var s = Screen(width: m.width, height: m.height, glyphs: m.glyphs)
        header(&s, m)
        if m.person == nil {
            login(&s, m)
        } else {
            tabs(&s, m)
            table(&s, m)
        }
        footer(&s, m)
        switch m.overlay {
        case .picker(let p)?: picker(&s, p)
        case .entry(let e)?: entry(&s, e)
        case .confirm(let c)?:
            if let pad = c.pad {
                pad.draw(
                    &s, glyphs: m.glyphs, keys: "Enter next / sign · Backspace erase · Esc cancel",
                    note: pad.asksBadge ? nil : "Signed by \(m.person?.name ?? pad.badge) (\(pad.badge)); recorded, never edited.")
            } else {
                confirm(&s, m, c)
            }
        case .signIn(let pad)?:
            pad.draw(
                &s, glyphs: m.glyphs, keys: "Enter sign in · Backspace erase · Esc cancel",
                note: "Your secret opens the console (it signs nothing yet).")
        case .help(let scroll)?: help(&s, m, scroll)
        case nil: break
        }
        return s
    }

    private static func header(_ s: inout Screen, _ m: ConsoleModel) {
        s.fill(y: 0, role: .header)
        let who = m.person.map { "\($0.name) (\($0.role.label))" } ?? "nobody signed in"
        let left = " FLOOR SUPERVISOR │ \(m.plant?.plant.name ?? "") │ \(who)"
        let cal = m.plant?.calendar ?? PlantCalendar(timeZone: TimeZone(identifier: "UTC")!)
        let right = "\(ClockTime(minutes: cal.minuteOfDay(m.now)).description) "
        s.put(left, x: 0, y: 0, role: .header, bold: true, maxWidth: s.width - right.count - 1)
        s.put(right, x: s.width - right.count, y: 0, role: .header)
    }

    private static func login(_ s: inout Screen, _ m: ConsoleModel) {
        s.put("Supervisor console", x: 2, y: 3, role: .title, bold: true)
        s.put("Scan your badge, or type it and press Enter; then type your secret.", x: 2, y: 5)
        s.put("Supervisors and inspectors only; every action is signed with your name and its meaning.", x: 2, y: 6, role: .dim)
        if let login = m.login {
            s.put("The login \(login) is not mapped to a supervisor or inspector (plant file: people[].logins).", x: 2, y: 8, role: .dim)
        }
    }

    private static func tabs(_ s: inout Screen, _ m: ConsoleModel) {
        var x = 1
        let current: ConsoleTab? = {
            if case .tab(let t) = m.screen { return t }; return nil
        }()
        for t in ConsoleTab.allCases {
            let label = " \(t.rawValue + 1) \(t.title) "
            x += s.put(label, x: x, y: 1, role: t == current ? .selected : .dim, bold: t == current)
        }
        if current == nil {
            let crumb: String
            switch m.screen {
            case .station(let id): crumb = "› station \(id)"
            case .history(let serial): crumb = "› history \(serial)"
            case .lot(let key): crumb = "› lot \(key)"
            case .tab: crumb = ""
            }
            s.put(crumb + "  (Esc: back)", x: x + 1, y: 1, role: .title, bold: true, maxWidth: s.width - x - 2)
        }
    }

    private static func table(_ s: inout Screen, _ m: ConsoleModel) {
        let t = m.table
        s.put(t.title, x: 1, y: 2, role: .title, bold: true, maxWidth: s.width - 2)
        var y = 3
        if let p = t.problem { s.put(p, x: 1, y: y, role: .stop, bold: true); return }
        for line in t.summary.prefix(4) {
            s.put(line, x: 1, y: y, role: line.hasPrefix("⚠") ? .warn : .normal, maxWidth: s.width - 2)
            y += 1
        }
        guard !t.columns.isEmpty else { return }
        // Column widths from the content, the last column takes what is left.
        var widths = t.columns.map { s.columns(of: $0) }
        for r in t.rows.prefix(500) {
            for (i, c) in r.cells.enumerated() where i < widths.count { widths[i] = max(widths[i], min(28, s.columns(of: c))) }
        }
        let fixed = widths.dropLast().reduce(0) { $0 + $1 + 2 }
        widths[widths.count - 1] = max(8, s.width - 2 - fixed)
        func line(_ cells: [String], y: Int, role: Paint, bold: Bool = false) {
            var x = 1
            for (i, c) in cells.enumerated() where i < widths.count {
                guard x < s.width - 1 else { break }
                s.put(c, x: x, y: y, role: role, bold: bold, maxWidth: min(widths[i], s.width - 1 - x))
                x += widths[i] + 2
            }
        }
        line(t.columns, y: y, role: .header, bold: true)
        s.paint(x: 0, y: y, role: .header)
        y += 1
        let visible = max(1, s.height - 2 - y)
        if t.rows.isEmpty { s.put("nothing here", x: 1, y: y, role: .dim); return }
        let first = max(0, min(m.selection - visible / 2, t.rows.count - visible))
        for (i, r) in t.rows.enumerated().dropFirst(first).prefix(visible) {
            let selected = i == m.selection
            if selected { s.fill(y: y, role: .selected) }
            line(r.cells, y: y, role: selected ? .selected : Paint(r.role), bold: selected)
            y += 1
        }
        if t.rows.count > visible {
            let pos = "\(m.selection + 1)/\(t.rows.count)"
            s.put(pos, x: s.width - pos.count - 1, y: 2, role: .dim)
        }
    }

    private static func footer(_ s: inout Screen, _ m: ConsoleModel) {
        if let msg = m.message { s.put(msg.text, x: 1, y: s.height - 2, role: msg.role, bold: true, maxWidth: s.width - 2) }
        let y = s.height - 1
        s.fill(y: y, role: .header)
        let wanted: [Action] =
            m.person == nil
            ? [.help, .quit]
            : [.help, .open, .history, .disposition, .release, .fpiPass, .approve, .acknowledge, .priority, .back, .quit]
        var text = ""
        for a in wanted {
            guard let k = m.keymap.keys(for: a, in: m.person == nil ? .login : .console).first else { continue }
            text += " \(KeyName.name(k)) \(a.title) ·"
        }
        s.put(String(text.dropLast()), x: 0, y: y, role: .header, maxWidth: s.width)
    }

    private static func picker(_ s: inout Screen, _ p: ConsoleModel.Picker) {
        let b = s.centeredBox(width: 60, height: p.options.count + 4, title: p.title)
        for (i, o) in p.options.enumerated().prefix(b.h - 3) {
            let sel = i == p.selection
            if sel { s.fill(x: b.x + 1, y: b.y + 1 + i, width: b.w - 2, role: .selected) }
            s.put((sel ? "▶ " : "  ") + o.0, x: b.x + 2, y: b.y + 1 + i, role: sel ? .selected : .normal, bold: sel, maxWidth: b.w - 4)
        }
        s.put("Enter choose · Esc cancel", x: b.x + 2, y: b.y + b.h - 2, role: .dim)
    }

    private static func entry(_ s: inout Screen, _ e: ConsoleModel.Entry) {
        let b = s.centeredBox(width: 64, height: 6, title: e.title)
        s.put(e.prompt, x: b.x + 2, y: b.y + 1, maxWidth: b.w - 4)
        s.fill(x: b.x + 2, y: b.y + 2, width: b.w - 4, role: .field)
        // Show the end of a long text, never raw control characters (put sanitizes).
        let shown = e.text.count > b.w - 6 ? String(e.text.suffix(b.w - 6)) : e.text
        s.put(shown + "_", x: b.x + 2, y: b.y + 2, role: .field, maxWidth: b.w - 4)
        s.put("Enter accept · Esc cancel", x: b.x + 2, y: b.y + 4, role: .dim)
    }

    private static func confirm(_ s: inout Screen, _ m: ConsoleModel, _ c: ConsoleModel.Confirm) {
        let b = s.centeredBox(width: 70, height: 9, title: "Confirm")
        s.put(c.what, x: b.x + 2, y: b.y + 1, role: .normal, bold: true, maxWidth: b.w - 4)
        s.put("Meaning: \(c.meaning)", x: b.x + 2, y: b.y + 3, role: .info, bold: true, maxWidth: b.w - 4)
        if let p = m.person { s.put("By: \(p.name) (\(p.role.label), badge \(p.badge))", x: b.x + 2, y: b.y + 4, maxWidth: b.w - 4) }
        s.put("It is recorded as an event and cannot be edited afterwards.", x: b.x + 2, y: b.y + 5, role: .dim, maxWidth: b.w - 4)
        s.put("Enter record · Esc cancel (not a signature: no secret is asked)", x: b.x + 2, y: b.y + 7, role: .key, bold: true)
    }

    private static func help(_ s: inout Screen, _ m: ConsoleModel, _ scroll: Int) {
        let lines = m.keymap.help(for: m.person == nil ? .login : .console).map {
            "\($0.keys.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.title)"
        }
        let b = s.centeredBox(width: 60, height: s.height - 2, title: "Keys")
        for (i, l) in lines.dropFirst(min(scroll, max(0, lines.count - 1))).prefix(b.h - 2).enumerated() {
            s.put(l, x: b.x + 2, y: b.y + 1 + i, maxWidth: b.w - 4)
        }
    }
}
