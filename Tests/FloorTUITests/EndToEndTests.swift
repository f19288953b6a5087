import Foundation
import Testing

@Suite("floor binary, end to end")
struct EndToEndTests {
    let plant = FloorBinary.examples.appendingPathComponent("plant.yaml").path
    let orders = FloorBinary.examples.appendingPathComponent("work-orders.csv").path

    /// Change control: under `change_control`, a routing version loads as a draft and releases
    /// work orders only once approved with a signature; a new version needs its own approval and
    /// orders released earlier keep theirs.
    @Test func underChangeControlOnlyApprovedVersionsRelease() throws {
        let f = try FloorBinary()
        let base = try String(contentsOfFile: plant, encoding: .utf8) + "\nchange_control: {approve_routings: supervisor}\n"
        let plantPath = try f.write("plant.yaml", base)
        #expect(try f.run(["plant", "load", plantPath]).status == 0)
        // Under change control a load names its person.
        let unattributed = try f.run(["orders", "load", orders])
        #expect(unattributed.status == 2 && unattributed.err.contains("[unattributed_load]"), "\(unattributed.err)")
        let secret = "Harbor-2290q"
        #expect(try f.run(["people", "set-secret", "9001"], input: "\(secret)\n\(secret)\n").status == 0)
        let refused = try f.run(["orders", "load", orders, "--as", "9001"], input: secret + "\n")
        #expect(refused.status != 0 && refused.err.contains("approved with a signature (floor plant approve"), "\(refused.err)")
        #expect(try f.run(["people", "set-secret", "2001"], input: "\(secret)\n\(secret)\n").status == 0)
        let inspector = try f.run(["plant", "approve", "BRK-7741", "--version", "3", "--as", "2001"], input: secret + "\n")
        #expect(inspector.status == 2 && inspector.err.contains("[insufficient_role]"), "\(inspector.err)")
        let approved = try f.run(["plant", "approve", "BRK-7741", "--version", "3", "--as", "9001"], input: secret + "\n")
        #expect(approved.status == 0 && approved.out.contains("routing BRK-7741 v3 approved for release"), "\(approved.err)")
        #expect(approved.out.contains("Dana Kowalski (9001) · approved (routing version)"))
        let again = try f.run(["plant", "approve", "BRK-7741", "--version", "3", "--as", "9001"], input: secret + "\n")
        #expect(again.status == 2 && again.err.contains("[already_approved]"))
        #expect(try f.run(["orders", "load", orders, "--as", "9001"], input: secret + "\n").status == 0)

        // Version 4 loads as a draft: new orders still get v3 until v4 is approved.
        let lines = base.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "routings:")) + 1
        let end = try #require(lines.firstIndex(of: "change_control: {approve_routings: supervisor}"))
        let v4 = lines[start..<end].joined(separator: "\n").replacingOccurrences(of: "version: 3", with: "version: 4")
            .replacingOccurrences(of: "effective: 2026-01-01", with: "effective: 2026-06-01")
        let withV4 = lines[..<end].joined(separator: "\n") + "\n" + v4 + "\n" + lines[end...].joined(separator: "\n")
        #expect(try f.run(["plant", "load", try f.write("plant.yaml", withV4), "--as", "9001"], input: secret + "\n").status == 0)
        func release(_ number: String) throws -> String {
            let csv = try f.write(
                "\(number).csv", "number,part,quantity,due,priority,customer,tracking,note\n\(number),BRK-7741,1,2026-12-30,normal,,serial,\n")
            let r = try f.run(["orders", "load", csv, "--as", "9001"], input: secret + "\n")
            #expect(r.status == 0, "\(r.err)")
            let t = try #require(try f.json(["report", "trace", "\(number)-001", "--format", "json"]) as? [String: Any])
            _ = t
            let audit = try #require(try f.json(["report", "audit", "--aggregate", "wo:\(number)", "--format", "json"]) as? [[String: Any]])
            return (audit.first?["what"] as? String) ?? ""
        }
        #expect(try release("WO-2001").contains("routing BRK-7741 v3"))
        #expect(try f.run(["plant", "approve", "BRK-7741", "--version", "4", "--as", "9001"], input: secret + "\n").status == 0)
        #expect(try release("WO-2002").contains("routing BRK-7741 v4"))
        let first = try #require(try f.json(["report", "audit", "--aggregate", "wo:WO-1001", "--format", "json"]) as? [[String: Any]])
        #expect((first.first?["what"] as? String)?.contains("routing BRK-7741 v3") == true, "orders released earlier keep their version")
        #expect(try f.run(["audit", "verify"]).status == 0)
    }

    /// A load is by a person: --as BADGE with their secret; without it the OS account, marked
    /// unattributed. Never an empty actor.
    @Test func loadsAreAttributedToAPersonWithTheirSecretOrMarkedUnattributed() throws {
        let f = try FloorBinary()
        let first = try f.run(["plant", "load", plant])
        #expect(first.status == 0 && first.err.contains("recorded as unattributed (cli:"), "\(first.err)")
        let secret = "Harbor-2290q"
        #expect(try f.run(["people", "set-secret", "9001"], input: "\(secret)\n\(secret)\n").status == 0)
        let wrong = try f.run(["orders", "load", orders, "--as", "9001"], input: "Harbor-2290r\n")
        #expect(wrong.status == 2 && wrong.err.contains("[wrong_secret]"), "\(wrong.err)")
        #expect(try f.run(["report", "orders", "--format", "csv"]).out.split(separator: "\n").count == 1, "nothing was loaded")
        let ok = try f.run(["orders", "load", orders, "--as", "9001"], input: secret + "\n")
        #expect(ok.status == 0 && !ok.err.contains("unattributed"), "\(ok.err)")
        let rows = try #require(try f.json(["report", "audit", "--type", "wo.released", "--format", "json"]) as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["by"] as? String == "9001" })
        let plantRows = try #require(try f.json(["report", "audit", "--type", "plant.loaded", "--format", "json"]) as? [[String: Any]])
        #expect((plantRows.first?["by"] as? String)?.hasPrefix("cli:") == true)
    }

    /// Certifications in the plant file: the report lists what runs out, soonest first.
    @Test func theQualificationsReportListsWhatExpires() throws {
        let f = try FloorBinary()
        let fmt = DateFormatter()
        fmt.dateFormat = "yyyy-MM-dd"
        fmt.timeZone = TimeZone(identifier: "America/Chicago")
        let soon = fmt.string(from: Date().addingTimeInterval(10 * 86_400)), gone = fmt.string(from: Date().addingTimeInterval(-3 * 86_400))
        let text = try String(contentsOfFile: plant, encoding: .utf8).replacingOccurrences(
            of: "  - {badge: \"1003\", name: Chiara Bianchi,  role: operator,   skills: [DEBURR, PACK]}",
            with: """
                  - badge: "1003"
                    name: Chiara Bianchi
                    skills: [DEBURR]
                    qualifications:
                      - {skill: PACK, expires: \(gone)}
                      - {skill: MILL, certified: 2025-01-01, expires: \(soon)}
                """)
        #expect(text.contains("qualifications:"))
        #expect(try f.run(["plant", "load", try f.write("plant.yaml", text)]).status == 0)
        let rows = try #require(try f.json(["report", "qualifications", "--days", "30", "--format", "json"]) as? [[String: Any]])
        #expect(rows.map { "\($0["badge"]!) \($0["skill"]!) \($0["status"]!)" } == ["1003 PACK EXPIRED", "1003 MILL expires in 10 days"])
        let none = try f.run(["report", "qualifications", "--days", "5", "--format", "csv"])
        #expect(none.out.split(separator: "\n").count == 2, "the header and the expired one: \(none.out)")

        // A supervisor renews the expired one with a signature; a wrong secret changes nothing.
        let secret = "Lantern-0912"
        #expect(try f.run(["people", "set-secret", "9001"], input: "\(secret)\n\(secret)\n").status == 0)
        let renew = ["people", "qualify", "1003", "--skill", "PACK", "--expires", "2030-01-31", "--by", "9001"]
        let wrong = try f.run(renew, input: "not-it-at-all\n")
        #expect(wrong.status != 0 && wrong.err.contains("wrong secret"), "\(wrong.err)")
        let ok = try f.run(renew, input: secret + "\n")
        #expect(ok.status == 0 && ok.out.contains("1003 certified for PACK until 2030-01-31"), "\(ok.err)")
        let after = try #require(try f.json(["report", "qualifications", "--days", "30", "--format", "json"]) as? [[String: Any]])
        #expect(after.map { "\($0["badge"]!) \($0["skill"]!)" } == ["1003 MILL"], "PACK renewed until 2030")
        let revoke = try f.run(
            ["people", "revoke", "1003", "--skill", "MILL", "--reason", "left the milling cell", "--by", "9001"], input: secret + "\n")
        #expect(revoke.status == 0, "\(revoke.err)")
        #expect((try f.json(["report", "qualifications", "--days", "30", "--format", "json"]) as? [[String: Any]])?.isEmpty == true)
        let trail = try #require(try f.json(["report", "audit", "--type", "qualification.*", "--format", "json"]) as? [[String: Any]])
        #expect(trail.map { "\($0["meaning"]!)" } == ["certified (qualification)", "revoked (qualification)"])
        #expect(try f.run(["audit", "verify"]).status == 0)
    }

    @Test func loadsThePlantAndOrdersOnceAndDrivesAPartThroughEveryStep() throws {
        let f = try FloorBinary()
        var r = try f.run(["plant", "load", plant])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("loaded plant ACME-B2"))
        r = try f.run(["plant", "load", plant])
        #expect(r.out.contains("unchanged"))
        #expect(try f.run(["orders", "load", orders]).out.contains("released 3 work orders (53 travelers)"))
        #expect(try f.run(["orders", "load", orders]).out.contains("unchanged"))

        // A refused start names every reason and changes nothing.
        r = try f.scan("ST-20", "EMP:1003", "SN:WO-1001-001", "CMD:START")
        #expect(r.status != 0)
        #expect(r.out.contains("REFUSED CMD:START"))
        #expect(r.out.contains("is at OP10"))
        #expect(r.out.contains("does not have the skill MILL"))

        // OP10: lot scanned, complete.
        r = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "CMD:START", "LOT:AL6061-25:H-88121", "CMD:COMPLETE")
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("next OP20"))
        // OP20: the first piece of the shift.
        r = try f.scan("ST-20", "EMP:1001", "SN:WO-1001-001", "CMD:START", "M:BORE=12.004", "M:LEN=125.02", "M:FLAT=0.02", "CMD:COMPLETE")
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("FIRST PIECE"))
        // Another part waits for it.
        _ = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-002", "CMD:START", "LOT:AL6061-25:H-88121", "CMD:COMPLETE")
        r = try f.scan("ST-21", "EMP:1002", "SN:WO-1001-002", "CMD:START")
        #expect(r.status != 0)
        #expect(r.out.contains("waiting for first piece WO-1001-001"))
        // A pass is a signature: without one nothing is recorded; the operator may not give it;
        // the inspector signs with badge + secret (a wrong secret records nothing but itself).
        let secret = "Tangerine-4471"
        #expect(try f.run(["people", "set-secret", "2001"], input: "\(secret)\n\(secret)\n").status == 0)
        r = try f.scan("ST-20", "EMP:1001", "SN:WO-1001-001", "CMD:PASS")
        #expect(r.status == 2 && r.out.contains("SIGN CMD:PASS: approved (first piece)") && r.out.contains("nothing recorded"), "\(r.out)")
        r = try f.run(["scan", "--station", "ST-20", "--sign", "1001", "EMP:1001", "SN:WO-1001-001", "CMD:PASS"], input: "whatever-1\n")
        #expect(r.status == 2 && r.out.contains("no signing secret"), "\(r.out)")
        r = try f.run(["scan", "--station", "ST-20", "--sign", "2001", "EMP:1001", "SN:WO-1001-001", "CMD:PASS"], input: "Tangerine-4472\n")
        #expect(r.status == 2 && r.out.contains("wrong secret"), "\(r.out)")
        r = try f.run(["scan", "--station", "ST-20", "--sign", "2001", "EMP:1001", "SN:WO-1001-001", "CMD:PASS"], input: secret + "\n")
        #expect(r.status == 0 && r.out.contains("PASSED"), "\(r.out) \(r.err)")
        #expect(!r.out.contains(secret) && !r.err.contains(secret))
        // The trace shows the signature (who, meaning, when with zone) and the audit checks it.
        let signedTrace = try f.run(["report", "trace", "WO-1001-001"])
        #expect(signedTrace.out.contains("Chidi Okafor (2001) · approved (first piece) · "), "\(signedTrace.out)")
        #expect(signedTrace.out.contains("America/Chicago"))
        let audit = try f.run(["audit", "verify"])
        #expect(audit.status == 0 && audit.out.contains("1 signatures checked"), "\(audit.out)")
        // The audit trail for an auditor, as JSON: who, when, where, what changed, the meaning.
        let rows = try #require(try f.json(["report", "audit", "--type", "fpi.*", "--format", "json"]) as? [[String: Any]])
        let pass = try #require(rows.first { $0["type"] as? String == "fpi.passed" })
        #expect(pass["by"] as? String == "2001" && pass["name"] as? String == "Chidi Okafor")
        #expect(pass["change"] as? String == "first piece: pending → passed" && pass["meaning"] as? String == "approved (first piece)")
        #expect(rows.allSatisfy { ($0["type"] as? String)?.hasPrefix("fpi.") == true })
        let csv = try f.run(["report", "audit", "--person", "2001", "--format", "csv"])
        #expect(csv.status == 0 && csv.out.hasPrefix("at,event,by,name,where,type,aggregate,what,change,meaning\n"))
        #expect(!csv.out.contains(secret))
        // An out-of-tolerance bore puts the second part on hold; it cannot complete.
        r = try f.scan("ST-20", "EMP:1002", "SN:WO-1001-002", "CMD:START", "M:BORE=12.2")
        #expect(r.status == 0)
        #expect(r.out.contains("ON HOLD (OOT)"))
        r = try f.scan("ST-20", "EMP:1002", "SN:WO-1001-002", "M:FLAT=0.01", "CMD:COMPLETE")
        #expect(r.status != 0)
        #expect(r.out.contains("on hold"))

        // OP30, OP40 (sign-off by an inspector who did not do the work), OP50.
        #expect(try f.scan("ST-30", "EMP:1002", "SN:WO-1001-001", "CMD:START", "LOT:HELICOIL-M6:L-7", "M:EDGES=PASS", "CMD:COMPLETE").status == 0)
        r = try f.scan("ST-40", "EMP:2001", "SN:WO-1001-001", "CMD:START", "M:BORE-F=12.003", "M:POS=0.01", "CMD:COMPLETE")
        #expect(r.status != 0)
        #expect(r.out.contains("SIGN CMD:COMPLETE: reviewed (step sign-off)"), "\(r.out)")
        // Signed by the inspector who did the work: refused, nothing recorded.
        r = try f.run(["scan", "--station", "ST-40", "--sign", "2001", "EMP:2001", "SN:WO-1001-001", "CMD:COMPLETE"], input: secret + "\n")
        #expect(r.status != 0 && r.out.contains("needs the sign-off of an inspector who did not work"), "\(r.out)")
        #expect(try f.run(["people", "set-secret", "9001"], input: "Juniper-3308\nJuniper-3308\n").status == 0)
        r = try f.run(["scan", "--station", "ST-40", "--sign", "9001", "EMP:9001", "SN:WO-1001-001", "CMD:COMPLETE"], input: "Juniper-3308\n")
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("signed off by 9001"))
        r = try f.scan("ST-50", "EMP:1003", "SN:WO-1001-001", "CMD:START", "CMD:COMPLETE")
        #expect(r.out.contains("done"))

        // Reports as JSON.
        let wip = try #require(try f.json(["report", "wip", "--format", "json", "--all"]) as? [[String: Any]])
        let first = try #require(wip.first { $0["serial"] as? String == "WO-1001-001" })
        #expect(first["state"] as? String == "done")
        let second = try #require(wip.first { $0["serial"] as? String == "WO-1001-002" })
        #expect(second["state"] as? String == "hold")
        #expect(second["step"] as? String == "OP20")
        #expect((second["since"] as? String)?.contains("T") == true)
        let ordersJSON = try #require(try f.json(["report", "orders", "--format", "json"]) as? [[String: Any]])
        let wo = try #require(ordersJSON.first { $0["number"] as? String == "WO-1001" })
        #expect(wo["done"] as? Int == 1)
        #expect(wo["quantity"] as? Int == 12)
        #expect(wo["status"] as? String == "in_progress")
        let trace = try #require(try f.json(["report", "trace", "WO-1001-001", "--format", "json"]) as? [String: Any])
        let entries = try #require(trace["entries"] as? [[String: Any]])
        #expect(entries.contains { $0["event"] as? String == "material.consumed" })
        #expect(entries.contains { $0["event"] as? String == "fpi.passed" })
        // The signed record carries its signature in JSON: who, when with zone, meaning, the hashes.
        let passed = try #require(entries.first { $0["event"] as? String == "fpi.passed" })
        let signed = try #require(passed["signed"] as? [String: Any])
        #expect(signed["name"] as? String == "Chidi Okafor" && signed["badge"] as? String == "2001")
        #expect(signed["meaning"] as? String == "approved (first piece)" && signed["zone"] as? String == "America/Chicago")
        #expect((signed["records"] as? [[String: Any]])?.first?["hash"] as? String != nil)
        #expect(entries.filter { $0["event"] as? String == "step.completed" }.count == 5)
        #expect(trace["state"] as? String == "done")
        #expect(trace["work_order"] as? String == "WO-1001")
        // The structured facts: the machine a step ran on, a measured value, the lot.
        let started = entries.filter { $0["event"] as? String == "step.started" }.compactMap { $0["payload"] as? [String: Any] }
        #expect(started.contains { $0["equipment"] as? String == "VF2-01" })
        let bore = entries.compactMap { $0["payload"] as? [String: Any] }.first { $0["characteristic"] as? String == "BORE" }
        #expect(bore?["value"] as? Double == 12.004)
        #expect(bore?["inTolerance"] as? Bool == true)
        #expect(entries.compactMap { $0["payload"] as? [String: Any] }.contains { $0["lot"] as? String == "H-88121" })
        let lot = try #require(try f.json(["report", "trace", "AL6061-25:H-88121", "--format", "json"]) as? [String: Any])
        #expect((lot["entries"] as? [[String: Any]])?.count == 2)

        // The whole log verifies.
        r = try f.run(["audit", "verify"])
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("0 problems"))
    }

    @Test func aBrokenPlantFileListsEveryProblemAndAppliesNothing() throws {
        let f = try FloorBinary()
        let bad = try f.write(
            "bad.yaml",
            """
            plant: {id: X, name: X, timezone: Mars/Olympus}
            work_centers:
              - {id: A, name: A}
            stations:
              - {id: S1, name: S1, work_center: NOPE}
            """)
        let r = try f.run(["plant", "load", bad])
        #expect(r.status != 0)
        #expect(r.err.contains("bad.yaml:1"))
        #expect(r.err.contains("timezone"))
        #expect(r.err.contains("bad.yaml:5"))
        #expect(r.err.contains("NOPE"))
        #expect(r.err.contains("nothing was applied"))
        // Nothing applied: orders cannot be loaded for lack of a plant.
        let o = try f.run(["orders", "load", orders])
        #expect(o.status != 0)
        #expect(o.err.contains("no plant"))
    }

    @Test func garbageAndEscapeSequencesAreRefusedAndShownSanitized() throws {
        let f = try FloorBinary()
        #expect(try f.run(["plant", "load", plant]).status == 0)
        let r = try f.scan("ST-10", "EMP:1001", "SN:\u{1B}[2J\u{1B}]0;pwned\u{07}")
        #expect(r.status != 0)
        #expect(!r.out.contains("\u{1B}"))
        #expect(r.out.contains("\\u{1B}[2J"))
        let g = try f.scan("ST-10", "EMP:1001", "CMD:EXPLODE")
        #expect(g.status != 0)
        #expect(g.out.contains("unknown command EXPLODE"))
        let n = try f.scan("ST-10", "SN:WO-1001-001")
        #expect(n.out.contains("scan your badge first"))
        let unknownStation = try f.scan("ST-99", "EMP:1001")
        #expect(unknownStation.status != 0)
        #expect(unknownStation.err.contains("no station ST-99"))
    }

    @Test func aDamagedStoreGetsAClearErrorNotACrash() throws {
        let f = try FloorBinary()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: f.db))
        let r = try f.run(["report", "wip"])
        #expect(r.status == 1)
        #expect(r.err.contains("floor:"))
        #expect(!r.err.contains("Fatal error"))
    }
}

