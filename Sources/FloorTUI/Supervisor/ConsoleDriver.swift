import FloorStation
import Foundation
import LocalStore
import MESCore
import ScannerInput

#if canImport(Glibc)
import Glibc
#endif

/// Runs the console's effects: signed commands go to `SigningSecrets.runSigned`, the others to
/// `FloorService.runAtConsole` (decided by MESCore in the write transaction, so concurrent
/// consoles and kiosks never lose an update).
final class ConsoleDriver: LoopClient, ElmProgram {
    var model: ConsoleModel
    let service: FloorService
    var clock: () -> Date
    private(set) var quitRequested = false
    var repaintRequested = false
    var version = 0

    init(model: ConsoleModel, service: FloorService, clock: @escaping () -> Date = Date.init) {
        self.model = model
        self.service = service
        self.clock = clock
        self.model.plant = try? service.plantIndex()
    }

    var screen: Screen { ConsoleView.draw(model) }
    var wedge: WedgeSettings { .defaults }

    static func update(_ m: inout ConsoleModel, _ msg: ConsoleMsg) -> [ConsoleEffect] { ConsoleUpdate.update(&m, msg) }

    func type(_ text: String) { for k in Key.keys(text) { send(.key(k)) } }

    func perform(_ effect: ConsoleEffect) -> ConsoleMsg? {
        switch effect {
        case .quit: quitRequested = true; return nil
        case .redraw: repaintRequested = true; return nil
        case .load: return load()
        case .run(let command):
            guard let person = model.person else { return .refused("sign in first") }
            do {
                switch try service.runAtConsole(command, badge: person.badge, now: clock()) {
                case .refused(let r): return .refused(Self.refused(r))
                case .done(let events):
                    return .done("RECORDED \(Signature.meaning(of: command)): " + Describe.events(events))
                }
            } catch {
                return .failed("\(error)")
            }
        case .sign(let command, let badge, let secret, let method):
            guard model.person != nil else { return .refused("sign in first") }
            do {
                let outcome = try SigningSecrets.runSigned(
                    command, badge: badge, secret: secret, service: service, station: Station.console.id, method: method, now: clock())
                switch outcome {
                case .refused(let r): return .refused(Self.refused(r))
                case .done(let events):
                    let shown = events.filter {
                        if case .signatureApplied = $0.event { return false }; return true
                    }
                    return .signed(
                        "SIGNED \(Signature.meaning(of: command)): " + Describe.events(shown),
                        fullSignature: method == .badgeAndSecret && badge == model.person?.badge)
                }
            } catch {
                return .failed("\(error)")
            }
        case .signIn(let badge, let secret, let newSecret):
            do {
                let r = try SigningSecrets.check(
                    secret, newSecret: newSecret, for: badge, service: service, station: Station.console.id, now: clock())
                if let r {
                    // Renewing (or asked to): the sign-in pad asks the given secret and a new one again.
                    if newSecret != nil { return .renewSecret(badge: badge, text: "not signed in: " + Self.refused(r)) }
                    if r.codes == [RefusalCode.secretMustChange.rawValue] { return .renewSecret(badge: badge, text: Self.refused(r)) }
                    return .refused("not signed in: " + Self.refused(r))
                }
                return .signedIn(badge: badge)
            } catch {
                return .failed("\(error)")
            }
        case .loadOrders(let path):
            guard let person = model.person else { return .refused("sign in first") }
            do {
                let r = try MasterData.loadOrders(path: path, store: service.store, by: .person(badge: person.badge), now: clock())
                return .done("loaded \(Sanitize.line(path)): \(r)")
            } catch let refusal as Refusal {
                return .refused("REFUSED: " + Sanitize.line(refusal.description))
            } catch let e as FileProblems {
                return .refused(
                    "REFUSED \(Sanitize.line(path)): " + e.problems.prefix(3).map { Sanitize.line($0.description) }.joined(separator: "; ")
                        + (e.problems.count > 3 ? " (+\(e.problems.count - 3) more)" : "") + "; nothing was loaded")
            } catch {
                return .refused("REFUSED \(Sanitize.line(path)): \(Sanitize.line("\(error)")); nothing was loaded")
            }
        }
    }

    static func refused(_ r: Refusal) -> String { "REFUSED: " + r.reasons.map { Sanitize.line($0.message) }.joined(separator: "; ") }

    private func load() -> ConsoleMsg {
        guard model.person != nil else { return .loaded(ConsoleTable(), lastEvent: model.lastEvent, plant: model.plant) }
        do {
            let screen = model.screen
            let l = try ConsoleLoader.load(screen, service: service, now: clock(), ncrs: model.ncrFilter)
            return .loaded(l.table, lastEvent: l.lastEvent, plant: l.plant)
        } catch {
            return .failed("cannot read the store: \(error)")
        }
    }

    /// Signs in the person whose plant-file `logins` name this process's OS user (not $USER,
    /// which a session can set to anything).
    func signInFromLogin() {
        guard let pw = getpwuid(getuid()), let name = String(validatingCString: pw.pointee.pw_name) else { return }
        guard let p = model.plant?.person(forLogin: name) else { model.login = name; return }
        send(.loginSession(badge: p.badge))
        if model.person == nil { model.login = name }
    }

    // MARK: LoopClient
    func resize(width: Int, height: Int) { send(.resize(width: width, height: height)) }
    func tick(_ now: Date) { send(.tick(now)) }
    /// The idle sign-out is a deadline.
    func msUntilDue() -> Int? {
        guard let idle = model.idleSignOut, model.person != nil else { return nil }
        return max(0, Int((idle - clock().timeIntervalSince(model.lastInput)) * 1000))
    }
    func forceLoad() { send(load()) }
    func reloadIfChanged() {
        guard model.person != nil, let last = try? service.store.read({ db in try EventLog.lastPosition(db: db) }), last != model.lastEvent else {
            return
        }
        send(load())
    }
    func idle() { _ = try? service.checkpointIfDue(every: 50) }
    func key(_ key: Key) { send(.key(key)) }
    func scan(_ code: String, symbology: String?) { send(.scan(code)) }
}
