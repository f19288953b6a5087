import Foundation
import MESCore
import ScannerInput

/// The signature pad of the kiosk and the console: a signed record waits for its signer's badge
/// (scanned or typed; fixed when a console session already knows it) and secret (typed, drawn
/// as dots, never echoed, never taken for a scan, and left out of descriptions, mirrors and
/// traces). Whether the secret is right is `SigningSecrets`' to say; the pad only collects it.
/// A secret a supervisor reset is changed at its first use: the pad then asks the one given and a
/// new one twice (`renew`), and hands all three on.
struct SignaturePad: Equatable, Sendable, CustomStringConvertible, CustomReflectable {
    enum Field: Equatable, Sendable { case badge, secret, newSecret, repeatSecret }
    /// What the pad hands on: the signer's badge and secret, and the new secret when renewing.
    struct Submission: Equatable, Sendable, CustomStringConvertible {
        var badge: String, secret: String, newSecret: String?
        var description: String { "Submission(badge \(badge), secret of \(secret.count)\(newSecret == nil ? "" : ", new secret"))" }
    }
    /// What signing means (`Signature.meaning(of:)`), and what is signed, in words.
    var meaning: String
    var what: String
    /// The box's title (default: "Sign: <meaning>").
    var title: String?
    var badge = ""
    /// false: the badge is the session's and only the secret is asked.
    var asksBadge = true
    private(set) var secret = ""
    private(set) var newSecret = "", repeatSecret = ""
    /// Asking the secret a supervisor gave, then a new one twice.
    private(set) var renewing = false
    /// The two new secrets typed last differed.
    private(set) var mismatch = false
    var focus: Field = .badge
    static let maxBadge = 32, maxSecret = 128

    init(meaning: String, what: String, title: String? = nil, badge: String = "", asksBadge: Bool = true) {
        self.meaning = meaning; self.what = what; self.title = title; self.badge = badge; self.asksBadge = asksBadge
        focus = asksBadge && badge.isEmpty ? .badge : .secret
    }

    var description: String {
        "SignaturePad(\(meaning), \(what), badge \(badge), secret of \(secret.count)\(renewing ? ", renewing" : ""))"
    }
    var customMirror: Mirror { Mirror(self, children: ["meaning": meaning, "what": what, "badge": badge], displayStyle: .struct) }
    var hasSecret: Bool { !secret.isEmpty }
    /// How the signer is identified: both components here, or the secret in a session opened with both.
    var method: SignatureMethod { asksBadge ? .badgeAndSecret : .secretInSession }

    /// The secret was reset: ask the one given, then a new one twice (the badge stays).
    mutating func renew() {
        renewing = true; mismatch = false
        secret = ""; newSecret = ""; repeatSecret = ""
        focus = .secret
    }

    mutating func type(_ c: Character) {
        switch focus {
        case .badge: if badge.count < Self.maxBadge { badge.append(c) }
        case .secret: if secret.count < Self.maxSecret { secret.append(c) }
        case .newSecret: if newSecret.count < Self.maxSecret { newSecret.append(c) }
        case .repeatSecret: if repeatSecret.count < Self.maxSecret { repeatSecret.append(c) }
        }
    }

    /// A burst that ended with Enter: a badge label into the badge field (then the secret has
    /// focus); while the secret has focus, typing and its Enter (a fast hand, or keys typed while
    /// the kiosk was busy, which the decoder reads as one burst), never parsed: the pair to sign
    /// with, as `accept` gives it.
    mutating func scanned(_ code: String) -> Submission? {
        switch focus {
        case .badge:
            if case .badge(let b) = Label.parse(code) { badge = b } else { badge = String(code.prefix(Self.maxBadge)) }
            focus = .secret
            return nil
        case .secret, .newSecret, .repeatSecret:
            for c in code { type(c) }
            return accept()
        }
    }

    mutating func erase() {
        switch focus {
        case .badge: if !badge.isEmpty { badge.removeLast() }
        case .secret:
            if !secret.isEmpty { secret.removeLast() } else if asksBadge && !renewing { focus = .badge }
        case .newSecret: if !newSecret.isEmpty { newSecret.removeLast() } else { focus = .secret }
        case .repeatSecret: if !repeatSecret.isEmpty { repeatSecret.removeLast() } else { focus = .newSecret }
        }
    }

    /// Enter: from the badge to the secret; with both given, what to sign with (the secrets are
    /// cleared from the pad at once). Renewing, on to the new secret and its repetition; two new
    /// secrets that differ are asked again.
    mutating func accept() -> Submission? {
        if focus == .badge || badge.isEmpty {
            if !badge.isEmpty { focus = .secret }
            return nil
        }
        guard !secret.isEmpty else { focus = .secret; return nil }
        if renewing {
            switch focus {
            case .badge, .secret: focus = .newSecret; return nil
            case .newSecret: if !newSecret.isEmpty { focus = .repeatSecret }; return nil
            case .repeatSecret:
                guard !repeatSecret.isEmpty else { return nil }
                guard repeatSecret == newSecret else {
                    newSecret = ""; repeatSecret = ""; mismatch = true; focus = .newSecret
                    return nil
                }
            }
        }
        defer { secret = ""; newSecret = ""; repeatSecret = ""; mismatch = false }
        return Submission(badge: badge, secret: secret, newSecret: renewing ? newSecret : nil)
    }

    /// The pad as a centred box; `keys` names the keys that move on, erase and cancel; `note`
    /// replaces the line that says what the fields do.
    func draw(_ s: inout Screen, glyphs: Glyphs, keys: String, note: String? = nil) {
        let rows = (asksBadge ? 2 : 1) + (renewing ? 2 : 0)
        let b = s.centeredBox(width: 64, height: 9 + rows, title: title ?? "Sign: \(meaning)")
        s.put(what, x: b.x + 2, y: b.y + 2, bold: true, maxWidth: b.w - 4)
        let says: String
        if mismatch {
            says = "The two new secrets differ: type the new one again, twice."
        } else if renewing {
            says = "Secret reset: type the one given, then a new one twice."
        } else {
            says = note ?? (asksBadge ? "The signer's badge and secret sign this record." : "Your secret signs this record as \(badge).")
        }
        s.put(says, x: b.x + 2, y: b.y + 3, role: mismatch ? .warn : .dim, maxWidth: b.w - 4)
        let dot = glyphs == .ascii ? "*" : "•"
        func dots(_ t: String) -> String { String(repeating: dot, count: min(t.count, b.w - 16)) }
        var fields: [(String, String, Field)] = [(renewing ? "Given " : "Secret", dots(secret), .secret)]
        if asksBadge { fields.insert(("Badge ", badge, .badge), at: 0) }
        if renewing { fields += [("New   ", dots(newSecret), .newSecret), ("Again ", dots(repeatSecret), .repeatSecret)] }
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