@Suite("several processes on one store")
struct SharedStoreTests {
    @Test func concurrentKioskProcessesAppendWithoutGapsOrLostUpdates() throws {
        let f = try FloorBinary()
        #expect(try f.run(["plant", "load", FloorBinary.examples.appendingPathComponent("plant.yaml").path]).status == 0)
        #expect(try f.run(["orders", "load", FloorBinary.examples.appendingPathComponent("work-orders.csv").path]).status == 0)
        // Six `floor scan` processes at once, each taking its own part through the saw.
        let serials = (1...6).map { String(format: "WO-1002-%03d", $0) }
        let group = DispatchGroup()
        let results = LockedResults()
        for serial in serials {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                let r = try? f.scan("ST-10", "EMP:1001", "SN:" + serial, "CMD:START", "LOT:AL6061-25:H-1", "CMD:COMPLETE")
                results.add(serial, r?.status ?? -1)
            }
        }
        group.wait()
        #expect(results.all.values.allSatisfy { $0 == 0 }, "\(results.all)")
        // Every completion is there, and the log has no gap and no broken chain.
        let wip = try #require(try f.json(["report", "wip", "--format", "json"]) as? [[String: Any]])
        for serial in serials { #expect(wip.first { $0["serial"] as? String == serial }?["step"] as? String == "OP20") }
        let audit = try f.run(["audit", "verify"])
        #expect(audit.status == 0, "\(audit.out)")
        #expect(audit.out.contains("0 problems"))
    }
}

