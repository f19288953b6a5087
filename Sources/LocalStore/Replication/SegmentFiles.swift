import Foundation
import GRDB
import MESCore

/// The file transport: segments in a folder (a shared folder, a USB stick). A file is named
/// `<source>-<first>-<last>.floorseg` after the local positions it covers, is written once and
/// never changed, and carries its own completeness (the trailer), since a stick pulled out early
/// or a half-copied file gives no atomic rename to rely on.
public enum SegmentFiles {
    public static let fileExtension = "floorseg"
    /// Events per file: a file stays a few MB, quick to verify and to re-copy.
    public static let eventsPerFile = 20_000

    public struct FileOutcome: Equatable, Sendable {
        public var file: String
        /// nil when refused
        public var result: Replication.ReceiveResult?
        public var refusal: String?
    }

    public struct ImportReport: Equatable, Sendable {
        public var files: [FileOutcome] = []
        public var applied: Int { files.reduce(0) { $0 + ($1.result?.applied ?? 0) } }
        public var duplicates: Int { files.reduce(0) { $0 + ($1.result?.duplicates ?? 0) } }
        public var refused: [FileOutcome] { files.filter { $0.refusal != nil } }
    }

    /// Writes the store's new events to `dir`: a kiosk its own events (signed with its secret
    /// when enrolled); the central node (`central: true`) its whole log by position. Remembers
    /// how far it exported; `all` writes everything again. Returns the files written.
    public static func export(store: Store, to dir: String, all: Bool = false, central: Bool = false) throws -> [String] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var written: [String] = []
        var from: Int64? = all ? 0 : nil
        while true {
            let batch = try store.read { db -> (Segment, String?, Int64, Int64)? in
                let start = try from ?? (Int64(try Store.meta(Replication.exportPosKey, db: db) ?? "") ?? 0)
                if central {
                    let segment = try Replication.centralSegment(after: start, limit: eventsPerFile, db: db)
                    guard let last = segment.lastPosition else { return nil }
                    return (segment, nil, start, last)
                }
                guard let own = try Replication.exportOwn(after: start, limit: eventsPerFile, db: db) else { return nil }
                return (own.segment, own.secret, start, own.lastPos)
            }
            guard let (segment, secret, start, last) = batch else { break }
            let name = "\(segment.header.source)-\(pad(start + 1))-\(pad(last)).\(fileExtension)"
            let path = (dir as NSString).appendingPathComponent(name)
            try writeDurably(segment.encode(secret: secret), to: path)
            written.append(path)
            from = last
            try store.write { db in try Store.setMeta(Replication.exportPosKey, String(last), db: db) }
        }
        return written
    }

    static func pad(_ n: Int64) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 12 - s.count)) + s
    }

    /// Writes a file and flushes it to the device before returning (a stick may be pulled next).
    static func writeDurably(_ data: Data, to path: String) throws {
        let tmp = path + ".part"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp])
        }
        let fd = open(tmp, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(tmp, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// The segment files of a folder, in the order they should be applied: central segments by
    /// position, then nodes' segments by name (node, then position).
    public static func files(in dir: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix("." + fileExtension) }
        return names.sorted { a, b in
            let ca = a.hasPrefix("central-"), cb = b.hasPrefix("central-")
            if ca != cb { return ca }
            return a < b
        }.map { (dir as NSString).appendingPathComponent($0) }
    }

    /// Takes every segment of `dir` into a node's store, each file in its own transaction
    /// (through `Replication.receive`, as a pull). A refused file changes nothing and is listed
    /// with its reason; files that only failed for a gap are retried after the others.
    public static func importInto(store: Store, from dir: String, now: Date = Date()) throws -> ImportReport {
        try importFolder(dir) { data in
            let segment = try Segment.decode(data)
            return try store.write { db in try Replication.receive(segment, now: now, db: db) }
        }
    }

    /// Applies every segment file of `dir` with `apply` (one transaction per file), in order,
    /// retrying the files refused for a gap while others make progress.
    public static func importFolder(_ dir: String, apply: (Data) throws -> Replication.ReceiveResult) throws -> ImportReport {
        var report = ImportReport()
        var waiting = try files(in: dir)
        var gapReasons: [String: String] = [:]
        while !waiting.isEmpty {
            var next: [String] = []
            var progressed = false
            for path in waiting {
                let name = (path as NSString).lastPathComponent
                do {
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path])
                    }
                    let result = try apply(data)
                    report.files.append(FileOutcome(file: name, result: result, refusal: nil))
                    progressed = true
                } catch {
                    if isGap(error) {
                        next.append(path)
                        gapReasons[name] = describe(error)
                    } else {
                        report.files.append(FileOutcome(file: name, result: nil, refusal: describe(error)))
                    }
                }
            }
            if !progressed {
                for path in next {
                    let name = (path as NSString).lastPathComponent
                    report.files.append(FileOutcome(file: name, result: nil, refusal: gapReasons[name] ?? "not applied"))
                }
                break
            }
            waiting = next
        }
        return report
    }

    static func isGap(_ error: Error) -> Bool {
        if case IngestError.gap? = error as? IngestError { return true }
        if case Replication.ReceiveError.positionGap? = error as? Replication.ReceiveError { return true }
        return false
    }

    public static func describe(_ error: Error) -> String {
        if let e = error as? CocoaError {
            if let path = e.userInfo[NSFilePathErrorKey] as? String { return "cannot read or write \(path)" }
            return e.localizedDescription
        }
        return "\(error)"
    }
}
