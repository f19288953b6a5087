import Foundation
import LocalStore
import MESCore
import ScannerInput
import Testing

@testable import FloorStation
@testable import FloorTUI

/// A kiosk on a real store with the demo plant, a fixed clock and deterministic ids.
final class KioskHarness {
    /// Tuesday 2026-11-24 09:00 in Berlin (EARLY shift).
    static let t0 = ISO8601.parse("2026-11-24T08:00:00Z")!
    let dir: URL
    let store: Store
    let service: FloorService
    let driver: KioskDriver
    var now: Date

    /// scrypt at a test's cost (the stored hash names its cost, so verifying follows it).
    static let cheap = SigningSecrets.Cost(ln: 10, r: 8, p: 1)
    static let secret = DemoPlant.signingSecret

    static func keymap(_ name: String = "default") throws -> Keymap {
        try KeymapLoader.load(FloorBinary.packageRoot.appendingPathComponent("keymaps/\(name).keymap").path)
    }

    init(
        station: String = "K-SW1", width: Int = 80, height: Int = 24, keymap: String = "default",
        orders: String = DemoPlant.orders(today: "2026-11-24", week: "2026-12-01"), plantYAML: String = DemoPlant.yaml
    ) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("floor-kiosk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try Store.open(path: dir.appendingPathComponent("floor.db").path, nodeID: "test")
        let counter = Counter()
        service = FloorService(store: store, newID: { counter.next() })
        now = KioskHarness.t0
        let plant = dir.appendingPathComponent("plant.yaml").path
        try plantYAML.write(toFile: plant, atomically: true, encoding: .utf8)
        _ = try MasterData.loadPlant(path: plant, store: store, by: .commandLine(account: "test"), now: KioskHarness.t0.addingTimeInterval(-86_400))
        try DemoPlant.setSecrets(service: service, cost: KioskHarness.cheap, now: KioskHarness.t0.addingTimeInterval(-86_000))
        let csv = dir.appendingPathComponent("orders.csv").path
        try orders.write(toFile: csv, atomically: true, encoding: .utf8)
        _ = try MasterData.loadOrders(path: csv, store: store, by: .commandLine(account: "test"), now: KioskHarness.t0.addingTimeInterval(-3600))
        var model = KioskModel(stationID: station, keymap: try KioskHarness.keymap(keymap), now: KioskHarness.t0)
        model.width = width; model.height = height
        let box = ClockBox(KioskHarness.t0)
        clockBox = box
        driver = KioskDriver(model: model, service: service, clock: { box.now })
        driver.forceLoad()
    }

    let clockBox: ClockBox
    /// Moves the kiosk's clock forward.
    func advance(_ seconds: TimeInterval) {
        clockBox.now = clockBox.now.addingTimeInterval(seconds)
        driver.send(.tick(clockBox.now))
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    var screen: Screen { driver.screen }
    var text: String { driver.screen.text }
    func scan(_ code: String) { driver.scan(code) }
    func key(_ k: Key) { driver.send(.key(k)) }
    func type(_ s: String) { driver.type(s) }
    /// Runs codes from another "process" (a second session on the same store), as a supervisor would.
    func elsewhere(_ station: String, _ codes: String...) throws {
        var s = StationSession(stationID: station)
        for c in codes {
            var r = try s.handle(c, service: service, now: clockBox.now)
            // A signed record is signed by the person logged in there.
            if r.kind == .needsSignature, let badge = s.person?.badge {
                r = try s.sign(badge: badge, secret: KioskHarness.secret, service: service, now: clockBox.now)
            }
            #expect(r.kind != .refused && r.kind != .needsSignature, "\(c): \(r.text)")
        }
    }
}

final class ClockBox: @unchecked Sendable {
    var now: Date
    init(_ d: Date) { now = d }
}

final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func next() -> String { lock.lock(); defer { lock.unlock() }; n += 1; return String(format: "ID%04d", n) }
}

/// Golden screens: `Golden/<name>.txt` holds the text and the role map. Re-record with
/// FLOOR_RECORD_GOLDEN=1 and review the diff.
func assertGolden(_ screen: Screen, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = FloorBinary.packageRoot.appendingPathComponent("Tests/FloorTUITests/Golden/\(name).txt")
    let actual = "\(screen.width)x\(screen.height)\n" + screen.text + "\n--- roles ---\n" + screen.roleMap + "\n"
    if ProcessInfo.processInfo.environment["FLOOR_RECORD_GOLDEN"] == "1" || !FileManager.default.fileExists(atPath: url.path) {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        if ProcessInfo.processInfo.environment["FLOOR_RECORD_GOLDEN"] != "1" {
            Issue.record("recorded missing golden \(name); review and commit it", sourceLocation: sourceLocation)
        }
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if expected != actual {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false), a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
        Issue.record(
            """
            screen differs from golden \(name) at line \(first + 1):
              expected: \(first < e.count ? String(e[first]) : "<end>")
              actual:   \(first < a.count ? String(a[first]) : "<end>")
            (FLOOR_RECORD_GOLDEN=1 re-records)
            """, sourceLocation: sourceLocation)
    }
}
