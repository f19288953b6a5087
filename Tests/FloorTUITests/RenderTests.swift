import Foundation
import Testing

@testable import FloorTUI

@Suite struct RenderTests {
    /// The audit trail writes JSON strings itself (one object per line, streamed): Foundation's
    /// parser must read back exactly what went in.
    @Test func jsonStringsReadBackThroughARealParser() throws {
        for s in ["plain", "quote \" and \\ back", "two\nlines\r\t", "ünïcödé ✓ 😀", "ctl \u{1b}[31m \u{7} \u{7F} \u{85}", ""] {
            let doc = "[" + Render.jsonString(s) + "]"
            let back = try #require(try JSONSerialization.jsonObject(with: Data(doc.utf8)) as? [String])
            #expect(back == [s], "\(s.debugDescription)")
            #expect(!doc.contains("\u{1b}"), "no raw escape byte in the output")
        }
    }
}
