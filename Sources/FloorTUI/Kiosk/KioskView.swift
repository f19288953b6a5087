import FloorStation
import Foundation
import MESCore

/// `view(state)`: draws the kiosk model into a virtual screen. Pure: the same model always draws
/// the same screen, so screens are tested as text (golden files) without a terminal.
enum KioskView {
    static func draw(_ m: KioskModel) -> Screen {
        if m.tooSmall { return Screen.tooSmall(width: m.width, height: m.height, glyphs: m.glyphs) }
        var s = Screen(width: m.width, height: m.height, glyphs: m.glyphs)
        statusLine(&s, m)
        var y = 1
        if let problem = m.data.problem {
            s.put("Cannot show this station: \(problem)", x: 1, y: 3, role: .stop, bold: true)
            s.put("Load the plant (floor plant load FILE) or check --station.", x: 1, y: 5)
            footer(&s, m)
            return s
        }
        if m.person == nil {
            login(&s, m)
        } else {
            y = banners(&s, m, y: y)
            if m.data.receiving {
                receiving(&s, m, top: y)
                footer(&s, m)
                overlays(&s, m)
                return s
            }
            switch m.base {
            case .queue: queue(&s, m, top: y)
            case .part: part(&s, m, top: y, measuring: false)
            case .measure: part(&s, m, top: y, measuring: true)
            }
        }
        footer(&s, m)
        overlays(&s, m)
        return s
    }

    private static func overlays(_ s: inout Screen, _ m: KioskModel) {
        switch m.overlay {
        case .picker(let p)?: picker(&s, m, p)
        case .entry(let e)?: entry(&s, e)
        case .sign(let pad)?: sign(&s, m, pad)
        case .help(let scroll)?: help(&s, m, scroll: scroll)
        case .calibrate(let c)?: calibrate(&s, m, c)
        case nil: break
        }
    }

    // MARK: receiving

    /// A receiving station: the lot being received, field by field with where each value came
    /// from and what is still missing, then the lots received last with their status in words.
    private static func receiving(_ s: inout Screen, _ m: KioskModel, top: Int) {
        var y = top
        s.put(" Receiving at \(m.data.stationName)", x: 0, y: y, role: .title, bold: true)
        y += 1
        guard let r = m.session.receipt else {
            s.put(" Scan the supplier's label (GS1), or type LOT:<material>:<lot>.", x: 0, y: y + 1)
            y += 3
            receivedList(&s, m, top: y)
            return
        }
        let boxHeight = 10
        s.box(x: 1, y: y + 1, width: s.width - 2, height: boxHeight, title: "Lot being received")
        var ly = y + 2
        func field(_ name: String, _ value: String?, _ f: ReceiptDraft.Field?) {
            s.put(name.fit(12), x: 3, y: ly, role: .dim)
            if let value, !value.isEmpty {
                let n = s.put(value, x: 16, y: ly, bold: true, maxWidth: s.width - 40)
                if let f, let from = r.sources[f] { s.put("(\(from))", x: 17 + n, y: ly, role: .dim) }
            } else if let f {
                let needed = r.missing.contains(f)
                s.put(
                    needed ? "needed: \(ReceiptDraft.code(for: f))" : "none (\(ReceiptDraft.code(for: f)))", x: 16, y: ly,
                    role: needed ? .warn : .dim,
                    bold: needed)
            }
            ly += 1
        }
        field("Material", "\(r.material)  \(r.materialName)", nil)
        field("Lot", r.lot, nil)
        field("Quantity", r.quantity.map { ReceiptDraft.quantityText($0) + " " + r.unit }, .quantity)
        field("Supplier", r.supplier, .supplier)
        field("Certificate", r.certificate, .certificate)
        field("Expiry", r.expiry?.description, .expiry)
        if let e = r.expiry, QualityRules.expiredAtReceipt(e, today: m.data.calendar.localDate(m.now)) {
            s.put("EXPIRED on \(e): it will not be received", x: 3, y: ly, role: .stop, bold: true)
        } else if r.quarantine {
            s.put("Goes to QUARANTINE until incoming inspection releases it", x: 3, y: ly, role: .warn, bold: true)
        } else {
            s.put("Free to use once received", x: 3, y: ly, role: .ok)
        }
        ly += 1
        if r.missing.isEmpty {
            s.put("Ready: scan CMD:RECEIVE to record it (CMD:CANCEL drops it)", x: 3, y: ly, role: .ok, bold: true)
        } else {
            s.put("Still needs " + r.missing.map { ReceiptDraft.code(for: $0) }.joined(separator: " and "), x: 3, y: ly, role: .warn, bold: true)
        }
        receivedList(&s, m, top: y + boxHeight + 2)
    }

