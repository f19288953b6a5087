import Foundation
import GRDB
import Testing

@testable import LocalStore
@testable import MESCore

/// Signing secrets in a real store: hashed with scrypt (never stored in the clear), checked
/// offline, wrong ones counted and locking.
@Suite struct SigningSecretsTests {
    /// A cheap cost for tests (the standard cost is measured by `floor-bench signing`).
    static let cheap = SigningSecrets.Cost(ln: 10, r: 8, p: 1)

    func store() throws -> (FloorService, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("signing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try Store.open(path: dir.appendingPathComponent("f.db").path, nodeID: "K1")
        _ = try MasterData.loadPlant(path: MasterDataTests.plantFile, store: store, by: .commandLine(account: "it"))
        return (FloorService(store: store), dir)
    }

    @Test func aHashVerifiesItsSecretOnlyAndCarriesItsCost() throws {
        let h = try SigningSecrets.hash("Quartz-17x", cost: Self.cheap)
        #expect(h.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try SigningSecrets.verify("Quartz-17x", against: h))
        #expect(try !SigningSecrets.verify("Quartz-17y", against: h))
        #expect(try SigningSecrets.hash("Quartz-17x", cost: Self.cheap) != h, "every hash has its own salt")
        #expect(throws: SigningSecrets.Failure.malformedHash) { try SigningSecrets.verify("x", against: "$scrypt$ln=99$AA$AA") }
        #expect(throws: SigningSecrets.Failure.malformedHash) { try SigningSecrets.verify("x", against: "plain") }
    }

    @Test func theSecretNeverReachesTheStoreAndFiveWrongOnesLock() throws {
        let (service, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = "Tangerine-4471"
        let set = try SigningSecrets.set(
            secret, for: "2001", by: "2001", current: nil, service: service, station: Station.console.id,
            cost: Self.cheap)
        #expect(set.refusal == nil)
        #expect(try SigningSecrets.check(secret, for: "2001", service: service, station: "CONSOLE") == nil)
        for i in 1...5 {
            let r = try SigningSecrets.check("wrong-\(i)-secret", for: "2001", service: service, station: "CONSOLE")
            #expect(r?.codes == ["wrong_secret"])
        }
        // Locked: the right secret is refused now, and says why.
        #expect(try SigningSecrets.check(secret, for: "2001", service: service, station: "CONSOLE")?.codes == ["signing_locked"])
        let types = try service.store.read { db in
            try String.fetchAll(db, sql: "SELECT type FROM events WHERE aggregate = 'person:2001' ORDER BY rowid")
        }
        #expect(types == ["signing.secret_set"] + Array(repeating: "signing.failed", count: 5) + ["signing.locked"])
        // A supervisor unlocks, signed.
        #expect(
            try SigningSecrets.set("Walnut-3390", for: "9001", by: "9001", current: nil, service: service, station: "CONSOLE", cost: Self.cheap)
                .refusal == nil)
        #expect(try service.runAtConsole(.unlockSigning(badge: "2001"), badge: "9001").refusal?.codes == ["signature_required"])
        #expect(
            try SigningSecrets.runSigned(.unlockSigning(badge: "2001"), badge: "9001", secret: "Walnut-3390", service: service, station: "CONSOLE")
                .refusal == nil)
        #expect(try SigningSecrets.check(secret, for: "2001", service: service, station: "CONSOLE") == nil)

        // Neither the secret nor the wrong ones are anywhere in the files.
        try service.store.checkpoint()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
            for s in [secret, "wrong-1-secret"] { #expect(bytes.range(of: Data(s.utf8)) == nil, "\(s) is in \(name)") }
        }
    }

