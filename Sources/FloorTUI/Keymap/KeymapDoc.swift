import Foundation
import ScannerInput

/// `docs/keymaps/NAME.md`: what every key of a keymap does on each screen, generated from the
/// keymap file and the action table (a test fails when a committed page is out of date).
public enum KeymapDoc {
    /// Screens in the order a person meets them, with what each is.
    static let contexts: [(KeyContext, String)] = [
        (.login, "the login screen (before a badge is scanned)"),
        (.queue, "the station's queue"),
        (.part, "the open part"),
        (.measure, "the measurement fields (printable keys not bound here are typed into the field)"),
        (.picker, "a reason picker (downtime, scrap, hold, andon)"),
        (.entry, "a text entry: a typed code, a note, a good count (printable keys not bound here are typed)"),
        (.help, "the help overlay"),
        (.calibrate, "scanner calibration"),
        (.board, "the wall board (read only: actions that change data are never offered)"),
        (.console, "the supervisor console"),
    ]

    public static func markdown(_ keymap: Keymap) -> String {
        var out = """
            # Keymap `\(keymap.name)`

            Generated from `keymaps/\(keymap.name).keymap` and the action table (`Action.spec`,
            `Sources/FloorTUI/Keymap/Actions.swift`) by `floor docs keymap \(keymap.name)`; a test fails
            when this page is out of date. Keys bound in `global` work on every screen that does not
            bind the key itself, and are listed under each screen. "Changes data" actions are never
            offered by a read-only screen.

            """
        for (context, what) in contexts {
            let lines = keymap.helpActions(for: context)
            guard keymap.bindings.contains(where: { $0.context == context }) else { continue }
            out += "\n## `\(context.rawValue)`: \(what)\n\n| keys | action | does | changes data |\n|---|---|---|---|\n"
            for l in lines {
                let keys = keymap.keys(for: l.action, in: context).map { "`\(cell(KeyName.name($0)))`" }.joined(separator: " ")
                let card = l.action.spec.verb.map { " (sends `\(ScanVocabulary.escape($0.syntax))`)" } ?? ""
                out += "| \(keys) | `\(l.action.rawValue)` | \(l.action.title)\(card) | \(l.action.mutating ? "yes" : "") |\n"
            }
        }
        return out
    }

    static func cell(_ s: String) -> String { s == "|" ? "\\|" : s }
}
