import Foundation

extension GS1 {
    /// A wedge scanner types key positions for the keyboard layout it was set up for; if the
    /// kiosk's layout differs, `123` arrives as `&é"` (US scanner, French AZERTY host). True when
    /// `text` holds characters typical of such a mix-up and, mapped back through one of the common
    /// mismatches (US scanner → AZERTY host, US scanner → German QWERTZ host, AZERTY scanner → US
    /// host), reads as something a scanner would send here (digits, a plant label `EMP:`/`WO:`/...,
    /// a GS1 element string; or a letters-and-digits code when at least two characters were
    /// telltales) while the text as received does not.
    /// For the kiosk's "keyboard layout mismatch?" hint on a scan that means nothing.
    public static func looksLikeLayoutMismatch(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.count >= 3, plausibility(t) == 0 else { return false }
        for m in LayoutMap.all {
            let telltales = t.filter { m.telltale.contains($0) }.count
            guard telltales > 0 else { continue }
            let back = String(t.map { m.back[$0] ?? $0 })
            let p = plausibility(back)
            if p == 2 || (p == 1 && telltales >= 2) { return true }
        }
        return false
    }

    /// How much `s` looks like something a scanner here would send: 2 digits only, a plant
    /// label (`EMP:`, `WO:`...) or a GS1 element string; 1 a letters-and-digits code; 0 not.
    static func plausibility(_ s: String) -> Int {
        guard s.allSatisfy({ $0.isASCII }) else { return 0 }
        if s.count >= 4, s.allSatisfy({ $0.isNumber }) { return 2 }
        switch Label.parse(s) {
        case .bare, .invalid: break
        default: return 2
        }
        if case .success = parse(s) { return 2 }
        if s.count >= 4, s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
            s.contains(where: { $0.isNumber }), s.contains(where: { $0.isLetter })
        {
            return 1
        }
        return 0
    }

    struct LayoutMap {
        /// Received character → the character the scanner meant.
        let back: [Character: Character]
        /// Characters that betray this mismatch (rare in codes).
        let telltale: Set<Character>

        static let all: [LayoutMap] = [usOnAzerty, usOnQwertz, azertyOnUS]

        /// A US-layout scanner typing on a French AZERTY host (digits unshifted).
        static let usOnAzerty = LayoutMap(
            back: [
                "&": "1", "é": "2", "\"": "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8", "ç": "9", "à": "0",
                ")": "-", "q": "a", "a": "q", "z": "w", "w": "z", "Q": "A", "A": "Q", "Z": "W", "W": "Z",
                ",": "m", "?": "M", "m": ";", "M": ":", ";": ",", ":": ".", "!": "/", "§": "?",
            ],
            telltale: Set("&é\"'(è_çà§"))

        /// A US-layout scanner typing on a German QWERTZ host.
        static let usOnQwertz = LayoutMap(
            back: [
                "z": "y", "y": "z", "Z": "Y", "Y": "Z", "ß": "-", "Ö": ":", "ö": ";", "-": "/", "_": "?",
                "ü": "[", "Ü": "{", "ä": "'", "Ä": "\"", "´": "=", "`": "+", "+": "]", "*": "}", "#": "\\",
            ],
            telltale: Set("ßÖöüÜäÄ´"))

        /// An AZERTY-configured scanner (shift for digits) typing on a US host.
        static let azertyOnUS = LayoutMap(
            back: [
                "!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8", "(": "9", ")": "0",
                "q": "a", "a": "q", "z": "w", "w": "z", "Q": "A", "A": "Q", "Z": "W", "W": "Z",
                ";": "m", ":": "M", ".": ":", ",": ";", "m": ",",
            ],
            telltale: Set("!@#$^&*()"))
    }
}