    private static func receivedList(_ s: inout Screen, _ m: KioskModel, top: Int) {
        var y = top
        let bottom = s.height - 3
        guard y < bottom else { return }
        s.put(" Last received", x: 0, y: y, role: .title, bold: true)
        y += 1
        if m.data.received.isEmpty {
            s.put("  No lot received yet.", x: 0, y: y, role: .dim)
            return
        }
        s.put(
            "  " + "LOT".fit(12) + " " + "MATERIAL".fit(10) + " " + "QTY".fit(10) + " " + "SUPPLIER".fit(14) + " " + "AT".fit(6) + "STATUS",
            x: 0, y: y, role: .dim, bold: true)
        y += 1
        for row in m.data.received where y < bottom {
            let line =
                "  " + row.lot.fit(12) + " " + row.material.fit(10) + " " + row.quantity.fit(10) + " " + row.supplier.fit(14) + " "
                + clock(m, row.at).fit(6)
            let x = s.put(line, x: 0, y: y)
            let role: Paint = row.onHold || row.lotStatus == .rejected ? .stop : (row.lotStatus == .quarantined ? .warn : .ok)
            s.put(row.status, x: x, y: y, role: role, bold: role != .ok)
            y += 1
        }
    }

    // MARK: frame

    /// HH:MM in plant time (the plant calendar's cached Calendar; none is built per draw).
    /// "local store"; "synced 14:02"; "online ↑3"; "OFFLINE ↑12 since 13:58"; "SYNC REFUSED ↑12".
    static func syncText(_ m: KioskModel) -> String {
        guard let sync = m.sync else { return "local store" }
        let up = m.glyphs == .ascii ? "^" : "↑"
        func last(_ ms: Int64?) -> String { ms.map { clock(m, $0) } ?? "never" }
        switch sync {
        case .refused(let pending): return "SYNC REFUSED \(up)\(pending)"
        case .connecting(let pending): return "sync… \(up)\(pending)"
        case .synced(let lastOk): return "synced \(last(lastOk))"
        case .online(let pending): return "online \(up)\(pending)"
        case .offline(let pending, let lastOk): return "OFFLINE \(up)\(pending) last \(last(lastOk))"
        }
    }

    static func clock(_ m: KioskModel, _ millis: Int64? = nil) -> String {
        let d = millis.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? m.now
        return ClockTime(minutes: m.data.calendar.minuteOfDay(d)).description
    }

    private static func statusLine(_ s: inout Screen, _ m: KioskModel) {
        s.fill(y: 0, role: .header)
        let who = m.person.map { "\($0.name) (\($0.role.label))" } ?? "nobody logged in"
        let station = m.data.stationName.isEmpty ? m.stationID : "\(m.stationID) \(m.data.stationName)"
        let left = " FLOOR │ \(station) │ \(who)"
        let right = "\(m.data.shift ?? "no shift") │ \(clock(m)) │ \(syncText(m)) "
        s.put(left, x: 0, y: 0, role: .header, bold: true, maxWidth: s.width - s.columns(of: right) - 1)
        s.put(right, x: s.width - s.columns(of: right), y: 0, role: .header)
    }

    private static func footer(_ s: inout Screen, _ m: KioskModel) {
        let y = s.height - 2
        if let msg = m.message {
            let role: Paint = msg.kind == .refused ? .stop : (msg.kind == .ok ? .ok : (msg.kind == .warning ? .warn : .info))
            let word = msg.kind == .refused ? "✖ " : (msg.kind == .ok ? "✔ " : (msg.kind == .warning ? "⚠ " : ""))
            s.fill(y: y, role: role)
            s.put(
                " " + (s.glyphs == .ascii ? (msg.kind == .refused ? "! " : "") : word) + msg.text, x: 0, y: y, role: role, bold: msg.kind == .refused)
        }
        s.fill(y: s.height - 1, role: .dim)
        var x = 1
        for (keys, title) in hints(m) {
            let kw = s.put(keys, x: x, y: s.height - 1, role: .key, bold: true)
            let tw = s.put(" " + title + "  ", x: x + kw, y: s.height - 1, role: .dim)
            x += kw + tw
            if x >= s.width - 8 { break }
        }
    }

