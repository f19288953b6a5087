import Testing

@testable import FloorTUI

@Suite("big digits")
struct BigTextTests {
    @Test func drawsDigitsReadableAsText() {
        var s = Screen(width: 11, height: 5, glyphs: .ascii)
        BigText.draw("42%", into: &s, x: 0, y: 0, scale: 1, role: .ok)
        #expect(
            s.text.split(separator: "\n", omittingEmptySubsequences: false) == [
                "# # ### # #",
                "# #   #   #",
                "### ###  #",
                "  # #   #",
                "  # ### # #",
            ])
        #expect(s[x: 0, y: 0].role == .ok)
    }

    @Test func scalesToTheSpaceGiven() {
        #expect(BigText.width("97%", scale: 1) == 11)
        #expect(BigText.width("97%", scale: 3) == 33)
        #expect(BigText.scale(for: "97%", columns: 11, rows: 5) == 1)
        #expect(BigText.scale(for: "97%", columns: 10, rows: 5) == 0)
        #expect(BigText.scale(for: "97%", columns: 60, rows: 20) == 4)
        var s = Screen(width: 8, height: 10)
        BigText.draw("1", into: &s, x: 0, y: 0, scale: 2, role: .normal)
        #expect(s.row(0) == "  ██    ")
        #expect(s.row(2) == "████    ")
        #expect(s.row(9) == "██████  ")
    }
}
