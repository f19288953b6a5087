import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check the record.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the whole log of a store: hash chains, gaps, checksums.")
        @OptionGroup var store: StoreOptions
        func run() throws {
            try runReporting {
                let s = try store.open(create: false)
                let report = try s.read { try Audit.verify(db: $0) }
                for p in report.problems { print("PROBLEM \(Sanitize.line(p.description))") }
                print("\(report.eventsChecked) events checked, \(report.problems.count) problems")
                if !report.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
