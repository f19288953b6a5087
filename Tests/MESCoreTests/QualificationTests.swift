import Foundation
import Testing

@testable import MESCore

/// Qualifications that expire: a certified skill holds through its expiry date, then refuses the
/// start with the date; the list of what runs out soon.
@Suite struct QualificationTests {
    static func plant(milling expires: String) -> Plant {
        Fixtures.plant { p in
            let i = p.people.firstIndex { $0.badge == "1002" }!
            p.people[i].skills = ["DEBURR"]
            p.people[i].qualifications = [Qualification(skill: "MILL", certified: Fixtures.d("2024-11-01"), expires: Fixtures.d(expires))]
        }
    }

    @Test func aCertifiedSkillHoldsThroughItsExpiryDayAndNotAfter() {
        let bo = Self.plant(milling: "2026-11-24").people.first { $0.badge == "1002" }!
        #expect(Qualifications.status(of: bo, skill: "MILL", on: Fixtures.d("2026-11-24")) == .held)
        #expect(Qualifications.status(of: bo, skill: "MILL", on: Fixtures.d("2026-11-25")) == .expired(Fixtures.d("2026-11-24")))
        #expect(Qualifications.status(of: bo, skill: "SAW", on: Fixtures.d("2026-11-24")) == .missing)
        #expect(Qualifications.status(of: bo, skill: "DEBURR", on: Fixtures.d("2099-01-01")) == .held, "a plain skill never expires")
        // A renewal: the latest certification counts.
        var renewed = bo
        renewed.qualifications!.append(Qualification(skill: "MILL", expires: Fixtures.d("2028-11-24")))
        #expect(Qualifications.status(of: renewed, skill: "MILL", on: Fixtures.d("2027-01-01")) == .held)
    }

    @Test func anExpiredQualificationRefusesTheStartWithItsDate() throws {
        for (expires, refused) in [("2026-11-23", true), ("2026-11-24", false)] {
            var w = World(plant: Self.plant(milling: expires))
            w.release(Fixtures.wo(qty: 2))
            try w.bring("WO-1001-001", to: "OP20")
            if refused {
                let r = try w.refused(.start(serial: "WO-1001-001"), "1002", "ST-20")
                #expect(r.codes.contains("qualification_expired"))
                #expect(r.message("qualification_expired").contains("expired on 2026-11-23"))
            } else {
                try w.ok(.start(serial: "WO-1001-001"), "1002", "ST-20")
            }
        }
    }

    @Test func theExpiringListIsSoonestFirstAndLeavesOutRenewedAndPlainSkills() {
        var people = Self.plant(milling: "2026-12-10").people
        people[0].qualifications = [
            Qualification(skill: "SAW", expires: Fixtures.d("2026-11-20")), Qualification(skill: "SAW", expires: Fixtures.d("2027-11-20")),
            Qualification(skill: "LATHE", expires: Fixtures.d("2026-11-30")),
        ]
        let list = Qualifications.expiring(people, within: 30, today: Fixtures.d("2026-11-24"))
        #expect(list.map { "\($0.person.badge) \($0.qualification.skill) \($0.daysLeft)" } == ["1001 LATHE 6", "1002 MILL 16"])
        #expect(Qualifications.expiring(people, within: 10, today: Fixtures.d("2026-11-24")).count == 1)
        let late = Qualifications.expiring(people, within: 0, today: Fixtures.d("2026-12-12"))
        #expect(late.map(\.expired) == [true, true])
    }
}