    /// The most useful bindings of the context, for the bottom line.
    static func hints(_ m: KioskModel) -> [(String, String)] {
        let wanted: [Action]
        switch m.context {
        case .login: wanted = [.help, .manualEntry, .calibrate]
        case .queue where m.data.receiving: wanted = [.help, .manualEntry, .logout]
        case .queue: wanted = [.help, .open, .start, .pause, .resume, .downtime, .manualEntry, .logout]
        case .part: wanted = [.help, .start, .pause, .measure, .complete, .hold, .scrap, .undo, .downtime, .back]
        case .measure: wanted = [.accept, .nextField, .complete, .back, .help]
        case .picker: wanted = [.up, .down, .accept, .back]
        case .entry: wanted = [.accept, .erase, .back]
        case .help: wanted = [.back]
        case .calibrate: wanted = [.accept, .back]
        case .global, .board, .console: wanted = []
        }
        return wanted.compactMap { a in
            guard !(m.readOnly && a.mutating), let k = m.keymap.keys(for: a, in: m.context).first else { return nil }
            return (KeyName.name(k), a.title)
        }
    }

    // MARK: login

    private static func login(_ s: inout Screen, _ m: KioskModel) {
        let mid = s.height / 2 - 3
        let title = "SCAN YOUR BADGE"
        s.put(title, x: (s.width - title.count) / 2, y: mid, role: .title, bold: true)
        let sub = "to work at \(m.stationID)\(m.data.stationName.isEmpty ? "" : " · " + m.data.stationName)"
        s.put(sub, x: max(0, (s.width - s.columns(of: sub)) / 2), y: mid + 2)
        if let down = m.data.down {
            let t = "■ DOWN since \(clock(m, down.since)): \(down.reason)"
            s.put(t, x: max(0, (s.width - s.columns(of: t)) / 2), y: mid + 4, role: .stop, bold: true)
        }
        let q = "\(m.data.queue.count + m.data.running.count) part(s) waiting or running at this station"
        s.put(q, x: max(0, (s.width - q.count) / 2), y: mid + 6, role: .dim)
    }

    // MARK: banners

