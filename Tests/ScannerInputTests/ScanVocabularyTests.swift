import Foundation
import MESCore
import Testing

@testable import ScannerInput

/// The scan vocabulary is one table: the parser reads it, and the texts generated from it are
/// what the repository carries.
@Suite struct ScanVocabularyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyVerbOfTheTableParsesAndNothingElseDoes() {
        for v in CommandVerb.allCases {
            #expect(Label.parse("CMD:" + v.rawValue) == .command(verb: v, arg: nil))
            #expect(Label.parse("cmd:" + v.rawValue.lowercased() + ":X") == .command(verb: v, arg: "X"))
        }
        guard case .invalid(_, let why) = Label.parse("CMD:FROBNICATE") else { Issue.record("an unknown verb parsed"); return }
        #expect(why == "unknown command FROBNICATE")
    }

    @Test func everyPrefixOfTheTableIsReadAsItsKind() {
        // Each syntax with its placeholders filled in parses as a code of its own prefix, never bare.
        for p in ScanPrefix.allCases {
            let sample = p.syntax.replacingOccurrences(of: "<count>", with: "2").replacingOccurrences(of: "<good>", with: "3")
                .replacingOccurrences(of: "[:<arg>]", with: "").replacingOccurrences(of: "<verb>", with: "START")
                .replacingOccurrences(of: "<YYYY-MM-DD>", with: "2027-06-30")
                .replacingOccurrences(of: "<", with: "x").replacingOccurrences(of: ">", with: "")
            let label = Label.parse(sample)
            switch (p, label) {
            case (.emp, .badge), (.sn, .serial), (.wo, .workOrder), (.lot, .lot), (.eq, .equipment), (.m, .measurement),
                (.qty, .quantity(3)), (.scrap, .scrapCount(2, _)), (.note, .note), (.cmd, .command(.start, nil)),
                (.sup, .supplier), (.coc, .certificate), (.exp, .expiry(LocalDate(year: 2027, month: 6, day: 30))):
                break
            default:
                Issue.record("\(sample) parsed as \(label)")
            }
        }
    }

    @Test func theHelpLineNamesEveryCode() {
        let line = ScanVocabulary.helpLine
        for p in ScanPrefix.allCases where p != .cmd { #expect(line.contains(p.syntax)) }
        for v in CommandVerb.allCases { #expect(line.contains(v.syntax), "\(v)") }
    }

    @Test func theGeneratedPageAndTheReadmeTableAreCurrent() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/scan-codes.md"), encoding: .utf8)
        #expect(
            page == ScanVocabulary.markdownPage,
            "docs/scan-codes.md is out of date: regenerate it with `swift run floor docs scan-codes > docs/scan-codes.md`")
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- generated: scan codes (floor docs scan-codes; ScanVocabulary.markdownTable) -->\n"))
        let end = try #require(readme.range(of: "<!-- end of generated scan codes -->"))
        #expect(
            String(readme[begin.upperBound..<end.lowerBound]) == ScanVocabulary.markdownTable,
            "README's code table is out of date: paste the table of `floor docs scan-codes` between its markers")
    }
}
