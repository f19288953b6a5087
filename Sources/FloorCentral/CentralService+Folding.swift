import Foundation
import GRDB
import LocalStore
import MESCore

// The central node's read models (board, console) fold behind the log, never inside a push.
extension CentralService {
    /// Folds the read models behind the log once pushes have been quiet for a moment: one slice
    /// per turn of the writer queue, so a push arriving meanwhile waits for one slice at most.
    func scheduleFolding() {
        let go = lock.withLock { () -> Bool in
            if foldingScheduled { return false }
            foldingScheduled = true
            return true
        }
        guard go else { return }
        writeQueue.asyncAfter(deadline: .now() + foldWhenQuietFor) { [self] in
            lock.withLock { foldingScheduled = false }
            let quiet = lock.withLock { jobs.isEmpty && Date().timeIntervalSince(lastPush) >= foldWhenQuietFor }
            if !quiet { scheduleFolding(); return }
            let n = (try? store.write { db in try Projections.catchUp(db, limit: foldSlice) }) ?? 0
            if n > 0 { scheduleFolding() }
        }
    }

    /// Waits until the read models have folded every stored event (benchmarks, tests).
    public func waitForProjections() throws {
        try writeQueue.sync {
            while try store.write({ db in try Projections.catchUp(db, limit: 20_000) }) > 0 {}
        }
    }
}