    /// FPI and downtime banners; returns the next free row.
    private static func banners(_ s: inout Screen, _ m: KioskModel, y top: Int) -> Int {
        var y = top
        if let down = m.data.down {
            s.fill(y: y, role: .stop)
            s.put(
                " ■ DOWN  \(down.target) since \(clock(m, down.since)) (\(Describe.duration(m.millis - down.since))): \(down.reason). Nothing "
                    + "starts here.",
                x: 0, y: y, role: .stop, bold: true)
            y += 1
        }
        // A control chart out of control here: the rule in words and what to do, before anything else.
        let byChart = Dictionary(grouping: m.data.spcSignals, by: \.chart)
        for (_, sigs) in byChart.sorted(by: { $0.key < $1.key }).prefix(2) {
            let worst = sigs.map(\.reaction).max() ?? .warn
            let rules = sigs.reduce(into: [NelsonRule]()) { if !$0.contains($1.rule) { $0.append($1.rule) } }
            let chart = sigs[0].chart.split(separator: "/").map(String.init)
            let what = chart.count == 3 ? "\(chart[2]) at \(chart[1])" : sigs[0].chart
            let todo: String
            switch worst {
            case .stop: todo = "stopped here until an inspector clears it: NOTE:<cause>, then CMD:SPCCLEAR"
            case .acknowledge: todo = "check the process (not an NCR), then NOTE:<what you did>, CMD:SPCACK"
            case .warn: todo = "a warning: check the process (NOTE:<what you did>, CMD:SPCACK notes it)"
            }
            let role: Paint = worst == .stop ? .stop : .warn
            s.fill(y: y, height: 2, role: role)
            s.put(" ! OUT OF CONTROL  \(what): " + rules.map(\.words).joined(separator: "; "), x: 0, y: y, role: role, bold: true)
            s.put("   rule " + rules.map { String($0.rawValue) }.joined(separator: ", ") + ": " + todo, x: 0, y: y + 1, role: role)
            y += 2
        }
        // Keys waiting for their first piece to start share one line; every other state gets its own.
        let required = m.data.banners.filter { $0.status == .required }
        if !required.isEmpty {
            let keys =
                required.prefix(4).map { "\($0.workOrder) \($0.step)" }.joined(separator: ", ")
                + (required.count > 4 ? " +\(required.count - 4)" : "")
            s.fill(y: y, role: .banner)
            s.put(" \(s.glyphs.arrow) FIRST PIECE REQUIRED \(keys): next part started is the first piece", x: 0, y: y, role: .banner, bold: true)
            y += 1
        }
        let others = m.data.banners.filter { $0.status != .required && (!$0.status.unlocked || m.base != .queue) }
        let shown = others.prefix(3)
        for b in shown {
            let role: Paint
            let text: String
            switch b.status {
            case .required:
                continue
            case .pending(let first):
                role = .banner
                text = "FIRST PIECE PENDING \(b.workOrder) \(b.step): \(first) awaits \(b.decidedBy); others wait"
            case .failed(let last):
                role = .stop
                text = "FIRST PIECE FAILED \(b.workOrder) \(b.step): \(last) failed; next part started is the new one"
            case .passed(let first, let by):
                role = .ok
                text = "FIRST PIECE PASSED \(b.workOrder) \(b.step): \(first) by \(m.data.people[by] ?? by)"
            case .waived(_, let by, let reason):
                role = .ok
                text = "FIRST PIECE WAIVED \(b.workOrder) \(b.step) by \(m.data.people[by] ?? by): \(reason)"
            }
            s.fill(y: y, role: role)
            s.put(" \(s.glyphs.arrow) " + text, x: 0, y: y, role: role, bold: true)
            y += 1
        }
        if others.count > shown.count {
            s.put("  + \(others.count - shown.count) more first-piece key(s)", x: 0, y: y, role: .banner)
            y += 1
        }
        return y
    }

    // MARK: queue

    static func stateWord(_ q: KioskData.QueueRow) -> (String, Paint) {
        if q.status == .hold { return ("HOLD", .stop) }
        if let station = q.elsewhere { return ((q.status == .paused ? "PAUSED@" : "RUN@") + station, .info) }
        if q.isFirstPiece { return ("1ST PIECE", .banner) }
        if q.status == .paused { return ("PAUSED", .warn) }
        guard let blockers = q.blockers else { return ("", .normal) }
        if blockers.isEmpty { return ("READY", .ok) }
        let b = blockers[0]
        let word: String
        switch b.blocker {
        case .waitingFirstPiece?: word = "WAIT FPI"
        case .machineDown?: word = "DOWN"
        case .missingSkill?: word = "SKILL"
        case .insufficientRole?: word = "ROLE"
        case .calibrationExpired?: word = "CALIB"
        case .workOrderOnHold?: word = "WO HOLD"
        case .notAtStep?: word = "NOT HERE"
        default: word = "BLOCKED"
        }
        return (word, .warn)
    }

