import FloorStation
import Foundation
import LocalStore
import MESCore

/// `view(state)` for the wall board: headline figures in big digits, one tile per station, and
/// the lists (late and at-risk orders, holds, downtime and andon calls). Pure, like the kiosk's.
enum BoardView {
    static let minTileWidth = 26

    static func draw(_ m: BoardModel) -> Screen {
        if m.tooSmall { return Screen.tooSmall(width: m.width, height: m.height, glyphs: m.glyphs) }
        var s = Screen(width: m.width, height: m.height, glyphs: m.glyphs)
        header(&s, m)
        guard let d = m.data, d.problem == nil else {
            s.put("Cannot show the board: \(m.data?.problem ?? m.readFailure ?? "no data yet")", x: 1, y: 3, role: .stop, bold: true)
            footer(&s, m)
            return s
        }
        let big = m.height >= 40
        let headlineRows = big ? max(8, m.height / 4) : 6
        let listRows = big ? max(8, m.height / 5) : 5
        headline(&s, m, d, top: 1, rows: headlineRows)
        s.rule(y: 1 + headlineRows)
        let tilesTop = 2 + headlineRows
        let listTop = m.height - 1 - listRows
        tiles(&s, m, d, top: tilesTop, rows: listTop - 1 - tilesTop)
        s.rule(y: listTop - 1)
        lists(&s, m, d, top: listTop, rows: listRows)
        footer(&s, m)
        if m.showHelp { help(&s, m) }
        return s
    }

    static func clock(_ cal: PlantCalendar, _ millis: Int64) -> String {
        ClockTime(minutes: cal.minuteOfDay(Date(timeIntervalSince1970: Double(millis) / 1000))).description
    }

    static func age(_ now: Int64, _ since: Int64?) -> String {
        guard let since else { return "" }
        return Describe.duration(now - since)
    }

    static func stateRole(_ st: StationState) -> Paint { Paint(Tone(st)) }

    private static func header(_ s: inout Screen, _ m: BoardModel) {
        s.fill(y: 0, role: .header)
        let d = m.data
        var left = " FLOOR BOARD │ \(d?.plantName ?? "")"
        if let wc = m.workCenter { left += " │ \(wc)" }
        if let w = d?.windowLabel, !w.isEmpty { left += " │ \(w)" }
        let asOf = d.map { "as of \(clock($0.calendar, $0.asOf))" } ?? "no data"
        let live = m.stale ? "STALE" : "LIVE"
        let right = "\(asOf) │ \(live) "
        s.put(left, x: 0, y: 0, role: .header, bold: true, maxWidth: s.width - s.columns(of: right) - 1)
        let x = s.width - s.columns(of: right)
        s.put(right, x: x, y: 0, role: .header)
        s.put(live, x: x + s.columns(of: asOf + " │ "), y: 0, role: m.stale ? .stale : .ok, bold: true)
    }

    private static func headline(_ s: inout Screen, _ m: BoardModel, _ d: BoardSnapshot, top: Int, rows: Int) {
        let fpy = d.fpyToday.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"
        let figures: [(String, String, Paint)] = [
            ("OUTPUT TODAY", "\(d.outputToday)", .ok),
            ("LATE ORDERS", "\(d.lateCount)", d.lateCount > 0 ? .stop : .ok),
            ("OPEN HOLDS", "\(d.holdCount)", d.holdCount > 0 ? .warn : .ok),
            ("FPY TODAY", fpy, (d.fpyToday ?? 1) < 0.9 ? .warn : .ok),
        ]
        let w = s.width / figures.count
        for (i, f) in figures.enumerated() {
            let x = i * w
            let cw = i == figures.count - 1 ? s.width - x : w
            let role: Paint = m.stale ? .stale : f.2
            _ = s.put(f.0, x: x + max(0, (cw - f.0.count) / 2), y: top, role: m.stale ? .stale : .title, bold: true)
            let scale = BigText.scale(for: f.1, columns: cw - 2, rows: rows - 1)
            if scale > 0 {
                let bw = BigText.width(f.1, scale: scale)
                let bh = BigText.height(scale: scale)
                BigText.draw(f.1, into: &s, x: x + (cw - bw) / 2, y: top + 1 + (rows - 1 - bh) / 2, scale: scale, role: role)
            } else {
                s.put(f.1, x: x + max(0, (cw - f.1.count) / 2), y: top + rows / 2, role: role, bold: true)
            }
            // Screen readers and photos of the board get the figure as text too.
            if i > 0 { for y in top..<(top + rows) { s.put(String(s.glyphs.v), x: x - 1, y: y, role: .dim) } }
        }
    }

