import Foundation
import GRDB
import Testing

@testable import FloorCentral
@testable import LocalStore
@testable import MESCore

@Suite(.serialized) struct ReplicationHTTPTests {
    @Test func anEmptyKioskBootstrapsFromTheSnapshotAndWorkFlowsBetweenKiosks() async throws {
        let h = try Harness()
        try await h.serve()
        defer { Task { await h.stop() } }
        // K1 starts empty: snapshot (plant and orders loaded at the central node), then the tail.
        let secret = try h.enroll("K1")
        let path = h.dir + "/K1.db"
        let boot = SyncClient(store: try Store.inMemory(), central: h.url, node: "K1", secret: secret)
        let position = try await boot.bootstrap(into: path)
        #expect(position == h.head)
        let k1 = try Store.open(path: path)
        #expect(try k1.nodeID() == "K1")
        #expect(try k1.meta(Replication.secretKey) == secret)
        #expect(try k1.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM central_nodes") } == 0)  // no secrets shipped
        #expect(try FloorService(store: k1).plantIndex() != nil)
        let c1 = try SyncClient.configured(store: k1)

        // K2 by the tail only.
        let (k2, c2) = try h.kiosk("K2")
        _ = try await c2.exchange()
        #expect(try NodeView(k2).parts == NodeView(k1).parts)

        // Work at K1 reaches K2 through one push and a long-poll that wakes on it.
        var work = try RandomWork(store: k1, seed: 1)
        #expect(work.run(30, at: Harness.start.addingTimeInterval(3600)) > 0)
        let clock = ContinuousClock()
        // The long-poll may wait 20 s: it must wake on the push, before that (with the whole suite
        // beside it, tmux kiosks and scrypt included, a 2-core machine has taken 16.9 s).
        async let waited = c2.pull(wait: 20)
        try await Task.sleep(for: .milliseconds(200))
        let t0 = clock.now
        let pushed = try await c1.push()
        #expect(pushed.pushed > 0)
        let r = try await waited
        #expect(r.pulled == pushed.pushed)
        #expect(clock.now - t0 < .seconds(19))
        #expect(try NodeView(k2) == NodeView(k1).withEvents(from: k2))
        #expect(try k1.read { db in try Replication.pendingCount(db: db) } == 0)
    }