    private static func queue(_ s: inout Screen, _ m: KioskModel, top: Int) {
        var y = top
        let rows = m.rows
        let listBottom = s.height - 4  // leave room for detail line, message and hints
        let w = s.width
        // Header
        s.put(
            " Queue at \(m.data.workCenter): \(m.data.queue.count) waiting · \(m.data.running.count) running here", x: 0, y: y, role: .title,
            bold: true)
        y += 1
        // Columns: the STEP column takes what the state column does not need.
        let stepWidth = max(12, min(30, w - 68))
        let header =
            "  " + "ORDER".fit(9) + " " + "SERIAL".fit(13) + " " + "PART".fit(9) + " " + "STEP".fit(stepWidth) + " "
            + "QTY".right(4) + " " + "DUE".fit(11) + "PRI " + "STATE"
        s.put(header, x: 0, y: y, role: .dim, bold: true)
        y += 1
        let visible = max(1, listBottom - y)
        let first = max(0, min(m.selection - visible / 2, rows.count - visible))
        if rows.isEmpty {
            s.put("  Nothing waiting at this station.", x: 0, y: y, role: .dim)
        }
        for (i, row) in rows.enumerated().dropFirst(first).prefix(visible) {
            let sel = i == m.selection
            let mark = sel ? String(s.glyphs.arrow) + " " : "  "
            switch row {
            case .running(let r):
                let line =
                    mark + r.workOrder.fit(9) + " " + r.serial.fit(13) + " " + "".fit(9) + " " + r.step.fit(stepWidth) + " "
                    + "".right(4) + " " + "".fit(11) + "    "
                s.put(line, x: 0, y: y, role: sel ? .selected : .normal)
                let word = r.status == .running ? "RUNNING" : "PAUSED"
                let x = s.columns(of: line)
                let n = s.put(word, x: x, y: y, role: r.status == .running ? .ok : .warn, bold: true)
                s.put(
                    " \(Describe.duration(m.millis - r.since)) \(r.operatorName)\(r.mine ? " (you)" : "")", x: x + n, y: y,
                    role: sel ? .selected : .normal)
            case .queued(let q):
                let line =
                    mark + q.workOrder.fit(9) + " " + q.serial.fit(13) + " " + q.part.fit(9) + " " + (q.step + " " + q.stepName).fit(stepWidth) + " "
                    + String(q.quantity).right(4) + " "
                s.put(line, x: 0, y: y, role: sel ? .selected : .normal)
                var x = s.columns(of: line)
                let dueRole: Paint = q.risk == .late ? .stop : (q.risk == .atRisk ? .warn : (sel ? .selected : .normal))
                let due = q.due.prefix(10) + (q.risk == .late ? "!" : (q.risk == .atRisk ? "~" : ""))
                s.put(String(due).fit(11), x: x, y: y, role: dueRole, bold: q.risk == .late)
                x += 11
                let pri: (String, Paint) =
                    q.priority == .urgent
                    ? ("URG", .stop) : (q.priority == .high ? ("HI", .warn) : (q.priority == .low ? ("LO", .dim) : ("", .normal)))
                s.put(pri.0, x: x, y: y, role: pri.1, bold: q.priority == .urgent)
                x += 4
                let (word, role) = stateWord(q)
                s.put(word, x: x, y: y, role: role, bold: true)
            }
            if sel { s.paint(x: 0, y: y, width: 2, role: .selected, bold: true) }
            y += 1
        }
        if rows.count > visible {
            s.put("\(first + 1)-\(min(rows.count, first + visible)) of \(rows.count)", x: w - 16, y: top, role: .dim)
        }
        // What the highlighted row waits for, in words.
        let detailY = s.height - 3
        if rows.indices.contains(m.selection), case .queued(let q) = rows[m.selection] {
            let riskText = q.risk == .late ? "LATE (due \(q.due))" : (q.risk == .atRisk ? "AT RISK (due \(q.due))" : "")
            if let b = q.blockers, !b.isEmpty {
                s.put(" Cannot start: " + b.map(\.message).joined(separator: "; "), x: 0, y: detailY, role: .warn)
            } else if q.status == .hold {
                s.put(" On hold: release by an inspector or supervisor (disposition)", x: 0, y: detailY, role: .stop)
            } else if !riskText.isEmpty {
                s.put(" " + riskText, x: 0, y: detailY, role: q.risk == .late ? .stop : .warn)
            }
        }
    }

    // MARK: part

