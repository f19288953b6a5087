import Foundation
import MESCore
import ScannerInput

/// Key bindings as data (keymaps/*.keymap), in the style of tig's `bind <view> <key> <action>`:
///
///     # comment
///     bind queue Enter open
///     bind global F1 help
///
/// A file with an unknown context, key or action is refused with its file and line.
public struct Keymap: Sendable, Equatable {
    public struct Binding: Sendable, Equatable {
        public var context: KeyContext
        public var key: Key
        public var action: Action
    }
    public let name: String
    public private(set) var bindings: [Binding]
    private var table: [KeyContext: [Key: Action]]

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public init(name: String, bindings: [Binding]) {
        self.name = name
        self.bindings = bindings
        var t: [KeyContext: [Key: Action]] = [:]
        for b in bindings { t[b.context, default: [:]][b.key] = b.action }
        table = t
    }

    /// Parses keymap text; every bad line is reported (the first one thrown, with the count).
    public static func parse(_ text: String, name: String, file: String) throws -> Keymap {
        var bindings: [Binding] = []
        var errors: [ParseError] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if words.isEmpty { continue }
            func fail(_ m: String) { errors.append(ParseError(file: file, line: i + 1, message: m)) }
            guard words[0] == "bind" else { fail("unknown directive \"\(words[0])\" (expected: bind <context> <key> <action>)"); continue }
            guard words.count == 4 else { fail("expected: bind <context> <key> <action>"); continue }
            guard let context = KeyContext(rawValue: words[1]) else {
                fail("unknown context \"\(words[1])\" (one of \(KeyContext.allCases.map(\.rawValue).joined(separator: ", ")))"); continue
            }
            guard let key = KeyName.parse(words[2]) else { fail("unknown key \"\(words[2])\""); continue }
            guard let action = Action(rawValue: words[3]) else {
                fail("unknown action \"\(words[3])\"" + (suggest(words[3]).map { " (did you mean \($0)?)" } ?? "")); continue
            }
            bindings.append(Binding(context: context, key: key, action: action))
        }
        if let first = errors.first {
            throw errors.count == 1
                ? first
                : ParseError(
                    file: first.file, line: first.line,
                    message: first.message + " (and \(errors.count - 1) more problem(s))")
        }
        return Keymap(name: name, bindings: bindings)
    }

    private static func suggest(_ word: String) -> String? {
        FileHints.suggestion(for: word, among: Action.allCases.map(\.rawValue))
    }

    /// The action of `key` in `context` (falling back to global), nil when unbound. A read-only
    /// keymap view never returns a mutating action.
    public func action(for key: Key, in context: KeyContext, readOnly: Bool = false) -> Action? {
        let a = table[context]?[key] ?? (context == .global ? nil : table[.global]?[key])
        if let a, readOnly && a.mutating { return nil }
        return a
    }

    /// Whether `key` is bound in `context` itself (not through global).
    public func binds(_ key: Key, in context: KeyContext) -> Bool { table[context]?[key] != nil }

    /// The keys that trigger `action` in `context` (own bindings first, then global).
    public func keys(for action: Action, in context: KeyContext) -> [Key] {
        let own = bindings.filter { $0.context == context && $0.action == action }.map(\.key)
        let global = bindings.filter { $0.context == .global && $0.action == action && table[context]?[$0.key] == nil }.map(\.key)
        return own + global
    }

    /// Help lines for a context: "key  title", generated from the bindings (so help cannot drift).
    public func help(for context: KeyContext, readOnly: Bool = false) -> [(keys: String, title: String)] {
        helpActions(for: context, readOnly: readOnly).map { ($0.keys, $0.action.title) }
    }

    /// The same with the action of each line (a screen may add what it knows about the action).
    public func helpActions(for context: KeyContext, readOnly: Bool = false) -> [(keys: String, action: Action)] {
        var out: [(String, Action)] = []
        var seen = Set<Action>()
        for b in bindings where (b.context == context || b.context == .global) {
            guard !seen.contains(b.action), !(readOnly && b.action.mutating) else { continue }
            guard action(for: b.key, in: context, readOnly: readOnly) == b.action || b.context == context else { continue }
            seen.insert(b.action)
            out.append((keys(for: b.action, in: context).map(KeyName.name).joined(separator: "/"), b.action))
        }
        return out
    }
}