    @Test func changingOnesOwnSecretNeedsTheCurrentOneAndAResetForcesAChange() throws {
        let (service, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        func set(_ s: String, by: String, current: String?) throws -> Outcome {
            try SigningSecrets.set(s, for: "2001", by: by, current: current, service: service, station: "CONSOLE", cost: Self.cheap)
        }
        #expect(try set("short", by: "2001", current: nil).refusal?.codes == ["weak_secret"])
        #expect(try set("Marble-5520", by: "2001", current: nil).refusal == nil)
        #expect(try set("Granite-6631", by: "2001", current: "not-it-at-all").refusal?.codes == ["wrong_secret"])
        #expect(try service.read { try $0.signing("2001") }?.failures == 1)
        #expect(try set("Granite-6631", by: "2001", current: "Marble-5520").refusal == nil)
        // A supervisor resets it: the inspector cannot sign until they choose their own.
        #expect(try set("Temp-8812-x", by: "9001", current: nil).refusal == nil)
        #expect(try SigningSecrets.check("Temp-8812-x", for: "2001", service: service, station: "CONSOLE")?.codes == ["secret_must_change"])
        #expect(try set("Basalt-7742", by: "2001", current: "Temp-8812-x").refusal == nil)
        #expect(try SigningSecrets.check("Basalt-7742", for: "2001", service: service, station: "CONSOLE") == nil)
    }

    /// The work-order hold of the example plant, signed by its supervisor: the record, then its
    /// signature (who, when with zone, meaning, the record's hash), which the audit checks.
    @Test func aSignedRecordCarriesItsSignatureAndTheAuditChecksIt() throws {
        let (service, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try MasterData.loadOrders(path: MasterDataTests.ordersFile, store: service.store, by: .commandLine(account: "it"))
        #expect(
            try SigningSecrets.set("Walnut-3390", for: "9001", by: "9001", current: nil, service: service, station: "CONSOLE", cost: Self.cheap)
                .refusal == nil)
        let hold = Command.holdWorkOrder(number: "WO-1001", reason: "OOT", note: "customer complaint")
        let before = try service.store.read { try EventLog.lastPosition(db: $0) }
        // A wrong secret: refused, and nothing but the wrong secret is recorded.
        let wrong = try SigningSecrets.runSigned(hold, badge: "9001", secret: "Walnut-3391", service: service, station: "CONSOLE")
        #expect(wrong.refusal?.codes == ["wrong_secret"])
        let afterWrong = try service.store.read { db in try String.fetchAll(db, sql: "SELECT type FROM events WHERE pos > ?", arguments: [before]) }
        #expect(afterWrong == ["signing.failed"])
        // The right one: the hold, then its signature on the same aggregate.
        let done = try SigningSecrets.runSigned(hold, badge: "9001", secret: "Walnut-3390", service: service, station: "CONSOLE")
        let events = done.events
        #expect(events.map(\.event.type) == ["wo.held", "signature.applied"])
        guard case .signatureApplied(let sig)? = events.last?.event else { Issue.record("no signature: \(events)"); return }
        #expect(sig.aggregate == "wo:WO-1001")
        #expect(sig.badge == "9001" && sig.name == "Dana Kowalski" && sig.meaning == "held (work order)")
        #expect(sig.method == .badgeAndSecret)
        #expect(sig.zone == "America/Chicago")
        #expect(sig.signedAt.hasSuffix("-06:00"), "local time with its offset: \(sig.signedAt)")
        let held = try #require(try service.store.read { try EventLog.event(events[0].id, db: $0) })
        #expect(sig.records == [SignedRecord(event: held.id.description, type: "wo.held", hash: held.checksum)])
        var report = try service.store.read { try Audit.verify(db: $0) }
        #expect(report.isClean, "\(report)")
        #expect(report.signaturesChecked == 1)

        // The audit trail: who, when, where, what changed, and the meaning, filtered and streamed.
        let plant = try service.plantIndex()
        func trail(_ filter: AuditTrailReport.Filter) throws -> [[String: String]] {
            var rows: [[String: String]] = []
            try service.store.read { db in
                try AuditTrailReport.stream(db, plant: plant, filter: filter) { cells in
                    rows.append(Dictionary(uniqueKeysWithValues: zip(AuditTrailReport.columns, cells.map(\.plain))))
                }
            }
            return rows
        }
        let wo = try trail(.init(aggregate: "wo:WO-1001"))
        #expect(wo.map { $0["type"]! } == ["wo.released", "wo.held", "signature.applied"])
        #expect(wo[1]["change"] == "work order: → on hold (OOT)" && wo[1]["meaning"] == "held (work order)")
        #expect(wo[1]["by"] == "9001" && wo[1]["name"] == "Dana Kowalski")
        #expect(wo[2]["what"]?.contains("Dana Kowalski (9001) · held (work order) · ") == true)
        let signing = try trail(.init(person: "9001", type: "signing.*")).map { $0["type"]! }
        #expect(signing == ["signing.secret_set", "signing.failed", "signing.accepted"])
        #expect(try trail(.init(type: "wo.*")).count == 4, "three releases and the hold")
        let all = try trail(.init())
        #expect(all.count == (try service.store.read { try EventLog.lastPosition(db: $0) }))
        #expect(try trail(.init(from: Date().addingTimeInterval(3600).epochMillis)).isEmpty)
        #expect(!all.contains { $0.values.contains { $0.contains("Walnut") || $0.contains("$scrypt") } }, "no secret, no hash")

        // The writer for standard output: batches formatted on several threads come out whole and
        // in the log's order, as JSON a parser reads back and as the CSV of the same cells.
        func written(_ format: AuditTrailReport.Format, batch: Int, workers: Int) throws -> String {
            var bytes: [UInt8] = []
            let n = try service.store.read { db in
                try AuditTrailReport.write(db, plant: plant, filter: .init(), format: format, batch: batch, workers: workers) { bytes += $0 }
            }
            #expect(n == all.count)
            return String(decoding: bytes, as: UTF8.self)
        }
        for (batch, workers) in [(3, 2), (1, 3), (4096, 1), (7, 4)] {
            let json = try written(.json, batch: batch, workers: workers)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(parsed.map { $0.mapValues { ($0 as? String) ?? "" } } == all, "batch \(batch), \(workers) workers")
            #expect(parsed.first.map { Array($0.keys).sorted() } == AuditTrailReport.columns.sorted())
            var csv = AuditTrailReport.columns.joined(separator: ",") + "\n"
            for row in all { csv += AuditTrailReport.columns.map { TextBytes.csvField(row[$0]!) }.joined(separator: ",") + "\n" }
            #expect(try written(.csv, batch: batch, workers: workers) == csv)
            #expect(try written(.table, batch: batch, workers: workers).split(separator: "\n").count == all.count + 1)
        }

        // Someone edits the signed record and fixes up its checksum: the signature no longer holds.
        try service.store.write { db in
            guard var env = try EventLog.event(held.id, db: db) else { return }
            env.payload = env.payload.replacingOccurrences(of: "customer complaint", with: "no reason")
            try db.execute(
                sql: "UPDATE events SET payload = ?, checksum = ? WHERE node = ? AND epoch = ? AND seq = ?",
                arguments: [env.payload, EventLog.checksumBytes(env), env.node, env.epoch, env.seq])
        }
        report = try service.store.read { try Audit.verify(db: $0) }
        #expect(report.problems.contains { $0.kind == .badSignature && $0.message.contains("does not match the hash signed") }, "\(report)")
    }
}

/// Signing across nodes: the hash and the wrong secrets are events like every other, so they
/// travel with replication and a kiosk verifies offline what it last received.
@Suite struct SigningReplicationTests {
    /// Pushes `kiosk`'s own events to `central`, then pulls what `central` has that `kiosk` lacks.
    func exchange(_ kiosk: Store, _ central: Store) throws {
        if let out = try kiosk.read({ db in try Replication.exportOwn(after: 0, limit: 100_000, db: db) }) {
            _ = try central.write { db in try Replication.receive(out.segment, onlyFrom: out.segment.header.source, db: db) }
        }
        let from = try kiosk.nodeState().centralPosition
        let seg = try central.read { db in try Replication.centralSegment(after: from, limit: 100_000, db: db) }
        _ = try kiosk.write { db in try Replication.receive(seg, db: db) }
    }