    private static func part(_ s: inout Screen, _ m: KioskModel, top: Int, measuring: Bool) {
        guard let d = m.data.part else {
            s.put(" Loading \(m.session.selected ?? "")…", x: 0, y: top + 1, role: .dim)
            return
        }
        var y = top
        let p = d.part
        let status = p.displayStatus
        s.put(" \(p.serial)", x: 0, y: y, role: .title, bold: true)
        var x = s.columns(of: " \(p.serial)")
        x += s.put("  \(p.part) \(d.partName) · WO \(p.workOrder) · qty \(p.quantity) · due \(d.due)", x: x, y: y)
        if d.dueRisk == .late {
            s.put(" LATE", x: x, y: y, role: .stop, bold: true)
        } else if d.dueRisk == .atRisk {
            s.put(" AT RISK", x: x, y: y, role: .warn, bold: true)
        }
        y += 1
        let word = status.rawValue.uppercased()
        let role: Paint = status == .hold || status == .scrapped ? .stop : (status == .running ? .ok : (status == .paused ? .warn : .normal))
        let stepText = d.step.map { " Step \($0.id) \($0.name) (\($0.workCenter))" } ?? " Step \(p.step)"
        let n = s.put(stepText + " · ", x: 0, y: y)
        var x2 = n + s.put(word, x: n, y: y, role: role, bold: true)
        if let run = p.run {
            x2 += s.put(
                " since \(clock(m, run.pausedAt ?? run.startedAt)) (\(Describe.duration(m.millis - (run.pausedAt ?? run.startedAt)))) by "
                    + "\(m.data.people[run.operator_] ?? run.operator_)",
                x: x2, y: y)
        }
        if m.data.queue.contains(where: { $0.serial == p.serial && $0.isFirstPiece }) || isPendingFirstPiece(m, p.serial) {
            s.put("  FIRST PIECE", x: x2, y: y, role: .banner, bold: true)
        }
        y += 1
        for h in p.holds.prefix(2) {
            s.put(" HOLD \(h.reason)\(h.note.isEmpty ? "" : ": " + h.note) (by \(m.data.people[h.by] ?? h.by))", x: 0, y: y, role: .stop, bold: true)
            y += 1
        }
        if !d.blockers.isEmpty {
            s.put(" Cannot start: " + d.blockers.map(\.message).joined(separator: "; "), x: 0, y: y, role: .warn)
            y += 1
        }
        let bottom = s.height - 3
        let w = s.width
        // Measurements box: one line per characteristic due.
        let ms = d.measurements
        let measureRows = ms.isEmpty ? 1 : ms.count
        let matRows = d.materials.isEmpty ? 0 : d.materials.count + 2
        let measureHeight = min(measureRows + 2, max(3, (bottom - y) / 2))
        let instrHeight = max(3, bottom - y - measureHeight - matRows)
        if !measuring {
            s.box(
                x: 0, y: y, width: w, height: instrHeight,
                title: "Instructions" + (d.instructions.count > instrHeight - 2 ? " (\(m.instructionScroll + 1)/\(d.instructions.count))" : ""))
            for (i, line) in d.instructions.dropFirst(m.instructionScroll).prefix(instrHeight - 2).enumerated() {
                s.put(line, x: 2, y: y + 1 + i, maxWidth: w - 4)
            }
            if d.instructions.isEmpty { s.put("(no instructions for this step)", x: 2, y: y + 1, role: .dim) }
            y += instrHeight
            if matRows > 0 {
                s.box(x: 0, y: y, width: w, height: matRows, title: "Materials to scan")
                for (i, mat) in d.materials.enumerated() {
                    let line = "\(mat.requirement.material) \(mat.name) × \(Tolerance.format(mat.requirement.qty))"
                    s.put(line.fit(44), x: 2, y: y + 1 + i, maxWidth: w - 4)
                    if let lot = mat.scanned {
                        s.put("✔ lot \(lot.lot)", x: 48, y: y + 1 + i, role: .ok, bold: true, maxWidth: w - 50)
                    } else {
                        s.put(
                            p.run == nil ? "scan the lot after start" : "SCAN LOT", x: 48, y: y + 1 + i, role: p.run == nil ? .dim : .warn,
                            bold: p.run != nil)
                    }
                }
                y += matRows
            }
        }
        let height = measuring ? bottom - y : measureHeight
        measurementBox(&s, m, d, y: y, height: height, measuring: measuring)
    }

    private static func isPendingFirstPiece(_ m: KioskModel, _ serial: String) -> Bool {
        m.data.banners.contains {
            if case .pending(let s) = $0.status { return s == serial }; return false
        }
    }

