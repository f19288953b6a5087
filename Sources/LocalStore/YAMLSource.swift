import Foundation
import MESCore
import Yams

/// Reads YAML text into a `SourceNode` tree (positions kept) with Yams; every failure is a
/// `FileProblem` naming the file, line and column.
public enum YAMLSource {
    /// More nodes than this (aliases can expand a small file enormously) is refused.
    static let nodeBudget = 1_000_000

    public static func parse(_ text: String, file: String) -> Result<SourceNode, FileProblems> {
        var attempt = compose(text, file: file)
        if attempt.syntaxError {
            // `name: Haas VF-2 #1` inside `{...}`: strict YAML reads ` #1,...}` as a comment and fails
            // on the unclosed brace. Read a `#` glued to the next word inside a flow collection as text.
            var lenient = ScalarText(text)
            if lenient.protectFlowHashes() {
                let second = compose(lenient.string, file: file)
                if !second.syntaxError { attempt = second }
            }
        }
        if !attempt.problems.isEmpty { return .failure(FileProblems(sorted(attempt.problems))) }

        guard let root = attempt.root, !isNullScalar(root) else {
            return .failure(
                FileProblems([
                    FileProblem(
                        file: file, line: 1, column: 1, field: "yaml",
                        message: "the file is empty")
                ]))
        }
        var converter = Converter(file: file, budget: nodeBudget)
        let node = converter.convert(root)
        if !converter.problems.isEmpty { return .failure(FileProblems(sorted(converter.problems))) }
        return .success(node)
    }

    struct Attempt {
        var root: Node?
        var problems: [FileProblem] = []
        /// Some problem other than a repeated key.
        var syntaxError = false
    }

    static func compose(_ text: String, file: String) -> Attempt {
        var attempt = Attempt()
        var work = ScalarText(text)
        var duplicates: [DuplicateKey] = []
        var composed = false

        // Yams refuses a mapping with a repeated key and names the first occurrence. Hide that
        // occurrence (same length, so every position stays put) and compose again, until the text
        // composes or fails for another reason; the placeholders then lead to each repetition.
        for round in 0..<64 {
            do {
                attempt.root = try Yams.compose(yaml: work.string)
                composed = true
                break
            } catch let YamlError.duplicatedKeysInMapping(keys, context) {
                guard let key = keys.first,
                    let placeholder = work.hideKey(key, at: context.mark, round: round)
                else {
                    let names = keys.map { "\"\($0)\"" }.joined(separator: ", ")
                    attempt.problems.append(
                        FileProblem(
                            file: file, line: max(context.mark.line, 1),
                            column: context.mark.column, field: "yaml",
                            message: "duplicate key \(names) in one mapping"))
                    composed = true
                    break
                }
                duplicates.append(DuplicateKey(key: key, first: context.mark, placeholder: placeholder))
            } catch {
                attempt.problems.append(problem(for: error, text: work.string, file: file))
                attempt.syntaxError = true
                composed = true
                break
            }
        }
        if !composed {
            attempt.problems.append(FileProblem(file: file, line: 1, column: 1, field: "yaml", message: "too many repeated keys"))
        }
        for dup in duplicates {
            let repeatMark = attempt.root.flatMap { findRepeat(of: dup, among: duplicates, in: $0) }
            let line = repeatMark?.line ?? dup.first.line
            let column = repeatMark?.column ?? dup.first.column
            let message =
                repeatMark != nil
                ? "duplicate key \"\(dup.key)\" (first on line \(dup.first.line))"
                : "key \"\(dup.key)\" appears more than once in this mapping"
            attempt.problems.append(FileProblem(file: file, line: line, column: column, field: "yaml", message: message))
        }
        return attempt
    }

    static func sorted(_ problems: [FileProblem]) -> [FileProblem] {
        problems.enumerated().sorted { a, b in
            (a.element.line, a.element.column ?? 0, a.offset) < (b.element.line, b.element.column ?? 0, b.offset)
        }.map(\.element)
    }

