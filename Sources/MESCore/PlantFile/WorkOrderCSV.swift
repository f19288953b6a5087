import Foundation

/// Reads a work-order file (`docs/plant-file.md`, CSV with a header row): every row checked
/// against the plant and the orders already known, every problem reported with its line.
public enum WorkOrderCSV {
    /// The columns of the file, in the spec's order; the header may list them in any order.
    public static let columns = ["number", "part", "quantity", "due", "priority", "customer", "tracking", "note"]
    /// Columns that must be in the header; the others default (priority normal, tracking serial, empty text).
    public static let requiredColumns = ["number", "part", "quantity", "due"]
    /// The largest quantity one work order may carry.
    public static let maxQuantity = 100_000

    public static func parse(
        _ text: String, file: String, plant: Plant,
        existing: [String: WorkOrderSpec] = [:]
    ) -> Result<[WorkOrderSpec], FileProblems> {
        var problems: [FileProblem] = []
        func report(_ line: Int, _ column: Int?, _ field: String, _ message: String) {
            problems.append(FileProblem(file: file, line: line, column: column, field: field, message: message))
        }

        guard let sheet = CSVSheet.read(text, columns: columns, required: requiredColumns, report: report) else {
            return .failure(FileProblems(problems))
        }

        // Rows.
        let parts = Set(plant.parts.map(\.id))
        let partIDs = plant.parts.map(\.id)
        var seen: [String: Int] = [:]  // number -> line
        var specs: [WorkOrderSpec] = []
        for record in sheet.rows {
            let line = record.line
            let value = record.value, column = record.column
            var ok = record.clean
            let index = record.index

            let number = value("number")
            if number.isEmpty {
                if index["number"] != nil { report(line, column("number"), "number", "missing work order number") }
                ok = false
            } else if number.unicodeScalars.contains(where: Sanitize.isControl) {
                report(line, column("number"), "number", "work order number \"\(number)\" holds control characters")
                ok = false
            } else if let first = seen[number] {
                report(line, column("number"), "number", "work order \"\(number)\" is already on line \(first)")
                ok = false
            } else {
                seen[number] = line
            }

            let part = value("part")
            if part.isEmpty {
                if index["part"] != nil { report(line, column("part"), "part", "missing part") }
                ok = false
            } else if !parts.contains(part) {
                var message = "unknown part \"\(part)\""
                if let s = FileHints.suggestion(for: part, among: partIDs) { message += "; did you mean \"\(s)\"?" }
                report(line, column("part"), "part", message)
                ok = false
            }

            let quantityText = value("quantity")
            let quantity = Int(quantityText)
            if let quantity, quantity > maxQuantity {
                report(
                    line, column("quantity"), "quantity",
                    "quantity \(quantity) is more than \(maxQuantity): split the order (each piece of a serial order is a traveler)")
                ok = false
            } else if let quantity, quantity > 0 {
                // fine
            } else {
                if index["quantity"] != nil {
                    report(
                        line, column("quantity"), "quantity",
                        quantityText.isEmpty
                            ? "missing quantity"
                            : "quantity must be a whole number greater than 0, found \"\(quantityText)\"")
                }
                ok = false
            }

            let dueText = value("due")
            let due = DueDate(dueText)
            if due == nil {
                if index["due"] != nil {
                    report(
                        line, column("due"), "due",
                        dueText.isEmpty
                            ? "missing due date"
                            : "bad due date \"\(dueText)\" (expected YYYY-MM-DD or an ISO-8601 date-time such as 2026-11-27T14:00:00-06:00)")
                }
                ok = false
            }

            var priority = Priority.normal
            let priorityText = value("priority")
            if !priorityText.isEmpty {
                if let p = Priority(rawValue: priorityText.lowercased()) {
                    priority = p
                } else {
                    report(
                        line, column("priority"), "priority",
                        "unknown priority \"\(priorityText)\" (expected urgent, high, normal or low)")
                    ok = false
                }
            }

            var tracking = Tracking.serial
            let trackingText = value("tracking")
            if !trackingText.isEmpty {
                if let t = Tracking(rawValue: trackingText.lowercased()) {
                    tracking = t
                } else {
                    report(
                        line, column("tracking"), "tracking",
                        "unknown tracking \"\(trackingText)\" (expected serial or batch)")
                    ok = false
                }
            }

            guard ok, let quantity, let due else { continue }
            let spec = WorkOrderSpec(
                number: number, part: part, quantity: quantity, due: due, priority: priority,
                customer: value("customer"), tracking: tracking, note: value("note"))
            if let old = existing[number], old != spec {
                report(
                    line, column("number"), "number",
                    "work order \"\(number)\" already exists with different content (\(differences(old, spec)))")
                continue
            }
            specs.append(spec)
        }

        if !problems.isEmpty { return .failure(FileProblems(problems)) }
        return .success(specs)
    }

