import FloorStation
import Foundation
import MESCore
import ScannerInput

/// The kiosk's one state value. `KioskApp.update` changes it; `KioskView.draw` draws it.
struct KioskModel: TimedModel, Sendable {
    enum Base: Equatable, Sendable { case queue, part, measure }

    struct Picker: Equatable, Sendable {
        enum Purpose: Equatable, Sendable { case downtime, scrap, hold, andon }
        var purpose: Purpose
        var title: String
        var items: [Reason]
        var selection = 0
    }

    struct Entry: Equatable, Sendable {
        enum Purpose: Equatable, Sendable {
            /// A code typed by hand: acts exactly as a scan.
            case code
            /// Text that goes in a NOTE: before the command.
            case note(command: String)
            /// The good count of a batch completion.
            case goodCount
        }
        var purpose: Purpose
        var title: String
        var prompt: String
        var text = ""
    }

    struct Calibration: Equatable, Sendable {
        /// Per-character gaps (ms) of each test scan read so far.
        var samples: [[Int]] = []
        var proposed: WedgeSettings?
    }

    enum Overlay: Equatable, Sendable {
        case picker(Picker)
        case entry(Entry)
        /// A signed record waits for its signer (the inspector who walked up, most often).
        case sign(SignaturePad)
        case help(scroll: Int)
        case calibrate(Calibration)
    }

    struct Message: Equatable, Sendable {
        enum Kind: Equatable, Sendable { case info, ok, refused, warning }
        var kind: Kind
        var text: String
    }

    let stationID: String
    var keymap: Keymap
    var readOnly = false
    var width = 80
    var height = 24
    var glyphs: Glyphs = .unicode
    var now: Date
    var lastInput: Date
    /// Log out after this long without a key or scan (nil: never).
    var idleLogout: TimeInterval? = 600
    /// Replication as the status line shows it (nil: this kiosk does not replicate).
    var sync: SyncIndicator?
    /// Extra lines for the help overlay (the demo's codes to try).
    var helpExtra: [String] = []
    var wedge: WedgeSettings = .defaults

    var session: StationSession
    var data = KioskData()
    var base: Base = .queue
    var overlay: Overlay?
    /// Index into `rows` (running here first, then the queue).
    var selection = 0
    var instructionScroll = 0
    var measureFocus = 0
    var fields: [String: String] = [:]
    var message: Message?
    /// Set when the idle timer logged the person out, so the notice outlives the logout reply.
    var idleLoggedOut = false

    init(stationID: String, keymap: Keymap, now: Date) {
        self.stationID = stationID
        self.keymap = keymap
        self.now = now
        self.lastInput = now
        self.session = StationSession(stationID: stationID)
    }

    var person: Person? { session.person }

    /// Where keys are read now.
    var context: KeyContext {
        switch overlay {
        case .picker?: return .picker
        case .entry?, .sign?: return .entry
        case .help?: return .help
        case .calibrate?: return .calibrate
        case nil: break
        }
        if person == nil { return .login }
        switch base {
        case .queue: return .queue
        case .part: return .part
        case .measure: return .measure
        }
    }

    /// One selectable line of the queue screen.
    enum Row: Equatable {
        case running(KioskData.RunRow), queued(KioskData.QueueRow)
        var serial: String {
            switch self {
            case .running(let r): return r.serial;
            case .queued(let q): return q.serial
            }
        }
    }
    var rows: [Row] { data.running.map(Row.running) + data.queue.map(Row.queued) }
    var highlighted: String? { let r = rows; return r.indices.contains(selection) ? r[selection].serial : nil }

    /// The measurements shown in measure mode (those due on the selected running part).
    var measurements: [DueMeasurement] { data.part?.measurements ?? [] }

    var tooSmall: Bool { width < Screen.minWidth || height < Screen.minHeight }
}

/// Messages: everything that happens to the kiosk.
enum KioskMsg: Sendable {
    case key(Key)
    case scan(String, symbology: String?)
    /// A scan's per-character gaps, for the calibration screen.
    case scanTiming([Int])
    case tick(Date)
    case resize(width: Int, height: Int)
    case loaded(KioskData)
    /// The session after the codes ran, and one reply per code run.
    case handled(StationSession, [StationSession.Reply], opened: Bool)
    case failed(String)
    /// The background replication's state changed.
    case sync(SyncIndicator)
}

/// What `update` asks the shell to do.
enum KioskEffect: Equatable, Sendable, CustomStringConvertible {
    /// Never the secret (a test failure prints effects).
    var description: String {
        switch self {
        case .sign(let badge, let secret, let new): return "sign(badge: \(badge), secret of \(secret.count)\(new == nil ? "" : ", new secret"))"
        case .handle(let codes, let open): return "handle(\(codes), open: \(open))"
        case .load: return "load"
        case .quit: return "quit"
        case .redraw: return "redraw"
        case .saveWedge(let w): return "saveWedge(\(w))"
        }
    }

    /// Run codes in order as scans (stopping at the first refusal); `open` shows the part on success.
    case handle([String], open: Bool)
    case load
    case quit
    case redraw
    case saveWedge(WedgeSettings)
    /// Sign the record the session holds with this badge and secret.
    /// `newSecret`: the secret was reset; `secret` is the one given.
    case sign(badge: String, secret: String, newSecret: String?)
}