    private static func tiles(_ s: inout Screen, _ m: BoardModel, _ d: BoardSnapshot, top: Int, rows: Int) {
        guard !d.tiles.isEmpty, rows > 0 else { return }
        let cols = max(1, min(d.tiles.count, s.width / minTileWidth))
        let gridRows = (d.tiles.count + cols - 1) / cols
        let th = max(3, min(7, rows / max(1, gridRows)))
        let fitRows = max(1, rows / th)
        let tw = s.width / cols
        for (i, t) in d.tiles.enumerated() {
            let r = i / cols, c = i % cols
            if r >= fitRows {
                let hidden = d.tiles.count - fitRows * cols
                s.put("+\(hidden) more stations (use --work-center or a larger screen)", x: 1, y: top + rows - 1, role: .dim)
                break
            }
            let w = (c == cols - 1 ? s.width - c * tw : tw) - 1
            tile(&s, m, d, t, x: c * tw, y: top + r * th, width: w, height: th)
        }
    }

    private static func tile(
        _ s: inout Screen, _ m: BoardModel, _ d: BoardSnapshot, _ t: BoardSnapshot.Tile,
        x: Int, y: Int, width w: Int, height h: Int
    ) {
        let stale = m.stale
        let role = stale ? Paint.stale : stateRole(t.state)
        let since = age(d.asOf, t.since)
        // Line 0: station and time in state.
        s.put("\(t.station) \(t.name)", x: x, y: y, role: stale ? .stale : .title, bold: true, maxWidth: w - since.count - 1)
        s.put(since, x: x + w - since.count, y: y, role: stale ? .stale : .normal)
        // Line 1: the state word on its colour, never colour alone.
        s.fill(x: x, y: y + 1, width: w, role: role)
        let word = stale ? "STALE (was \(t.state.rawValue))" : t.state.rawValue
        var used = s.put(" " + word, x: x, y: y + 1, role: role, bold: true)
        if let a = t.andon, !stale {
            used += s.put("  ⚠ ANDON \(a)", x: x + used, y: y + 1, role: .stop, bold: true, maxWidth: w - used)
        }
        if !t.spcSignals.isEmpty, !stale {
            let rules = t.spcSignals.reduce(into: [Int]()) { if !$0.contains($1.rule.rawValue) { $0.append($1.rule.rawValue) } }
            let stop = t.spcSignals.contains { $0.reaction == .stop }
            used += s.put(
                "  ! SPC rule " + rules.map(String.init).joined(separator: ","), x: x + used, y: y + 1, role: stop ? .stop : .warn, bold: true,
                maxWidth: max(0, w - used))
        }
        // Line 2: what it works on (or why it is down), with actual / plan.
        let counts = "\(t.actual)/\(t.planned)"
        let what: String
        switch t.state {
        case .down: what = t.downReason ?? "down"
        case .run, .setup: what = [t.workOrder, t.step].compactMap { $0 }.joined(separator: " ")
        default: what = t.waiting > 0 ? "\(t.waiting) waiting" : "nothing waiting"
        }
        s.put(what, x: x, y: y + 2, role: stale ? .stale : .normal, maxWidth: w - counts.count - 1)
        s.put(counts, x: x + w - counts.count, y: y + 2, role: stale ? .stale : (t.actual < t.planned ? .warn : .ok), bold: true)
        if h >= 5 {
            s.put("actual / plan this \(d.windowLabel.hasPrefix("shift") ? "shift" : "day")", x: x, y: y + 3, role: .dim, maxWidth: w)
            if let who = t.operatorName { s.put(who, x: x, y: y + 4, role: stale ? .stale : .normal, maxWidth: w) }
        }
    }

