import ScannerInput

/// Everything a person can ask of a screen, as data: the keymap binds keys to these ids, the help
/// overlay lists them, and read-only modes drop the mutating ones whatever a keymap says.
public enum Action: String, CaseIterable, Sendable {
    // Moving around
    case up, down, pageUp = "page-up", pageDown = "page-down", top, bottom
    case open, back, help, quit, refresh
    case manualEntry = "manual-entry", logout, calibrate
    // Fields and lists
    case accept, cancel, nextField = "next-field", prevField = "prev-field", erase
    case scrollUp = "scroll-up", scrollDown = "scroll-down"
    // Work
    case start, pause, resume, complete, scrap, hold, undo, measure, downtime, release
    case fpiPass = "fpi-pass", fpiFail = "fpi-fail", fpiWaive = "fpi-waive"
    case andon
    // The supervisor console
    case nextView = "next-view", prevView = "prev-view", history
    case viewStations = "view-stations", viewHolds = "view-holds", viewFPI = "view-fpi", viewApprovals = "view-approvals"
    case viewAndon = "view-andon", viewOrders = "view-orders", viewConflicts = "view-conflicts", viewReports = "view-reports"
    case disposition, approve, acknowledge, clearAndon = "clear-andon", priority
    case holdOrder = "hold-order", releaseOrder = "release-order", cancelOrder = "cancel-order", loadOrders = "load-orders"
    case unlockSigning = "unlock-signing", qualify, revokeQualification = "revoke-qualification", filterNCRs = "filter-ncrs", raiseNCR = "raise-ncr"

    /// The one table of actions: every row its title (help, hints), whether it changes data (a
    /// read-only mode never offers it), and the command card it sends for the open part at a kiosk
    /// (whose refusal, previewed, is why the action is not available now).
    public var spec: ActionSpec {
        switch self {
        case .up: return ActionSpec("up", mutating: false)
        case .down: return ActionSpec("down", mutating: false)
        case .pageUp: return ActionSpec("page up", mutating: false)
        case .pageDown: return ActionSpec("page down", mutating: false)
        case .top: return ActionSpec("first", mutating: false)
        case .bottom: return ActionSpec("last", mutating: false)
        case .open: return ActionSpec("open part", mutating: false)
        case .back: return ActionSpec("back", mutating: false)
        case .help: return ActionSpec("help", mutating: false)
        case .quit: return ActionSpec("quit", mutating: false)
        case .refresh: return ActionSpec("redraw", mutating: false)
        case .manualEntry: return ActionSpec("type a code", mutating: false)
        case .logout: return ActionSpec("log out", mutating: false)
        case .calibrate: return ActionSpec("scanner calibration", mutating: false)
        case .accept: return ActionSpec("enter", mutating: false)
        case .cancel: return ActionSpec("cancel", mutating: false)
        case .nextField: return ActionSpec("next field", mutating: false)
        case .prevField: return ActionSpec("previous field", mutating: false)
        case .erase: return ActionSpec("erase", mutating: false)
        case .scrollUp: return ActionSpec("scroll instructions up", mutating: false)
        case .scrollDown: return ActionSpec("scroll instructions down", mutating: false)
        case .start: return ActionSpec("start", mutating: true, verb: .start)
        case .pause: return ActionSpec("pause", mutating: true, verb: .pause)
        case .resume: return ActionSpec("resume", mutating: true, verb: .resume)
        case .complete: return ActionSpec("complete", mutating: true, verb: .complete)
        case .scrap: return ActionSpec("scrap", mutating: true, verb: .scrap)
        case .hold: return ActionSpec("hold", mutating: true, verb: .hold)
        case .undo: return ActionSpec("undo last", mutating: true, verb: .undo)
        case .measure: return ActionSpec("measurements", mutating: false)
        case .downtime: return ActionSpec("machine down / up", mutating: true)
        case .release: return ActionSpec("release hold", mutating: true, verb: .release)
        case .fpiPass: return ActionSpec("first piece: pass", mutating: true, verb: .pass)
        case .fpiFail: return ActionSpec("first piece: fail", mutating: true, verb: .fail)
        case .fpiWaive: return ActionSpec("first piece: waive", mutating: true, verb: .waive)
        case .andon: return ActionSpec("andon: call for help", mutating: true, verb: .andon)
        case .nextView: return ActionSpec("next view", mutating: false)
        case .prevView: return ActionSpec("previous view", mutating: false)
        case .history: return ActionSpec("part history", mutating: false)
        case .viewStations: return ActionSpec("stations", mutating: false)
        case .viewHolds: return ActionSpec("holds and NCRs", mutating: false)
        case .viewFPI: return ActionSpec("first pieces", mutating: false)
        case .viewApprovals: return ActionSpec("approvals (overrides)", mutating: false)
        case .viewAndon: return ActionSpec("andon calls", mutating: false)
        case .viewOrders: return ActionSpec("work orders", mutating: false)
        case .viewConflicts: return ActionSpec("replication conflicts", mutating: false)
        case .viewReports: return ActionSpec("reports", mutating: false)
        case .disposition: return ActionSpec("disposition", mutating: true)
        case .approve: return ActionSpec("approve", mutating: true)
        case .acknowledge: return ActionSpec("acknowledge andon", mutating: true)
        case .clearAndon: return ActionSpec("clear andon", mutating: true)
        case .priority: return ActionSpec("priority", mutating: true)
        case .holdOrder: return ActionSpec("hold order", mutating: true)
        case .releaseOrder: return ActionSpec("release order", mutating: true)
        case .cancelOrder: return ActionSpec("cancel order", mutating: true)
        case .loadOrders: return ActionSpec("load work-order file", mutating: true)
        case .unlockSigning: return ActionSpec("unlock a person's signing", mutating: true)
        case .qualify: return ActionSpec("certify a person's skill", mutating: true)
        case .revokeQualification: return ActionSpec("revoke a person's skill", mutating: true)
        case .filterNCRs: return ActionSpec("filter NCRs", mutating: false)
        case .raiseNCR: return ActionSpec("raise an NCR", mutating: true)
        }
    }

    public var title: String { spec.title }
    /// Whether the action can change data (a read-only mode never offers it).
    public var mutating: Bool { spec.mutating }
}

/// One row of the action table (`Action.spec`).
public struct ActionSpec: Sendable, Equatable {
    public var title: String
    public var mutating: Bool
    /// The `CMD:` verb the kiosk sends for this action on the open part (nil: not a part command).
    public var verb: CommandVerb?
    public init(_ title: String, mutating: Bool, verb: CommandVerb? = nil) {
        self.title = title; self.mutating = mutating; self.verb = verb
    }
}

/// Where a key is read. `global` bindings apply in every context that does not bind the key itself.
public enum KeyContext: String, CaseIterable, Sendable {
    case global, login, queue, part, measure, picker, entry, help, calibrate
    /// The wall board (read-only) and the supervisor console's lists.
    case board, console

    /// Contexts with a text field: unbound printable keys are text there.
    public var hasField: Bool { self == .measure || self == .entry }
}
