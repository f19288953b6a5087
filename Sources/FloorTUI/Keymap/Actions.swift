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

    public var title: String {
        switch self {
        case .up: return "up"
        case .down: return "down"
        case .pageUp: return "page up"
        case .pageDown: return "page down"
        case .top: return "first"
        case .bottom: return "last"
        case .open: return "open part"
        case .back: return "back"
        case .help: return "help"
        case .quit: return "quit"
        case .refresh: return "redraw"
        case .manualEntry: return "type a code"
        case .logout: return "log out"
        case .calibrate: return "scanner calibration"
        case .accept: return "enter"
        case .cancel: return "cancel"
        case .nextField: return "next field"
        case .prevField: return "previous field"
        case .erase: return "erase"
        case .scrollUp: return "scroll instructions up"
        case .scrollDown: return "scroll instructions down"
        case .start: return "start"
        case .pause: return "pause"
        case .resume: return "resume"
        case .complete: return "complete"
        case .scrap: return "scrap"
        case .hold: return "hold"
        case .undo: return "undo last"
        case .measure: return "measurements"
        case .downtime: return "machine down / up"
        case .release: return "release hold"
        case .fpiPass: return "first piece: pass"
        case .fpiFail: return "first piece: fail"
        case .fpiWaive: return "first piece: waive"
        case .andon: return "andon: call for help"
        case .nextView: return "next view"
        case .prevView: return "previous view"
        case .history: return "part history"
        case .viewStations: return "stations"
        case .viewHolds: return "holds and NCRs"
        case .viewFPI: return "first pieces"
        case .viewApprovals: return "approvals (overrides)"
        case .viewAndon: return "andon calls"
        case .viewOrders: return "work orders"
        case .viewConflicts: return "replication conflicts"
        case .viewReports: return "reports"
        case .disposition: return "disposition"
        case .approve: return "approve"
        case .acknowledge: return "acknowledge andon"
        case .clearAndon: return "clear andon"
        case .priority: return "priority"
        case .holdOrder: return "hold order"
        case .releaseOrder: return "release order"
        case .cancelOrder: return "cancel order"
        case .loadOrders: return "load work-order file"
        }
    }

    /// Whether the action can change data (a read-only mode never offers it).
    public var mutating: Bool {
        switch self {
        case .start, .pause, .resume, .complete, .scrap, .hold, .undo, .downtime, .release, .fpiPass, .fpiFail, .fpiWaive, .andon,
             .disposition, .approve, .acknowledge, .clearAndon, .priority, .holdOrder, .releaseOrder, .cancelOrder, .loadOrders:
            return true
        default:
            return false
        }
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
