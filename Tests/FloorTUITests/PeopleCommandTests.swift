import Foundation
import Testing

@testable import FloorTUI

/// `floor people`: signing secrets set, reset, locked and unlocked through the real binary; the
/// secret never in its output or its store.
@Suite("floor people, end to end")
struct PeopleCommandTests {
    @Test func secretsAreSetLockedAndUnlockedAndNeverShown() throws {
        let f = try FloorBinary.demo()
        let secret = "Quartz-7731x", boss = "Harbor-2290q"
        var outputs = ""
        func people(_ args: [String], _ input: String) throws -> FloorBinary.Result {
            let r = try f.run(["people"] + args, input: input)
            outputs += r.out + r.err
            return r
        }
        // The demo gave everyone its published secret: changing one's own asks it first.
        let demo = DemoPlant.signingSecret
        let weak = try people(["set-secret", "201"], "\(demo)\n1234\n1234\n")
        #expect(weak.status == 2 && weak.err.contains("[weak_secret]"), "\(weak.err)")
        let differ = try people(["set-secret", "201"], "\(demo)\n\(secret)\nQuartz-7731y\n")
        #expect(differ.status == 1 && differ.err.contains("the two entries differ"), "\(differ.err)")
        #expect(try people(["set-secret", "201"], "\(demo)\n\(secret)\n\(secret)\n").status == 0)
        #expect(try people(["set-secret", "301"], "\(demo)\n\(boss)\n\(boss)\n").status == 0)

        // Changing it needs the current one; five wrong ones lock.
        for i in 1...5 {
            let r = try people(["set-secret", "201"], "wrong-\(i)-guess\nNew-5518-zz\nNew-5518-zz\n")
            #expect(r.status == 2 && r.err.contains("[wrong_secret]"), "\(i): \(r.err)")
        }
        let locked = try people(["set-secret", "201"], "\(secret)\nNew-5518-zz\nNew-5518-zz\n")
        #expect(locked.status == 2 && locked.err.contains("[signing_locked]"), "\(locked.err)")
        // Only a supervisor unlocks, with their own secret.
        let notBoss = try people(["unlock", "201", "--by", "202"], "\(demo)\n")
        #expect(notBoss.status == 2 && notBoss.err.contains("[insufficient_role]"), "\(notBoss.err)")
        let wrongBoss = try people(["unlock", "201", "--by", "301"], "not-her-secret\n")
        #expect(wrongBoss.status == 2 && wrongBoss.err.contains("[wrong_secret]"), "\(wrongBoss.err)")
        #expect(try people(["unlock", "201", "--by", "301"], "\(boss)\n").status == 0)
        #expect(try people(["set-secret", "201"], "\(secret)\nNew-5518-zz\nNew-5518-zz\n").status == 0)

        // The trace of the person shows what happened, never a secret.
        let audit = try f.run(["audit", "verify"])
        #expect(audit.status == 0, "\(audit.err)")
        for s in [secret, boss, "New-5518-zz", "wrong-3-guess"] {
            #expect(!outputs.contains(s), "\(s) was printed")
            for name in try FileManager.default.contentsOfDirectory(atPath: f.dir.path) {
                let path = f.dir.appendingPathComponent(name).path
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(bytes.range(of: Data(s.utf8)) == nil, "\(s) is in \(name)")
            }
        }
    }
}
