import Foundation
import LocalStore
import MESCore
import ScannerInput

/// The wall board's one state value. Read-only by construction: its messages can only load,
/// redraw or quit, its keymap lookups drop every mutating action, and its store is opened
/// read-only (`Store.openReadOnly`).
struct BoardModel: TimedModel, Sendable {
    var keymap: Keymap
    var workCenter: String?
    var width = 80
    var height = 24
    var glyphs: Glyphs = .unicode
    var now: Date
    /// Seconds without a change seen or a sync before the tiles go grey.
    var staleAfter: TimeInterval = 600
    var data: BoardSnapshot?
    /// When this board last saw the store change (the newest event's time at the first load).
    var lastChangeSeen: Int64?
    var readFailure: String?
    var stale = false
    var showHelp = false

    init(keymap: Keymap, now: Date, workCenter: String? = nil) {
        self.keymap = keymap; self.now = now; self.workCenter = workCenter
    }

    var tooSmall: Bool { width < Screen.minWidth || height < Screen.minHeight }
}

enum BoardMsg: Sendable {
    case key(Key)
    case tick(Date)
    case resize(width: Int, height: Int)
    case loaded(BoardSnapshot)
    case failed(String)
}

enum BoardEffect: Equatable, Sendable { case load, quit, redraw }

enum BoardUpdate {
    static func update(_ m: inout BoardModel, _ msg: BoardMsg) -> [BoardEffect] {
        switch msg {
        case .resize(let w, let h):
            m.width = w; m.height = h
            return [.redraw]
        case .tick(let now):
            m.now = now
            refreshStale(&m)
            return []
        case .loaded(let snap):
            if m.data?.lastEvent != snap.lastEvent {
                // A change: seen now (or, at the first load, when the newest event happened).
                m.lastChangeSeen = m.data == nil ? (snap.lastEventAt ?? nil) : snap.asOf
            }
            m.data = snap
            m.readFailure = nil
            refreshStale(&m)
            return []
        case .failed(let why):
            m.readFailure = why
            refreshStale(&m)
            return []
        case .key(let k):
            // Read-only lookup: a mutating action bound by any keymap is simply not there.
            let action = m.keymap.action(for: k, in: m.showHelp ? .help : .board, readOnly: true)
            switch action {
            case .quit?: return [.quit]
            case .help?: m.showHelp.toggle(); return []
            case .back?: m.showHelp = false; return []
            case .refresh?: return [.redraw, .load]
            default: return []
            }
        }
    }

    static func refreshStale(_ m: inout BoardModel) {
        m.stale = BoardRules.isStale(
            lastChange: m.lastChangeSeen, lastSync: m.data?.lastSync, now: m.now.epochMillis,
            after: m.staleAfter, readFailed: m.readFailure != nil || m.data == nil)
    }
}

/// Runs the board's effects against a read-only store; the terminal loop and the tests drive it.
final class BoardDriver: LoopClient, ElmProgram {
    var model: BoardModel
    let store: Store
    let service: FloorService
    var clock: () -> Date
    private(set) var quitRequested = false
    var repaintRequested = false
    var version = 0

    init(model: BoardModel, store: Store, clock: @escaping () -> Date = Date.init) {
        self.model = model
        self.store = store
        self.service = FloorService(store: store)
        self.clock = clock
    }

    var screen: Screen { BoardView.draw(model) }
    var wedge: WedgeSettings { .defaults }

    static func update(_ m: inout BoardModel, _ msg: BoardMsg) -> [BoardEffect] { BoardUpdate.update(&m, msg) }

    func perform(_ effect: BoardEffect) -> BoardMsg? {
        switch effect {
        case .quit: quitRequested = true; return nil
        case .redraw: repaintRequested = true; return nil
        case .load: return load()
        }
    }

    private func load() -> BoardMsg {
        do {
            let wc = model.workCenter
            return .loaded(
                try store.read { db in
                    try BoardQueries.load(db, plant: try service.plantIndex(db), now: clock(), workCenter: wc)
                })
        } catch {
            return .failed("cannot read the store: \(error)")
        }
    }

    // MARK: LoopClient
    func resize(width: Int, height: Int) { send(.resize(width: width, height: height)) }
    /// The plan, the headline figures and the lists move with time: reloaded once a minute.
    func tick(_ now: Date) {
        send(.tick(now))
        if let d = model.data, d.asOf / 60_000 != now.epochMillis / 60_000 { send(load()) }
    }
    func forceLoad() { send(load()) }
    func reloadIfChanged() {
        guard let last = try? store.read({ db in try EventLog.lastPosition(db: db) }) else { send(.failed("cannot read the store")); return }
        if last != model.data?.lastEvent { send(load()) }
    }
    /// Ticks every 5 s: the stale check and the ages move without any change in the store.
    func msUntilDue() -> Int? { Int(5_000 - clock().epochMillis % 5_000) }
    func key(_ key: Key) { send(.key(key)) }
    func scan(_ code: String, symbology: String?) {}  // the board reads no scans
}
