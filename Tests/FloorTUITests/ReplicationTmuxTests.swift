import Foundation
import Testing

/// The real binaries: a central node and two kiosks on loopback, each kiosk on its own store.
@Suite("replication between kiosks and a central node (real binaries)", .serialized, .enabled(if: Tmux.available))
struct ReplicationEndToEndTests {
    struct Plant {
        let f: FloorBinary
        let central: String
        let port: Int
        var url: String { "http://127.0.0.1:\(port)" }
        var secrets: [String: String] = [:]

        /// The demo's plant and orders loaded at a central node; nodes enrolled.
        init(nodes: [String]) throws {
            f = try FloorBinary()
            #expect(try f.run(["demo", "--dir", f.dir.path, "--no-kiosk"]).status == 0)
            central = f.dir.appendingPathComponent("central.db").path
            // Enrolling the first node creates the central store (node id `central`).
            for n in nodes {
                let r = try f.run(["central", "add-node", n, "--db", central])
                #expect(r.status == 0)
                secrets[n] = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try f.run(["plant", "load", f.dir.appendingPathComponent("plant.yaml").path, "--db", central]).status == 0)
            #expect(try f.run(["orders", "load", f.dir.appendingPathComponent("orders.csv").path, "--db", central]).status == 0)
            port = 20_000 + Int.random(in: 0..<20_000)
        }

        func serve() throws -> Tmux {
            let t = try Tmux(width: 160, height: 10, command: "\(FloorBinary.path) central serve --listen 127.0.0.1:\(port) --db \(central)")
            t.wait(for: "listening on")
            return t
        }

        func db(_ node: String) -> String { f.dir.appendingPathComponent("\(node).db").path }

        func kiosk(_ node: String, station: String) throws -> Tmux {
            try Tmux(
                width: 110, height: 30,
                command: "\(FloorBinary.path) kiosk --station \(station) --db \(db(node)) "
                    + "--central \(url) --node \(node) --secret \(secrets[node]!)")
        }

        func wip(_ db: String) throws -> String {
            try f.run(["report", "wip", "--format", "csv", "--db", db]).out
        }
    }

    /// A part finished at the Swiss kiosk shows in the wash kiosk's queue within 2 s; with the
    /// central node stopped both go on working and say so; when it is back everything converges.
    @Test func twoKiosksThroughACentralNode() throws {
        let p = try Plant(nodes: ["KA", "KB"])
        var central = try p.serve()
        // Both kiosk stores start empty: bootstrapped from the central node.
        let a = try p.kiosk("KA", station: "K-SW1")
        let b = try p.kiosk("KB", station: "K-UW")
        a.wait(for: "SCAN YOUR BADGE", timeout: 10)
        b.wait(for: "SCAN YOUR BADGE", timeout: 10)
        try b.scan("EMP:103")
        b.wait(for: "Mia Kowalczyk")
        try a.scan("EMP:101")
        a.wait(for: "Lena Vogel")
        for code in ["SN:NW-5001-001", "CMD:START", "LOT:TI64-6:HEAT-7731", "M:OD=3.50", "M:LEN=40.0", "M:HEAD=2.40"] {
            try a.scan(code)
        }
        a.wait(for: "HEAD")
        #expect(!b.screen.contains("NW-5001-001"))
        try a.scan("CMD:COMPLETE")
        let done = Date()
        a.wait(for: "completed")
        b.wait(for: "NW-5001-001", timeout: 2)
        #expect(Date().timeIntervalSince(done) < 2)
        a.wait(for: "synced", timeout: 3)

        // The central node goes away: both kiosks keep working and show it.
        try central.kill()
        try b.scan("SN:NW-5001-001")
        try b.scan("CMD:START")
        b.wait(for: "RUNNING", timeout: 3)
        try a.scan("SN:NW-5002-001")
        try a.scan("CMD:START")
        a.wait(for: "RUNNING", timeout: 3)
        a.wait(for: "OFFLINE", timeout: 10)
        b.wait(for: "OFFLINE", timeout: 10)
        #expect(a.screen.contains("OFFLINE ↑") || a.screen.contains("OFFLINE ^"))

        // It comes back: the kiosks send what waited and everyone converges.
        central = try p.serve()
        a.wait(for: "synced", timeout: 40)
        b.wait(for: "synced", timeout: 40)
        let deadline = Date().addingTimeInterval(10)
        var views: [String] = []
        repeat {
            views = try [p.central, p.db("KA"), p.db("KB")].map { try p.wip($0) }
            if Set(views).count == 1 { break }
            usleep(200_000)
        } while Date() < deadline
        #expect(Set(views).count == 1, "\(views)")
        #expect(views[0].contains("NW-5001-001,NW-5001,BS-35-40,OP20,K-UW,running"))
        #expect(views[0].contains("NW-5002-001,NW-5002,BS-35-40,OP10,K-SW1,running"))
        for db in [p.central, p.db("KA"), p.db("KB")] {
            #expect(try p.f.run(["audit", "verify", "--db", db]).status == 0)
        }
        try a.kill(); try b.kill(); try central.kill()
    }
}
