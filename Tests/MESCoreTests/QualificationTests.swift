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

    /// A supervisor's signed act at the console certifies or withdraws a skill on top of the plant
    /// file: a grant lets an expired person start again until its date; a revoke refuses a skill
    /// the file lists; who may act, and what a revoke needs.
    @Test func aSignedGrantOrRevokeChangesWhatTheStartGateAllows() throws {
        var w = World(plant: Self.plant(milling: "2026-11-23"))
        w.release(Fixtures.wo(qty: 2))
        try w.bring("WO-1001-001", to: "OP20")
        #expect(try w.refused(.start(serial: "WO-1001-001"), "1002", "ST-20").codes.contains("qualification_expired"))
        let grant = Command.qualify(badge: "1002", skill: "MILL", certified: Fixtures.d("2026-11-24"), expires: Fixtures.d("2027-11-23"))
        #expect(try w.run(grant, badge: "9001", station: "ST-20", signed: false).failure?.codes == ["signature_required"])
        #expect(try w.refused(grant, "2001", "ST-20").codes == ["insufficient_role"], "an inspector may not certify")
        #expect(
            try w.refused(
                .qualify(badge: "9001", skill: "MILL", certified: Fixtures.d("2026-11-24"), expires: Fixtures.d("2027-11-23")), "9001", "ST-20"
            )
            .codes == ["own_request"])
        #expect(
            try w.refused(
                .qualify(badge: "1002", skill: "MILL", certified: Fixtures.d("2026-11-24"), expires: Fixtures.d("2026-11-01")), "9001", "ST-20"
            )
            .codes == ["bad_value"])
        let granted = try w.ok(grant, "9001", "ST-20")
        #expect(Signature.meaning(of: granted[0]) == "certified (qualification)")
        try w.ok(.start(serial: "WO-1001-001"), "1002", "ST-20")
        // Revoking a plain skill of the plant file (DEBURR) and the certified one.
        #expect(try w.refused(.revokeQualification(badge: "1002", skill: "SAW", reason: "x"), "9001", "ST-20").codes == ["bad_value"])
        #expect(try w.refused(.revokeQualification(badge: "1002", skill: "MILL", reason: "  "), "9001", "ST-20").codes == ["needs_reason"])
        let revoked = try w.ok(.revokeQualification(badge: "1002", skill: "DEBURR", reason: "failed the practical re-test"), "9001", "ST-20")
        #expect(Signature.meaning(of: revoked[0]) == "revoked (qualification)")
        let now = w.state.signing("1002")?.qualificationActs
        #expect(now?["DEBURR"] == .revoked(reason: "failed the practical re-test"))
        let seen = Qualifications.effective(w.person("1002"), acts: now)
        #expect(Qualifications.status(of: seen, skill: "DEBURR", on: Fixtures.d("2026-11-24")) == .missing)
        #expect(Qualifications.status(of: seen, skill: "MILL", on: Fixtures.d("2027-11-23")) == .held)
        #expect(Qualifications.status(of: seen, skill: "MILL", on: Fixtures.d("2027-11-24")) == .expired(Fixtures.d("2027-11-23")))
    }

    @Test func effectiveAppliesTheLastActPerSkillOnTopOfThePlantFile() {
        let bo = Self.plant(milling: "2026-11-24").people.first { $0.badge == "1002" }!
        #expect(Qualifications.effective(bo, acts: nil) == bo)
        let later = Qualification(skill: "MILL", certified: Fixtures.d("2026-11-25"), expires: Fixtures.d("2028-01-31"))
        let p = Qualifications.effective(bo, acts: ["MILL": .granted(later), "DEBURR": .revoked(reason: "r")])
        #expect(p.qualifications == [later], "the grant replaces the file's certification for the skill")
        #expect(!p.skills.contains("DEBURR"))
        #expect(Qualifications.effective(p, acts: ["MILL": .granted(later), "DEBURR": .revoked(reason: "r")]) == p, "applying twice changes nothing")
    }

    /// Resuming asks the same qualification rule as starting: a certification counts, and a
    /// revoke signed while the step was paused refuses the resume.
    @Test func aResumeFollowsCertificationsAndRevokes() throws {
        var w = World(plant: Self.plant(milling: "2026-12-31"))
        w.release(Fixtures.wo(qty: 2))
        try w.bring("WO-1001-001", to: "OP20")
        try w.ok(.start(serial: "WO-1001-001"), "1002", "ST-20")
        try w.ok(.pause(serial: "WO-1001-001", reason: "break"), "1002", "ST-20")
        try w.ok(.resume(serial: "WO-1001-001"), "1002", "ST-20")
        try w.ok(.pause(serial: "WO-1001-001", reason: "break"), "1002", "ST-20")
        try w.ok(.revokeQualification(badge: "1002", skill: "MILL", reason: "failed the practical re-test"), "9001", "ST-20")
        #expect(try w.refused(.resume(serial: "WO-1001-001"), "1002", "ST-20").codes.contains("missing_skill"))
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

/// Routing versions under change control: draft until approved with a signature by the role the
/// plant file names; without change control, the file's status decides as before.
@Suite struct RoutingApprovalTests {
    static func controlled() -> Plant { Fixtures.plant { $0.changeControl = ChangeControlPolicy(approveRoutings: .supervisor) } }

    @Test func withoutChangeControlTheStatusDecidesAndWithItOnlyAnApproval() throws {
        let plain = Fixtures.plant()
        let r = try #require(plain.routings.first)
        #expect(RoutingApproval.releases(r, plant: plain, approved: []))
        let controlled = Self.controlled()
        #expect(!RoutingApproval.releases(r, plant: controlled, approved: []), "status: approved in the file is not enough")
        #expect(RoutingApproval.state(r, plant: controlled, approved: []) == .draft)
        #expect(RoutingApproval.releases(r, plant: controlled, approved: [PlantState.routingKey(r.id, r.version)]))
        var obsolete = r
        obsolete.status = .obsolete
        #expect(!RoutingApproval.releases(obsolete, plant: controlled, approved: [PlantState.routingKey(r.id, r.version)]))
        #expect(Fixtures.wo().release(plant: PlantIndex(controlled), on: Fixtures.d("2026-11-24")) == nil)
        #expect(
            Fixtures.wo().release(plant: PlantIndex(controlled), on: Fixtures.d("2026-11-24"), approved: ["BRK-7741@3"])?.routingVersion == 3)
    }

    @Test func anApprovalIsASupervisorsSignatureOnce() throws {
        var w = World(plant: Self.controlled())
        w.loadPlant()
        let approve = Command.approveRouting(id: "BRK-7741", version: 3)
        #expect(try w.run(approve, badge: "9001", station: "ST-10", signed: false).failure?.codes == ["signature_required"])
        #expect(try w.refused(approve, "2001", "ST-10").codes == ["insufficient_role"])
        #expect(try w.refused(.approveRouting(id: "BRK-7741", version: 9), "9001", "ST-10").codes == ["unknown_routing"])
        let evs = try w.ok(approve, "9001", "ST-10")
        #expect(evs == [.routingApproved(RoutingApproved(routing: "BRK-7741", version: 3))])
        #expect(Signature.meaning(of: evs[0]) == "approved (routing version)")
        #expect(w.state.routingApproved(id: "BRK-7741", version: 3))
        #expect(try w.refused(approve, "9001", "ST-10").codes == ["already_approved"])
        var plain = World()
        plain.loadPlant()
        #expect(try plain.refused(approve, "9001", "ST-10").codes == ["not_under_change_control"])
    }
}
