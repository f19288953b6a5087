import ArgumentParser
import FloorCommandLine
import Foundation
import MESCore
import ScannerInput

/// Pages of `docs/` that are generated from Floor's own tables, printed (tests check the
/// committed pages against them).
struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Print a documentation page generated from Floor's own tables.",
        subcommands: [RefusalCodes.self, ScanCodes.self, KeymapPage.self])

    struct RefusalCodes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refusal-codes",
            abstract: "Every refusal code and what it means (docs/refusal-codes.md).")
        func run() throws { print(RefusalCode.markdown, terminator: "") }
    }

    struct ScanCodes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan-codes",
            abstract: "Every scan code and command card and what it does (docs/scan-codes.md).")
        func run() throws { print(ScanVocabulary.markdownPage, terminator: "") }
    }

    struct KeymapPage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keymap",
            abstract: "What every key of a keymap does, by screen (docs/keymaps/NAME.md).")
        @Argument(help: "A keymap name (default, kiosk, vi) or a path to a .keymap file.") var name: String
        func run() throws {
            // A keymap that is missing or wrong is not a usage error: said plainly, exit 1.
            try runReporting {
                do {
                    print(KeymapDoc.markdown(try KeymapLoader.load(name)), terminator: "")
                } catch {
                    throw CommandFailure("\(error)")
                }
            }
        }
    }
}
