import Foundation
import Testing

@testable import MESCore

/// The lot file (`floor lots load`): the work-order file's header and row rules, and a lot's own.
@Suite struct LotCSVTests {
    static let plant = Plant(
        id: "P1", name: "Plant", timezone: "UTC",
        materials: [Material(id: "AL6061-25", name: "Bar", unit: "mm"), Material(id: "RESIN-7", name: "Resin", unit: "kg")])
    static let header = "material,lot,quantity,unit,supplier,certificate,expiry"

    func problems(_ text: String, existing: [String: LotCSV.Known] = [:]) -> [FileProblem] {
        if case .failure(let p) = LotCSV.parse(text, file: "lots.csv", plant: Self.plant, existing: existing) { return p.problems }
        return []
    }

    @Test func aGoodFileGivesEveryLotWithItsLine() throws {
        let text = """
            \(Self.header)
            AL6061-25,H-4471,6000,mm,Acme Metals,COC-88,
            RESIN-7,"R,22",25.5,,"Poly ""Best"" Inc",,2027-06-30
            """
        let lines = try LotCSV.parse(text, file: "lots.csv", plant: Self.plant).get()
        #expect(lines.count == 2)
        #expect(lines[0] == LotLine(line: 2, material: "AL6061-25", lot: "H-4471", quantity: 6000, supplier: "Acme Metals", certificate: "COC-88"))
        #expect(lines[1].lot == "R,22" && lines[1].supplier == "Poly \"Best\" Inc" && lines[1].quantity == 25.5)
        #expect(lines[1].expiry == LocalDate(year: 2027, month: 6, day: 30) && lines[1].certificate == nil && lines[1].line == 3)
        // The header's columns in another order, optional ones left out.
        let short = try LotCSV.parse("supplier,lot,material,quantity\nAcme,L1,RESIN-7,3\n", file: "l.csv", plant: Self.plant).get()
        #expect(short.map(\.lot) == ["L1"] && short[0].material == "RESIN-7")
    }

    @Test func everyProblemIsReportedWithItsLineAndNothingIsGiven() {
        let text = """
            \(Self.header)
            AL6061-2,H-1,10,mm,Acme,,
            AL6061-25,H-2,-3,mm,Acme,,
            AL6061-25,H-3,10,kg,Acme,,
            AL6061-25,H-4,10,mm,,,
            AL6061-25,H-5,10,mm,Acme,,2027-02-30
            AL6061-25,H-6,ten,mm,Acme,,
            AL6061-25,H-7,10,mm,Acme,,
            AL6061-25,H-7,10,mm,Acme,,
            AL6061-25,,10,mm,Acme,,
            AL6061-25,A\u{7}B,10,mm,Acme,,
            AL6061-25,H-8,10
            """
        let ps = problems(text)
        func one(_ line: Int, _ field: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let hit = ps.filter { $0.line == line }
            #expect(hit.count == 1, "line \(line): \(hit)", sourceLocation: sourceLocation)
            #expect(hit.first?.field == field && hit.first?.message.contains(text) == true, "\(hit)", sourceLocation: sourceLocation)
        }
        one(2, "material", "unknown material \"AL6061-2\"; did you mean \"AL6061-25\"?")
        one(3, "quantity", "greater than 0, found \"-3\"")
        one(4, "unit", "not AL6061-25's unit mm")
        one(5, "supplier", "missing supplier")
        one(6, "expiry", "bad expiry date \"2027-02-30\"")
        one(7, "quantity", "found \"ten\"")
        #expect(ps.filter { $0.line == 8 }.isEmpty)
        one(9, "lot", "already on line 8")
        one(10, "lot", "missing lot number")
        one(11, "lot", "holds a control character")
        one(12, "row", "this row has 3 fields, the header has 7")
        #expect(ps.count == 10)
        #expect(ps.allSatisfy { $0.file == "lots.csv" })
        #expect(ps.first { $0.line == 4 }?.column == 4)
    }

    @Test func theHeaderIsCheckedAsTheWorkOrderFilesIs() {
        #expect(problems("").first?.message.contains("the file is empty") == true)
        #expect(problems("AL6061-25,H-1,10\n").first?.message.contains("the first row must be the header") == true)
        let ps = problems("material,lot,quantty,supplier\nAL6061-25,H-1,10,Acme\n")
        #expect(ps.contains { $0.field == "quantty" && $0.message.contains("did you mean \"quantity\"?") })
        #expect(ps.contains { $0.field == "quantity" && $0.message == "missing column \"quantity\"" })
        // A control character in a name is escaped in the message, never printed raw.
        let esc = problems("material,lot,quantity,supplier,\u{1B}[2J\nAL6061-25,H-1,10,Acme,x\n")
        #expect(esc.count == 1 && !esc[0].message.contains("\u{1B}"))
    }

    @Test func aLotReceivedBeforeIsSkippedWhenTheSameAndAnErrorWhenNot() throws {
        let text = "\(Self.header)\nAL6061-25,H-1,10,mm,Acme,COC-1,\nAL6061-25,H-2,20,mm,Acme,,\n"
        let same = ["AL6061-25:H-1": LotCSV.Known(quantity: 10, supplier: "Acme", certificate: "COC-1", expiry: nil)]
        #expect(try LotCSV.parse(text, file: "l.csv", plant: Self.plant, existing: same).get().map(\.lot) == ["H-2"])
        let other = ["AL6061-25:H-1": LotCSV.Known(quantity: 12, supplier: "Acme", certificate: nil, expiry: nil)]
        let ps = problems(text, existing: other)
        #expect(ps.count == 1)
        let message = ps.first?.message ?? ""
        #expect(message.contains("received already with different content (quantity \"12\" → \"10\", certificate \"\" → \"COC-1\")"))
    }
}
