import Foundation
import GRDB
import MESCore
import Testing

@testable import LocalStore

@Suite struct EventLogTests {
    // MARK: Helpers

    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func note(_ serial: String = "X", _ text: String = "hi") -> (event: DomainEvent, actor: String) {
        (.noteAdded(NoteAdded(aggregate: "part:\(serial)", text: text)), "B123")
    }

    static func ms(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A temp directory removed when the closure ends.
    static func withTempDir<T>(_ body: (URL) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("floor-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    static func thrown(_ body: () throws -> Void) -> Error? {
        do { try body(); return nil } catch { return error }
    }

    /// Recomputes the checksum after a change (a well-formed but different event).
    static func resealed(_ env: EventEnvelope) -> EventEnvelope {
        var e = env
        e.checksum = EventLog.checksum(of: e)
        return e
    }

    static func remoteEvents(node: String = "kiosk-2", count: Int, now: Date = t0) throws -> (Store, [EventEnvelope]) {
        let remote = try Store.inMemory(nodeID: node)
        let envs = try remote.append((0..<count).map { note("R", "r\($0)") }, now: now)
        return (remote, envs)
    }

    // MARK: Append

    @Test func appendAssignsGaplessSeqAndChainsHashes() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let first = try store.append([Self.note("A"), Self.note("B"), Self.note("C")], now: Self.t0)
        let more = try store.append([Self.note("D")], now: Self.t0.addingTimeInterval(1))
        let all = first + more
        #expect(all.map(\.seq) == [1, 2, 3, 4])
        #expect(Set(all.map(\.epoch)).count == 1)
        #expect(all.allSatisfy { $0.node == "kiosk-1" })
        #expect(all[0].prevHash == "")
        for i in 1..<all.count { #expect(all[i].prevHash == all[i - 1].checksum) }
        for e in all {
            #expect(e.checksum.count == 64)
            #expect(e.checksum == EventLog.checksum(of: e))
            #expect(e.type == "note.added")
            #expect(e.typeVersion == 1)
            #expect(e.actor == "B123")
        }
        #expect(all[3].aggregate == "part:D")

        let state = try store.nodeState()
        #expect(state.seq == 4)
        #expect(state.lastHash == all[3].checksum)
        #expect(state.epoch.count == 16)
        #expect(state.clock.last == all[3].hlc)

        // Read back exactly what was returned.
        let stored = try store.read { db in try EventLog.events(after: 0, limit: 100, db: db) }
        #expect(stored.map(\.envelope) == all)
        #expect(stored.map(\.pos) == [1, 2, 3, 4])
        let ofA = try store.read { db in try EventLog.events(aggregate: "part:A", db: db) }
        #expect(ofA == [all[0]])
        #expect(try store.read { db in try EventLog.count(db: db) } == 4)
        #expect(try store.read { db in try EventLog.lastPosition(db: db) } == 4)
        #expect(try store.read { db in try EventLog.lastSeq(node: "kiosk-1", epoch: state.epoch, db: db) } == 4)
        let viaRow = try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY pos").map(EventLog.envelope(row:)) }
        #expect(viaRow == all)
        #expect(try store.read { db in try Audit.verify(db: db) }.isClean)
    }

    @Test func hlcIsMonotonicWhenWallClockGoesBackwards() throws {
        let store = try Store.inMemory()
        let a = try store.append([Self.note(), Self.note()], now: Self.t0)
        let b = try store.append([Self.note()], now: Self.t0.addingTimeInterval(-3600))
        let c = try store.append([Self.note()], now: Self.t0.addingTimeInterval(0.5))
        let hlcs = (a + b + c).map(\.hlc)
        #expect(hlcs[0] == HLC(wall: Self.ms(Self.t0), logical: 0))
        #expect(hlcs[1] == HLC(wall: Self.ms(Self.t0), logical: 1))
        #expect(hlcs[2] == HLC(wall: Self.ms(Self.t0), logical: 2))
        #expect(hlcs[3] == HLC(wall: Self.ms(Self.t0) + 500, logical: 0))
        for i in 1..<hlcs.count { #expect(hlcs[i - 1] < hlcs[i]) }
        // The wall time (audit only) records what the clock said.
        #expect(b[0].wallTime == Self.ms(Self.t0) - 3_600_000)
    }

    @Test func aggregateEventsComeInCanonicalOrder() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        // Another node's event for the same part, earlier in HLC than ours, arriving later.
        let other = try Store.inMemory(nodeID: "kiosk-0")
        let early = try other.append([Self.note("X", "early")], now: Self.t0.addingTimeInterval(-10))
        let mine = try store.append([Self.note("X", "mine")], now: Self.t0)
        _ = try store.ingest(early, now: Self.t0)
        let ordered = try store.read { db in try EventLog.events(aggregate: "part:X", db: db) }
        #expect(ordered == [early[0], mine[0]])
    }

    @Test func appendRefusesLineBreaksOutsideThePayload() throws {
        let store = try Store.inMemory()
        let err = Self.thrown { try store.append([(Self.note().event, "B1\nB2")], now: Self.t0) }
        #expect(err as? EventLogError == .invalidField(name: "actor", value: "B1\nB2"))
        #expect(try store.nodeState().seq == 0)
        // Line breaks inside the payload are fine: it comes last in the canonical text.
        let ok = try store.append([Self.note("X", "two\nlines")], now: Self.t0)
        #expect(ok[0].checksum == EventLog.checksum(of: ok[0]))
    }

    // MARK: Audit

    @Test func auditReportsExactlyTheTamperedEvent() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let envs = try store.append((0..<5).map { Self.note("X", "n\($0)") }, now: Self.t0)
        try store.write { db in
            try db.execute(sql: "UPDATE events SET payload = replace(payload, 'n2', 'n9') WHERE seq = 3")
        }
        let report = try store.read { db in try Audit.verify(db: db) }
        #expect(report.eventsChecked == 5)
        #expect(report.problemCount == 1)
        let p = try #require(report.problems.first)
        #expect(p.kind == .badChecksum)
        #expect(p.event == envs[2].id)
        #expect(p.pos == 3)
        #expect(report.description.contains("kiosk-1/\(envs[2].epoch)/3"))
    }

    @Test func auditCatchesAResealedEditThroughTheChain() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let envs = try store.append((0..<4).map { Self.note("X", "n\($0)") }, now: Self.t0)
        // A careful forger also rewrites the checksum: the next event's prevHash gives it away.
        var forged = envs[1]
        forged.payload = forged.payload.replacingOccurrences(of: "n1", with: "n7")
        forged = Self.resealed(forged)
        try store.write { db in
            try db.execute(
                sql: "UPDATE events SET payload = ?, checksum = ? WHERE seq = 2",
                arguments: [forged.payload, EventLog.hexDecode(forged.checksum)])
        }
        let report = try store.read { db in try Audit.verify(db: db) }
        #expect(report.problems.map(\.kind) == [.brokenChain])
        #expect(report.problems.first?.event.seq == 3)
    }

