import Foundation
import LocalStore
import MESCore
import ScannerInput
import Testing

@testable import FloorStation
@testable import FloorTUI

/// The test driver: one scenario API for a kiosk, run in process (the Elm loop on the virtual
/// screen, with the store and the clock of this process) or against the real `floor kiosk` binary
/// in a pseudo-terminal (tmux, whose emulator the screen is read back from). A test body written
/// against `KioskScenario` runs both ways, as Hummingbird's test helper runs one body against the
/// router or a live server:
///
///     @Test(arguments: KioskWay.allCases) func something(_ way: KioskWay) throws {
///         let k = try KioskScenario.demo(way)
///         try k.scan("EMP:101"); k.wait(for: "Lena Vogel")
///     }
///
/// Keys are named as keymap files name them (`F5`, `Enter`, `Esc`, `Down`, `PgUp`, `a`).
/// `KioskHarness` (a fixed clock, golden screens) and `Tmux` (bytes, signals, CPU) stay for what
/// only one way can check; both are what the two ways here are made of.
enum KioskWay: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inProcess = "in-process", binary = "binary in a pty"
    var testDescription: String { rawValue }
    /// The binary way needs tmux.
    var available: Bool { self == .inProcess || Tmux.available }
}

protocol KioskScenario: AnyObject {
    /// A scanner's burst (the code and Enter).
    func scan(_ code: String) throws
    /// One key, as a keymap file names it.
    func key(_ name: String) throws
    /// A person typing, one key at a time.
    func type(_ text: String) throws
    func resize(_ width: Int, _ height: Int) throws
    /// The screen now, as text (one line per row).
    var screen: String { get }
    /// The screen once it shows `text`; records an issue at the caller when it never does.
    @discardableResult
    func wait(for text: String, timeout: TimeInterval, sourceLocation: SourceLocation) -> String
    /// The store the kiosk works on, for what a test checks behind the screen.
    var store: FloorBinary { get }
}

extension KioskScenario {
    @discardableResult
    func wait(for text: String, timeout: TimeInterval = 5, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        wait(for: text, timeout: timeout, sourceLocation: sourceLocation)
    }

}

extension KioskWay {
    /// A kiosk of `station` on a fresh demo store (`floor demo --no-kiosk`), driven this way, once
    /// it shows its login screen.
    func demoKiosk(station: String = "K-SW1", width: Int = 80, height: Int = 24, keymap: String = "default") throws -> KioskScenario {
        let f = try FloorBinary.demo()
        let k: KioskScenario
        switch self {
        case .inProcess: k = try InProcessKiosk(f, station: station, width: width, height: height, keymap: keymap)
        case .binary: k = try BinaryKiosk(f, station: station, width: width, height: height, keymap: keymap)
        }
        k.wait(for: "SCAN YOUR BADGE")
        return k
    }
}

/// The kiosk's program in this process: `KioskDriver` on the demo store, the real clock.
final class InProcessKiosk: KioskScenario {
    let store: FloorBinary
    let driver: KioskDriver

    init(_ f: FloorBinary, station: String, width: Int, height: Int, keymap: String) throws {
        store = f
        let service = FloorService(store: try Store.open(path: f.db, create: false, interactive: true))
        var model = KioskModel(stationID: station, keymap: try KioskHarness.keymap(keymap), now: Date())
        model.width = width; model.height = height
        driver = KioskDriver(model: model, service: service, clock: { Date() })
        driver.forceLoad()
    }

    func scan(_ code: String) throws { driver.scan(code) }
    func key(_ name: String) throws {
        guard let k = KeyName.parse(name) else { throw CocoaError(.coderInvalidValue, userInfo: [NSDebugDescriptionErrorKey: "no key \(name)"]) }
        driver.send(.key(k))
    }
    func type(_ text: String) throws { driver.type(text) }
    func resize(_ width: Int, _ height: Int) throws { driver.send(.resize(width: width, height: height)) }
    var screen: String { driver.screen.text }

    func wait(for text: String, timeout: TimeInterval, sourceLocation: SourceLocation) -> String {
        let end = Date().addingTimeInterval(timeout)
        while true {
            driver.reloadIfChanged()
            let s = screen
            if s.contains(text) { return s }
            if Date() >= end {
                Issue.record("screen never showed \"\(text)\":\n\(s)", sourceLocation: sourceLocation)
                return s
            }
            usleep(20_000)
        }
    }
}

/// The real `floor kiosk` in tmux.
final class BinaryKiosk: KioskScenario {
    let store: FloorBinary
    let tmux: Tmux

    init(_ f: FloorBinary, station: String, width: Int, height: Int, keymap: String) throws {
        store = f
        tmux = try Tmux(
            width: width, height: height,
            command: "\(FloorBinary.path) kiosk --station \(station) --db \(f.db) --keymap \(keymap)")
    }

    /// tmux's names for the keys whose keymap names differ.
    static let tmuxNames = [
        "Esc": "Escape", "Backspace": "BSpace", "PgUp": "PPage", "PgDn": "NPage", "Delete": "DC", "Insert": "IC",
        "Space": "Space", "Hash": "#",
    ]

    func scan(_ code: String) throws { try tmux.scan(code) }
    func key(_ name: String) throws {
        if let t = Self.tmuxNames[name] { try tmux.key(t); return }
        if name.lowercased().hasPrefix("ctrl-"), name.count == 6 { try tmux.key("C-" + name.suffix(1).lowercased()); return }
        if name.count == 1 { try tmux.run(["send-keys", "-t", tmux.session, "-l", name]); usleep(150_000); return }
        try tmux.key(name)
    }
    func type(_ text: String) throws { try tmux.type(text) }
    func resize(_ width: Int, _ height: Int) throws { try tmux.resize(width, height) }
    var screen: String { tmux.screen }
    func wait(for text: String, timeout: TimeInterval, sourceLocation: SourceLocation) -> String {
        tmux.wait(for: text, timeout: timeout, sourceLocation: sourceLocation)
    }
}