final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var all: [String: Int32] = [:]
    func add(_ k: String, _ v: Int32) { lock.lock(); all[k] = v; lock.unlock() }
}

@Suite("a killed process")
struct KilledProcessTests {
    @Test func killedMidWriteTheStoreStaysWholeAndWorkGoesOn() throws {
        let f = try FloorBinary()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: FloorBinary.path)
        p.arguments = ["simulate", "--db", f.db, "--stations", "8", "--days", "60", "--batch", "50"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Let it write for a while, then kill it without warning, mid-transaction most likely.
        var events = 0
        for _ in 0..<100 where events < 300 {
            Thread.sleep(forTimeInterval: 0.1)
            events =
                (try? f.run(["audit", "verify"]).out).flatMap { out in
                    out.split(separator: "\n").last.flatMap { Int($0.split(separator: " ").first ?? "") }
                } ?? 0
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(events >= 300, "the simulation wrote too little before the kill")
        // Whatever was committed is whole: chains, seqs and checksums verify; projections open.
        let audit = try f.run(["audit", "verify"])
        #expect(audit.status == 0, "\(audit.out)")
        #expect(audit.out.contains("0 problems"))
        #expect(try f.run(["report", "wip"]).status == 0)
        // And the next writer carries on from the last committed event.
        let more = try f.run(["simulate", "--db", f.db, "--days", "1"])
        #expect(more.status == 0, "\(more.err)")
        #expect(try f.run(["audit", "verify"]).out.contains("0 problems"))
    }
}

@Suite("GS1 labels at the station")
struct GS1ScanTests {
    @Test func aSupplierLabelIsALotScanAndAnExpiredLotIsRefused() throws {
        let f = try FloorBinary()
        #expect(try f.run(["plant", "load", FloorBinary.examples.appendingPathComponent("plant.yaml").path]).status == 0)
        #expect(try f.run(["orders", "load", FloorBinary.examples.appendingPathComponent("work-orders.csv").path]).status == 0)
        // AL6061-25 has GTIN 00614141000029. Expired lot first (2020), then a good one (GS-separated, AIM identifier).
        let expired = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "CMD:START", "(01)00614141000029(17)200101(10)OLD-1")
        #expect(expired.status != 0)
        #expect(expired.out.contains("expired on 2020-01-01"))
        // A two-digit year in the standard's century window: 99 is 1999, an expired lot, not 2099.
        let old = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "]C1" + "0100614141000029" + "17991231" + "10OLD-2")
        #expect(old.status != 0)
        #expect(old.out.contains("expired on 1999-12-31"), "\(old.out)")
        let good = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "]C101006141410000291735123110H-4471\u{1D}", "CMD:COMPLETE")
        #expect(good.status == 0, "\(good.out)")
        #expect(good.out.contains("consumed lot H-4471 of AL6061-25"))
        // A bad check digit is refused with what was read.
        let bad = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-002", "CMD:START", "(01)00614141000028(10)X")
        #expect(bad.status != 0)
        #expect(bad.out.lowercased().contains("check digit"))
        // A numeric badge typed through the wrong keyboard layout is named as such.
        let azerty = try f.scan("ST-10", "&à&&")
        #expect(azerty.status != 0)
        #expect(azerty.out.contains("keyboard-layout mismatch"))
    }
}

