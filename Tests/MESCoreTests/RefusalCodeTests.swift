import Foundation
import Testing

@testable import MESCore

/// The refusal catalogue: one table of stable codes, the page generated from it kept current.
@Suite struct RefusalCodeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyBlockerOfTheStartGateIsInTheCatalogueUnderItsCode() {
        for kind in BlockerKind.allCases { #expect(RefusalCode(kind).rawValue == kind.rawValue) }
    }

    @Test func codesAreSnakeCaseAndEveryOneSaysWhatItMeans() {
        for c in RefusalCode.allCases {
            #expect(c.rawValue.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(c.rawValue)")
            #expect(c.meaning.count > 8, "\(c.rawValue) says nothing")
        }
        #expect(Set(RefusalCode.allCases.map(\.meaning)).count == RefusalCode.allCases.count, "two codes mean the same")
    }

    @Test func aRefusalCarriesItsCatalogueCode() {
        let r = Refusal(.lotExpired, "lot L1 expired on 2020-01-01")
        #expect(r.codes == ["lot_expired"] && r.reasons[0].refusalCode == .lotExpired)
    }

    @Test func theGeneratedPageIsCurrent() throws {
        let url = Self.root.appendingPathComponent("docs/refusal-codes.md")
        let page = try String(contentsOf: url, encoding: .utf8)
        #expect(
            page == RefusalCode.markdown,
            "docs/refusal-codes.md is out of date: regenerate it with `swift run floor docs refusal-codes > docs/refusal-codes.md`")
    }
}