    @Test func badInputGetsAClearRefusalAndChangesNothing() async throws {
        let h = try Harness(maxBatchBytes: 200_000)
        try await h.serve()
        defer { Task { await h.stop() } }
        let (k1, c1) = try h.kiosk("K1")
        _ = try await c1.pull()
        let service = FloorService(store: k1)
        for i in 0..<5 { _ = try service.runAtConsole(.note(aggregate: "part:WO-1-001", text: "n\(i)"), badge: "9001", now: Harness.start) }
        let own = try k1.read { db in try Replication.outgoing(limit: 100, db: db) }
        #expect(own.count == 5)
        let secret = h.secrets["K1"]!
        let before = h.head
        func seg(_ events: [EventEnvelope], source: String = "K1") -> Data {
            Segment(header: .init(source: source, kind: .node), items: events.map { Segment.Item(envelope: $0) }).encode(secret: secret)
        }
        func push(_ body: Data, node: String? = "K1", secret s: String? = nil) async throws -> (Int, String) {
            try await h.raw(method: "POST", target: "/v1/push", body: body, node: node, secret: node == nil ? nil : (s ?? secret))
        }

        // Malformed JSON.
        var (status, text) = try await push(Data("{\"floor-segment\":1,\"source\":\"K1\",\"kind\":\"node\"}\n{not json\n{\"end\":{}}\n".utf8))
        #expect(status == 400); #expect(text.contains("malformed"))
        // Missing and wrong secret.
        (status, text) = try await push(seg(own), node: nil)
        #expect(status == 401); #expect(text.contains("no Authorization"))
        (status, text) = try await push(seg(own), secret: String(repeating: "0", count: 64))
        #expect(status == 401); #expect(text.contains("does not match"))
        // A gap: seq 3.. without 1 and 2.
        (status, text) = try await push(seg(Array(own[2...])))
        #expect(status == 409); #expect(text.contains("\"expected\":1"))
        // One byte of an event changed (the segment's own digest made again): the event checksum catches it.
        var altered = own
        altered[0].payload = altered[0].payload.replacingOccurrences(of: "n0", with: "n9")
        (status, text) = try await push(seg(altered))
        #expect(status == 422); #expect(text.contains("bad_checksum"))
        // Someone else's events.
        var foreign = own
        foreign[0].node = "K2"
        (status, text) = try await push(seg(foreign))
        #expect(status == 403)
        // Oversized.
        let big = Data(repeating: UInt8(ascii: "x"), count: 300_000)
        (status, text) = try await push(big)
        #expect(status == 413); #expect(text.contains("too_large"))
        // Nothing of any of them is stored.
        #expect(h.head == before)

        // The real push goes through; then a fork: another event under identity K1/epoch/1.
        (status, _) = try await push(seg(own))
        #expect(status == 200)
        #expect(h.head == before + 5)
        var fork = own[0]
        fork.payload = fork.payload.replacingOccurrences(of: "n0", with: "FORKED")
        fork.checksum = EventLog.checksum(of: fork)
        (status, text) = try await push(seg([fork]))
        #expect(status == 409); #expect(text.contains("fork"))
        #expect(h.head == before + 5)
        // The refusal is shown to supervisors on the node's row.
        #expect(try h.central.read { db in try Central.nodes(db: db) }.first { $0.node == "K1" }?.lastError?.contains("forked") == true)

        // Revocation (as by `floor central revoke-node` in another process): the secret stops working within a second.
        try h.central.write { db in try Central.revoke(node: "K1", db: db) }
        try await Task.sleep(for: .milliseconds(1100))  // secrets are re-read at most once a second
        (status, text) = try await push(seg(own))
        #expect(status == 403); #expect(text.contains("revoked"))
        (status, _) = try await h.raw(method: "GET", target: "/v1/pull?after=0", body: Data(), node: "K1", secret: secret)
        #expect(status == 403)
        // Health and metrics need no secret.
        (status, text) = try await h.raw(method: "GET", target: "/v1/health", body: Data(), node: nil, secret: nil)
        #expect(status == 200); #expect(text.contains("\"head\":\(before + 5)"))
        (status, text) = try await h.raw(method: "GET", target: "/v1/metrics", body: Data(), node: nil, secret: nil)
        #expect(text.contains("floor_refused_total{code=\"fork\"} 1"))
    }