    @Test func auditReportsADeletedEventAsAGap() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let envs = try store.append((0..<5).map { Self.note("X", "n\($0)") }, now: Self.t0)
        try store.write { db in try db.execute(sql: "DELETE FROM events WHERE seq = 3") }
        var report = try store.read { db in try Audit.verify(db: db) }
        #expect(report.eventsChecked == 4)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.kind == .gap)
        #expect(report.problems.first?.event == envs[3].id)
        #expect(report.problems.first?.message.contains("seq 3") == true)

        // Deleting the newest event leaves no gap behind it, but node_state knows.
        try store.write { db in try db.execute(sql: "DELETE FROM events WHERE seq = 5") }
        report = try store.read { db in try Audit.verify(db: db) }
        #expect(report.problems.map(\.kind) == [.gap, .missingTail])
        #expect(report.problems.last?.event.seq == 5)
    }

    // MARK: Ingest

    @Test func ingestStoresOtherNodesEventsAndDuplicatesAreNoOps() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        _ = try store.append([Self.note()], now: Self.t0)
        let (_, remote) = try Self.remoteEvents(count: 3, now: Self.t0.addingTimeInterval(60))
        let r1 = try store.ingest(remote, now: Self.t0)
        #expect(r1 == IngestResult(applied: 3, duplicates: 0, flagged: 0))
        // Sent again (whole, or overlapping a new one): nothing twice.
        let r2 = try store.ingest(remote, now: Self.t0)
        #expect(r2 == IngestResult(applied: 0, duplicates: 3, flagged: 0))
        #expect(try store.read { db in try EventLog.count(db: db) } == 4)
        // Our HLC observed theirs (within the allowed drift).
        #expect(try store.nodeState().clock.last == remote[2].hlc)
        let mine = try store.append([Self.note()], now: Self.t0)
        #expect(mine[0].hlc > remote[2].hlc)
        #expect(try store.nodeState().seq == 2)

        // Our own events coming back are duplicates.
        let own = try store.read { db in try EventLog.events(after: 0, limit: 10, db: db) }.map(\.envelope)
            .filter { $0.node == "kiosk-1" }
        #expect(try store.ingest(own, now: Self.t0) == IngestResult(applied: 0, duplicates: 2, flagged: 0))
        #expect(try store.read { db in try Audit.verify(db: db) }.isClean)
    }

    @Test func aDifferentEventUnderAKnownIdentityIsAForkAndNothingIsStored() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let (remoteStore, remote) = try Self.remoteEvents(count: 2)
        _ = try store.ingest(remote, now: Self.t0)
        let next = try remoteStore.append([Self.note("R", "next")], now: Self.t0)
        var forked = remote[1]
        forked.payload = forked.payload.replacingOccurrences(of: "r1", with: "other")
        forked = Self.resealed(forked)
        let err = Self.thrown { _ = try store.ingest(next + [forked], now: Self.t0) }
        #expect(err as? IngestError == .fork(remote[1].id))
        // The valid event before it in the batch was not kept either.
        #expect(try store.read { db in try EventLog.count(db: db) } == 2)

        // Someone posing as us, with an event we never wrote.
        let mine = try store.append([Self.note()], now: Self.t0)
        var impostor = mine[0]
        impostor.seq = 2
        impostor.prevHash = mine[0].checksum
        impostor = Self.resealed(impostor)
        #expect(Self.thrown { _ = try store.ingest([impostor], now: Self.t0) } as? IngestError == .fork(impostor.id))
    }

    @Test func aGapIsRefused() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let (_, remote) = try Self.remoteEvents(count: 4)
        _ = try store.ingest(Array(remote[0...1]), now: Self.t0)
        let err = Self.thrown { _ = try store.ingest([remote[3]], now: Self.t0) }
        #expect(err as? IngestError == .gap(node: "kiosk-2", epoch: remote[0].epoch, expected: 3, got: 4))
        // A stream that does not start at 1.
        let store2 = try Store.inMemory(nodeID: "kiosk-3")
        let err2 = Self.thrown { _ = try store2.ingest(Array(remote[2...3]), now: Self.t0) }
        #expect(err2 as? IngestError == .gap(node: "kiosk-2", epoch: remote[0].epoch, expected: 1, got: 3))
        // In order, it goes in.
        #expect(try store.ingest(Array(remote[2...3]), now: Self.t0).applied == 2)
        #expect(try store.read { db in try EventLog.count(db: db) } == 4)
    }

    @Test func aBrokenChainIsRefused() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let (_, remote) = try Self.remoteEvents(count: 2)
        var second = remote[1]
        second.prevHash = String(repeating: "0", count: 64)
        second = Self.resealed(second)
        let err = Self.thrown { _ = try store.ingest([remote[0], second], now: Self.t0) }
        #expect(err as? IngestError == .brokenChain(second.id))
        #expect(try store.read { db in try EventLog.count(db: db) } == 0)
    }

    @Test func aBadChecksumIsRefused() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let (_, remote) = try Self.remoteEvents(count: 2)
        var bad = remote[1]
        bad.payload = bad.payload.replacingOccurrences(of: "r1", with: "r2")
        let err = Self.thrown { _ = try store.ingest([remote[0], bad], now: Self.t0) }
        #expect(err as? IngestError == .badChecksum(bad.id))
        #expect(try store.read { db in try EventLog.count(db: db) } == 0)
    }

    @Test func anUnknownTypeIsStoredAndFlagged() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let remote = try Store.inMemory(nodeID: "kiosk-9")
        let envs = try remote.append(
            [
                (.unknown(type: "widget.frobbed", version: 1, payload: #"{"a":1}"#), "B9"),
                (.unknown(type: "note.added", version: 7, payload: #"{"aggregate":"part:X","text":"v7"}"#), "B9"),
                Self.note(),
            ], now: Self.t0)
        let result = try store.ingest(envs, now: Self.t0)
        #expect(result == IngestResult(applied: 3, duplicates: 0, flagged: 2))
        let flags = try store.read { db in try envs.map { try EventLog.flags(of: $0.id, db: db) } }
        #expect(flags == [EventLog.flagUnknownType, EventLog.flagUnknownType, 0])
        let back = try store.read { db in try EventLog.event(envs[0].id, db: db) }
        #expect(back == envs[0])
        let report = try store.read { db in try Audit.verify(db: db) }
        #expect(report.isClean)
        #expect(report.unknownTypeEvents == 2)
    }

    @Test func aFutureDatedEventIsFlaggedAndDoesNotMoveOurClock() throws {
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let before = try store.append([Self.note()], now: Self.t0)
        let (_, remote) = try Self.remoteEvents(count: 1, now: Self.t0.addingTimeInterval(3600))
        let result = try store.ingest(remote, now: Self.t0)
        #expect(result == IngestResult(applied: 1, duplicates: 0, flagged: 1))
        #expect(try store.read { db in try EventLog.flags(of: remote[0].id, db: db) } == EventLog.flagFuture)
        #expect(try store.nodeState().clock.last == before[0].hlc)
        let after = try store.append([Self.note()], now: Self.t0.addingTimeInterval(0.001))
        #expect(after[0].hlc == HLC(wall: Self.ms(Self.t0) + 1, logical: 0))
        #expect(try store.read { db in try Audit.verify(db: db) }.futureDatedEvents == 1)
    }

    @Test func aSignedEventWithAnOverflowingClockIsRefusedAndNothingTraps() throws {
        // A hostile run: logical counter 2147483647, wall a few minutes ahead (inside the drift).
        let store = try Store.inMemory(nodeID: "kiosk-1")
        _ = try store.append([Self.note()], now: Self.t0)
        let (_, remote) = try Self.remoteEvents(count: 2, now: Self.t0)
        var hostile = remote[0]
        hostile.hlc = HLC(wall: Self.ms(Self.t0) + 120_000, logical: Int32.max)
        hostile = Self.resealed(hostile)
        let error = Self.thrown { _ = try store.ingest([hostile], now: Self.t0) }
        #expect("\(error.map { String(describing: $0) } ?? "")".contains("out of range"), "\(String(describing: error))")
        #expect(try store.read { db in try EventLog.flags(of: hostile.id, db: db) } == nil)
        // Negative and absurd walls likewise.
        for wall in [Int64(-1), Int64.max] {
            var e = remote[0]
            e.hlc = HLC(wall: wall, logical: 0)
            #expect(Self.thrown { _ = try store.ingest([Self.resealed(e)], now: Self.t0) } != nil)
        }
        // Local work goes on.
        #expect(try store.append([Self.note()], now: Self.t0.addingTimeInterval(0.001)).count == 1)
    }

    @Test func aClockAtTheLogicalBoundMovesOnInsteadOfTrapping() throws {
        // The largest counter a store accepts, ahead of our clock: adopted, then our next events
        // step past it into the next millisecond.
        let store = try Store.inMemory(nodeID: "kiosk-1")
        let (_, remote) = try Self.remoteEvents(count: 1, now: Self.t0)
        var edge = remote[0]
        edge.hlc = HLC(wall: Self.ms(Self.t0) + 60_000, logical: HLC.maxLogical)
        edge = Self.resealed(edge)
        #expect(try store.ingest([edge], now: Self.t0).applied == 1)
        let next = try store.append([Self.note(), Self.note()], now: Self.t0)
        #expect(next.map(\.hlc) == [HLC(wall: edge.hlc.wall + 1, logical: 0), HLC(wall: edge.hlc.wall + 1, logical: 1)])
        #expect(try store.read { db in try Audit.verify(db: db) }.isClean)
    }

    // MARK: Files

    @Test func aStoreWhoseCreationWasKilledBeforeItsFirstMigrationIsMadeWhole() throws {
        try Self.withTempDir { dir in
            // What a process killed between GRDB's `CREATE TABLE grdb_migrations` (outside any
            // transaction) and the first migration leaves: that table alone, empty.
            let path = dir.appendingPathComponent("k2.db").path
            try DatabaseQueue(path: path).write { db in
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            }
            let store = try Store.open(path: path, create: true, nodeID: "K2")
            #expect(try store.read { db in try EventLog.nodeState(db: db).node } == "K2")
            #expect(try store.append([Self.note()], now: Self.t0).count == 1)
            // Someone else's database is still refused.
            let other = dir.appendingPathComponent("other.db").path
            try DatabaseQueue(path: other).write { db in
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
            }
            #expect(Self.thrown { _ = try Store.open(path: other, create: true) } as? StoreError == .notAStore(path: other))
        }
    }

    @Test func aWALLeftByAKilledProcessIsNeverReplayedOntoAReplacedStore() throws {
        try Self.withTempDir { dir in
            // A snapshot being adopted (written in WAL mode), killed: its database and WAL stay.
            let adopted = dir.appendingPathComponent("adopted.db").path
            var store: Store? = try Store.open(path: adopted, nodeID: "K2")
            _ = try store!.append((0..<50).map { Self.note("A", "n\($0)") }, now: Self.t0)
            let tmp = dir.appendingPathComponent("k2.db.download").path
            let killed = dir.appendingPathComponent("killed.db").path
            for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: adopted + suffix, toPath: killed + suffix) }
            func killedCopy() throws {
                for suffix in ["", "-wal"] where !FileManager.default.fileExists(atPath: tmp + suffix) {
                    try FileManager.default.copyItem(atPath: killed + suffix, toPath: tmp + suffix)
                }
            }
            try killedCopy()
            #expect(FileManager.default.fileExists(atPath: tmp + "-wal"))
            // The next attempt puts another store at the same path. Removing only the file, as
            // before, left the killed WAL beside the new file, and SQLite replays it onto it.
            let fresh = dir.appendingPathComponent("fresh.db").path
            _ = try Store.open(path: fresh, nodeID: "K9").append([Self.note("B", "other")], now: Self.t0)
            func nodeAfterReplacing(removing files: [String]) throws -> String {
                for f in files { try? FileManager.default.removeItem(atPath: f) }
                try FileManager.default.copyItem(atPath: fresh, toPath: tmp)
                defer { Store.remove(at: tmp) }
                return try Store.open(path: tmp, create: false).read { db in try EventLog.nodeState(db: db).node }
            }
            #expect(try nodeAfterReplacing(removing: [tmp]) == "K2", "SQLite replays a stale WAL (the hazard)")
            try killedCopy()
            Store.remove(at: tmp)
            #expect(try nodeAfterReplacing(removing: []) == "K9")
            store = nil
            // Killed after any step of `Store.remove`: the path holds the whole old store or
            // nothing, and the next store put there is that store alone.
            for steps in 0...4 {
                try killedCopy()
                Store.remove(at: tmp, steps: steps)
                let there = FileManager.default.fileExists(atPath: tmp)
                if there {
                    #expect(try Store.open(path: tmp, create: false).read { db in try EventLog.nodeState(db: db).node } == "K2")
                    Store.remove(at: tmp)
                } else {
                    // A new store made there (no snapshot to be had) is a new store, stale WAL or not.
                    #expect(
                        try Store.open(path: tmp, create: true, nodeID: "K7").read { db in try EventLog.nodeState(db: db).node } == "K7",
                        "killed after \(steps) steps")
                    Store.remove(at: tmp)
                    try killedCopy()
                    Store.remove(at: tmp, steps: steps)
                    #expect(try nodeAfterReplacing(removing: Store.sideFiles(at: tmp)) == "K9", "killed after \(steps) steps")
                }
                Store.remove(at: tmp)
                try? FileManager.default.removeItem(atPath: tmp + ".removing")
            }
        }
    }

    @Test func hlcAndStreamSurviveClosingAndReopening() throws {
        try Self.withTempDir { dir in
            let path = dir.appendingPathComponent("floor.sqlite").path
            let later = Self.t0.addingTimeInterval(86_400)
            var store: Store? = try Store.open(path: path, nodeID: "kiosk-1")
            let first = try store!.append([Self.note(), Self.note()], now: later)
            try store!.setMeta("central.url", "https://central:8443")
            try store!.close()
            store = nil

            let reopened = try Store.open(path: path, create: false)
            #expect(try reopened.nodeID() == "kiosk-1")
            #expect(try reopened.meta("central.url") == "https://central:8443")
            // The clock remembers: an earlier wall clock after restart still moves forward.
            let next = try reopened.append([Self.note()], now: Self.t0)
            #expect(next[0].hlc == HLC(wall: Self.ms(later), logical: 2))
            #expect(next[0].seq == 3)
            #expect(next[0].epoch == first[0].epoch)
            #expect(next[0].prevHash == first[1].checksum)
            #expect(try reopened.read { db in try Audit.verify(db: db) }.isClean)
            // WAL, NORMAL, foreign keys, busy timeout.
            let (mode, sync, fk) = try reopened.write { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                    try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
                )
            }
            #expect(mode == "wal")
            #expect(sync == 1)
            #expect(fk == 1)
        }
    }

    @Test func aMissingFileWithoutCreateIsNotFound() throws {
        try Self.withTempDir { dir in
            let path = dir.appendingPathComponent("nope.sqlite").path
            #expect(Self.thrown { _ = try Store.open(path: path, create: false) } as? StoreError == .notFound(path: path))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func randomBytesAreADamagedStoreNotACrash() throws {
        try Self.withTempDir { dir in
            let path = dir.appendingPathComponent("junk.sqlite").path
            var rng = SystemRandomNumberGenerator()
            let junk = Data((0..<65536).map { _ in UInt8.random(in: 0...255, using: &rng) })
            try junk.write(to: URL(fileURLWithPath: path))
            let err = Self.thrown { _ = try Store.open(path: path) }
            guard case .damaged(let p, _)? = err as? StoreError else {
                Issue.record("expected StoreError.damaged, got \(String(describing: err))")
                return
            }
            #expect(p == path)
            #expect((err as? StoreError)?.description.contains("damaged") == true)
            // Untouched.
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)

            // A SQLite header followed by garbage gets past the header check; SQLite's own error
            // is mapped.
            let path2 = dir.appendingPathComponent("junk2.sqlite").path
            let real = try Self.realStoreBytes(dir: dir)
            var forged = Data(real.prefix(100))
            forged.append(Data((0..<(real.count - 100)).map { _ in UInt8.random(in: 0...255, using: &rng) }))
            try forged.write(to: URL(fileURLWithPath: path2))
            let err2 = Self.thrown { _ = try Store.open(path: path2) }
            guard case .damaged? = err2 as? StoreError else {
                Issue.record("expected StoreError.damaged, got \(String(describing: err2))")
                return
            }
        }
    }

    @Test func aTruncatedOrEmptyStoreIsDamaged() throws {
        try Self.withTempDir { dir in
            let real = try Self.realStoreBytes(dir: dir)
            let path = dir.appendingPathComponent("half.sqlite").path
            try real.prefix(real.count / 2).write(to: URL(fileURLWithPath: path))
            guard case .damaged? = Self.thrown({ _ = try Store.open(path: path) }) as? StoreError else {
                Issue.record("expected StoreError.damaged for a truncated file")
                return
            }
            let empty = dir.appendingPathComponent("empty.sqlite").path
            _ = FileManager.default.createFile(atPath: empty, contents: Data())
            guard case .damaged? = Self.thrown({ _ = try Store.open(path: empty, create: false) }) as? StoreError else {
                Issue.record("expected StoreError.damaged for an empty file opened without create")
                return
            }
        }
    }

    /// The bytes of a checkpointed file store with a few hundred events (several pages).
    static func realStoreBytes(dir: URL) throws -> Data {
        let path = dir.appendingPathComponent("real-\(UUID().uuidString).sqlite").path
        let store = try Store.open(path: path)
        _ = try store.append((0..<300).map { note("P\($0)", String(repeating: "x", count: 100)) }, now: t0)
        try store.checkpoint()
        try store.close()
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func aStoreFromANewerFloorIsRefused() throws {
        try Self.withTempDir { dir in
            let path = dir.appendingPathComponent("floor.sqlite").path
            let store = try Store.open(path: path)
            _ = try store.append([Self.note()], now: Self.t0)
            try store.close()
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v9-from-the-future')") }
            try queue.close()

            let err = Self.thrown { _ = try Store.open(path: path) }
            #expect(err as? StoreError == .newerVersion(path: path))
            #expect((err as? StoreError)?.description.contains("newer version") == true)
        }
    }

    @Test func someoneElsesDatabaseIsNotAStore() throws {
        try Self.withTempDir { dir in
            let path = dir.appendingPathComponent("other.sqlite").path
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)") }
            try queue.close()
            #expect(Self.thrown { _ = try Store.open(path: path) } as? StoreError == .notAStore(path: path))
        }
    }

    @Test func twoStoresOnOneFileKeepTheSeqGapless() throws {
        try Self.withTempDir { dir in
            let path = dir.appendingPathComponent("shared.sqlite").path
            let a = try Store.open(path: path, nodeID: "kiosk-1")
            let b = try Store.open(path: path)
            #expect(try b.nodeID() == "kiosk-1")
            let stores = [a, b]
            let perStore = 60
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                for n in 0..<perStore {
                    do {
                        _ = try stores[i].append([Self.note("S\(i)", "\(n)")], now: Date())
                    } catch {
                        Issue.record("append failed: \(error)")
                    }
                }
            }
            let envs = try a.read { db in try EventLog.events(after: 0, limit: 1000, db: db) }.map(\.envelope)
            #expect(envs.map(\.seq) == Array(1...Int64(2 * perStore)))
            #expect(try b.nodeState().seq == Int64(2 * perStore))
            for i in 1..<envs.count { #expect(envs[i - 1].hlc < envs[i].hlc) }
            #expect(try b.read { db in try Audit.verify(db: db) }.isClean)
        }
    }

    // MARK: Node id and meta

    @Test func nodeIDCanOnlyChangeBeforeTheFirstEvent() throws {
        let store = try Store.inMemory()
        #expect(try store.nodeID() == "local")
        try store.setNodeID("kiosk-7")
        #expect(try store.nodeID() == "kiosk-7")
        #expect(Self.thrown { try store.setNodeID("bad id") } as? StoreError == .invalidNodeID("bad id"))
        _ = try store.append([Self.note()], now: Self.t0)
        #expect(Self.thrown { try store.setNodeID("kiosk-8") } as? StoreError == .nodeIDLocked(current: "kiosk-7"))
        try store.setNodeID("kiosk-7")

        try Self.withTempDir { dir in
            let path = dir.appendingPathComponent("floor.sqlite").path
            let s = try Store.open(path: path, nodeID: "kiosk-1")
            _ = try s.append([Self.note()], now: Self.t0)
            try s.close()
            #expect(
                Self.thrown { _ = try Store.open(path: path, nodeID: "kiosk-2") } as? StoreError
                    == .nodeIDMismatch(path: path, stored: "kiosk-1", requested: "kiosk-2"))
            #expect(try Store.open(path: path, nodeID: "kiosk-1").nodeID() == "kiosk-1")
        }
    }

    @Test func metaRoundTrips() throws {
        let store = try Store.inMemory()
        #expect(try store.meta("central.url") == nil)
        try store.setMeta("central.url", "https://a")
        try store.setMeta("central.url", "https://b")
        #expect(try store.meta("central.url") == "https://b")
        try store.setMeta("central.url", nil)
        #expect(try store.meta("central.url") == nil)
    }

    @Test func centralPositionIsTheCausalContext() throws {
        let store = try Store.inMemory()
        try store.write { db in try EventLog.setCentralPosition(42, db: db) }
        try store.write { db in try EventLog.setCentralPosition(7, db: db) }
        let e = try store.append([Self.note()], now: Self.t0)
        #expect(e[0].causal == 42)
    }
}
