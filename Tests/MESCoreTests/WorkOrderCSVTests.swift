import Foundation
import Testing

@testable import MESCore

private let exampleCSVURL: URL = URL(fileURLWithPath: #filePath)  // Tests/MESCoreTests/WorkOrderCSVTests.swift
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()  // package root
    .appendingPathComponent("docs/examples/work-orders.csv").standardizedFileURL

private let plant = Plant(
    id: "P1", name: "Plant", timezone: "UTC",
    workCenters: [WorkCenter(id: "WC1", name: "One")],
    parts: [
        PartDefinition(id: "BRK-7741", name: "Hinge bracket", revision: "C", routing: "R1"),
        PartDefinition(id: "PIN-10", name: "Pin", revision: "A", routing: "R2"),
    ],
    routings: [
        Routing(
            id: "R1", version: 1, status: .approved, effective: LocalDate(year: 2026, month: 1, day: 1),
            steps: [Step(id: "OP10", name: "Cut", workCenter: "WC1")])
    ])

private let header = "number,part,quantity,due,priority,customer,tracking,note"

private func parse(_ text: String, existing: [String: WorkOrderSpec] = [:]) -> Result<[WorkOrderSpec], FileProblems> {
    WorkOrderCSV.parse(text, file: "wo.csv", plant: plant, existing: existing)
}

private func problems(_ text: String, existing: [String: WorkOrderSpec] = [:]) -> [FileProblem] {
    switch parse(text, existing: existing) {
    case .success: return []
    case .failure(let p): return p.problems
    }
}

private func expectOne(
    _ text: String, line: Int, field: String, column: Int?, _ contains: String,
    existing: [String: WorkOrderSpec] = [:], sourceLocation: SourceLocation = #_sourceLocation
) {
    let ps = problems(text, existing: existing)
    #expect(ps.count == 1, "problems: \(ps)", sourceLocation: sourceLocation)
    guard let p = ps.first else { return }
    #expect(p.line == line, "\(p)", sourceLocation: sourceLocation)
    #expect(p.field == field, "\(p)", sourceLocation: sourceLocation)
    #expect(p.column == column, "\(p)", sourceLocation: sourceLocation)
    #expect(p.message.contains(contains), "\(p)", sourceLocation: sourceLocation)
    #expect(p.file == "wo.csv", sourceLocation: sourceLocation)
}

@Suite struct WorkOrderCSVTests {
    @Test func exampleFileParses() throws {
        let text = try String(contentsOf: exampleCSVURL, encoding: .utf8)
        let orders = try WorkOrderCSV.parse(text, file: "work-orders.csv", plant: plant).get()
        #expect(orders.map(\.number) == ["WO-1001", "WO-1002", "WO-1003"])
        #expect(
            orders[0]
                == WorkOrderSpec(
                    number: "WO-1001", part: "BRK-7741", quantity: 12,
                    due: .date(LocalDate(year: 2026, month: 11, day: 27)), priority: .high,
                    customer: "Boeing Wichita", tracking: .serial, note: "Expedite - AOG"))
        #expect(orders[1].priority == .normal && orders[1].note == "" && orders[1].quantity == 40)
        #expect(orders[2].tracking == .batch && orders[2].quantity == 200 && orders[2].priority == .low)
        #expect(orders[2].customer == "Stock" && orders[2].note == "Build to stock")

        let serials = orders[0].serials
        #expect(serials.count == 12)
        #expect(serials.first == "WO-1001-001" && serials.last == "WO-1001-012")
        #expect(serials == (1...12).map { String(format: "WO-1001-%03d", $0) })
        #expect(orders[2].serials == ["WO-1003"])

        // Loading the same file again over what it created is the idempotent reload.
        let existing = Dictionary(uniqueKeysWithValues: orders.map { ($0.number, $0) })
        let again = try WorkOrderCSV.parse(text, file: "work-orders.csv", plant: plant, existing: existing).get()
        #expect(again == orders)
    }

    @Test func formsAccepted() throws {
        let text =
            "\u{FEFF}note,tracking,customer,priority,due,quantity,part,number\r\n"
            + "\r\n"
            + "\"Rush, call Bo\",,\"ACME \"\"West\"\"\",,2026-12-01T08:00:00-06:00,3,PIN-10,WO-1\r\n"
            + "\"two\nlines\",BATCH, Spirit ,Urgent,2026-12-02,5,BRK-7741,WO-2\n"
            + "   \n"
            + ",serial,,low,2026-12-03,1,PIN-10,WO-3"  // no final line break
        let orders = try parse(text).get()
        #expect(orders.map(\.number) == ["WO-1", "WO-2", "WO-3"])
        #expect(orders[0].note == "Rush, call Bo" && orders[0].customer == "ACME \"West\"")
        #expect(orders[0].priority == .normal && orders[0].tracking == .serial)
        #expect(orders[0].due == DueDate("2026-12-01T14:00:00Z"))
        #expect(orders[1].note == "two\nlines" && orders[1].tracking == .batch && orders[1].priority == .urgent)
        #expect(orders[1].customer == "Spirit")
        #expect(orders[2].quantity == 1 && orders[2].priority == .low)
    }

    @Test func headerOnlyIsNoOrders() throws {
        #expect(try parse(header + "\n").get() == [])
    }

    @Test func quotedMultiLineFieldReportsTheRecordsFirstLine() {
        let text =
            header + "\n"
            + "WO-1,PIN-10,1,2026-12-01,,,,\"line one\nline two\nline three\"\n"  // lines 2-4
            + "WO-2,NOPE,1,2026-12-01,,,,\n"  // line 5
        expectOne(text, line: 5, field: "part", column: 2, "unknown part \"NOPE\"")

        let text2 = header + "\n" + "WO-1,PIN-10,-1,2026-12-01,,\"multi\nline customer\",,\n"
        expectOne(text2, line: 2, field: "quantity", column: 3, "greater than 0")
    }

    @Test func unknownPart() {
        expectOne(
            header + "\nWO-1,BRK-7742,1,2026-12-01,,,,\n", line: 2, field: "part", column: 2,
            "unknown part \"BRK-7742\"; did you mean \"BRK-7741\"?")
        expectOne(header + "\nWO-1,,1,2026-12-01,,,,\n", line: 2, field: "part", column: 2, "missing part")
    }

    @Test func badQuantity() {
        for q in ["-3", "0", "ten", "1.5", ""] {
            expectOne(
                header + "\nWO-1,PIN-10,\(q),2026-12-01,,,,\n", line: 2, field: "quantity", column: 3,
                q.isEmpty ? "missing quantity" : "quantity must be a whole number greater than 0")
        }
    }

    @Test func badDue() {
        expectOne(header + "\nWO-1,PIN-10,1,2026-02-30,,,,\n", line: 2, field: "due", column: 4, "bad due date \"2026-02-30\"")
        expectOne(header + "\nWO-1,PIN-10,1,next week,,,,\n", line: 2, field: "due", column: 4, "bad due date")
        expectOne(header + "\nWO-1,PIN-10,1,,,,,\n", line: 2, field: "due", column: 4, "missing due date")
    }

    @Test func badPriorityAndTracking() {
        expectOne(
            header + "\nWO-1,PIN-10,1,2026-12-01,asap,,,\n", line: 2, field: "priority", column: 5,
            "unknown priority \"asap\"")
        expectOne(
            header + "\nWO-1,PIN-10,1,2026-12-01,,,lot,\n", line: 2, field: "tracking", column: 7,
            "unknown tracking \"lot\"")
    }

    @Test func duplicateNumberInTheFile() {
        let text = header + "\nWO-1,PIN-10,1,2026-12-01,,,,\nWO-2,PIN-10,1,2026-12-01,,,,\nWO-1,PIN-10,2,2026-12-01,,,,\n"
        expectOne(text, line: 4, field: "number", column: 1, "work order \"WO-1\" is already on line 2")
    }

    @Test func emptyNumber() {
        expectOne(header + "\n,PIN-10,1,2026-12-01,,,,\n", line: 2, field: "number", column: 1, "missing work order number")
    }

    @Test func controlCharactersInANumber() {
        let text = header + "\n\"WO\u{1B}[2J\",PIN-10,1,2026-12-01,,,,\n"
        expectOne(text, line: 2, field: "number", column: 1, "holds control characters")
        let ps = problems(text)
        #expect(ps.first?.description.contains("\u{1B}") == false)
    }

    @Test func fieldCountMismatch() {
        expectOne(
            header + "\nWO-1,PIN-10,1,2026-12-01,,,\n", line: 2, field: "row", column: nil,
            "this row has 7 fields, the header has 8")
        expectOne(
            header + "\nWO-1,PIN-10,1,2026-12-01,,,,,\n", line: 2, field: "row", column: nil,
            "this row has 9 fields, the header has 8")
    }

    @Test func headerProblems() {
        expectOne(
            "number,part,quantity,due,priority,customer,tracking,note,colour\n", line: 1, field: "colour",
            column: 9, "unknown column \"colour\"")
        // qantity is unknown and quantity is missing: two problems.
        let ps = problems("number,part,qantity,due\n")
        #expect(ps.map(\.field) == ["qantity", "quantity"], "\(ps)")
        #expect(ps.map(\.line) == [1, 1] && ps.first?.column == 3, "\(ps)")
        #expect(ps.first?.message.contains("did you mean \"quantity\"?") == true, "\(ps)")
        expectOne("number,part,quantity\nWO-1,PIN-10,1\n", line: 1, field: "due", column: nil, "missing column \"due\"")
        expectOne("", line: 1, field: "header", column: nil, "the file is empty")
        expectOne(
            "WO-1,PIN-10,1,2026-12-01,,,,\n", line: 1, field: "header", column: nil,
            "the first row must be the header")
    }

    @Test func optionalColumnsMayBeLeftOut() throws {
        let orders = try parse("number,part,quantity,due\nWO-1,PIN-10,2,2026-12-01\n").get()
        #expect(
            orders == [
                WorkOrderSpec(
                    number: "WO-1", part: "PIN-10", quantity: 2,
                    due: .date(LocalDate(year: 2026, month: 12, day: 1)))
            ])
    }

    @Test func malformedQuotes() {
        expectOne(
            header + "\nWO-1,PIN-10,1,2026-12-01,,\"ACME\"x,,\n", line: 2, field: "customer", column: 6,
            "unexpected text after a closing quote")
        let ps = problems(header + "\nWO-1,PIN-10,1,2026-12-01,,,,\"never closed\n")
        #expect(ps.count == 1 && ps.first?.line == 2 && ps.first?.field == "note", "\(ps)")
        #expect(ps.first?.message.contains("not closed") == true)
    }

    @Test func existingWithSameContentIsFine() throws {
        let old = WorkOrderSpec(
            number: "WO-1", part: "PIN-10", quantity: 4, due: .date(LocalDate(year: 2026, month: 12, day: 1)),
            priority: .high, customer: "C", tracking: .batch, note: "n")
        let orders = try parse(header + "\nWO-1,PIN-10,4,2026-12-01,high,C,batch,n\n", existing: ["WO-1": old]).get()
        #expect(orders == [old])
    }

    @Test func existingWithDifferentContentIsAnError() {
        let old = WorkOrderSpec(number: "WO-1", part: "PIN-10", quantity: 4, due: .date(LocalDate(year: 2026, month: 12, day: 1)))
        let text = header + "\nWO-0,PIN-10,1,2026-12-01,,,,\nWO-1,PIN-10,5,2026-12-01,,,,\n"
        expectOne(
            text, line: 3, field: "number", column: 1, "work order \"WO-1\" already exists with different content",
            existing: ["WO-1": old])
        let ps = problems(text, existing: ["WO-1": old])
        #expect(ps.first?.message.contains("quantity \"4\" → \"5\"") == true, "\(ps)")
    }

    @Test func everyProblemIsReported() {
        let text =
            header + "\n"
            + "WO-1,NOPE,1,2026-12-01,,,,\n"  // 2: part
            + "WO-2,PIN-10,0,2026-12-01,,,,\n"  // 3: quantity
            + "WO-3,PIN-10,1,2026-12-01,,,,\n"  // fine
            + "WO-4,PIN-10,1,someday,meh,,,\n"  // 5: due, priority
        let ps = problems(text)
        #expect(ps.map(\.line) == [2, 3, 5, 5], "\(ps)")
        #expect(ps.map(\.field) == ["part", "quantity", "due", "priority"], "\(ps)")
        #expect(ps.map(\.column) == [2, 3, 4, 5], "\(ps)")
    }

    @Test func problemDescriptionNamesFileLineColumnAndField() {
        let ps = problems(header + "\nWO-1,NOPE,1,2026-12-01,,,,\n")
        #expect(ps.first?.description == "wo.csv:2:2: part: unknown part \"NOPE\"")
    }
}

@Test func aQuantityAboveTheLimitIsRefusedWithItsLine() throws {
    let plant = Plant(
        id: "P", name: "P", timezone: "UTC",
        parts: [PartDefinition(id: "X", name: "X", revision: "A", routing: "R")])
    let csv = "number,part,quantity,due\nW1,X,5,2026-12-01\nW2,X,100001,2026-12-01\n"
    guard case .failure(let e) = WorkOrderCSV.parse(csv, file: "o.csv", plant: plant) else {
        Issue.record("expected a failure"); return
    }
    #expect(e.problems.count == 1)
    #expect(e.problems.first?.line == 3)
    #expect(e.problems.first?.field == "quantity")
}