    @Test func aSecretSetCentrallyWorksAtAKioskAfterItsExchangeAndALockHoldsEverywhere() throws {
        let central = try Store.inMemory(nodeID: "central"), k1 = try Store.inMemory(nodeID: "K1"), k2 = try Store.inMemory(nodeID: "K2")
        _ = try MasterData.loadPlant(path: MasterDataTests.plantFile, store: central, by: .commandLine(account: "it"))
        try exchange(k1, central); try exchange(k2, central)
        let (c, s1, s2) = (FloorService(store: central), FloorService(store: k1), FloorService(store: k2))
        func check(_ service: FloorService, _ secret: String) throws -> [String] {
            try SigningSecrets.check(secret, for: "2001", service: service, station: "ST-40")?.codes ?? []
        }
        // Set at the central node while K1 is offline: K1 knows nothing of it until its exchange.
        let secret = "Tangerine-4471"
        #expect(
            try SigningSecrets.set(secret, for: "2001", by: "2001", current: nil, service: c, station: "CONSOLE", cost: SigningSecretsTests.cheap)
                .refusal == nil)
        #expect(try check(s1, secret) == ["no_secret"])
        try exchange(k1, central)
        #expect(try check(s1, secret) == [])
        // Five wrong secrets at K1, offline: locked there; K2 (which has the secret) locks once
        // K1's events reached it through the central node.
        for _ in 1...5 { #expect(try check(s1, "wrong-guess-1") == ["wrong_secret"]) }
        #expect(try check(s1, secret) == ["signing_locked"])
        try exchange(k2, central)
        #expect(try check(s2, secret) == [], "K2 has the secret but not yet K1's lock")
        try exchange(k1, central); try exchange(k2, central)
        #expect(try check(s2, secret) == ["signing_locked"])
        #expect(try central.read { db in try StoreState(db: db, plant: nil).signing("2001") }?.locked == true)
    }
}
