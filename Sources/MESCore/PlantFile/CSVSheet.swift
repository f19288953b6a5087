import Foundation

/// A CSV file with a header row read against a fixed set of columns: what the work-order file and
/// the lot file share. The header is checked (unknown columns with a suggestion, duplicates,
/// missing required ones); each row is checked for its shape; every problem goes to `report` with
/// its line and column. The file's own checks then read the rows' fields by column name.
struct CSVSheet {
    typealias Report = (_ line: Int, _ column: Int?, _ field: String, _ message: String) -> Void

    struct Row {
        /// 1-based line where the record starts.
        var line: Int
        var fields: [String]
        /// The record had no quoting problem (those are reported already).
        var clean: Bool
        let index: [String: Int]

        /// The field of `name`, trimmed (empty when the header has no such column).
        func value(_ name: String) -> String {
            guard let i = index[name] else { return "" }
            return fields[i].trimmingCharacters(in: .whitespaces)
        }
        /// The 1-based column of `name`, if the header has it.
        func column(_ name: String) -> Int? { index[name].map { $0 + 1 } }
        func has(_ name: String) -> Bool { index[name] != nil }
    }

    var rows: [Row]

    /// nil when the file has no usable header (reported).
    static func read(_ text: String, columns: [String], required: [String], report: Report) -> CSVSheet? {
        let records = WorkOrderCSVRecords.read(text)
        guard let header = records.first else {
            report(1, nil, "header", "the file is empty: a header row is required (\(columns.joined(separator: ",")))")
            return nil
        }
        var index: [String: Int] = [:]  // column name -> 0-based position
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for issue in header.issues { report(header.line, issue.column, "header", issue.message) }
        if !names.contains(where: columns.contains) {
            report(
                header.line, nil, "header",
                "the first row must be the header: \(columns.joined(separator: ","))"
                    + " (found \"\(Sanitize.line(header.fields.joined(separator: ",")))\")")
            return nil
        }
        for (i, name) in names.enumerated() {
            if !columns.contains(name) {
                var message = "unknown column \"\(Sanitize.line(header.fields[i]))\""
                if let s = FileHints.suggestion(for: name, among: columns) { message += "; did you mean \"\(s)\"?" }
                message += " (columns are \(columns.joined(separator: ",")))"
                report(header.line, i + 1, name.isEmpty ? "header" : Sanitize.line(name), message)
            } else if let first = index[name] {
                report(header.line, i + 1, name, "column \"\(name)\" appears twice (first as column \(first + 1))")
            } else {
                index[name] = i
            }
        }
        for name in required where index[name] == nil { report(header.line, nil, name, "missing column \"\(name)\"") }

        var rows: [Row] = []
        for record in records.dropFirst() {
            for issue in record.issues {
                let c = issue.column
                report(record.line, c, names.indices.contains(c - 1) && !names[c - 1].isEmpty ? names[c - 1] : "row", issue.message)
            }
            guard record.fields.count == header.fields.count else {
                report(
                    record.line, nil, "row",
                    "this row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"), the header has \(header.fields.count)")
                continue
            }
            rows.append(Row(line: record.line, fields: record.fields, clean: record.issues.isEmpty, index: index))
        }
        return CSVSheet(rows: rows)
    }
}
