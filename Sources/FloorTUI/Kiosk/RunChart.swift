import FloorStation
import Foundation
import MESCore

/// The station's run chart of a characteristic: the last points (as many as fit), the centre
/// line, control limits and specification limits, the newest point marked, and its verdict in
/// words that keep "out of control" (the process) apart from "out of tolerance" (the part).
/// Unicode half blocks give two points of height per row; under `--ascii` the same chart is
/// drawn with `*`, `@`, `X`, `-`, `.` and `=`.
enum RunChart {
    static func kindLabel(_ k: ControlLimits.Kind) -> String {
        switch k {
        case .individuals: return "individuals"
        case .xbarR: return "X-bar (R)"
        case .xbarS: return "X-bar (S)"
        }
    }

    /// Draws `c` in the rectangle; needs at least 5 rows and 30 columns (else draws nothing).
    static func draw(_ s: inout Screen, _ c: SPCSummary, x: Int, y: Int, width: Int, height: Int) {
        guard height >= 5, width >= 30 else { return }
        let ascii = s.glyphs == .ascii
        let spec = c.characteristic
        let n = c.plan.subgroupSize
        var head = "SPC \(kindLabel(c.plan.kind))" + (n > 1 ? " n=\(n)" : "")
        if let l = c.limits {
            head += "  CL \(Tolerance.format(round(l.center))) UCL \(Tolerance.format(round(l.upper))) LCL \(Tolerance.format(round(l.lower)))"
        } else {
            head += "  no control limits yet (\(c.points.count) of \(c.plan.baseline) subgroups for a baseline)"
        }
        if let cap = c.capability, let cpk = cap.cpk {
            head += String(format: "  Cpk %.2f", cpk) + " (n=\(cap.n)\(cap.warning == nil ? "" : ", too few to trust"))"
        }
        s.put(head, x: x, y: y, role: .title, bold: true, maxWidth: width)

        let rows = height - 2, top = y + 1
        let label = 5
        let plotX = x + label, plotW = width - label
        let shown = Array(c.points.suffix(plotW))
        let stepX = max(1, min(3, plotW / max(1, shown.count)))
        // The scale follows the process (points and control limits); a specification limit is
        // drawn when it falls near that range, else named at the edge it lies beyond.
        var core = shown.map(\.value)
        if let l = c.limits { core += [l.upper, l.lower, l.center] }
        var refs: [(value: Double, name: String, kind: Int)] = []  // kind 0 spec, 1 control, 2 centre
        if let l = c.limits { refs += [(l.upper, "UCL", 1), (l.lower, "LCL", 1), (l.center, "CL", 2)] }
        if core.isEmpty { core = [spec?.lower, spec?.upper].compactMap { $0 } }
        guard let minC = core.min(), let maxC = core.max() else {
            s.put("(no readings on this chart yet)", x: plotX, y: top + rows / 2, role: .dim)
            return
        }
        let coreSpan = max(maxC - minC, abs(maxC) * 1e-6, 1e-9)
        var lo = minC - coreSpan * 0.1, hi = maxC + coreSpan * 0.1
        var offScale: [String] = []
        for (v, name) in [(spec?.upper, "USL"), (spec?.lower, "LSL")] {
            guard let v else { continue }
            if v >= minC - coreSpan * 0.6 && v <= maxC + coreSpan * 0.6 {
                refs.append((v, name, 0)); lo = min(lo, v - coreSpan * 0.05); hi = max(hi, v + coreSpan * 0.05)
            } else {
                offScale.append("\(name) \(Tolerance.format(v)) \(v > maxC ? (ascii ? "^" : "↑") : (ascii ? "v" : "↓"))")
            }
        }
        let sub = rows * 2
        /// Half-row index from the top (0 … 2·rows − 1).
        func half(_ v: Double) -> Int { min(sub - 1, max(0, Int(((hi - v) / (hi - lo) * Double(sub - 1)).rounded()))) }
        for r in refs.sorted(by: { $0.kind < $1.kind }) {
            let row = top + half(r.value) / 2
            let glyph: Character = ascii ? (r.kind == 0 ? "=" : r.kind == 1 ? "." : "-") : (r.kind == 0 ? "═" : r.kind == 1 ? "┄" : "─")
            let role: Paint = r.kind == 0 ? .stop : r.kind == 1 ? .warn : .ok
            s.put(String(repeating: glyph, count: plotW), x: plotX, y: row, role: role)
            s.put(r.name.fit(label - 1), x: x, y: row, role: role, bold: r.kind == 0)
        }
        if !offScale.isEmpty {
            s.put("spec " + offScale.joined(separator: "  ") + " (off the scale)", x: plotX, y: top, role: .dim, maxWidth: plotW)
        }
        for (i, p) in shown.enumerated() {
            let h = half(p.value)
            let newest = i == shown.count - 1
            let signalled = !p.signals.isEmpty
            let outOfSpec = spec.map { !Tolerance.verdict($0, .number(p.value)).isGood } ?? false
            let glyph: String
            if ascii {
                glyph = signalled ? "X" : newest ? "@" : "*"
            } else {
                glyph = signalled ? "✖" : newest ? "◆" : (h % 2 == 0 ? "▀" : "▄")
            }
            let role: Paint = signalled || outOfSpec ? .stop : newest ? .field : .normal
            s.put(glyph, x: plotX + i * stepX, y: top + h / 2, role: role, bold: newest || signalled)
        }
        // The newest point, in words.
        guard let last = c.points.last else {
            s.put("(no readings on this chart yet)", x: plotX, y: top + rows / 2, role: .dim)
            return
        }
        let inTol = Tolerance.verdict(spec ?? Characteristic(id: "", name: ""), .number(last.value)).isGood
        let tolWords = spec == nil ? "" : (inTol ? "in tolerance" : "OUT OF TOLERANCE")
        var words = "newest \(Tolerance.format(round(last.value))): "
        let role: Paint
        if c.limits == nil {
            words += "no control limits yet" + (tolWords.isEmpty ? "" : ", \(tolWords)")
            role = inTol ? .dim : .stop
        } else if last.signals.isEmpty {
            words += "in control" + (tolWords.isEmpty ? "" : ", \(tolWords)")
            role = inTol ? .ok : .stop
        } else {
            words += "OUT OF CONTROL (rule \(last.signals.map { String($0.rawValue) }.joined(separator: ", ")))"
            words += inTol ? " but in tolerance: the part is good" : ", \(tolWords)"
            role = inTol ? .warn : .stop
        }
        s.put(words, x: x, y: y + height - 1, role: role, bold: true, maxWidth: width)
    }

    static func round(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }
}
