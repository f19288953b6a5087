import ArgumentParser
import FloorCentral
import Foundation
import LocalStore
import MESCore

/// A command that cannot do what it was asked, with the message a person reads and the exit status.
public struct CommandFailure: Error, CustomStringConvertible {
    public var message: String
    public var status: Int32 = 1
    public init(_ message: String, status: Int32 = 1) { self.message = message; self.status = status }
    public var description: String { message }
}

/// Prints to standard error.
public func warn(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body`, turning the errors people can act on into a message and exit code 1.
public func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as FileProblems {
        for p in e.problems { warn(p.description) }
        warn("\(e.problems.count) problem\(e.problems.count == 1 ? "" : "s"); nothing was applied")
        throw ExitCode(1)
    } catch let e as StoreError {
        warn("floor: \(e.description)")
        throw ExitCode(1)
    } catch let e as ServiceError {
        warn("floor: \(e.description)")
        throw ExitCode(1)
    } catch let e as CommandFailure {
        warn("floor: \(Sanitize.line(e.message))")
        throw ExitCode(e.status)
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        warn("floor: \(Sanitize.line(String(describing: error)))")
        throw ExitCode(1)
    }
}

/// `runReporting` for async commands, plus replication's errors.
public func runReportingAsync(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as SyncError {
        warn("floor: \(Sanitize.line(e.description))")
        throw ExitCode(1)
    } catch let e as CentralRefusal {
        warn("floor: \(Sanitize.line(e.message))")
        throw ExitCode(1)
    } catch {
        try runReporting { throw error }
    }
}