    /// Three kiosks doing random, conflicting work offline, and every way of delivering it:
    /// HTTP pushes and pulls in small batches, files both ways, segments imported out of order
    /// and twice, deliveries dropped and retried, a node cut off for rounds then healed. After a
    /// full exchange every node holds the same events, once each, and shows the same state.
    @Test(arguments: [11, 12, 13] as [UInt64])
    func threeNodesConvergeWhateverTheDelivery(seed: UInt64) async throws {
        let h = try Harness()
        try await h.serve()
        defer { Task { await h.stop() } }
        var rng = SplitMix64(seed: seed)
        var nodes: [(id: String, store: Store, client: SyncClient, work: RandomWork)] = []
        for id in ["K1", "K2", "K3"] {
            let (s, c) = try h.kiosk(id)
            _ = try await c.pull()
            nodes.append((id, s, c, try RandomWork(store: s, seed: rng.next())))
        }
        let files = h.dir + "/files"
        var partitioned: Set<String> = []
        var t = Harness.start.addingTimeInterval(3600)
        for round in 0..<16 {
            if rng.next() % 4 == 0 { partitioned = [nodes[Int(rng.next() % 3)].id] } else if rng.next() % 3 == 0 { partitioned = [] }
            for i in nodes.indices {
                t = t.addingTimeInterval(60)
                _ = nodes[i].work.run(Int(3 + rng.next() % 8), at: t)
                let node = nodes[i]
                if partitioned.contains(node.id) { continue }
                switch rng.next() % 5 {
                case 0:  // HTTP, pushed twice (a retry after a lost answer)
                    _ = try await node.client.push()
                    try node.store.write { db in
                        for e in try Replication.ownEpochs(db: db) { try Replication.setAcked(epoch: e, seq: 0, force: true, db: db) }
                    }
                    let again = try await node.client.push()
                    #expect(again.pushed == 0)
                    _ = try await node.client.pull(batch: Int(1 + rng.next() % 7))
                case 1:  // files to the central node, imported out of order and twice
                    let out = files + "/r\(round)-\(node.id)"
                    let written = try SegmentFiles.export(store: node.store, to: out, all: rng.next() % 2 == 0)
                    let shuffled = written.shuffled(using: &rng)
                    for f in shuffled + shuffled { _ = try? h.service.importFile(try Data(contentsOf: URL(fileURLWithPath: f))) }
                    _ = try h.service.importFolder(out)
                case 2:  // the central node's export, carried to the node
                    let out = files + "/c\(round)-\(node.id)"
                    _ = try SegmentFiles.export(store: h.central, to: out, all: true, central: true)
                    let report = try SegmentFiles.importInto(store: node.store, from: out)
                    #expect(report.refused.isEmpty, "\(report.refused)")
                case 3:  // dropped this round
                    continue
                default:  // a peer's segment straight from another kiosk (an air-gapped cell)
                    let peer = nodes[(i + 1) % 3]
                    let out = files + "/p\(round)-\(peer.id)-\(node.id)"
                    _ = try SegmentFiles.export(store: peer.store, to: out, all: true)
                    _ = try SegmentFiles.importInto(store: node.store, from: out)
                }
            }
        }
        // Heal: a full exchange for everyone, twice (the first ones' pushes reach the later ones).
        for _ in 0..<2 { for n in nodes { _ = try await n.client.exchange() } }
        // The central node folds its read models behind the log: wait for it, then compare.
        try h.service.waitForProjections()
        #expect(try h.central.read { db in try Projections.lag(db) } == 0)
        let reference = try NodeView(h.central)
        let total = try h.central.read { db in try EventLog.count(db: db) }
        #expect(Set(reference.events).count == total)  // none doubled
        #expect(total > 80)
        #expect(Set(reference.events.map { $0.prefix(2) }) == ["K1", "K2", "K3", "ce"])
        for n in nodes {
            let v = try NodeView(n.store)
            #expect(v.events == reference.events, "\(n.id) holds other events")
            #expect(v.parts == reference.parts, "\(n.id) shows other parts")
            #expect(v.aggregates == reference.aggregates, "\(n.id) folded differently")
            // The conflicts offline work made are listed the same everywhere.
            let conflicts = { (s: Store) in
                try s.read { db in try String.fetchAll(db, sql: "SELECT node || seq || aggregate || text FROM conflicts ORDER BY 1") }
            }
            #expect(try conflicts(n.store) == conflicts(h.central))
            #expect(try n.store.read { db in try Replication.pendingCount(db: db) } == 0)
            #expect(try n.store.read { db in try Audit.verify(db: db) }.isClean)
        }
    }

