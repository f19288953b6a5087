import Foundation
import MESCore

/// A control chart as a self-contained SVG for a report: the values pane (points, centre line,
/// control limits dashed, specification limits red) above the spread pane, signals circled and
/// numbered by rule. Every text from the store is escaped.
extension SPCReports {
    public static func svg(_ s: SPCSummary, title: String? = nil) -> String {
        let width = 900.0, paneH = 220.0, top = 50.0, left = 70.0, right = 20.0, gap = 40.0
        let plotW = width - left - right
        let height = top + paneH * 2 + gap + 40
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
                + "font-family=\"sans-serif\" font-size=\"12\">")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        let heading = title ?? "\(s.plan.key): \(chartName(s.plan.kind))"
        out.append("<text x=\"\(left)\" y=\"22\" font-size=\"16\" font-weight=\"bold\">\(escape(heading))</text>")
        var sub = "\(s.points.count) subgroups of \(s.plan.subgroupSize), \(s.readings) readings"
        if let c = s.capability {
            sub += String(
                format: "; Cpk %@, Ppk %@", c.cpk.map { String(format: "%.2f", $0) } ?? "-", c.ppk.map { String(format: "%.2f", $0) } ?? "-")
            if let w = c.warning { sub += " (\(w))" }
        }
        if s.limits == nil { sub += "; control limits not set yet" }
        out.append("<text x=\"\(left)\" y=\"40\" fill=\"#444\">\(escape(sub))</text>")

        func pane(
            y0: Double, label: String, values: [Double?], center: Double?, lower: Double?, upper: Double?, specs: [Double], marks: [Int: String]
        ) {
            let known = values.compactMap { $0 } + [center, lower, upper].compactMap { $0 } + specs
            guard let lo0 = known.min(), let hi0 = known.max() else { return }
            let pad = max((hi0 - lo0) * 0.08, 1e-9)
            let lo = lo0 - pad, hi = hi0 + pad
            func y(_ v: Double) -> Double { y0 + paneH - (v - lo) / (hi - lo) * paneH }
            func x(_ i: Int) -> Double { left + (values.count <= 1 ? plotW / 2 : Double(i) / Double(values.count - 1) * plotW) }
            out.append("<rect x=\"\(left)\" y=\"\(y0)\" width=\"\(plotW)\" height=\"\(paneH)\" fill=\"none\" stroke=\"#999\"/>")
            out.append("<text x=\"8\" y=\"\(y0 + 14)\" font-weight=\"bold\">\(escape(label))</text>")
            func hline(_ v: Double?, _ name: String, _ style: String) {
                guard let v else { return }
                out.append("<line x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" \(style)/>")
                out.append("<text x=\"4\" y=\"\(f(y(v) + 4))\" fill=\"#333\">\(escape(name)) \(escape(Tolerance.format(v)))</text>")
            }
            for sp in specs { hline(sp, "spec", "stroke=\"#c00\" stroke-width=\"1.5\"") }
            hline(upper, "UCL", "stroke=\"#06c\" stroke-dasharray=\"6 4\"")
            hline(center, "CL", "stroke=\"#090\"")
            hline(lower, "LCL", "stroke=\"#06c\" stroke-dasharray=\"6 4\"")
            let path = values.enumerated().compactMap { i, v in v.map { "\(f(x(i))),\(f(y($0)))" } }.joined(separator: " ")
            out.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.2\"/>")
            for (i, v) in values.enumerated() {
                guard let v else { continue }
                if let m = marks[i] {
                    out.append("<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"5\" fill=\"#c00\"/>")
                    out.append("<text x=\"\(f(x(i) + 6))\" y=\"\(f(y(v) - 6))\" fill=\"#c00\">\(escape(m))</text>")
                } else {
                    out.append("<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"2.2\" fill=\"#222\"/>")
                }
            }
        }
        var marks: [Int: String] = [:]
        for (i, p) in s.points.enumerated() where !p.signals.isEmpty { marks[i] = p.signals.map { String($0.rawValue) }.joined(separator: ",") }
        let specs = [s.characteristic?.lower, s.characteristic?.upper].compactMap { $0 }
        let unit = s.characteristic?.unit.map { " (\($0))" } ?? ""
        pane(
            y0: top + 10, label: valueLabel(s.plan.kind) + unit, values: s.points.map(\.value), center: s.limits?.center, lower: s.limits?.lower,
            upper: s.limits?.upper, specs: specs, marks: marks)
        pane(
            y0: top + 10 + paneH + gap, label: spreadLabel(s.plan.kind), values: s.points.map(\.spread), center: s.limits?.spreadCenter,
            lower: s.limits?.spreadLower, upper: s.limits?.spreadUpper, specs: [], marks: [:])
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func chartName(_ k: ControlLimits.Kind) -> String {
        switch k {
        case .individuals: return "individuals and moving range"
        case .xbarR: return "X-bar and R"
        case .xbarS: return "X-bar and S"
        }
    }
    static func valueLabel(_ k: ControlLimits.Kind) -> String { k == .individuals ? "I" : "X̄" }
    static func spreadLabel(_ k: ControlLimits.Kind) -> String {
        switch k {
        case .individuals: return "MR"
        case .xbarR: return "R"
        case .xbarS: return "S"
        }
    }

    /// XML text and attribute escaping; control characters (not allowed in XML 1.0) are dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
