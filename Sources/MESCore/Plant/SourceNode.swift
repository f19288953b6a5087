import Foundation

/// A parsed document (YAML, or anything alike) with positions, so that MESCore can validate a
/// plant file and name file, line, column and field for every problem without knowing YAML.
/// LocalStore turns Yams' node tree into this.
public struct SourceNode: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        /// A scalar's text; `quoted` is true when the file quoted it ("06:00"), so `null`/`~` are text.
        case scalar(String, quoted: Bool)
        case sequence([SourceNode])
        case mapping([SourceEntry])
    }
    public var value: Value
    /// 1-based line and column in the file.
    public var line: Int
    public var column: Int
    public init(_ value: Value, line: Int, column: Int) { self.value = value; self.line = line; self.column = column }
}

public struct SourceEntry: Equatable, Sendable {
    public var key: String
    public var keyLine: Int
    public var keyColumn: Int
    public var value: SourceNode
    public init(key: String, keyLine: Int, keyColumn: Int, value: SourceNode) {
        self.key = key; self.keyLine = keyLine; self.keyColumn = keyColumn; self.value = value
    }
}

/// One problem found in an input file: where, which field, what is wrong.
public struct FileProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?
    /// A path to the field, e.g. `routings[0].steps[2].work_center` or `due`.
    public var field: String
    public var message: String
    public init(file: String, line: Int, column: Int? = nil, field: String, message: String) {
        self.file = file; self.line = line; self.column = column; self.field = field; self.message = message
    }
    /// `plant.yaml:42:7: routings[0].steps[2].work_center: unknown work center "MILLL"`
    public var description: String {
        let pos = column.map { "\(line):\($0)" } ?? "\(line)"
        return "\(file):\(pos): \(field): \(Sanitize.line(message))"
    }
}

/// Every problem of a file; loading is all or nothing, so one is enough to refuse the file.
public struct FileProblems: Error, Equatable, Sendable, CustomStringConvertible {
    public var problems: [FileProblem]
    public init(_ problems: [FileProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
