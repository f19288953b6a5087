import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check the record.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the whole log of a store: hash chains, gaps, checksums, and that each signature's hashes match its records.")
        @OptionGroup var store: StoreOptions
        func run() throws {
            try runReporting {
                let s = try store.open(create: false)
                let report = try s.read { try Audit.verify(db: $0) }
                for p in report.problems { print("PROBLEM \(Sanitize.line(p.description))") }
                print(
                    "\(report.eventsChecked) events checked, \(report.signaturesChecked) signatures checked against their records"
                        + (report.simulatedSignatures > 0 ? " (\(report.simulatedSignatures) simulated)" : "") + ", \(report.problemCount) problems")
                if report.unsignedRecords > 0 {
                    print("WARNING \(report.unsignedRecords) records of a signed kind carry no signature (written before signatures were recorded?)")
                }
                if !report.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
