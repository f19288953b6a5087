import Foundation
import GRDB
import LocalStore
import MESCore

extension CentralService {
    // MARK: Pull

    /// Events after `position` (at most `limit`); when there are none and `wait` > 0, waits up to
    /// `wait` for new ones (long-poll). Returns the segment's bytes.
    public func pull(node: String, after position: Int64, limit: Int, wait: Duration) async throws -> Data {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        lock.withLock { counters.pulls += 1 }
        while true {
            let segment = try await read { db in
                try Central.pull(after: position, limit: max(1, min(limit, 10_000)), db: db)
            }
            let now = clock.now
            if !segment.items.isEmpty || now >= deadline {
                markPull(node: node, position: segment.lastPosition ?? position)
                return segment.encode()
            }
            // Wake on a push here, or re-read after a second (a file loaded into the central store
            // by another process, e.g. `floor plant load`, does not pass through this queue).
            await waitForHead(after: position, timeout: min(deadline - now, .seconds(1)))
        }
    }

    func markPull(node: String, position: Int64) {
        let start = lock.withLock { () -> Bool in
            pullMarks[node] = (Date(), position)
            if draining { return false }
            draining = true
            return true
        }
        if start { writeQueue.async { self.drain() } }
    }

    func waitForHead(after position: Int64, timeout: Duration) async {
        let id = UUID()
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let ready = lock.withLock { () -> Bool in
                if head > position { return true }
                waiters[id] = cont
                return false
            }
            if ready { cont.resume(); return }
            Task {
                try? await Task.sleep(for: timeout)
                let c = self.lock.withLock { self.waiters.removeValue(forKey: id) }
                c?.resume()
            }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { cont in
            readQueue.async { [store] in
                cont.resume(with: Result { try store.read(body) })
            }
        }
    }
}
