import Foundation
import LocalStore
import MESCore
import ScannerInput

/// What the fuzzers feed: each target reads arbitrary bytes the way Floor reads untrusted input
/// (a scan, a label, a keystroke stream, a segment from the network or a USB stick, a plant file,
/// an orders file) and checks what must always hold. A crash, a trap or a failed check is a finding.
enum FuzzTargets {
    static let names = ["gs1", "label", "wedge", "segment", "plant", "csv"]

    struct Violation: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ target: String, _ bytes: [UInt8]) throws {
        switch target {
        case "gs1": try gs1(bytes)
        case "label": label(bytes)
        case "wedge": try wedge(bytes)
        case "segment": segment(bytes)
        case "plant": plant(bytes)
        case "csv": csv(bytes)
        default: throw Violation(description: "unknown target \(target) (targets: \(names.joined(separator: ", ")))")
        }
    }

    /// Bytes as a terminal delivers them: decoded as the kiosk decodes them.
    static func text(_ bytes: [UInt8]) -> String {
        var d = UTF8Keys()
        var s = ""
        s.unicodeScalars.append(contentsOf: d.feed(bytes) + d.flush())
        return s
    }

    static func gs1(_ bytes: [UInt8]) throws {
        let t = text(bytes)
        for percent in [false, true] {
            switch GS1.parse(t, referenceYear: 2026, percentIsSeparator: percent) {
            case .success(let d):
                // Every element is one the table knows, within its lengths; dates are real dates.
                for e in d.elements {
                    guard let lengths = GS1.lengths(of: e.ai) else { throw Violation(description: "unknown AI \(e.ai) accepted") }
                    guard lengths.contains(e.value.unicodeScalars.count) else {
                        throw Violation(description: "(\(e.ai)) '\(e.value)' outside \(lengths)")
                    }
                    if let date = e.date, LocalDate(date.description) == nil { throw Violation(description: "bad date \(date)") }
                }
            case .failure(let e):
                if e.message.unicodeScalars.contains(where: Sanitize.isControl) {
                    throw Violation(description: "a control character reached the message: \(e.message.debugDescription)")
                }
            }
        }
    }

    static func label(_ bytes: [UInt8]) {
        _ = Label.parse(text(bytes))
        _ = GS1.looksLikeLayoutMismatch(text(bytes))
    }

    /// Pairs of bytes: a key and the milliseconds before it. Every key comes out exactly once.
    static func wedge(_ bytes: [UInt8]) throws {
        var settings = WedgeSettings.defaults
        if let first = bytes.first { settings.aimFraming = first & 1 == 1; settings.timingEnabled = first & 2 == 0 }
        var d = WedgeDecoder(settings: settings)
        var now: Int64 = 1000
        var fed: [Key] = [], out: [WedgeOutput] = []
        var i = 1
        while i + 1 < bytes.count {
            now += Int64(bytes[i + 1] % 80)
            let b = bytes[i]
            let key: Key = b == 0xF0 ? .up : b == 0xF1 ? .function(5) : Key(Character(Unicode.Scalar(b < 0x80 ? b : 0x41 + b % 26)))
            fed.append(key)
            out += d.feed(key, at: now)
            out += d.tick(at: now)
            i += 2
        }
        out += d.tick(at: now + 10_000)
        let typed = out.compactMap { if case .typed(let k) = $0 { k } else { nil } }
        let scanned = out.compactMap { if case .scan(let s, let sym) = $0 { (sym ?? "") + s } else { nil } }
        // Nothing invented: typed keys and scan text together never exceed what was fed.
        if typed.count + scanned.reduce(0, { $0 + $1.count }) > fed.count {
            throw Violation(description: "the decoder gave out more than it was fed")
        }
    }

    static func segment(_ bytes: [UInt8]) {
        _ = try? Segment.decode(Data(bytes))
        _ = try? Segment.decode(Data(bytes), secret: "s3cret")
        _ = Segment.peekSource(Data(bytes))
    }

    static let examplePlant: Plant? = try? PlantFile.load(
        text: """
            plant: {id: P, name: Plant, timezone: UTC}
            work_centers: [{id: WC, name: W}]
            parts: [{id: PART-1, name: Part, revision: A, routing: R}]
            routings: [{id: R, version: 1, status: approved, effective: 2026-01-01, steps: [{id: OP10, name: S, work_center: WC}]}]
            """, file: "p.yaml"
    ).get()

    static func plant(_ bytes: [UInt8]) {
        guard let s = String(bytes: bytes, encoding: .utf8) else { return }
        if case .failure(let p) = PlantFile.load(text: s, file: "fuzz.yaml") { _ = p.description }
    }

    static func csv(_ bytes: [UInt8]) {
        guard let s = String(bytes: bytes, encoding: .utf8), let plant = examplePlant else { return }
        if case .failure(let p) = WorkOrderCSV.parse(s, file: "fuzz.csv", plant: plant) { _ = p.description }
    }
}