/// Key names in keymap files and on screen: F1..F12, Enter, Esc, Tab, Backspace, Delete, Insert,
/// Up, Down, Left, Right, Home, End, PgUp, PgDn, Space, Ctrl-A..Ctrl-Z, or one printable character.
public enum KeyName {
    static let named: [(String, Key)] = [
        ("Enter", .enter), ("Esc", .escape), ("Tab", .tab), ("Backspace", .backspace), ("Delete", .delete),
        ("Insert", .insert), ("Up", .up), ("Down", .down), ("Left", .left), ("Right", .right), ("Home", .home),
        ("End", .end), ("PgUp", .pageUp), ("PgDn", .pageDown), ("Space", .char(" ")), ("Hash", .char("#")),
    ]

    public static func parse(_ text: String) -> Key? {
        if let k = named.first(where: { $0.0.lowercased() == text.lowercased() }) { return k.1 }
        if text.count > 1, text.first == "F" || text.first == "f", let n = Int(text.dropFirst()), (1...12).contains(n) { return .function(n) }
        if text.lowercased().hasPrefix("ctrl-"), text.count == 6, let c = text.last?.uppercased().unicodeScalars.first,
            (65...90).contains(c.value)
        {
            return .char(Character(Unicode.Scalar(c.value - 64)!))
        }
        if text.count == 1, let c = text.first, let s = c.unicodeScalars.first, s.value > 0x20, s.value != 0x7F { return .char(c) }
        return nil
    }

    public static func name(_ key: Key) -> String {
        if let n = named.first(where: { $0.1 == key }) { return n.0 }
        switch key {
        case .function(let n): return "F\(n)"
        case .char(let c):
            if let s = c.unicodeScalars.first, s.value < 0x20 { return "Ctrl-" + String(Character(Unicode.Scalar(s.value + 64)!)) }
            return String(c)
        default: return "?"
        }
    }
}

/// Finds keymap files: a path, or a name looked up in $FLOOR_KEYMAPS, next to the executable
/// (../share/floor/keymaps, keymaps/ in this or a parent directory, as in a source checkout), and
/// /usr/local/share/floor/keymaps, /usr/share/floor/keymaps.
public enum KeymapLoader {
    public static func searchPath(executable: String = CommandLine.arguments[0]) -> [String] {
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["FLOOR_KEYMAPS"], !env.isEmpty { dirs.append(env) }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        dirs.append(dir.appendingPathComponent("../share/floor/keymaps").standardized.path)
        for _ in 0..<6 {
            dirs.append(dir.appendingPathComponent("keymaps").path)
            dir = dir.deletingLastPathComponent()
        }
        dirs += ["/usr/local/share/floor/keymaps", "/usr/share/floor/keymaps"]
        return dirs
    }

    public enum LoadError: Error, CustomStringConvertible {
        case notFound(String, [String])
        case unreadable(String, String)
        public var description: String {
            switch self {
            case .notFound(let name, let dirs):
                return
                    "keymap \"\(name)\" not found (looked for \(name).keymap in: \(dirs.joined(separator: ", "))); set FLOOR_KEYMAPS or give a path"
            case .unreadable(let path, let why): return "cannot read keymap \(path): \(why)"
            }
        }
    }

    public static func load(_ nameOrPath: String, searchPath: [String] = searchPath()) throws -> Keymap {
        let path: String
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".keymap") {
            path = nameOrPath
        } else if let found = searchPath.map({ "\($0)/\(nameOrPath).keymap" }).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            path = found
        } else {
            throw LoadError.notFound(nameOrPath, searchPath)
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError.unreadable(path, (error as NSError).localizedDescription)
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try Keymap.parse(text, name: name, file: path)
    }
}