    static func isNullScalar(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    // MARK: Errors

    static func problem(for error: Error, text: String, file: String) -> FileProblem {
        func describe(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(problem) (\(context.text) on line \(context.mark.line))"
        }
        guard let yamlError = error as? YamlError else {
            return FileProblem(file: file, line: 1, column: nil, field: "yaml", message: "\(error)")
        }
        switch yamlError {
        case let .scanner(context, problem, mark, _),
            let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            return FileProblem(
                file: file, line: max(mark.line, 1), column: max(mark.column, 1), field: "yaml",
                message: describe(context, problem))
        case let .reader(problem, offset, value, _):
            let (line, column) = position(ofCharacterOffset: offset ?? 0, in: text)
            let detail = value >= 0 ? " (character U+\(String(UInt32(bitPattern: value), radix: 16, uppercase: true)))" : ""
            return FileProblem(file: file, line: line, column: column, field: "yaml", message: problem + detail)
        case let .duplicatedKeysInMapping(keys, context):
            return FileProblem(
                file: file, line: max(context.mark.line, 1), column: context.mark.column, field: "yaml",
                message: "duplicate key \(keys.map { "\"\($0)\"" }.joined(separator: ", ")) in one mapping")
        default:
            return FileProblem(file: file, line: 1, column: nil, field: "yaml", message: "\(yamlError)")
        }
    }

