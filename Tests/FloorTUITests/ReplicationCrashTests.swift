import Foundation
import Testing

/// `kill -9` at random moments, many times, during pushes, pulls (and the snapshot download),
/// exports and imports of the real binaries; then the same exchange run to the end: nothing is
/// lost, nothing is doubled, every log verifies.
@Suite("replication survives kill -9 (real binaries)", .serialized)
struct ReplicationCrashTests {
    final class Central {
        let process = Process()
        let url: String
        init(_ f: FloorBinary, db: String) throws {
            let port = 20_000 + Int.random(in: 0..<20_000)
            url = "http://127.0.0.1:\(port)"
            let log = f.dir.appendingPathComponent("central-\(port).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: FloorBinary.path)
            process.arguments = ["central", "serve", "--listen", "127.0.0.1:\(port)", "--db", db]
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = FileHandle.nullDevice
            try process.run()
            let end = Date().addingTimeInterval(10)
            while Date() < end, !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("listening") { usleep(50_000) }
        }
        deinit { process.terminate(); process.waitUntilExit() }
    }

    /// Starts `floor args` and kills it with SIGKILL after a random delay (it may finish first).
    func killedRun(_ args: [String], maxDelayMs: Int, rng: inout SystemRandomNumberGenerator) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: FloorBinary.path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(UInt32(Int.random(in: 5...maxDelayMs, using: &rng)) * 1000)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    func count(_ f: FloorBinary, _ db: String) throws -> Int {
        let out = try f.run(["audit", "verify", "--db", db]).out
        return Int(out.split(separator: " ").first ?? "") ?? -1
    }

    @Test func killedExchangesCompleteWithNothingLostOrDoubled() throws {
        var rng = SystemRandomNumberGenerator()
        let f = try FloorBinary()
        let centralDB = f.dir.appendingPathComponent("central.db").path
        let k1 = f.dir.appendingPathComponent("k1.db").path
        let k2 = f.dir.appendingPathComponent("k2.db").path
        let s1 = try f.run(["central", "add-node", "local", "--db", centralDB]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let s2 = try f.run(["central", "add-node", "K2", "--db", centralDB]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try f.run(["simulate", "--db", k1, "--days", "1", "--stations", "6", "--seed", "4"]).status == 0)
        let produced = try count(f, k1)
        #expect(produced > 500)
        let central = try Central(f, db: centralDB)
        let sync1 = ["sync", "--db", k1, "--central", central.url, "--node", "local", "--secret", s1, "--batch", "100"]

        // Pushes (and pulls after them), killed.
        for _ in 0..<6 { try killedRun(sync1, maxDelayMs: 500, rng: &rng) }
        let done = try f.run(sync1)
        #expect(done.status == 0, "\(done.err)")
        #expect(try count(f, centralDB) == produced)
        #expect(try f.run(["audit", "verify", "--db", centralDB]).status == 0)

        // A new kiosk filling itself (snapshot download, then the tail), killed.
        let sync2 = ["sync", "--db", k2, "--central", central.url, "--node", "K2", "--secret", s2, "--batch", "50"]
        for _ in 0..<6 { try killedRun(sync2, maxDelayMs: 400, rng: &rng) }
        let done2 = try f.run(sync2)
        #expect(done2.status == 0, "\(done2.err)")
        #expect(try count(f, k2) == produced)
        #expect(try f.run(["audit", "verify", "--db", k2]).status == 0)
        let wip = try f.run(["report", "wip", "--format", "csv", "--db", centralDB]).out
        #expect(try f.run(["report", "wip", "--format", "csv", "--db", k2]).out == wip)

        // Exports, then central imports, killed; then a kiosk filled from the central node's files, killed.
        let out = f.dir.appendingPathComponent("stick").path
        let k3 = f.dir.appendingPathComponent("k3.db").path
        let central2 = f.dir.appendingPathComponent("central2.db").path
        let s3 = try f.run(["central", "add-node", "local", "--db", central2]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try f.run(["sync", "now", "--db", k1, "--secret", s3, "--central", "http://127.0.0.1:1"])  // remembers the new secret; the exchange fails
        for _ in 0..<6 { try killedRun(["sync", "export", "--db", k1, "--to", out, "--all"], maxDelayMs: 300, rng: &rng) }
        #expect(try f.run(["sync", "export", "--db", k1, "--to", out, "--all"]).status == 0)
        for _ in 0..<6 { try killedRun(["central", "import", "--db", central2, "--from", out], maxDelayMs: 400, rng: &rng) }
        let imported = try f.run(["central", "import", "--db", central2, "--from", out])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(try count(f, central2) == produced)
        let back = f.dir.appendingPathComponent("back").path
        #expect(try f.run(["central", "export", "--db", central2, "--to", back]).status == 0)
        for _ in 0..<6 { try killedRun(["sync", "import", "--db", k3, "--node", "K3", "--from", back], maxDelayMs: 400, rng: &rng) }
        let filled = try f.run(["sync", "import", "--db", k3, "--node", "K3", "--from", back])
        #expect(filled.status == 0, "\(filled.err)")
        #expect(try count(f, k3) == produced)
        #expect(try f.run(["report", "wip", "--format", "csv", "--db", k3]).out == wip)
    }
}

@Suite("replication settings (real binaries)", .serialized)
struct ReplicationSettingsTests {
    /// `FLOOR_CENTRAL`, `FLOOR_NODE` and `FLOOR_SECRET` stand for the options, and the store
    /// remembers them: the next `floor sync` needs none.
    @Test func settingsFromTheEnvironmentAreRemembered() throws {
        let f = try FloorBinary()
        let centralDB = f.dir.appendingPathComponent("central.db").path
        let secret = try f.run(["central", "add-node", "K9", "--db", centralDB]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let central = try ReplicationCrashTests.Central(f, db: centralDB)
        let k9 = f.dir.appendingPathComponent("k9.db").path
        let first = try f.run(["sync", "--db", k9], env: ["FLOOR_CENTRAL": central.url, "FLOOR_NODE": "K9", "FLOOR_SECRET": secret])
        #expect(first.status == 0, "\(first.err)")
        let again = try f.run(["sync", "--db", k9])  // no options, no environment
        #expect(again.status == 0, "\(again.err)")
        let status = try f.run(["sync", "status", "--db", k9]).out
        #expect(status.contains("node K9") && status.contains("central \(central.url)"), "\(status)")
        #expect(try f.run(["central", "nodes", "--db", centralDB]).out.contains("K9"))
    }
}
