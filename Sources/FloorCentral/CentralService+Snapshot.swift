import Foundation
import GRDB
import LocalStore
import MESCore

extension CentralService {
    // MARK: Snapshot

    /// A snapshot file of the central store (made again when older than `snapshotMaxAge`) and
    /// the position it holds.
    public func snapshot() async throws -> (path: String, position: Int64) {
        try await withCheckedThrowingContinuation { cont in
            readQueue.async { [self] in
                cont.resume(with: Result { try self.snapshotNow() })
            }
        }
    }

    func snapshotNow() throws -> (path: String, position: Int64) {
        try snapshotLock.withLock {
            let fm = FileManager.default
            // The position is kept beside the file: opening the snapshot to read it would write.
            if let attrs = try? fm.attributesOfItem(atPath: snapshotPath),
                let made = attrs[.modificationDate] as? Date, Date().timeIntervalSince(made) < snapshotMaxAge,
                let text = try? String(contentsOfFile: snapshotPath + ".pos", encoding: .utf8), let pos = Int64(text)
            {
                return (snapshotPath, pos)
            }
            let tmp = snapshotPath + ".tmp"
            let pos = try Central.writeSnapshot(store: store, to: tmp)
            try? fm.removeItem(atPath: snapshotPath + ".pos")
            guard rename(tmp, snapshotPath) == 0 else {
                throw CentralRefusal(status: 500, code: "internal", message: "cannot put the snapshot in place at \(snapshotPath)")
            }
            try String(pos).write(toFile: snapshotPath + ".pos", atomically: true, encoding: .utf8)
            lock.withLock { counters.snapshots += 1 }
            return (snapshotPath, pos)
        }
    }

    // MARK: Export

    /// Writes the central log after the last export to DIR as segment files (see `SegmentFiles`).
    public func export(to dir: String, all: Bool) throws -> [String] {
        try SegmentFiles.export(store: store, to: dir, all: all)
    }
}
