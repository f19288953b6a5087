import Foundation
import GRDB
import Testing

@testable import LocalStore
@testable import MESCore

@Suite struct SegmentTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// A node with a few events of every shape a payload can take (quotes, newlines, unicode, controls).
    static func node(
        _ id: String = "K1", texts: [String] = ["plain", "quote \" and \\ back", "two\nlines", "ünïcödé ✓", "ctl \u{1b}[31m \u{7}"]
    ) throws -> Store {
        let s = try Store.inMemory(nodeID: id)
        _ = try s.append(texts.map { (DomainEvent.noteAdded(NoteAdded(aggregate: "part:A", text: $0)), "9001") }, now: t0)
        return s
    }

    static func segment(_ store: Store) throws -> Segment {
        try store.read { db in try #require(try Replication.exportOwn(after: 0, limit: 100, db: db)).segment }
    }

    @Test func aSegmentRoundTripsByteForByteAndVerifies() throws {
        let seg = try Self.segment(try Self.node())
        let data = seg.encode(secret: "s3cret")
        let back = try Segment.decode(data, secret: "s3cret")
        #expect(back.items == seg.items)
        #expect(back.signed)
        for item in back.items { #expect(EventLog.checksum(of: item.envelope) == item.envelope.checksum) }
        #expect(back.encode(secret: "s3cret") == data)
        // Control characters travel escaped: the file holds no raw escape byte.
        #expect(!data.contains(0x1b))
    }

    @Test func truncatedCorruptTamperedAndMalformedSegmentsAreRefusedWhole() throws {
        let data = try Self.segment(try Self.node()).encode(secret: "s3cret")
        // Cut anywhere: refused as incomplete (or, cut inside the header, as a bad header).
        for cut in stride(from: 1, to: data.count - 1, by: 37) {
            #expect(throws: Segment.DecodeError.self) { try Segment.decode(data.prefix(cut)) }
        }
        #expect(throws: Segment.DecodeError.truncated) { try Segment.decode(data.dropLast(1)) }
        // One byte changed anywhere before the trailer.
        let trailerStart = data.lastIndex(of: 10, before: data.count - 1)!
        for i in stride(from: 0, to: trailerStart, by: 23) where data[i] != 10 {
            var d = data
            d[i] = d[i] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
            #expect(throws: Segment.DecodeError.self) { try Segment.decode(d) }
        }
        // Tampered and re-sealed with a fresh digest but without the secret: the signature fails.
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "plain", with: "PLAIN")
        let body = Data((lines.dropLast().joined(separator: "\n") + "\n").utf8)
        let forged = body + Data("{\"end\":{\"count\":5,\"sha256\":\"\(Segment.sha256Hex(body))\",\"hmac\":\"00\"}}\n".utf8)
        #expect(throws: Segment.DecodeError.badSignature(source: "K1")) { try Segment.decode(forged, secret: "s3cret") }
        // Without a signature where one is needed.
        let unsigned = try Self.segment(try Self.node()).encode()
        #expect(throws: Segment.DecodeError.unsigned(source: "K1")) { try Segment.decode(unsigned, secret: "s3cret") }
        // A line that is not JSON, with a correct digest: refused by line.
        let bad = Data("{\"floor-segment\":1,\"kind\":\"node\",\"source\":\"K1\"}\n{oops\n".utf8)
        let sealed = bad + Data("{\"end\":{\"count\":1,\"sha256\":\"\(Segment.sha256Hex(bad))\"}}\n".utf8)
        #expect(throws: Segment.DecodeError.malformedLine(line: 2, detail: "not JSON")) { try Segment.decode(sealed) }
        #expect(throws: Segment.DecodeError.empty) { try Segment.decode(Data()) }
        #expect(throws: Segment.DecodeError.tooLarge(bytes: data.count, limit: 10)) { try Segment.decode(data, maxBytes: 10) }
    }

    @Test func fileImportAppliesGoodFilesAndRefusesBadOnesWithNothingOfThemApplied() throws {
        let dir = NSTemporaryDirectory() + "floor-seg-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let k1 = try Self.node("K1")
        let k2 = try Self.node("K2", texts: ["from k2"])
        let files = try SegmentFiles.export(store: k1, to: dir)
        #expect(files.count == 1)
        #expect(try SegmentFiles.export(store: k1, to: dir).isEmpty)  // nothing new
        _ = try k1.append([(.noteAdded(NoteAdded(aggregate: "part:A", text: "later")), "9001")], now: Self.t0)
        let second = try SegmentFiles.export(store: k1, to: dir)
        #expect(second.count == 1)
        // A third file, truncated (a stick pulled out while copying).
        let k3 = try Self.node("K3", texts: ["k3 one", "k3 two"])
        let third = try SegmentFiles.export(store: k3, to: dir)[0]
        let full = try Data(contentsOf: URL(fileURLWithPath: third))
        try full.prefix(full.count - 30).write(to: URL(fileURLWithPath: third))

        let report = try SegmentFiles.importInto(store: k2, from: dir)
        #expect(report.applied == 6)
        #expect(report.refused.map(\.file) == [(third as NSString).lastPathComponent])
        #expect(report.refused.first?.refusal?.contains("incomplete") == true)
        #expect(try k2.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE node = 'K3'") } == 0)
        // Importing again changes nothing.
        let again = try SegmentFiles.importInto(store: k2, from: dir)
        #expect(again.applied == 0)
        #expect(again.duplicates == 6)
        // Out of order: the later file alone is held back for its gap, and says from where.
        let fresh = try Self.node("K4", texts: ["x"])
        let only = dir + "/only"
        try FileManager.default.createDirectory(atPath: only, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: second[0], toPath: only + "/" + (second[0] as NSString).lastPathComponent)
        let gap = try SegmentFiles.importInto(store: fresh, from: only)
        #expect(gap.applied == 0)
        #expect(gap.refused.first?.refusal?.contains("Send from 1") == true)
    }

    @Test func aCentralSegmentThatSkipsPositionsIsRefused() throws {
        let central = try Self.node("central")
        let seg = try central.read { db in try Replication.centralSegment(after: 2, limit: 10, db: db) }
        let kiosk = try Store.inMemory(nodeID: "K9")
        #expect(throws: Replication.ReceiveError.positionGap(applied: 0, first: 3)) {
            try kiosk.write { db in try Replication.receive(seg, db: db) }
        }
        let all = try central.read { db in try Replication.centralSegment(after: 0, limit: 10, db: db) }
        let r = try kiosk.write { db in try Replication.receive(all, db: db) }
        #expect(r.applied == 5)
        #expect(r.position == 5)
        #expect(try kiosk.nodeState().centralPosition == 5)
    }

    @Test func theCentralNodeFoldsBehindTheLogAndCatchesUpBeforeItDecides() throws {
        let k1 = try ProjectionTests.simulatedStore(days: 1, seed: 9)
        let all = try k1.read { db in try EventLog.events(after: 0, limit: .max, db: db).map(\.envelope) }
        let central = try Store.inMemory(nodeID: "central")
        try central.write { db in
            let seg = Segment(header: .init(source: "K1", kind: .node), items: all.map { Segment.Item(envelope: $0) })
            _ = try Replication.receive(seg, project: false, db: db)
        }
        #expect(try central.read { db in try Projections.lag(db) } == all.count)
        #expect(try central.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM parts") } == 0)
        // In slices, as the central node does when idle.
        var folded = 0
        while true {
            let n = try central.write { db in try Projections.catchUp(db, limit: 500) }
            if n == 0 { break }
            folded += n
        }
        #expect(folded == all.count)
        #expect(try central.read { db in try Projections.lag(db) } == 0)
        let pure = try ProjectionTests.pureFold(k1)
        #expect(try ProjectionTests.projected(central, like: pure).parts == pure.parts)
        // A local decision at a lagging central node folds the rest first.
        let lagging = try Store.inMemory(nodeID: "central")
        try lagging.write { db in
            let seg = Segment(header: .init(source: "K1", kind: .node), items: all.map { Segment.Item(envelope: $0) })
            _ = try Replication.receive(seg, project: false, db: db)
        }
        _ = try lagging.append([(.noteAdded(NoteAdded(aggregate: "part:A", text: "x")), "9001")], now: Self.t0)
        #expect(try lagging.read { db in try Projections.lag(db) } == 0)
        #expect(try ProjectionTests.projected(lagging, like: pure).parts == pure.parts)
    }

    @Test func aCopiedStoreFileStartsANewEpochBeforeWriting() throws {
        let dir = NSTemporaryDirectory() + "floor-epoch-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let original = try Store.open(path: dir + "/k.db", nodeID: "K1")
        _ = try original.append([(.noteAdded(NoteAdded(aggregate: "part:A", text: "x")), "9001")], now: Self.t0)
        let epoch = try original.nodeState().epoch
        try original.vacuumInto(dir + "/copy.db")
        try original.close()
        // Reopening the same file keeps its epoch.
        #expect(try Store.open(path: dir + "/k.db").nodeState().epoch == epoch)
        let copy = try Store.open(path: dir + "/copy.db")
        let state = try copy.nodeState()
        #expect(state.epoch != epoch)
        #expect(state.seq == 0)
        #expect(try copy.meta(Replication.epochNoteKey)?.contains("copy") == true)
        // Its old epoch's events are still its own to push.
        #expect(try copy.read { db in try Replication.ownEpochs(db: db) } == [epoch, state.epoch])
        #expect(try copy.read { db in try Replication.pendingCount(db: db) } == 1)
    }
}

extension Data {
    func lastIndex(of byte: UInt8, before end: Int) -> Int? {
        var i = end - 1
        while i >= 0 { if self[i] == byte { return i }; i -= 1 }
        return nil
    }
}
