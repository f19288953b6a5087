import Foundation
import ScannerInput
import Testing

@testable import FloorTUI

@Suite("keymaps")
struct KeymapTests {
    @Test func shippedKeymapsLoadAndCoverTheWorkflow() throws {
        for name in ["default", "kiosk", "vi"] {
            let k = try KioskHarness.keymap(name)
            #expect(k.name == name)
            // Every keymap can do the whole station workflow.
            for (action, context) in [
                (Action.help, KeyContext.queue), (.manualEntry, .queue), (.open, .queue), (.start, .part),
                (.pause, .part), (.complete, .part), (.measure, .part), (.hold, .part), (.scrap, .part),
                (.undo, .part), (.downtime, .part), (.fpiPass, .part), (.accept, .measure), (.accept, .entry),
                (.accept, .picker), (.back, .measure), (.erase, .entry), (.up, .picker), (.down, .picker),
            ] {
                #expect(!k.keys(for: action, in: context).isEmpty, "\(name) has no key for \(action) in \(context)")
            }
        }
    }

    @Test func kioskKeymapNeedsOnlyANumericPad() throws {
        let k = try KioskHarness.keymap("kiosk")
        let pad = Set("0123456789.+-*/".map { Key.char($0) } + [Key.enter, .backspace])
        for context in [KeyContext.queue, .part, .measure, .picker, .entry, .help] {
            for action in [Action.open, .start, .complete, .measure, .accept, .back, .help, .up, .down, .manualEntry] {
                let keys = k.keys(for: action, in: context)
                if keys.isEmpty { continue }
                #expect(keys.contains { pad.contains($0) }, "\(action) in \(context) needs a key off the pad: \(keys)")
            }
        }
    }

    @Test func badKeymapsAreRefusedWithFileAndLine() {
        func error(_ text: String) -> String {
            do { _ = try Keymap.parse(text, name: "x", file: "x.keymap"); return "" } catch { return "\(error)" }
        }
        #expect(error("bind queue Enter open\nbind queue F13 start\n") == "x.keymap:2: unknown key \"F13\"")
        #expect(error("# c\n\nbind part s strt\n") == "x.keymap:3: unknown action \"strt\" (did you mean start?)")
        #expect(error("bind nowhere s start").hasPrefix("x.keymap:1: unknown context \"nowhere\""))
        #expect(error("map queue s start").hasPrefix("x.keymap:1: unknown directive \"map\""))
        #expect(error("bind queue s") == "x.keymap:1: expected: bind <context> <key> <action>")
        #expect(error("bind queue Hyper-x start\nbind queue s sta\n") == "x.keymap:1: unknown key \"Hyper-x\" (and 1 more problem(s))")
    }

    @Test func keyNamesRoundTrip() {
        for name in ["F1", "F12", "Enter", "Esc", "Tab", "Backspace", "Up", "PgDn", "Space", "Ctrl-L", "a", "?", "*", "8"] {
            let key = KeyName.parse(name)
            #expect(key != nil, "\(name)")
            #expect(KeyName.name(key!) == name)
        }
        #expect(KeyName.parse("ctrl-q") == .char("\u{11}"))
        #expect(KeyName.parse("") == nil)
        #expect(KeyName.parse("ab") == nil)
    }

    @Test func globalBindingsApplyUnlessTheContextBindsTheKey() throws {
        let k = try Keymap.parse("bind global q quit\nbind help q back\n", name: "t", file: "t")
        #expect(k.action(for: .char("q"), in: .queue) == .quit)
        #expect(k.action(for: .char("q"), in: .help) == .back)
    }

    @Test func readOnlyNeverOffersMutatingActions() throws {
        for name in ["default", "kiosk", "vi"] {
            let k = try KioskHarness.keymap(name)
            for b in k.bindings {
                if b.action.mutating { #expect(k.action(for: b.key, in: b.context, readOnly: true) == nil) }
            }
            for context in KeyContext.allCases {
                #expect(!k.help(for: context, readOnly: true).contains { h in Action.allCases.contains { $0.mutating && $0.title == h.title } })
            }
        }
    }

    @Test func loaderFindsByNameAndReportsWhatItSearched() throws {
        let dir = FloorBinary.packageRoot.appendingPathComponent("keymaps").path
        #expect(try KeymapLoader.load("vi", searchPath: [dir]).name == "vi")
        do {
            _ = try KeymapLoader.load("nope", searchPath: [dir])
            Issue.record("loaded a keymap that does not exist")
        } catch {
            #expect("\(error)".contains("keymap \"nope\" not found"))
            #expect("\(error)".contains(dir))
        }
    }

    @Test func scanPrefixEscapes() {
        #expect(KioskLaunch.unescape("\\x02") == "\u{02}")
        #expect(KioskLaunch.unescape("]C1") == "]C1")
        #expect(KioskLaunch.unescape("A\\x1dB") == "A\u{1D}B")
        #expect(KioskLaunch.unescape("\\x2") == nil)
        #expect(KioskLaunch.unescape("\\xZZ") == nil)
    }
}
