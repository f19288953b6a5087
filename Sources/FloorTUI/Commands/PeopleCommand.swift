import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

/// People's signing secrets (set one's own, a supervisor's reset, unlocking after wrong secrets)
/// and qualifications certified or revoked by a supervisor. Secrets are read without echo
/// (`SecretInput`) and recorded only as their scrypt hash.
struct PeopleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people", abstract: "People's signing secrets and qualifications.",
        subcommands: [SetSecret.self, Unlock.self, Qualify.self, Revoke.self])

    /// A signed act on the command line: asks `badge`'s secret (no echo), decides and records
    /// `command` signed by them at the console, and throws the refusal when there is one.
    static func signed(_ command: Command, by badge: String, store: StoreOptions) throws -> [RecordedEvent] {
        let service = FloorService(store: try store.open(create: false))
        let secret = try SecretInput.read(prompt: "secret of \(Sanitize.line(badge)): ")
        let outcome = try SigningSecrets.runSigned(command, badge: badge, secret: secret, service: service, station: Station.console.id)
        if let r = outcome.refusal { throw r }
        return outcome.events
    }

    /// Asks `badge` for their secret (no echo) and throws the refusal when it is not right.
    static func requireSecret(of badge: String, _ service: FloorService) throws {
        let secret = try SecretInput.read(prompt: "secret of \(Sanitize.line(badge)): ")
        if let r = try SigningSecrets.check(secret, for: badge, service: service, station: Station.console.id) { throw r }
    }

    struct SetSecret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-secret",
            abstract: "Set a person's signing secret (a PIN or password of 8 or more characters), read without echo.",
            discussion: """
                The person sets their own (giving the current one when they have one). A supervisor may reset \
                someone else's with --by: that person must then choose their own before signing. Without a \
                terminal the secrets are read one per line from standard input.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The badge of the person whose secret it is.") var badge: String
        @Option(help: "The badge of the supervisor resetting it (their own secret is asked first).") var by: String?

        func run() throws {
            try runReporting {
                let service = FloorService(store: try store.open(create: false))
                let actor = by ?? badge
                var current: String?
                if actor != badge {
                    try PeopleCommand.requireSecret(of: actor, service)
                } else if SigningRules.needsCurrentSecret(by: actor, for: badge, state: try service.read({ try $0.signing(badge) })) {
                    current = try SecretInput.read(prompt: "current secret: ")
                }
                let new = try SecretInput.read(prompt: "new secret: ")
                guard try SecretInput.read(prompt: "new secret again: ") == new else {
                    throw CommandFailure("the two entries differ: nothing was changed")
                }
                let outcome = try SigningSecrets.set(new, for: badge, by: actor, current: current, service: service, station: Station.console.id)
                if let r = outcome.refusal { throw r }
                print(
                    actor == badge
                        ? "signing secret of \(Sanitize.line(badge)) set"
                        : "signing secret of \(Sanitize.line(badge)) reset: it must be changed at next use")
            }
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unlock a person's signing after wrong secrets: a supervisor's act, signed with their secret.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The badge of the person whose signing is locked.") var badge: String
        @Option(help: "The badge of the supervisor unlocking it.") var by: String

        func run() throws {
            try runReporting {
                _ = try PeopleCommand.signed(.unlockSigning(badge: badge), by: by, store: store)
                print("signing of \(Sanitize.line(badge)) unlocked")
            }
        }
    }

    struct Qualify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Certify a person for a skill until a date: a supervisor's act, signed with their secret.",
            discussion: """
                The certification replaces the plant file's for that skill (people[].qualifications) until the \
                plant file or another act changes it; starts that need the skill are refused after --expires.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The badge of the person certified.") var badge: String
        @Option(help: "The skill (a step's skill in the plant file).") var skill: String
        @Option(help: "The last day the certification holds (2027-11-30).") var expires: String
        @Option(help: "The day it was given (default: today, plant calendar).") var certified: String?
        @Option(help: "The badge of the supervisor certifying.") var by: String

        func run() throws {
            try runReporting {
                guard let until = LocalDate(expires) else { throw CommandFailure("--expires \(Sanitize.line(expires)) is not a date (2027-11-30)") }
                let since: LocalDate
                if let certified {
                    guard let d = LocalDate(certified) else { throw CommandFailure("--certified \(Sanitize.line(certified)) is not a date") }
                    since = d
                } else {
                    guard let plant = try FloorService(store: try store.open(create: false)).plantIndex() else { throw ServiceError.noPlant }
                    since = plant.calendar.localDate(Date())
                }
                _ = try PeopleCommand.signed(.qualify(badge: badge, skill: skill, certified: since, expires: until), by: by, store: store)
                print("\(Sanitize.line(badge)) certified for \(Sanitize.line(skill)) until \(until)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a person's skill (listed or certified), with the reason: a supervisor's act, signed.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The badge of the person.") var badge: String
        @Option(help: "The skill withdrawn.") var skill: String
        @Option(help: "Why (recorded, shown in the audit trail).") var reason: String
        @Option(help: "The badge of the supervisor revoking.") var by: String

        func run() throws {
            try runReporting {
                _ = try PeopleCommand.signed(.revokeQualification(badge: badge, skill: skill, reason: reason), by: by, store: store)
                print("\(Sanitize.line(badge))'s qualification for \(Sanitize.line(skill)) revoked")
            }
        }
    }
}
