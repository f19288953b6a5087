import Foundation
import ScannerInput
import Testing

@testable import FloorTUI

/// The action table and the pages generated from the keymaps.
@Suite struct GeneratedDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyShippedKeymapHasItsCurrentPage() throws {
        let dir = Self.root.appendingPathComponent("keymaps")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".keymap") }
            .map { String($0.dropLast(".keymap".count)) }.sorted()
        #expect(names == ["default", "kiosk", "vi"])
        for name in names {
            let keymap = try KeymapLoader.load(dir.appendingPathComponent(name + ".keymap").path)
            let page = try String(contentsOf: Self.root.appendingPathComponent("docs/keymaps/\(name).md"), encoding: .utf8)
            #expect(
                page == KeymapDoc.markdown(keymap),
                "docs/keymaps/\(name).md is out of date: regenerate it with `swift run floor docs keymap \(name) > docs/keymaps/\(name).md`")
        }
    }

    @Test func aKeymapPageListsEveryBindingOfEachScreen() throws {
        let keymap = try Keymap.parse("bind part 1 start\nbind part | complete\nbind global * help\n", name: "t", file: "t.keymap")
        let page = KeymapDoc.markdown(keymap)
        #expect(page.contains("## `part`"))
        #expect(page.contains("| `1` | `start` | start (sends `CMD:START`) | yes |"))
        #expect(page.contains("| `\\|` | `complete` | complete (sends `CMD:COMPLETE`) | yes |"))
        #expect(page.contains("| `*` | `help` | help |  |"))
        #expect(!page.contains("## `queue`"))  // a screen the file binds nothing on
    }

    @Test func theActionTableIsConsistent() {
        // Every action that sends a card changes data, and its card acts on a part or the station.
        for a in Action.allCases {
            #expect(!a.spec.title.isEmpty)
            if let v = a.spec.verb { #expect(a.mutating, "\(a) sends \(v) but is not marked as changing data") }
        }
        #expect(Set(Action.allCases.map(\.title)).count == Action.allCases.count, "two actions have one title")
        #expect(Action.start.spec.verb == .start && Action.fpiPass.spec.verb == .pass && Action.measure.spec.verb == nil)
        #expect(!Action.help.mutating && Action.loadOrders.mutating)
    }
}