    private static func measurementBox(_ s: inout Screen, _ m: KioskModel, _ d: KioskData.PartDetail, y: Int, height: Int, measuring: Bool) {
        let w = s.width
        let title = measuring ? "Measurements: type a value or read a gauge, Enter records" : "Measurements due on this piece"
        s.box(x: 0, y: y, width: w, height: height, title: title, role: measuring ? .field : .dim)
        if d.measurements.isEmpty {
            s.put(
                d.part.run == nil ? "(start the part to see the measurements due)" : "(no measurement due on this piece)", x: 2, y: y + 1, role: .dim)
            return
        }
        for (i, due) in d.measurements.enumerated() where i < height - 2 {
            let c = due.characteristic
            let row = y + 1 + i
            let focus = measuring && i == m.measureFocus
            let balloon = c.balloon.map { "(\($0))" } ?? ""
            let nominal = c.nominal.map { Tolerance.format($0) } ?? ""
            var x = 2
            if focus { s.put(String(s.glyphs.arrow), x: 1, y: row, role: .field, bold: true) }
            let nameWidth = max(18, w - 62)
            x += s.put(balloon.fit(4) + " " + c.name.fit(nameWidth) + " " + nominal.right(7) + "  " + Tolerance.limitsText(c).fit(20), x: x, y: row)
            x += 1
            if let rec = due.recorded, !(focus && !(m.fields[c.id] ?? "").isEmpty) {
                let v = Tolerance.verdict(c, rec.value)
                x += s.put(rec.value.description.right(10), x: x, y: row, bold: true) + 1
                s.put(v.word, x: x, y: row, role: v.isGood ? .ok : .stop, bold: true)
            } else if measuring {
                let text = m.fields[c.id] ?? ""
                let field = "[" + text.fit(8, ellipsis: "…") + "]"
                x += s.put(field, x: x, y: row, role: focus ? .field : .dim, bold: focus) + 1
                if let v = Tolerance.parseValue(text, kind: c.kind) {
                    let verdict = Tolerance.verdict(c, v)
                    s.put(verdict.word, x: x, y: row, role: verdict.isGood ? .ok : .stop, bold: true)
                } else if !text.isEmpty {
                    s.put(c.kind == .passFail ? "type PASS or FAIL" : "not a number", x: x, y: row, role: .warn)
                }
            } else {
                s.put("due", x: x + 4, y: row, role: .warn)
            }
        }
        if let step = d.step, d.measurements.contains(where: { $0.verdict.map { !$0.isGood } ?? false }) {
            s.put(" OUT OF TOLERANCE: \(StationBoard.onFailConsequence(step)) ", x: 2, y: y + height - 1, role: .stop, bold: true)
        }
        // The focused characteristic's run chart fills the room the rows leave.
        let used = min(d.measurements.count, height - 2) + 1
        if measuring, m.measureFocus < d.measurements.count, let chart = d.charts[d.measurements[m.measureFocus].characteristic.id] {
            let top = y + 1 + used
            let rows = y + height - 1 - top
            s.rule(y: top - 1, x: 1, width: w - 2)
            RunChart.draw(&s, chart, x: 2, y: top, width: w - 4, height: rows)
        }
    }

