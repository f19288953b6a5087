import Foundation
import Testing

@testable import ScannerInput

/// GS1 inputs from the public test code of two independent parsers (GS1's Barcode Syntax Engine
/// and the Python library biip), read from `../shared/gs1/conformance.txt` beside the repository:
/// public test data we may read but not copy in. Where GS1's engine gives a verdict, Floor must
/// give the same one, but for the policy differences listed here (and in `docs/scanner.md`).
/// Without the file (a clone on its own) the tests are skipped with one line; in CI (`CI` set)
/// they always run, so a missing file fails instead of passing silently.
enum Conformance {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/gs1/conformance.txt")
    static let available = FileManager.default.fileExists(atPath: url.path)
    static let required = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false
    static let enabled = available || required
    static let skipNote: Comment = "GS1 conformance inputs not found at ../shared/gs1/conformance.txt (they sit beside the repository in CI): skipped"

    struct Line {
        var number: Int
        var input: String
        var source: String
        /// ok, fail, notGS1, n/a, or nil (no verdict recorded).
        var expect: String?
        var comment: String
    }

    static func lines() throws -> [Line] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [Line] = []
        for (n, raw) in text.components(separatedBy: "\n").enumerated() where !raw.isEmpty && !raw.hasPrefix("#") {
            guard let tab = raw.firstIndex(of: "\t") else { continue }
            let comment = String(raw[raw.index(after: tab)...])
            let words = comment.split(separator: " ")
            let expect = words.first { $0.hasPrefix("expect=") }.map { word -> String in
                let v = word.dropFirst("expect=".count)
                return String(v.prefix { $0 != "(" })
            }
            let source = words.first { $0.hasPrefix("src=") }.map { String($0.dropFirst(4)) } ?? ""
            out.append(Line(number: n + 1, input: try unescape(String(raw[..<tab])), source: source, expect: expect, comment: comment))
        }
        return out
    }

    struct BadEscape: Error { let text: String }

    /// `\\`, `\xHH`, `\u{H..}`, `\r`, `\n`, `\t`, `\e` (the empty input), `\R{N}{TEXT}`.
    static func unescape(_ s: String) throws -> String {
        if s == "\\e" { return "" }
        let c = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func braced(_ from: Int) throws -> (String, Int) {
            guard from < c.count, c[from] == "{", let close = c[from...].firstIndex(of: "}") else { throw BadEscape(text: s) }
            var t = String.UnicodeScalarView()
            t.append(contentsOf: c[(from + 1)..<close])
            return (String(t), close + 1)
        }
        while i < c.count {
            guard c[i] == "\\", i + 1 < c.count else { out.append(c[i]); i += 1; continue }
            switch c[i + 1] {
            case "\\": out.append("\\"); i += 2
            case "r": out.append("\r"); i += 2
            case "n": out.append("\n"); i += 2
            case "t": out.append("\t"); i += 2
            case "x":
                guard i + 3 < c.count, let v = UInt32(String(String.UnicodeScalarView(c[(i + 2)...(i + 3)])), radix: 16),
                    let u = Unicode.Scalar(v)
                else { throw BadEscape(text: s) }
                out.append(u); i += 4
            case "u":
                let (hex, next) = try braced(i + 2)
                guard let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) else { throw BadEscape(text: s) }
                out.append(u); i = next
            case "R":
                let (count, afterCount) = try braced(i + 2)
                let (text, next) = try braced(afterCount)
                guard let n = Int(count) else { throw BadEscape(text: s) }
                out.append(contentsOf: try unescape(String(repeating: text, count: n)).unicodeScalars); i = next
            default: throw BadEscape(text: s)
            }
        }
        return String(out)
    }

    /// Inputs on which Floor decides otherwise than GS1's engine, on purpose: input → why.
    static let policyDifferences: [String: String] = [:]
}

@Suite struct GS1ConformanceTests {
    /// One test, so that a clone without the inputs skips it with one line.
    @Test(.enabled(if: Conformance.enabled, Conformance.skipNote))
    func floorReadsGS1AsGS1sEngineDoes() throws {
        try theFileIsThereAndReadable()
        try everyVerdictOfGS1sEngineIsFloorsToo()
        try everyInputParsesWithoutACrash()
    }

    func theFileIsThereAndReadable() throws {
        #expect(Conformance.available, "CI is set, so ../shared/gs1/conformance.txt must be beside the repository: \(Conformance.url.path)")
        let lines = try Conformance.lines()
        #expect(lines.count >= 500, "\(lines.count) inputs")
        #expect(lines.filter { $0.expect == "ok" || $0.expect == "fail" }.count >= 290)
    }

    func everyVerdictOfGS1sEngineIsFloorsToo() throws {
        var disagreements: [String] = []
        var agreed = 0, differences = 0
        for line in try Conformance.lines() {
            guard let expect = line.expect, expect != "n/a" else { continue }
            let result = GS1.parse(line.input, referenceYear: 2026)
            let verdict: String
            switch result {
            case .success: verdict = "ok"
            case .failure(let e): verdict = e.reason == .notGS1(symbology: String(line.input.prefix(3))) ? "notGS1" : "fail"
            }
            let agrees = verdict == expect || (expect == "fail" && verdict == "notGS1")
            if let why = Conformance.policyDifferences[line.input] {
                #expect(!agrees, "line \(line.number) is listed as a policy difference (\(why)) but Floor now agrees with GS1")
                differences += 1
                continue
            }
            if agrees {
                agreed += 1
            } else {
                let got: String
                switch result {
                case .success(let d): got = "ok " + d.elements.map { "(\($0.ai))\($0.value)" }.joined()
                case .failure(let e): got = e.message
                }
                disagreements.append("line \(line.number) \(line.input.debugDescription): GS1 \(expect), Floor \(got)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.joined(separator: "\n"))")
        print(
            "GS1 conformance: \(agreed + disagreements.count + differences) verdicts of GS1's engine, \(agreed) agreed, "
                + "\(differences) policy differences, \(disagreements.count) disagreements")
        #expect(agreed >= 290)
        #expect(differences == Conformance.policyDifferences.count)
    }

    func everyInputParsesWithoutACrash() throws {
        var read = 0
        for line in try Conformance.lines() {
            switch GS1.parse(line.input) {
            case .success(let d):
                // What was read is what the label holds: nothing invented, nothing lost.
                #expect(!d.elements.isEmpty)
                read += 1
            case .failure(let e):
                #expect(!e.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "line \(line.number)")
            }
        }
        print("GS1 conformance: every input read without a crash (\(read) accepted)")
        #expect(read > 100)
    }
}

/// The escapes of the file's format, which the conformance run depends on.
@Suite struct ConformanceEscapeTests {
    @Test func escapesAreReadAsTheFileSays() throws {
        #expect(try Conformance.unescape("\\e") == "")
        #expect(try Conformance.unescape("10A\\x1d21B") == "10A\u{1D}21B")
        #expect(try Conformance.unescape("a\\\\b\\r\\n\\t") == "a\\b\r\n\t")
        #expect(try Conformance.unescape("\\u{E9}") == "é")
        #expect(try Conformance.unescape("\\R{3}{ab}c") == "abababc")
        #expect(throws: Conformance.BadEscape.self) { try Conformance.unescape("\\q") }
    }
}
