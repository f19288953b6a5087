import Foundation
import MESCore

/// The prefixes of the codes a kiosk reads, in one table: `Label.parse` reads them, and the
/// kiosk's HELP line, `floor scan --help`, the README's code table and `docs/scan-codes.md` are
/// generated from it (a test fails when a generated text is out of date).
public enum ScanPrefix: String, CaseIterable, Sendable {
    case emp = "EMP", sn = "SN", wo = "WO", lot = "LOT", eq = "EQ", m = "M", qty = "QTY", scrap = "SCRAP", note = "NOTE"
    case sup = "SUP", coc = "COC", exp = "EXP", cmd = "CMD"

    /// How the code is written.
    public var syntax: String {
        switch self {
        case .emp: return "EMP:<badge>"
        case .sn: return "SN:<serial>"
        case .wo: return "WO:<number>"
        case .lot: return "LOT:<material>:<lot>"
        case .eq: return "EQ:<id>"
        case .m: return "M:<characteristic>=<value>"
        case .qty: return "QTY:<good>"
        case .scrap: return "SCRAP:<count>:<reason>"
        case .note: return "NOTE:<text>"
        case .sup: return "SUP:<supplier>"
        case .coc: return "COC:<certificate>"
        case .exp: return "EXP:<YYYY-MM-DD>"
        case .cmd: return "CMD:<verb>[:<arg>]"
        }
    }

    /// What it does, for people.
    public var meaning: String {
        switch self {
        case .emp: return "log in (switches person)"
        case .sn: return "select a traveler"
        case .wo: return "select a work order's next piece waiting at this station (a batch traveler's serial is its work order)"
        case .lot: return "a material lot for the running step (at a receiving station: the lot to receive)"
        case .eq: return "a gauge for the next readings (refused when out of calibration)"
        case .m: return "a measurement (`PASS`/`FAIL` for pass/fail checks)"
        case .qty: return "the good count for the next completion of a batch traveler (at a receiving station: the quantity received)"
        case .scrap: return "pieces scrapped at the next completion of a batch traveler, with the reason"
        case .note: return "the note or reference the next action needs (waive reason, disposition reference, an NCR's description)"
        case .sup: return "at a receiving station: the lot's supplier"
        case .coc: return "at a receiving station: the supplier's certificate of conformance reference"
        case .exp: return "at a receiving station: the lot's expiry date, when its label does not carry it (AI 17)"
        case .cmd: return "a command card: one of the verbs below"
        }
    }
}

/// The verbs of `CMD:` command cards, in one table (see `ScanPrefix`).
public enum CommandVerb: String, CaseIterable, Sendable {
    case start = "START", pause = "PAUSE", resume = "RESUME", complete = "COMPLETE", undo = "UNDO"
    case pass = "PASS", fail = "FAIL", waive = "WAIVE"
    case hold = "HOLD", release = "RELEASE", scrap = "SCRAP", dispo = "DISPO", override = "OVERRIDE"
    case down = "DOWN", up = "UP", andon = "ANDON"
    case ncr = "NCR", receive = "RECEIVE", spcAck = "SPCACK", spcClear = "SPCCLEAR"
    case cancel = "CANCEL", logout = "LOGOUT", help = "HELP"

    /// How the card is written.
    public var syntax: String {
        switch self {
        case .hold: return "CMD:HOLD:<reason>"
        case .scrap: return "CMD:SCRAP:<reason>"
        case .dispo: return "CMD:DISPO:<\(DispositionKind.allCases.map(\.rawValue).joined(separator: "|"))>[:<step or scrap reason>]"
        case .override: return "CMD:OVERRIDE:<\(BlockerKind.allCases.filter(\.overridable).map(\.rawValue).joined(separator: "|"))>"
        case .down: return "CMD:DOWN:<reason>"
        case .andon: return "CMD:ANDON:<\(AndonKind.allCases.map(\.rawValue).joined(separator: "|"))|CLEAR>"
        case .ncr: return "CMD:NCR:<defect code>"
        default: return "CMD:" + rawValue
        }
    }