    /// Word-wraps `text` to lines of at most `width` characters (a longer word is cut).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line); line = String(word)
            }
            while line.count > width { lines.append(String(line.prefix(width))); line = String(line.dropFirst(width)) }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    // MARK: overlays

    private static func picker(_ s: inout Screen, _ m: KioskModel, _ p: KioskModel.Picker) {
        let b = s.centeredBox(width: 50, height: min(p.items.count, 14) + 4, title: p.title)
        if p.items.isEmpty { s.put("(the plant lists no reasons for this)", x: b.x + 2, y: b.y + 2, role: .dim) }
        let visible = b.h - 4
        let first = max(0, min(p.selection - visible / 2, p.items.count - visible))
        for (i, r) in p.items.enumerated().dropFirst(first).prefix(visible) {
            let sel = i == p.selection
            let row = b.y + 2 + i - first
            s.put(
                (sel ? String(s.glyphs.arrow) + " " : "  ") + r.code.fit(14) + " " + r.label, x: b.x + 1, y: row,
                role: sel ? .selected : .normal, bold: sel, maxWidth: b.w - 2)
            if sel { s.paint(x: b.x + 1, y: row, width: b.w - 2, role: .selected) }
        }
    }

    private static func entry(_ s: inout Screen, _ e: KioskModel.Entry) {
        let b = s.centeredBox(width: 64, height: 7, title: e.title)
        s.put(e.prompt, x: b.x + 2, y: b.y + 2, maxWidth: b.w - 4)
        let field = String(e.text.suffix(b.w - 8)) + "_"
        s.fill(x: b.x + 2, y: b.y + 3, width: b.w - 4, role: .field)
        s.put(field, x: b.x + 3, y: b.y + 3, role: .field, bold: true, maxWidth: b.w - 6)
        s.put("Enter: confirm", x: b.x + 2, y: b.y + 5, role: .dim)
    }

    /// The signature pad, with the kiosk's own keys for moving on, erasing and cancelling.
    private static func sign(_ s: inout Screen, _ m: KioskModel, _ pad: SignaturePad) {
        let keys = [Action.accept, .erase, .back].compactMap { a in
            m.keymap.keys(for: a, in: .entry).first.map { "\(KeyName.name($0)): \(a == .accept ? "next / sign" : a.title)" }
        }
        pad.draw(&s, glyphs: m.glyphs, keys: keys.joined(separator: " · "))
    }

    private static func help(_ s: inout Screen, _ m: KioskModel, scroll: Int) {
        var under = m
        under.overlay = nil
        let context = under.context
        var lines: [(String, String, Paint)] = [("Keymap", m.keymap.name, .title)]
        let textWidth = max(20, min(76, s.width - 4) - 21)
        for (keys, action) in m.keymap.helpActions(for: context, readOnly: m.readOnly) {
            // On the open part, an action the rules would refuse says why, before it is tried.
            if context == .part || context == .measure, let verb = action.spec.verb, let r = m.data.part?.notNow[verb] {
                lines.append((keys, action.title + " (not now)", .dim))
                let why = r.reasons.map(\.message).joined(separator: "; ")
                for part in wrap(why, textWidth - 2) { lines.append(("", "  " + part, .dim)) }
            } else {
                lines.append((keys, action.title, .normal))
            }
        }
        lines.append(("", "", .normal))
        lines.append(("Scan", "EMP: badge · SN:/WO: traveler · LOT:mat:lot · EQ: gauge · CMD: cards", .dim))
        for extra in m.helpExtra {
            for (i, part) in wrap(extra, textWidth).enumerated() { lines.append(("", (i == 0 ? "" : "  ") + part, .info)) }
        }
        let b = s.centeredBox(width: 76, height: min(lines.count + 3, s.height - 2), title: "Help · \(context.rawValue)")
        let visible = b.h - 3
        let first = min(scroll, max(0, lines.count - visible))
        for (i, l) in lines.dropFirst(first).prefix(visible).enumerated() {
            s.put(l.0.fit(16), x: b.x + 2, y: b.y + 1 + i, role: l.2 == .normal ? .key : l.2, bold: true)
            s.put(l.1, x: b.x + 19, y: b.y + 1 + i, role: l.2 == .title ? .title : l.2, maxWidth: b.w - 21)
        }
    }

    private static func calibrate(_ s: inout Screen, _ m: KioskModel, _ c: KioskModel.Calibration) {
        let b = s.centeredBox(width: 70, height: 12, title: "Scanner calibration")
        s.put("Scan the test label (any barcode) at least 3 times.", x: b.x + 2, y: b.y + 2)
        s.put("Scans read: \(c.samples.count)", x: b.x + 2, y: b.y + 3, bold: true)
        for (i, g) in c.samples.suffix(3).enumerated() {
            let avg = g.isEmpty ? 0 : g.reduce(0, +) / g.count
            s.put("  gaps: max \(g.max() ?? 0) ms, average \(avg) ms over \(g.count + 1) characters", x: b.x + 2, y: b.y + 4 + i)
        }
        s.put(
            "now: max gap \(m.wedge.maxGap) ms · average \(m.wedge.maxAverageGap) ms · settle \(m.wedge.settle) ms", x: b.x + 2, y: b.y + 8,
            role: .dim)
        if let p = c.proposed {
            s.put(
                "new: max gap \(p.maxGap) ms · average \(p.maxAverageGap) ms · settle \(p.settle) ms  (Enter saves)", x: b.x + 2, y: b.y + 9,
                role: .ok, bold: true)
        }
    }
}

extension KioskModel {
    var millis: Int64 { now.epochMillis }

    /// The help overlay on the open part (or its measurements): it shows what each action would
    /// be told, so the loader previews them.
    var showsActionPreviews: Bool {
        guard case .help? = overlay else { return false }
        return base == .part || base == .measure
    }
}
