import Foundation
import MESCore
import ScannerInput

/// The signature pad of the kiosk and the console: a signed record waits for its signer's badge
/// (scanned or typed; fixed when a console session already knows it) and secret (typed, drawn
/// as dots, never echoed, never taken for a scan, and left out of descriptions, mirrors and
/// traces). Whether the secret is right is `SigningSecrets`' to say; the pad only collects it.
struct SignaturePad: Equatable, Sendable, CustomStringConvertible, CustomReflectable {
    enum Field: Equatable, Sendable { case badge, secret }
    /// What signing means (`Signature.meaning(of:)`), and what is signed, in words.
    var meaning: String
    var what: String
    /// The box's title (default: "Sign: <meaning>").
    var title: String?
    var badge = ""
    /// false: the badge is the session's and only the secret is asked.
    var asksBadge = true
    private(set) var secret = ""
    var focus: Field = .badge
    static let maxBadge = 32, maxSecret = 128

    init(meaning: String, what: String, title: String? = nil, badge: String = "", asksBadge: Bool = true) {
        self.meaning = meaning; self.what = what; self.title = title; self.badge = badge; self.asksBadge = asksBadge
        focus = asksBadge && badge.isEmpty ? .badge : .secret
    }

    var description: String { "SignaturePad(\(meaning), \(what), badge \(badge), secret of \(secret.count))" }
    var customMirror: Mirror { Mirror(self, children: ["meaning": meaning, "what": what, "badge": badge], displayStyle: .struct) }
    var hasSecret: Bool { !secret.isEmpty }
    /// How the signer is identified: both components here, or the secret in a session opened with both.
    var method: SignatureMethod { asksBadge ? .badgeAndSecret : .secretInSession }

    mutating func type(_ c: Character) {
        switch focus {
        case .badge: if badge.count < Self.maxBadge { badge.append(c) }
        case .secret: if secret.count < Self.maxSecret { secret.append(c) }
        }
    }

    /// A burst that ended with Enter: a badge label into the badge field (then the secret has
    /// focus); while the secret has focus, typing and its Enter (a fast hand, or keys typed while
    /// the kiosk was busy, which the decoder reads as one burst), never parsed: the pair to sign
    /// with, as `accept` gives it.
    mutating func scanned(_ code: String) -> (badge: String, secret: String)? {
        switch focus {
        case .badge:
            if case .badge(let b) = Label.parse(code) { badge = b } else { badge = String(code.prefix(Self.maxBadge)) }
            focus = .secret
            return nil
        case .secret:
            secret = String((secret + code).prefix(Self.maxSecret))
            return accept()
        }
    }

    mutating func erase() {
        switch focus {
        case .badge: if !badge.isEmpty { badge.removeLast() }
        case .secret:
            if !secret.isEmpty { secret.removeLast() } else if asksBadge { focus = .badge }
        }
    }

    /// Enter: from the badge to the secret; with both given, the pair to sign with (the secret
    /// is cleared from the pad at once).
    mutating func accept() -> (badge: String, secret: String)? {
        if focus == .badge || badge.isEmpty {
            if !badge.isEmpty { focus = .secret }
            return nil
        }
        guard !secret.isEmpty else { return nil }
        defer { secret = "" }
        return (badge, secret)
    }

    /// The pad as a centred box; `keys` names the keys that move on, erase and cancel; `note`
    /// replaces the line that says what the fields do.
    func draw(_ s: inout Screen, glyphs: Glyphs, keys: String, note: String? = nil) {
        let b = s.centeredBox(width: 64, height: asksBadge ? 11 : 10, title: title ?? "Sign: \(meaning)")
        s.put(what, x: b.x + 2, y: b.y + 2, bold: true, maxWidth: b.w - 4)
        s.put(
            note ?? (asksBadge ? "The signer's badge and secret sign this record." : "Your secret signs this record as \(badge)."), x: b.x + 2,
            y: b.y + 3, role: .dim, maxWidth: b.w - 4)
        let dot = glyphs == .ascii ? "*" : "•"
        var fields: [(String, String, Field)] = [("Secret", String(repeating: dot, count: min(secret.count, b.w - 16)), .secret)]
        if asksBadge { fields.insert(("Badge ", badge, .badge), at: 0) }
        for (i, (label, text, field)) in fields.enumerated() {
            let y = b.y + 5 + i
            let focused = focus == field
            s.put(label, x: b.x + 2, y: y, bold: focused)
            s.fill(x: b.x + 10, y: y, width: b.w - 12, role: .field)
            s.put(text + (focused ? "_" : ""), x: b.x + 11, y: y, role: .field, bold: focused, maxWidth: b.w - 14)
        }
        s.put(keys, x: b.x + 2, y: b.y + b.h - 3, role: .dim, maxWidth: b.w - 4)
    }
}