@Suite("floor demo")
struct DemoTests {
    @Test func aPercentInAGS1LabelIsDataUnlessTheStationsScannerSendsItRaw() throws {
        let f = try FloorBinary()
        #expect(try f.run(["plant", "load", FloorBinary.examples.appendingPathComponent("plant.yaml").path]).status == 0)
        #expect(try f.run(["orders", "load", FloorBinary.examples.appendingPathComponent("work-orders.csv").path]).status == 0)
        let label = "]Q3" + "0100614141000029" + "10H-1%17351231"
        let data = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "CMD:START", label)
        #expect(data.status == 0 && data.out.contains("consumed lot H-1%17351231 of AL6061-25"), "\(data.out)")
        let raw = try f.run(["scan", "--station", "ST-10", "--gs1-percent-separator", "EMP:1001", "SN:WO-1001-002", "CMD:START", label])
        #expect(raw.status == 0 && raw.out.contains("consumed lot H-1 of AL6061-25"), "\(raw.out)")
    }

    @Test func theDemoBuildsAPlantWithOrdersAndAWeekOfHistoryAndItsScansWork() throws {
        let f = try FloorBinary()
        let dir = f.dir.appendingPathComponent("demo").path
        let r = try f.run(["demo", "--dir", dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Demo store: \(dir)/floor.db"))
        let db = dir + "/floor.db"
        let orders = try #require(
            try JSONSerialization.jsonObject(with: Data(try f.run(["report", "orders", "--db", db, "--format", "json"]).out.utf8))
                as? [[String: Any]])
        #expect(orders.contains { $0["number"] as? String == "NW-5001" && $0["priority"] as? String == "urgent" })
        // A week of history: many orders already complete.
        #expect(orders.filter { $0["status"] as? String == "complete" }.count >= 3)
        // The first scan the demo suggests works as printed.
        let scan = try f.run([
            "scan", "--db", db, "--station", "K-SW1", "EMP:101", "SN:NW-5001-001", "CMD:START", "LOT:TI64-6:HEAT-7731",
            "M:OD=3.51", "M:LEN=40.02", "M:HEAD=2.41", "CMD:COMPLETE",
        ])
        #expect(scan.status == 0, "\(scan.out)")
        #expect(scan.out.contains("next OP20"))
        #expect(try f.run(["audit", "verify", "--db", db]).out.contains("0 problems"))
    }

    @Test func theDemoExportsAPlantAndOrdersThatLoadAndNeverOverwrites() throws {
        let f = try FloorBinary()
        let dir = f.dir.appendingPathComponent("start").path
        var r = try f.run(["demo", "--export", dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("wrote \(dir)/plant.yaml and \(dir)/work-orders.csv"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/floor.db"), "an export makes no store")
        r = try f.run(["plant", "load", dir + "/plant.yaml"])
        #expect(r.status == 0 && r.out.contains("loaded plant NW-MED"), "\(r.err)")
        r = try f.run(["orders", "load", dir + "/work-orders.csv"])
        #expect(r.status == 0 && r.out.contains("released 3 work orders"), "\(r.err)")

        try "# my edits\n".write(toFile: dir + "/plant.yaml", atomically: true, encoding: .utf8)
        r = try f.run(["demo", "--export", dir])
        #expect(r.status == 1)
        #expect(r.err.contains("exists already") && r.err.contains("nothing was written"))
        #expect(try String(contentsOfFile: dir + "/plant.yaml", encoding: .utf8) == "# my edits\n")
    }

    @Test func aPlantDiffSaysWhatALoadWouldChangeAndALoadedVersionNeverChanges() throws {
        let f = try FloorBinary()
        let plant = FloorBinary.examples.appendingPathComponent("plant.yaml").path
        #expect(try f.run(["plant", "load", plant]).status == 0)
        let edited = try f.write(
            "edited.yaml", try String(contentsOfFile: plant, encoding: .utf8).replacingOccurrences(of: "upper: 12.018", with: "upper: 12.030"))
        let diff = try f.run(["plant", "diff", edited])
        #expect(diff.status == 2 && diff.out.contains("changed  routing BRK-7741@3"), "\(diff.out)")
        #expect(diff.out.contains("OP20: characteristic BORE tolerance 11.99 .. 12.018 → 11.99 .. 12.03"), "\(diff.out)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(try f.run(["plant", "diff", edited, "--format", "json"]).out.utf8))
                as? [[String: Any]])
        #expect(json.first?["kind"] as? String == "routing" && json.first?["change"] as? String == "changed")
        // The load itself is refused with the same difference, and nothing changes.
        let load = try f.run(["plant", "load", edited])
        #expect(load.status != 0 && load.err.contains("a loaded version cannot change"), "\(load.err)")
        #expect(try f.run(["plant", "diff", plant]).out.contains("no change"))
    }

    @Test func reportsPrintCSVWithAHeader() throws {
        let f = try FloorBinary()
        #expect(try f.run(["plant", "load", FloorBinary.examples.appendingPathComponent("plant.yaml").path]).status == 0)
        #expect(try f.run(["orders", "load", FloorBinary.examples.appendingPathComponent("work-orders.csv").path]).status == 0)
        let lines = try f.run(["report", "orders", "--format", "csv"]).out.split(separator: "\n")
        #expect(lines.first == "number,part,status,quantity,done,scrapped,due,priority")
        #expect(lines.contains("WO-1003,BRK-7741,released,200,0,0,2026-12-18,low"))
    }
}

@Suite("floor report: board figures, end to end")
struct BoardReportCommandTests {
    @Test func oeeFpyParetoAndBoardAsCsvAndJson() throws {
        let f = try FloorBinary.demo()
        // Each report takes only its own options: the last N days for the ones over a period.
        for name in ["oee", "fpy", "pareto", "wip-summary", "board"] {
            let days = ["oee", "fpy", "pareto"].contains(name) ? ["--days", "7"] : []
            let doc = try #require(try f.json(["report", name] + days + ["--format", "json", "--db", f.db]) as? [[String: Any]], "\(name)")
            #expect(!doc.isEmpty, "\(name) is empty on a week of demo history")
            let csv = try f.run(["report", name] + days + ["--format", "csv", "--db", f.db])
            #expect(csv.status == 0 && csv.out.split(separator: "\n").count == doc.count + 1, "\(name): one CSV line per JSON object")
        }
        let oee = try #require(try f.json(["report", "oee", "--days", "7", "--format", "json", "--db", f.db]) as? [[String: Any]])
        #expect(Set(oee.compactMap { $0["station"] as? String }) == ["K-SW1", "K-SW2", "K-UW", "K-PV", "K-LM", "K-QC", "K-PK"])
        for row in oee {
            if let a = row["availability_pct"] as? Double, let p = row["performance_pct"] as? Double, let q = row["quality_pct"] as? Double,
                let o = row["oee_pct"] as? Double
            {
                #expect(abs(a * p * q / 10_000 - o) < 0.2, "OEE = A × P × Q in \(row)")
            }
        }
        let bad = try f.run(["report", "nonsense"])
        #expect(bad.status == 64 && bad.err.contains("'nonsense'") && bad.err.contains("floor report --help"), "\(bad.err)")
        let help = try f.run(["report", "--help"])
        for name in ["wip", "orders", "conflicts", "trace", "oee", "fpy", "pareto", "wip-summary", "board"] {
            #expect(help.out.contains("  \(name) "), "floor report --help does not list \(name)")
        }
        // An option a report does not take is a usage error, not ignored.
        let wrong = try f.run(["report", "board", "--days", "7", "--db", f.db])
        #expect(wrong.status == 64 && wrong.err.contains("--days"), "\(wrong.err)")
    }
}