    /// "quantity 12 → 15, due 2026-11-27 → 2026-12-01"
    static func differences(_ a: WorkOrderSpec, _ b: WorkOrderSpec) -> String {
        var out: [String] = []
        func diff(_ name: String, _ x: String, _ y: String) { if x != y { out.append("\(name) \"\(x)\" → \"\(y)\"") } }
        diff("part", a.part, b.part)
        diff("quantity", String(a.quantity), String(b.quantity))
        diff("due", a.due.description, b.due.description)
        if a.due != b.due, a.due.description == b.due.description { out.append("due changed") }
        diff("priority", a.priority.rawValue, b.priority.rawValue)
        diff("customer", a.customer, b.customer)
        diff("tracking", a.tracking.rawValue, b.tracking.rawValue)
        diff("note", a.note, b.note)
        return out.joined(separator: ", ")
    }
}

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF;
/// a leading UTF-8 BOM is skipped; blank lines are skipped.
struct WorkOrderCSVRecords {
    struct Issue: Equatable {
        var column: Int
        var message: String
    }

    struct Record: Equatable {
        /// 1-based line where the record starts.
        var line: Int
        var fields: [String]
        var issues: [Issue] = []
    }

    static func read(_ text: String) -> [Record] {
        var scalars = Array(text.unicodeScalars)[...]
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }

        var records: [Record] = []
        var line = 1
        var record = Record(line: 1, fields: [])
        var field = String.UnicodeScalarView()
        var quoted = false  // the current field started with a quote
        var inQuotes = false
        var afterQuote = false  // the closing quote of the current field was seen
        var anyQuoted = false  // some field of the record was quoted (so it is not blank)
        var complained = false  // one "text after closing quote" issue per field is enough

        func endField() {
            record.fields.append(String(field))
            field = String.UnicodeScalarView()
            quoted = false; afterQuote = false; complained = false
        }
        func endRecord() {
            endField()
            let blank =
                !anyQuoted && record.fields.count == 1
                && record.fields[0].trimmingCharacters(in: .whitespaces).isEmpty
            if !blank { records.append(record) }
            anyQuoted = false
        }

        while let c = scalars.popFirst() {
            if inQuotes {
                switch c {
                case "\"":
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.append("\"")
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                case "\r":
                    if scalars.first == "\n" { scalars.removeFirst() }
                    field.append("\n")
                    line += 1
                case "\n":
                    field.append("\n")
                    line += 1
                default:
                    field.append(c)
                }
                continue
            }
            switch c {
            case ",":
                endField()
            case "\r", "\n":
                if c == "\r", scalars.first == "\n" { scalars.removeFirst() }
                endRecord()
                line += 1
                record = Record(line: line, fields: [])
            case "\"" where field.isEmpty && !quoted:
                quoted = true; inQuotes = true; anyQuoted = true
            default:
                if afterQuote, !complained, c != " ", c != "\t" {
                    record.issues.append(
                        Issue(
                            column: record.fields.count + 1,
                            message: "unexpected text after a closing quote (quote the whole field and double the quotes inside)"))
                    complained = true
                }
                if !afterQuote { field.append(c) } else if c != " ", c != "\t" { field.append(c) }
            }
        }
        if inQuotes {
            record.issues.append(
                Issue(
                    column: record.fields.count + 1,
                    message: "a quoted field is not closed before the end of the file"))
        }
        // The last record, unless the text ended with a line break.
        if !record.fields.isEmpty || !field.isEmpty || quoted || !record.issues.isEmpty {
            endRecord()
        }
        return records
    }
}
