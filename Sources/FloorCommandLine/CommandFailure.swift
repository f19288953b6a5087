import ArgumentParser
import FloorCentral
import Foundation
import LocalStore
import MESCore

/// An error a command reports to a person: the lines to print (sanitized) and the exit status.
/// Every error people can act on conforms, so `runReporting` has one way of reporting them;
/// `ValidationError` stays for usage errors (a malformed option), which ArgumentParser reports.
public protocol CommandError: Error {
    var reportLines: [String] { get }
    var exitStatus: Int32 { get }
}

extension CommandError {
    public var exitStatus: Int32 { 1 }
}

/// A command that cannot do what it was asked, with the message a person reads and the exit status.
public struct CommandFailure: CommandError, CustomStringConvertible {
    public var message: String
    public var status: Int32 = 1
    public init(_ message: String, status: Int32 = 1) { self.message = message; self.status = status }
    public var description: String { message }
    public var reportLines: [String] { ["floor: " + Sanitize.line(message)] }
    public var exitStatus: Int32 { status }
}

extension FileProblems: CommandError {
    public var reportLines: [String] {
        problems.map(\.description) + ["\(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was applied"]
    }
}

extension StoreError: CommandError {
    public var reportLines: [String] { ["floor: " + Sanitize.line(description)] }
}

extension ServiceError: CommandError {
    public var reportLines: [String] { ["floor: " + Sanitize.line(description)] }
}

extension SyncError: CommandError {
    public var reportLines: [String] { ["floor: " + Sanitize.line(description)] }
}

extension CentralRefusal: CommandError {
    public var reportLines: [String] { ["floor: " + Sanitize.line(message)] }
}

/// Prints to standard error.
public func warn(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body`; an error people can act on becomes its lines on standard error and its exit status.
public func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw report(error)
    }
}

/// `runReporting` for async commands.
public func runReportingAsync(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw report(error)
    }
}

/// Prints what `error` says and returns what to throw in its place (ArgumentParser's own exits
/// and usage errors pass through untouched).
func report(_ error: Error) -> Error {
    switch error {
    case let e as CommandError:
        for line in e.reportLines { warn(line) }
        return ExitCode(e.exitStatus)
    case is ExitCode, is CleanExit, is ValidationError:
        return error
    default:
        warn("floor: \(Sanitize.line(String(describing: error)))")
        return ExitCode(1)
    }
}

extension Refusal: CommandError {
    /// A refusal says every reason with its code, and exits 2 as `floor scan` does.
    public var reportLines: [String] { reasons.map { "floor: REFUSED: " + Sanitize.line($0.message) + " [\($0.code)]" } }
    public var exitStatus: Int32 { 2 }
}
