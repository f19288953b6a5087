import ArgumentParser
import Foundation
import MESCore

/// Pages of `docs/` that are generated from Floor's own tables, printed (tests check the
/// committed pages against them).
struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Print a documentation page generated from Floor's own tables.",
        subcommands: [RefusalCodes.self])

    struct RefusalCodes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refusal-codes",
            abstract: "Every refusal code and what it means (docs/refusal-codes.md).")
        func run() throws { print(RefusalCode.markdown, terminator: "") }
    }
}
