import FloorStation
import Foundation
import LocalStore
import MESCore
import ScannerInput

extension ConsoleTab {
    /// The keymap action that opens the tab.
    var action: Action {
        switch self {
        case .stations: return .viewStations
        case .holds: return .viewHolds
        case .fpi: return .viewFPI
        case .approvals: return .viewApprovals
        case .andon: return .viewAndon
        case .orders: return .viewOrders
        case .conflicts: return .viewConflicts
        case .reports: return .viewReports
        }
    }
}

extension Paint {
    /// The paint of a row's tone.
    init(_ tone: Tone) {
        switch tone {
        case .normal: self = .normal
        case .dim: self = .dim
        case .ok: self = .ok
        case .warn: self = .warn
        case .stop: self = .stop
        case .info: self = .info
        }
    }
}

/// A multi-step action being put together: each picker or entry answer moves it on, until a
/// command is complete and waits for the signature.
enum ConsoleFlow: Equatable, Sendable {
    case dispositionKind(serial: String)
    case reworkStep(serial: String)
    case scrapReason(serial: String)
    case reference(serial: String, kind: DispositionKind)
    case failNote(serial: String)
    case waiveReason(serial: String)
    case approveMinutes(serial: String, id: String)
    case undoReason(serial: String)
    case priority(order: String)
    case holdReason(order: String)
    case cancelReason(order: String)
    case loadOrders
    case badge
    case unlockBadge
    /// "BADGE SKILL EXPIRES" and "BADGE SKILL REASON...".
    case qualify
    case revokeQualification
    case ncrFilter
    /// "DEFECT what is wrong", for an NCR raised by hand on a part, an order or a lot.
    case raiseNCR(NCRSubject)
}

struct ConsoleModel: TimedModel, Sendable {
    struct Picker: Equatable, Sendable {
        var title: String
        /// (label shown, value returned)
        var options: [(String, String)]
        var selection = 0
        var flow: ConsoleFlow
        static func == (a: Picker, b: Picker) -> Bool {
            a.title == b.title && a.options.map(\.1) == b.options.map(\.1) && a.selection == b.selection && a.flow == b.flow
        }
    }
    struct Entry: Equatable, Sendable {
        var title: String
        var prompt: String
        var text = ""
        var flow: ConsoleFlow
    }
    /// A complete command waiting for the person's signature, or (not a signature: an andon
    /// answer) their Enter; Esc drops it.
    struct Confirm: Equatable, Sendable {
        var command: Command
        var meaning: String
        var what: String
        /// The secret (and, first in a session opened without one, the badge) that signs it.
        var pad: SignaturePad?
    }
    enum Overlay: Equatable, Sendable {
        case picker(Picker), entry(Entry), confirm(Confirm), help(scroll: Int)
        /// The secret of the person signing in.
        case signIn(SignaturePad)
    }
    struct Message: Equatable, Sendable {
        var text: String
        var role: Paint
    }

    var keymap: Keymap
    var width = 80
    var height = 24
    var glyphs: Glyphs = .unicode
    var now: Date
    var person: Person?
    /// The OS user of this session (SSH), when it maps to no one allowed here.
    var login: String?
    var stack: [ConsoleScreen] = [.tab(.stations)]
    /// What the holds view's NCR register is narrowed to (`/`).
    var ncrFilter = NCRViewFilter()
    var table = ConsoleTable()
    var selection = 0
    var overlay: Overlay?
    var message: Message?
    var plant: PlantIndex?
    var lastEvent: Int64 = 0
    /// The session was opened with badge + secret (or a full signature was given since): later
    /// signatures ask the secret alone (Part 11 §11.200(a)(1)(i)). A session opened by the OS
    /// login asks the full badge + secret at its first signature.
    var sessionVerified = false
    var lastInput: Date
    /// Sign out after this long without a key or scan (nil: never).
    var idleSignOut: TimeInterval? = 15 * 60

    init(keymap: Keymap, now: Date) { self.keymap = keymap; self.now = now; self.lastInput = now }

    var screen: ConsoleScreen { stack.last ?? .tab(.stations) }
    var tooSmall: Bool { width < Screen.minWidth || height < Screen.minHeight }
    var selectedRow: ConsoleRow? { table.rows.indices.contains(selection) ? table.rows[selection] : nil }

    var context: KeyContext {
        switch overlay {
        case .confirm(let c)?: return c.pad == nil ? .picker : .entry
        case .picker?: return .picker
        case .entry?, .signIn?: return .entry
        case .help?: return .help
        case nil: return person == nil ? .login : .console
        }
    }
}

enum ConsoleMsg: Sendable {
    case key(Key)
    case scan(String)
    case tick(Date)
    case resize(width: Int, height: Int)
    case loaded(ConsoleTable, lastEvent: Int64, plant: PlantIndex?)
    case done(String)
    /// A signature was given with the full badge + secret: the session knows its signer now.
    case signed(String, fullSignature: Bool)
    /// The secret of the person signing in was right.
    case signedIn(badge: String)
    /// The OS user of this session maps to this person (plant file `logins`).
    case loginSession(badge: String)
    /// The secret of the person signing in was reset: the sign-in asks the given one and a new one.
    case renewSecret(badge: String, text: String)
    case refused(String)
    case failed(String)
}

enum ConsoleEffect: Equatable, Sendable, CustomStringConvertible {
    /// Never the secret (a test failure prints effects).
    var description: String {
        switch self {
        case .sign(let c, let badge, let secret, let method): return "sign(\(c), badge: \(badge), secret of \(secret.count), \(method))"
        case .signIn(let badge, let secret, let new): return "signIn(badge: \(badge), secret of \(secret.count)\(new == nil ? "" : ", new secret"))"
        case .run(let c): return "run(\(c))"
        case .load: return "load"
        case .loadOrders(let path): return "loadOrders(\(path))"
        case .quit: return "quit"
        case .redraw: return "redraw"
        }
    }

    case load
    /// Record a command that is not a signature (an andon answer).
    case run(Command)
    /// Sign and record a command.
    case sign(Command, badge: String, secret: String, method: SignatureMethod)
    /// Check the secret of the person signing in (`newSecret`: theirs was reset; `secret` is the
    /// one given, replaced first).
    case signIn(badge: String, secret: String, newSecret: String?)
    case loadOrders(path: String)
    case quit
    case redraw
}