    /// Whether it acts on the selected part (else on the station or the session).
    public var needsPart: Bool {
        switch self {
        case .down, .up, .andon, .receive, .spcAck, .spcClear, .cancel, .logout, .help: return false
        default: return true
        }
    }

    /// What it does, for people.
    public var meaning: String {
        switch self {
        case .start: return "start the selected part's step here (on a paused part: resume it)"
        case .pause: return "pause the running step (`NOTE:` gives the reason)"
        case .resume: return "resume a paused step"
        case .complete: return "complete the step (a batch takes `QTY:` and `SCRAP:` first)"
        case .undo: return "undo the last step event on the part (after `NOTE:<reason>`)"
        case .pass: return "first piece passed (inspector or higher, not someone who worked on the piece)"
        case .fail: return "first piece failed (after `NOTE:<what was wrong>`)"
        case .waive: return "first piece waived (after `NOTE:<reason>`)"
        case .hold: return "put the part on hold for one of the plant's hold reasons"
        case .release: return "release the part's holds"
        case .scrap: return "scrap the part for one of the plant's scrap reasons"
        case .dispo: return "disposition of a held part (inspector or supervisor; `NOTE:` gives the NCR reference)"
        case .override: return "after `NOTE:<reason>`: ask a supervisor to lift that blocker of the part's start once (approved in the console)"
        case .down: return "the station's machine is down, for one of the plant's downtime reasons"
        case .up: return "the station's machine runs again"
        case .andon: return "call for help at this station (shown on the wall board and the console); `CLEAR` ends the call"
        case .ncr: return "after `NOTE:<what is wrong>`: raise a nonconformance (NCR) on the selected part, which goes on hold under it"
        case .receive: return "at a receiving station: receive the lot scanned, once its quantity and supplier are known"
        case .spcAck:
            return "after `NOTE:<reason>`: acknowledge this station's open control-chart signals (the next start waits for it when the plan says so)"
        case .spcClear: return "after `NOTE:<cause and action>`: an inspector clears this station's control-chart signals, lifting a stop (signed)"
        case .cancel: return "forget the selected part (or the lot being received) and what was kept for the next action"
        case .logout: return "log out"
        case .help: return "list the codes"
        }
    }
}

/// Texts generated from the tables.
public enum ScanVocabulary {
    /// The kiosk's answer to `CMD:HELP`: every prefix and verb on one line.
    public static var helpLine: String {
        "codes: " + ScanPrefix.allCases.filter { $0 != .cmd }.map(\.syntax).joined(separator: " ")
            + " CMD:" + CommandVerb.allCases.map { String($0.syntax.dropFirst(4)) }.joined(separator: " CMD:")
    }

    /// The codes in a paragraph for a command's `--help`.
    public static var summary: String {
        "Codes: " + ScanPrefix.allCases.map(\.syntax).joined(separator: " ") + ". Verbs: "
            + CommandVerb.allCases.map(\.rawValue).joined(separator: " ") + "."
    }

    /// The code table (Markdown), as the README and `docs/scan-codes.md` carry it.
    public static var markdownTable: String {
        var rows = ["| code | meaning |", "|---|---|"]
        for p in ScanPrefix.allCases where p != .cmd { rows.append("| `\(escape(p.syntax))` | \(p.meaning) |") }
        for v in CommandVerb.allCases { rows.append("| `\(escape(v.syntax))` | \(v.meaning) |") }
        return rows.joined(separator: "\n") + "\n"
    }

    /// `docs/scan-codes.md`.
    public static var markdownPage: String {
        """
        # Scan codes

        Generated from `ScanPrefix` and `CommandVerb` (`Sources/ScannerInput/ScanVocabulary.swift`)
        by `floor docs scan-codes`; a test fails when this page is out of date. Prefixes are
        case-insensitive; what follows keeps its case. A bare code with no prefix is looked up as a
        serial, then a work order, then a badge; GS1 labels are read as `docs/scanner.md` says.

        \(markdownTable)
        """
    }

    /// A table cell's text with its pipes escaped.
    public static func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