    /// An event of a type this build does not know, and one dated far ahead, travel like any
    /// other: stored and flagged at the central node and at the kiosk that pulls them, without
    /// blocking what follows them, and without dragging anyone's clock forward.
    @Test func unknownAndFutureDatedEventsAreStoredFlaggedAndPassedOn() async throws {
        let h = try Harness()
        try await h.serve()
        defer { Task { await h.stop() } }
        let (k1, c1) = try h.kiosk("K1")
        let (k2, c2) = try h.kiosk("K2")
        _ = try await c1.pull()
        _ = try await c2.pull()
        let now = Date()
        let unknown = try k1.append([(.unknown(type: "robot.arm.moved", version: 1, payload: #"{"arm":"R1"}"#), "9001")], now: now)[0]
        let future = try k1.append(
            [(.noteAdded(NoteAdded(aggregate: "part:WO-1-001", text: "from a wrong clock")), "9001")],
            now: now.addingTimeInterval(86_400))[0]
        let after = try k1.append([(.noteAdded(NoteAdded(aggregate: "part:WO-1-001", text: "after them")), "9001")], now: now)[0]
        let before = try h.central.nodeState().clock.last
        #expect(try await c1.push().pushed == 3)
        _ = try await c2.pull()
        for store in [h.central, k2] {
            #expect(try store.read { db in try EventLog.flags(of: unknown.id, db: db) } == EventLog.flagUnknownType)
            #expect(try store.read { db in try EventLog.flags(of: future.id, db: db) }.map { $0 & EventLog.flagFuture } == EventLog.flagFuture)
            // What follows them is not blocked (K1's own clock stays ahead after its wrong tick, so
            // its next event is dated ahead too: that is K1's record, kept as written).
            #expect(try store.read { db in try EventLog.event(after.id, db: db) } != nil)
            #expect(try store.nodeState().clock.last.wall < future.hlc.wall)
        }
        #expect(try h.central.nodeState().clock.last >= before)
    }

    @Test func aRestoredKioskStartsANewEpochInsteadOfForking() async throws {
        let h = try Harness()
        try await h.serve()
        defer { Task { await h.stop() } }
        let (k1, c1) = try h.kiosk("K1")
        _ = try await c1.pull()
        let service = FloorService(store: k1)
        _ = try service.runAtConsole(.note(aggregate: "part:WO-1-001", text: "before backup"), badge: "9001", now: Harness.start)
        _ = try await c1.push()
        // A backup, taken now (a consistent copy), then more work pushed from the original.
        let backup = h.dir + "/K1-backup.db"
        try k1.vacuumInto(backup)
        _ = try service.runAtConsole(.note(aggregate: "part:WO-1-001", text: "after backup"), badge: "9001", now: Harness.start)
        _ = try await c1.push()
        let epoch = try k1.nodeState().epoch
        try k1.close()
        // The disk dies; the backup is restored in place. Opening it notices the copy.
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: h.dir + "/K1.db" + s) }
        try FileManager.default.moveItem(atPath: backup, toPath: h.dir + "/K1.db")
        let restored = try Store.open(path: h.dir + "/K1.db")
        let state = try restored.nodeState()
        #expect(state.epoch != epoch)
        #expect(state.seq == 0)
        // It writes and syncs without a fork, and gets the original's lost event back.
        let c = try SyncClient.configured(store: restored)
        _ = try FloorService(store: restored).runAtConsole(
            .note(aggregate: "part:WO-1-001", text: "after restore"), badge: "9001", now: Harness.start)
        let r = try await c.exchange()
        #expect(r.pushed == 1)
        let notes = try restored.read { db in try String.fetchAll(db, sql: "SELECT payload FROM events WHERE type = 'note.added'") }
        #expect(notes.contains { $0.contains("after backup") })
        #expect(try restored.read { db in try Audit.verify(db: db) }.isClean)

        // The same case when the file identity did not change (a disk image restored): the
        // central node's acknowledgement shows it holds more of this epoch than the store does.
        let (k3, c3) = try h.kiosk("K3")
        _ = try await c3.pull()
        let s3 = FloorService(store: k3)
        _ = try s3.runAtConsole(.note(aggregate: "part:WO-1-002", text: "one"), badge: "9001", now: Harness.start)
        _ = try s3.runAtConsole(.note(aggregate: "part:WO-1-002", text: "two"), badge: "9001", now: Harness.start)
        _ = try await c3.push()
        let e3 = try k3.nodeState().epoch
        try k3.write { db in  // back to the image taken after "one", before it was pushed
            let first = try #require(try EventLog.event(EventID(node: "K3", epoch: e3, seq: 1), db: db))
            try db.execute(sql: "DELETE FROM events WHERE node = 'K3' AND seq = 2")
            try db.execute(sql: "UPDATE node_state SET seq = 1, last_hash = ?", arguments: [first.checksum])
            try Replication.setAcked(epoch: e3, seq: 0, force: true, db: db)
        }
        let r3 = try await c3.push()
        #expect(r3.newEpoch)
        #expect(try k3.nodeState().epoch != e3)
        _ = try s3.runAtConsole(.note(aggregate: "part:WO-1-002", text: "three"), badge: "9001", now: Harness.start)
        let again = try await c3.exchange()
        #expect(again.pushed == 1)
        #expect(try k3.read { db in try Audit.verify(db: db) }.isClean)
        #expect(try NodeView(k3).events == NodeView(h.central).events)
    }
}

extension NodeView {
    /// This view with another store's event list (to compare state only).
    func withEvents(from store: Store) throws -> NodeView {
        var v = self
        v.events = try NodeView(store).events
        return v
    }
}