    private static func lists(_ s: inout Screen, _ m: BoardModel, _ d: BoardSnapshot, top: Int, rows: Int) {
        let w = s.width / 3
        let now = d.asOf
        let late = d.orders.map { o -> (String, Paint) in
            let mark = o.risk == .late ? "! LATE" : "~ RISK"
            return ("\(mark) \(o.number) due \(o.due) (\(o.open) open)", o.risk == .late ? .stop : .warn)
        }
        // Open NCRs head the holds column: how many, and how old the oldest is.
        let ncrs: [(String, Paint)] = d.openNCRs > 0 ? [("NCRs open \(d.openNCRs), oldest \(age(now, d.oldestNCRAt ?? now))", .stop)] : []
        let holds =
            ncrs
            + d.holds.map { h -> (String, Paint) in
                let subject = AggregateID(rawValue: h.aggregate).key
                return ("⚠ \(subject) \(h.reason)\(h.step.map { " @\($0)" } ?? "") \(age(now, h.at))", .warn)
            }
        let downs =
            d.downs.map { ("▼ \($0.station) \($0.reason) \(age(now, $0.since))", Paint.stop) }
            + d.andons.map { a in
                (
                    "☎ \(a.station) \(AndonKind(rawValue: a.kind)?.label ?? a.kind) \(age(now, a.at))"
                        + (a.acknowledgedBy.map { " ack \($0)" } ?? " NOT ACKNOWLEDGED"), a.acknowledgedBy == nil ? Paint.stop : .warn
                )
            }
        let columns: [(String, [(String, Paint)])] = [
            ("LATE \(d.lateCount) · AT RISK \(d.atRiskCount)", late),
            ("OPEN HOLDS \(d.holdCount)", holds),
            ("DOWN \(d.downs.count) · ANDON \(d.andons.count)", downs),
        ]
        for (i, col) in columns.enumerated() {
            let x = i * w + (i > 0 ? 1 : 0)
            let cw = (i == 2 ? s.width - i * w : w) - 2
            s.put(col.0, x: x, y: top, role: m.stale ? .stale : .title, bold: true, maxWidth: cw)
            if col.1.isEmpty { s.put("none", x: x, y: top + 1, role: .dim) }
            for (j, item) in col.1.prefix(rows - 1).enumerated() {
                let more = col.1.count - (rows - 1)
                let text = j == rows - 2 && more > 0 ? "… and \(more + 1) more" : item.0
                s.put(text, x: x, y: top + 1 + j, role: m.stale ? .stale : item.1, maxWidth: cw)
            }
        }
    }

    private static func footer(_ s: inout Screen, _ m: BoardModel) {
        let y = s.height - 1
        s.fill(y: y, role: .header)
        var text = " read-only wall board"
        for (keys, title) in m.keymap.help(for: .board, readOnly: true).filter({ ["quit", "help", "redraw"].contains($0.title) }) {
            text += " · \(keys) \(title)"
        }
        var why = ""
        if m.stale {
            if let f = m.readFailure {
                why = "STALE: \(f) "
            } else if let seen = m.lastChangeSeen {
                why = "STALE: no change seen for \(Describe.duration(m.now.epochMillis - seen)) "
            } else {
                why = "STALE: no data "
            }
            why = String(why.prefix(s.width / 2))
        }
        s.put(text, x: 0, y: y, role: .header, maxWidth: s.width - s.columns(of: why) - 1)
        if !why.isEmpty { s.put(why, x: s.width - s.columns(of: why), y: y, role: .stale, bold: true) }
    }

    private static func help(_ s: inout Screen, _ m: BoardModel) {
        let lines =
            m.keymap.help(for: .board, readOnly: true).map { "\($0.keys)  \($0.title)" }
            + [
                "", "This board cannot change anything.", "Tiles: RUN SETUP FPI HOLD DOWN IDLE; grey STALE when no",
                "change or sync was seen for \(Int(m.staleAfter / 60)) min.",
            ]
        let b = s.centeredBox(width: 62, height: lines.count + 2, title: "Help")
        for (i, l) in lines.prefix(b.h - 2).enumerated() { s.put(l, x: b.x + 2, y: b.y + 1 + i, maxWidth: b.w - 4) }
    }
}
