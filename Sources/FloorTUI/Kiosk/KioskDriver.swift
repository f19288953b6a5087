import FloorStation
import Foundation
import LocalStore
import MESCore
import ScannerInput

/// Runs the kiosk's effects against a store: the imperative shell around `KioskUpdate`. The
/// terminal loop feeds it keys and scans; tests drive it directly and read `screen`.
final class KioskDriver: ElmProgram {
    var model: KioskModel
    let service: FloorService
    /// The wall clock (injected in tests).
    var clock: () -> Date
    private(set) var quitRequested = false
    /// Set when an effect asked for a full repaint; the terminal layer clears it.
    var repaintRequested = false

    init(model: KioskModel, service: FloorService, clock: @escaping () -> Date = Date.init) {
        self.model = model
        self.service = service
        self.clock = clock
    }

    var screen: Screen { KioskView.draw(model) }

    /// Bumped by every message: the terminal loop redraws only when it moved.
    var version = 0

    static func update(_ m: inout KioskModel, _ msg: KioskMsg) -> [KioskEffect] { KioskUpdate.update(&m, msg) }

    /// Scanned text, as the wedge decoder would deliver it.
    func scan(_ code: String) { send(.scan(code, symbology: nil)) }
    /// Keys typed by a person.
    func type(_ keys: [Key]) { for k in keys { send(.key(k)) } }
    func type(_ text: String) { type(Key.keys(text)) }

    /// Reloads when another process (a supervisor, replication) changed the store.
    @discardableResult
    func reloadIfChanged() -> Bool {
        guard let last = try? service.store.read({ db in try EventLog.lastPosition(db: db) }), last != model.data.lastEvent else { return false }
        forceLoad()
        return true
    }

    /// Loads the station's data now.
    func forceLoad() { if let msg = load() { send(msg) } }

    private func load() -> KioskMsg? {
        do {
            return .loaded(
                try KioskLoader.load(
                    service: service, station: model.stationID, person: model.person,
                    selected: model.base == .queue ? nil : model.session.selected,
                    evaluateRows: model.selection + 40, now: clock(), previous: model.data,
                    previewActions: model.showsActionPreviews))
        } catch {
            return .failed("cannot read the store: \(error)")
        }
    }

    func perform(_ effect: KioskEffect) -> KioskMsg? {
        switch effect {
        case .quit:
            quitRequested = true
            return nil
        case .redraw:
            repaintRequested = true
            return nil
        case .load:
            return load()
        case .saveWedge(let settings):
            do {
                let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
                try service.store.setMeta(StationScanner.key(model.stationID), json)
                return nil
            } catch {
                return .failed("cannot save the scanner settings: \(error)")
            }
        case .sign(let badge, let secret, let newSecret):
            var session = model.session
            do {
                let reply = try session.sign(badge: badge, secret: secret, newSecret: newSecret, service: service, now: clock())
                return .handled(session, [reply], opened: false)
            } catch {
                return .failed("\(error)")
            }
        case .handle(let codes, let open):
            var session = model.session
            var replies: [StationSession.Reply] = []
            do {
                for code in codes {
                    let reply = try session.handle(code, service: service, now: clock())
                    replies.append(reply)
                    if reply.kind == .refused || reply.kind == .needsSignature { break }
                }
            } catch {
                return .failed("\(error)")
            }
            return .handled(session, replies, opened: open)
        }
    }
}