    static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for ch in text.prefix(offset) {
            if ch.isNewline { line += 1; column = 1 } else { column += ch.unicodeScalars.count }
        }
        return (line, column)
    }

    // MARK: Duplicate keys

    struct DuplicateKey {
        var key: String
        var first: Mark
        var placeholder: String
    }

    /// The YAML text as unicode scalars split in lines, so that a key at a libyaml mark (line and
    /// column, both counted in unicode scalars) can be replaced in place.
    struct ScalarText {
        var lines: [[Unicode.Scalar]]
        var breaks: [[Unicode.Scalar]]

        init(_ text: String) {
            lines = []; breaks = []
            var current: [Unicode.Scalar] = []
            var scalars = Array(text.unicodeScalars)[...]
            while let s = scalars.popFirst() {
                if s == "\n" {
                    lines.append(current); breaks.append(["\n"]); current = []
                } else if s == "\r" {
                    if scalars.first == "\n" {
                        scalars.removeFirst(); lines.append(current); breaks.append(["\r", "\n"])
                    } else {
                        lines.append(current); breaks.append(["\r"])
                    }
                    current = []
                } else {
                    current.append(s)
                }
            }
            lines.append(current); breaks.append([])
        }

        var string: String {
            var view = String.UnicodeScalarView()
            for (line, br) in zip(lines, breaks) { view.append(contentsOf: line); view.append(contentsOf: br) }
            return String(view)
        }

        /// Stands in for the space before a `#` that is text (see `protectFlowHashes`); one scalar, so
        /// columns stay put, and turned back into a space when nodes are converted.
        static let hashSpace: Unicode.Scalar = "\u{E8FF}"

        /// Inside `[...]` or `{...}`, a `#` after a space and before a non-space (`Haas VF-2 #1`) is
        /// text, not a comment: the space before it becomes `hashSpace`. Quoted scalars, comments
        /// and block scalars (`|`, `>`) are skipped. Returns whether anything changed.
        mutating func protectFlowHashes() -> Bool {
            var changed = false
            var depth = 0
            var inSingle = false, inDouble = false
            var blockParentIndent: Int?
            for row in lines.indices {
                let line = lines[row]
                let indent = line.prefix { $0 == " " }.count
                let blank = line.allSatisfy { $0 == " " || $0 == "\t" }
                if let parent = blockParentIndent {
                    if blank || indent > parent { continue }
                    blockParentIndent = nil
                }
                var i = 0
                var lastSignificant: Unicode.Scalar?  // last non-space scalar outside quotes on this line
                var commentStart: Int?
                while i < line.count {
                    let c = line[i]
                    if inDouble {
                        if c == "\\" { i += 2; continue }
                        if c == "\"" { inDouble = false; lastSignificant = c }
                        i += 1; continue
                    }
                    if inSingle {
                        if c == "'" {
                            if i + 1 < line.count, line[i + 1] == "'" { i += 2; continue }
                            inSingle = false; lastSignificant = c
                        }
                        i += 1; continue
                    }
                    let prev: Unicode.Scalar? = i > 0 ? line[i - 1] : nil
                    let atScalarStart = lastSignificant == nil || ":,[{-?".unicodeScalars.contains(lastSignificant!)
                    switch c {
                    case "\"" where atScalarStart && (prev == nil || prev == " " || prev == "\t" || "[{,".unicodeScalars.contains(prev!)):
                        inDouble = true
                    case "'" where atScalarStart && (prev == nil || prev == " " || prev == "\t" || "[{,".unicodeScalars.contains(prev!)):
                        inSingle = true
                    case "#" where prev == nil || prev == " " || prev == "\t":
                        let next: Unicode.Scalar? = i + 1 < line.count ? line[i + 1] : nil
                        if depth > 0, let prev, prev == " ", let next, next != " ", next != "\t", lastSignificant != ",",
                            lastSignificant != "[", lastSignificant != "{"
                        {
                            lines[row][i - 1] = Self.hashSpace
                            changed = true
                        } else {
                            commentStart = i
                        }
                    case "[", "{":
                        if depth > 0 || atScalarStart { depth += 1 }
                    case "]", "}":
                        if depth > 0 { depth -= 1 }
                    default:
                        break
                    }
                    if commentStart != nil { break }
                    if c != " ", c != "\t" { lastSignificant = c }
                    i += 1
                }
                // A block scalar starts after `key: |` or `- >-` (outside any flow collection).
                if depth == 0, !inSingle, !inDouble {
                    var content = Array(line[..<(commentStart ?? line.count)])
                    while let last = content.last, last == " " || last == "\t" { content.removeLast() }
                    let tail = String(String.UnicodeScalarView(content.suffix(4)))
                    if let r = tail.range(of: #"(^|[\s:-])[|>][0-9+-]*$"#, options: .regularExpression), !r.isEmpty {
                        blockParentIndent = indent
                    }
                }
            }
            return changed
        }

        /// Replaces the key written at `mark` by a same-length placeholder; nil when the text there is
        /// not the key.
        mutating func hideKey(_ key: String, at mark: Mark, round: Int) -> String? {
            let row = mark.line - 1, col = mark.column - 1
            guard lines.indices.contains(row), col >= 0, col < lines[row].count else { return nil }
            let keyScalars = Array(key.unicodeScalars)
            guard !keyScalars.isEmpty else { return nil }
            var start = col
            if lines[row][col] == "\"" || lines[row][col] == "'" { start += 1 }
            guard start + keyScalars.count <= lines[row].count,
                Array(lines[row][start..<(start + keyScalars.count)]) == keyScalars,
                let filler = Unicode.Scalar(0xE000 + UInt32(round))
            else { return nil }
            let placeholder = Array(repeating: filler, count: keyScalars.count)
            lines[row].replaceSubrange(start..<(start + keyScalars.count), with: placeholder)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: placeholder)
            return String(view)
        }
    }

    /// The key repeating `dup.key` in the mapping that holds the hidden first occurrence (a later
    /// repetition may itself be hidden by a later round).
    static func findRepeat(of dup: DuplicateKey, among all: [DuplicateKey], in node: Node) -> Mark? {
        let names = Set([dup.key] + all.filter { $0.key == dup.key }.map(\.placeholder))
        var stack: [Node] = [node]
        var seen = 0
        while let n = stack.popLast() {
            seen += 1
            if seen > nodeBudget { return nil }
            switch n {
            case .mapping(let mapping):
                let keys = mapping.map(\.key)
                if keys.contains(where: { $0.scalar?.string == dup.placeholder && $0.mark?.line == dup.first.line }) {
                    let repeats = keys.filter { names.contains($0.scalar?.string ?? "") }.compactMap(\.mark)
                        .filter { ($0.line, $0.column) > (dup.first.line, dup.first.column) }
                    return repeats.min { ($0.line, $0.column) < ($1.line, $1.column) }
                }
                for (k, v) in mapping { stack.append(k); stack.append(v) }
            case .sequence(let sequence):
                stack.append(contentsOf: sequence)
            case .scalar, .alias:
                break
            }
        }
        return nil
    }

    // MARK: Node conversion

    struct Converter {
        let file: String
        var budget: Int
        var problems: [FileProblem] = []
        var exhausted = false

        init(file: String, budget: Int) { self.file = file; self.budget = budget }

        mutating func convert(_ node: Node) -> SourceNode {
            let line = max(node.mark?.line ?? 1, 1), column = max(node.mark?.column ?? 1, 1)
            budget -= 1
            if budget < 0 {
                if !exhausted {
                    exhausted = true
                    problems.append(
                        FileProblem(
                            file: file, line: line, column: column, field: "yaml",
                            message: "the file expands to more than \(YAMLSource.nodeBudget) values (aliases)"))
                }
                return SourceNode(.scalar("", quoted: false), line: line, column: column)
            }
            switch node {
            case .scalar(let s):
                let quoted =
                    s.style == .singleQuoted || s.style == .doubleQuoted || s.style == .literal
                    || s.style == .folded || s.tag.rawValue == Tag.Name.str.rawValue
                return SourceNode(.scalar(Self.restore(s.string), quoted: quoted), line: line, column: column)
            case .sequence(let seq):
                return SourceNode(.sequence(seq.map { convert($0) }), line: line, column: column)
            case .mapping(let mapping):
                return SourceNode(.mapping(entries(of: mapping)), line: line, column: column)
            case .alias(let alias):
                problems.append(
                    FileProblem(
                        file: file, line: line, column: column, field: "yaml",
                        message: "unresolved alias \"*\(alias.anchor.rawValue)\""))
                return SourceNode(.scalar("", quoted: false), line: line, column: column)
            }
        }

        static func restore(_ text: String) -> String {
            guard text.unicodeScalars.contains(ScalarText.hashSpace) else { return text }
            var view = String.UnicodeScalarView()
            for u in text.unicodeScalars { view.append(u == ScalarText.hashSpace ? " " : u) }
            return String(view)
        }

        /// The entries of a mapping; `<<` merge keys (YAML 1.1) add the keys of the merged mappings
        /// that the mapping does not set itself.
        mutating func entries(of mapping: Node.Mapping) -> [SourceEntry] {
            var own: [SourceEntry] = []
            var merges: [Node] = []
            for (key, value) in mapping {
                let line = max(key.mark?.line ?? 1, 1), column = max(key.mark?.column ?? 1, 1)
                guard case .scalar(let k) = key else {
                    problems.append(
                        FileProblem(
                            file: file, line: line, column: column, field: "yaml",
                            message: "a key must be a single value, not a list or a mapping"))
                    continue
                }
                if k.string == "<<", k.style == .plain || k.style == .any {
                    switch value {
                    case .mapping: merges.append(value)
                    case .sequence(let list) where list.allSatisfy({ $0.mapping != nil }): merges.append(contentsOf: list)
                    default:
                        problems.append(
                            FileProblem(
                                file: file, line: line, column: column, field: "yaml",
                                message: "a merge key (<<) needs a mapping or a list of mappings"))
                    }
                    continue
                }
                own.append(SourceEntry(key: Self.restore(k.string), keyLine: line, keyColumn: column, value: convert(value)))
            }
            guard !merges.isEmpty else { return own }
            var present = Set(own.map(\.key))
            var merged: [SourceEntry] = []
            for m in merges {
                guard case .mapping(let inner) = m else { continue }
                for e in entries(of: inner) where !present.contains(e.key) {
                    present.insert(e.key)
                    merged.append(e)
                }
            }
            return own + merged
        }
    }
}

/// The plant file: YAML text to a validated `Plant`, or every problem found.
public enum PlantFile {
    public static func load(text: String, file: String) -> Result<Plant, FileProblems> {
        YAMLSource.parse(text, file: file).flatMap { PlantDecoder.decode($0, file: file) }
    }
}
