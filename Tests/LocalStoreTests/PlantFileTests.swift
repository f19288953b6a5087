import Foundation
import MESCore
import Testing

@testable import LocalStore

// MARK: - Helpers

private let examplePlantURL: URL = URL(fileURLWithPath: #filePath)  // Tests/LocalStoreTests/PlantFileTests.swift
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()  // package root
    .appendingPathComponent("docs/examples/plant.yaml").standardizedFileURL

/// A small valid plant; tests replace or add lines so that every line number is known.
private let baseLines = [
    "plant: {id: P1, name: Plant one, timezone: UTC}",  // 1
    "work_centers:",  // 2
    "  - {id: WC1, name: One}",  // 3
    "  - {id: WC2, name: Two}",  // 4
    "equipment:",  // 5
    "  - {id: M1, name: Machine, work_center: WC1}",  // 6
    "stations:",  // 7
    "  - {id: S1, name: Station, work_center: WC1, equipment: [M1]}",  // 8
    "materials:",  // 9
    "  - {id: MAT1, name: Bar, unit: mm}",  // 10
    "parts:",  // 11
    "  - {id: P-1, name: Part, revision: A, routing: R1}",  // 12
    "routings:",  // 13
    "  - id: R1",  // 14
    "    version: 1",  // 15
    "    status: approved",  // 16
    "    effective: 2026-01-01",  // 17
    "    steps:",  // 18
    "      - {id: OP10, name: Cut, work_center: WC1}",  // 19
    "      - {id: OP20, name: Check, work_center: WC2}",  // 20
]

/// The base plant with `edits` (1-based line -> new text) and `extra` lines added at the end (line 21 on).
private func yaml(_ edits: [Int: String] = [:], extra: [String] = []) -> String {
    var lines = baseLines
    for (line, text) in edits { lines[line - 1] = text }
    return (lines + extra).joined(separator: "\n") + "\n"
}

private func load(_ text: String) -> Result<Plant, FileProblems> {
    PlantFile.load(text: text, file: "test.yaml")
}

private func problems(_ text: String) -> [FileProblem] {
    switch load(text) {
    case .success: return []
    case .failure(let p): return p.problems
    }
}

private func plant(_ text: String) throws -> Plant {
    try load(text).get()
}

/// Exactly one problem, at `line`, for `field`, whose message contains `contains`.
private func expectOne(
    _ text: String, line: Int, field: String, _ contains: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let ps = problems(text)
    #expect(ps.count == 1, "problems: \(ps)", sourceLocation: sourceLocation)
    guard let p = ps.first else { return }
    #expect(p.line == line, "\(p)", sourceLocation: sourceLocation)
    #expect(p.field == field, "\(p)", sourceLocation: sourceLocation)
    #expect(p.message.contains(contains), "\(p)", sourceLocation: sourceLocation)
    #expect(p.file == "test.yaml", sourceLocation: sourceLocation)
}

// MARK: - The example plant

@Suite struct PlantFileTests {
    @Test func exampleFileExists() {
        #expect(FileManager.default.fileExists(atPath: examplePlantURL.path), "\(examplePlantURL.path)")
    }

    @Test func examplePlantDecodes() throws {
        let text = try String(contentsOf: examplePlantURL, encoding: .utf8)
        let result = PlantFile.load(text: text, file: "plant.yaml")
        if case .failure(let p) = result { Issue.record("\(p)") }
        let plant = try result.get()

        #expect(plant.id == "ACME-B2")
        #expect(plant.name == "Acme Aerostructures, Building 2")
        #expect(plant.timezone == "America/Chicago")

        // Shifts.
        #expect(plant.shifts.map(\.id) == ["DAY", "SWING", "NIGHT"])
        let day = plant.shifts[0], swing = plant.shifts[1], night = plant.shifts[2]
        #expect(day.start == ClockTime(minutes: 6 * 60) && day.end == ClockTime(minutes: 14 * 60 + 30))
        #expect(day.days == [.mon, .tue, .wed, .thu, .fri])
        #expect(!day.crossesMidnight)
        #expect(swing.start.description == "14:30" && swing.end.description == "23:00")
        #expect(night.start.description == "23:00" && night.end.description == "06:00")
        #expect(night.crossesMidnight)
        #expect(night.days == [.sun, .mon, .tue, .wed, .thu])

        // Reasons.
        #expect(plant.reasons.downtime.map(\.code) == ["SETUP", "PM", "BREAK", "MECH", "TOOL", "MAT", "QA"])
        #expect(plant.reasons.downtime.map(\.planned) == [true, true, true, false, false, false, false])
        #expect(plant.reasons.downtime[0].label == "Setup / changeover")
        #expect(plant.reasons.scrap.map(\.code) == ["DIM", "SURF", "MAT", "SETUP"])
        #expect(plant.reasons.scrap.allSatisfy { !$0.planned })
        #expect(plant.reasons.hold.map(\.code) == ["OOT", "FPI", "SUSPECT"])
        #expect(plant.reasons.hold[1].label == "First piece failed")

        // People.
        #expect(plant.people.map(\.badge) == ["1001", "1002", "1003", "2001", "9001"])
        #expect(plant.people[0] == Person(badge: "1001", name: "Ana Ruiz", role: .operator_, skills: ["SAW", "MILL"]))
        #expect(plant.people[3].role == .inspector && plant.people[3].skills == ["INSPECT"])
        #expect(plant.people[4] == Person(badge: "9001", name: "Dana Kowalski", role: .supervisor, skills: []))

        // Work centers, equipment, stations, materials.
        #expect(plant.workCenters.map(\.id) == ["SAW", "MILL", "DEBURR", "INSPECT", "PACK"])
        #expect(plant.workCenters[1].name == "5-axis milling")
        #expect(plant.equipment.count == 6)
        #expect(plant.equipment[1] == Equipment(id: "VF2-01", name: "Haas VF-2 #1", workCenter: "MILL", kind: .machine))
        #expect(plant.equipment[3].calibrationDue == LocalDate(year: 2027, month: 2, day: 15))
        #expect(plant.equipment[3].kind == .machine && plant.equipment[3].workCenter == "INSPECT")
        let mic = try #require(plant.equipment.first { $0.id == "MIC-004" })
        #expect(
            mic
                == Equipment(
                    id: "MIC-004", name: "Bore micrometer 10-12 mm", workCenter: nil, kind: .gauge,
                    calibrationDue: LocalDate(year: 2026, month: 12, day: 1)))
        let caliper = try #require(plant.equipment.first { $0.id == "CAL-017" })
        #expect(caliper.kind == .gauge && caliper.workCenter == nil)
        #expect(caliper.calibrationDue == LocalDate("2027-01-10"))
        #expect(plant.stations.map(\.id) == ["ST-10", "ST-20", "ST-21", "ST-30", "ST-40", "ST-50"])
        #expect(plant.stations[1] == Station(id: "ST-20", name: "Mill 1", workCenter: "MILL", equipment: ["VF2-01"]))
        #expect(plant.stations[3].equipment == [])
        #expect(
            plant.materials == [
                Material(id: "AL6061-25", name: "6061-T6 round bar Ø25", unit: "mm", gtin: "00614141000029"),
                Material(id: "HELICOIL-M6", name: "Helical insert M6x1", unit: "ea", gtin: nil),
            ])

        // Parts.
        #expect(
            plant.parts == [
                PartDefinition(
                    id: "BRK-7741", name: "Hinge bracket", revision: "C",
                    gtin: "00614141000012", routing: "BRK-7741")
            ])

        // Routing.
        #expect(plant.routings.count == 1)
        let r = plant.routings[0]
        #expect(r.id == "BRK-7741" && r.version == 3 && r.status == .approved)
        #expect(r.effective == LocalDate(year: 2026, month: 1, day: 1))
        #expect(r.steps.map(\.id) == ["OP10", "OP20", "OP30", "OP40", "OP50"])

        let op10 = r.steps[0]
        #expect(op10.name == "Saw blank" && op10.workCenter == "SAW" && op10.skill == "SAW")
        #expect(op10.role == .operator_ && op10.setupMin == 15 && op10.runMin == 1.5)
        #expect(op10.materials == [MaterialRequirement(material: "AL6061-25", qty: 130)])
        #expect(op10.instructions == "Cut bar stock to 130 mm (+/-0.5). Scan the bar's lot label before cutting.")
        #expect(op10.measurements.isEmpty && op10.firstPiece == .none && !op10.signoff)
        #expect(op10.onFail == .hold && op10.next.isEmpty)

        let op20 = r.steps[1]
        #expect(op20.firstPiece == .perShift && op20.setupMin == 45 && op20.runMin == 12 && op20.skill == "MILL")
        #expect(op20.instructions.hasPrefix("Program O7741 rev C."))
        #expect(op20.measurements.map(\.id) == ["BORE", "LEN", "FLAT"])
        #expect(
            op20.measurements[0]
                == Characteristic(
                    id: "BORE", name: "Bore Ø", kind: .variable, unit: "mm",
                    nominal: 12.0, lower: 11.99, upper: 12.018, balloon: "4",
                    sample: .every))
        let len = op20.measurements[1]
        #expect(len.sample == .everyNth(5) && len.balloon == "7" && len.lower == 124.9 && len.upper == 125.1)
        let flat = op20.measurements[2]
        #expect(flat.sample == .first(3) && flat.lower == nil && flat.upper == 0.05 && flat.nominal == nil)
        #expect(flat.kind == .variable && flat.balloon == "9" && flat.unit == "mm")

        let op30 = r.steps[2]
        #expect(op30.setupMin == 0 && op30.runMin == 4)
        #expect(op30.materials == [MaterialRequirement(material: "HELICOIL-M6", qty: 2)])
        #expect(op30.measurements == [Characteristic(id: "EDGES", name: "All edges broken, no burrs", kind: .passFail)])
        #expect(op30.instructions == "")

        let op40 = r.steps[3]
        #expect(op40.signoff && op40.role == .inspector && op40.skill == nil && op40.runMin == 8)
        #expect(op40.onFail == .hold)
        #expect(op40.measurements.map(\.id) == ["BORE-F", "POS"])
        #expect(op40.measurements[1].upper == 0.025 && op40.measurements[1].lower == nil)
        #expect(op40.measurements[1].balloon == "5" && op40.measurements[1].sample == .every)

        let op50 = r.steps[4]
        #expect(op50.name == "Pack" && op50.workCenter == "PACK" && op50.skill == "PACK" && op50.runMin == 2)
    }

    @Test func decodingTwiceGivesEqualPlants() throws {
        let text = try String(contentsOf: examplePlantURL, encoding: .utf8)
        let a = try PlantFile.load(text: text, file: "plant.yaml").get()
        let b = try PlantFile.load(text: text, file: "plant.yaml").get()
        #expect(a == b)
        #expect(try plant(yaml()) == plant(yaml()))
    }

    @Test func baseFixtureIsValid() throws {
        let p = try plant(yaml())
        #expect(p.routings[0].steps.count == 2)
        #expect(p.shifts.isEmpty && p.people.isEmpty && p.reasons == Reasons())
    }

    // MARK: Defaults and accepted forms

    @Test func defaultsAndAlternativeForms() throws {
        let p = try plant(
            yaml(
                [19: "      - {id: OP10, name: Cut, work_center: WC1, signoff: yes, skill: NOBODY-HAS-IT}"],
                extra: [
                    "      - id: OP30",  // 21
                    "        name: Rework",  // 22
                    "        work_center: WC1",  // 23
                    "        signoff: no",  // 24
                    "        on_fail: {rework: OP10}",  // 25
                    "        next: [{to: OP10, when: fail}, {to: OP20}]",  // 26
                    "        measurements:",  // 27
                    "          - {id: D, name: Dia, balloon: 12.5, lower: 1, sample: 10%}",  // 28
                    "          - {id: E, name: Edge, balloon: A3, kind: pass_fail, sample: every 2}",  // 29
                    "people:",  // 30
                    "  - {badge: 7, name: Ed}",  // 31
                    "shifts:",  // 32
                    "  - {id: A, start: \"00:00\", end: \"23:59\", days: [sat, sun]}",  // 33
                    "reasons:",  // 34
                    "  downtime: [{code: X, label: Lunch, planned: yes}, {code: Y, label: Jam, planned: false}]",  // 35
                ]))
        let steps = p.routings[0].steps
        #expect(steps[0].signoff && steps[0].skill == "NOBODY-HAS-IT")
        #expect(steps[1] == Step(id: "OP20", name: "Check", workCenter: "WC2"))
        #expect(steps[1].role == .operator_ && steps[1].firstPiece == .none && steps[1].instructions == "")
        #expect(steps[2].onFail == .rework(step: "OP10") && !steps[2].signoff)
        #expect(steps[2].next == [NextEdge(to: "OP10", when: .fail), NextEdge(to: "OP20", when: .always)])
        #expect(steps[2].measurements[0].balloon == "12.5" && steps[2].measurements[0].sample == .percent(10))
        #expect(steps[2].measurements[0].kind == .variable)
        #expect(steps[2].measurements[1].balloon == "A3" && steps[2].measurements[1].sample == .everyNth(2))
        #expect(p.people == [Person(badge: "7", name: "Ed", role: .operator_, skills: [])])
        #expect(p.shifts[0].days == [.sat, .sun] && !p.shifts[0].crossesMidnight)
        #expect(p.reasons.downtime.map(\.planned) == [true, false])
        #expect(p.equipment[0].kind == .machine && p.equipment[0].calibrationDue == nil)
    }

    // MARK: Missing and mistyped fields

    @Test func missingRequiredField() {
        expectOne(yaml([3: "  - {id: WC1}"]), line: 3, field: "work_centers[0].name", "missing required key \"name\"")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut}"]), line: 19, field: "routings[0].steps[0].work_center",
            "missing required key \"work_center\"")
        expectOne(yaml([1: "# no plant section"]), line: 2, field: "plant", "missing required key \"plant\"")
        expectOne(yaml([16: "    # no status"]), line: 14, field: "routings[0].status", "missing required key \"status\"")
    }

    @Test func wrongType() {
        expectOne(
            yaml([3: "  - {id: WC1, name: {first: One}}"]), line: 3, field: "work_centers[0].name",
            "expected a single value, found a mapping")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, setup_min: quick}"]), line: 19,
            field: "routings[0].steps[0].setup_min", "expected a number, found \"quick\"")
        expectOne(yaml([15: "    version: three"]), line: 15, field: "routings[0].version", "expected a whole number")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, signoff: maybe}"]), line: 19,
            field: "routings[0].steps[0].signoff", "expected true or false")
        expectOne(
            yaml([9: "materials: {id: MAT1, name: Bar, unit: mm}", 10: "# none"]), line: 9, field: "materials",
            "expected a list, found a mapping")
        expectOne(
            yaml([8: "  - {id: S1, name: Station, work_center: WC1, equipment: M1}"]), line: 8,
            field: "stations[0].equipment", "expected a list")
    }

    @Test func unknownEnumValues() {
        expectOne(
            yaml(extra: ["people:", "  - {badge: \"1\", name: A, role: admin}"]), line: 22,
            field: "people[0].role", "unknown role \"admin\"")
        expectOne(
            yaml([6: "  - {id: M1, name: Machine, work_center: WC1, kind: robot}"]), line: 6,
            field: "equipment[0].kind", "unknown equipment kind \"robot\"")
        expectOne(yaml([16: "    status: live"]), line: 16, field: "routings[0].status", "unknown routing status \"live\"")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, first_piece: always}"]), line: 19,
            field: "routings[0].steps[0].first_piece", "unknown first_piece scope \"always\"")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, role: boss}"]), line: 19,
            field: "routings[0].steps[0].role", "unknown role \"boss\"")
        expectOne(
            yaml(extra: ["shifts:", "  - {id: A, start: \"06:00\", end: \"14:00\", days: [mon, funday]}"]),
            line: 22, field: "shifts[0].days[1]", "unknown weekday \"funday\"")
        expectOne(
            yaml(extra: ["      - {id: OP30, name: X, work_center: WC1, next: [{to: OP10, when: maybe}]}"]),
            line: 21, field: "routings[0].steps[2].next[0].when", "unknown edge condition \"maybe\"")
        expectOne(
            yaml(extra: ["      - {id: OP30, name: X, work_center: WC1, on_fail: scrap}"]),
            line: 21, field: "routings[0].steps[2].on_fail", "expected \"hold\" or {rework: STEP}")
        expectOne(
            yaml(extra: [
                "      - id: OP30", "        name: X", "        work_center: WC1", "        measurements:",
                "          - {id: M, name: M, upper: 1, sample: some}",
            ]),
            line: 25, field: "routings[0].steps[2].measurements[0].sample", "unknown sample plan \"some\"")
        expectOne(
            yaml(extra: [
                "      - id: OP30", "        name: X", "        work_center: WC1", "        measurements:",
                "          - {id: M, name: M, kind: attribute}",
            ]),
            line: 25, field: "routings[0].steps[2].measurements[0].kind", "unknown characteristic kind \"attribute\"")
    }

    @Test func badTimeDateAndTimezone() {
        expectOne(
            yaml(extra: ["shifts:", "  - {id: A, start: \"6:00\", end: \"14:00\", days: [mon]}"]),
            line: 22, field: "shifts[0].start", "bad time \"6:00\"")
        expectOne(
            yaml(extra: ["shifts:", "  - {id: A, start: \"06:00\", end: \"24:30\", days: [mon]}"]),
            line: 22, field: "shifts[0].end", "bad time \"24:30\"")
        expectOne(
            yaml([6: "  - {id: M1, name: Machine, work_center: WC1, calibration_due: 2026-02-30}"]), line: 6,
            field: "equipment[0].calibration_due", "bad date \"2026-02-30\"")
        expectOne(yaml([17: "    effective: soon"]), line: 17, field: "routings[0].effective", "bad date \"soon\"")
        expectOne(
            yaml([1: "plant: {id: P1, name: Plant one, timezone: Mars/Olympus_Mons}"]), line: 1,
            field: "plant.timezone", "unknown time zone \"Mars/Olympus_Mons\"")
    }

    @Test func duplicateIDs() {
        expectOne(
            yaml(extra: ["people:", "  - {badge: \"1\", name: A}", "  - {badge: \"1\", name: B}"]),
            line: 23, field: "people[1].badge", "duplicate badge \"1\" (first on line 22)")
        expectOne(
            yaml([4: "  - {id: WC1, name: Two}\n  - {id: WC2, name: Two}"]), line: 4, field: "work_centers[1].id",
            "duplicate work center id \"WC1\" (first on line 3)")
        expectOne(
            yaml([6: "  - {id: M1, name: Machine, work_center: WC1}\n  - {id: M1, name: Other}"]),
            line: 7, field: "equipment[1].id", "duplicate equipment id \"M1\"")
        expectOne(
            yaml([8: "  - {id: S1, name: Station, work_center: WC1}\n  - {id: S1, name: Again, work_center: WC2}"]),
            line: 9, field: "stations[1].id", "duplicate station id \"S1\"")
        expectOne(
            yaml([10: "  - {id: MAT1, name: Bar, unit: mm}\n  - {id: MAT1, name: Bar 2, unit: mm}"]),
            line: 11, field: "materials[1].id", "duplicate material id \"MAT1\"")
        expectOne(
            yaml([12: "  - {id: P-1, name: Part, revision: A, routing: R1}\n  - {id: P-1, name: P, revision: B, routing: R1}"]),
            line: 13, field: "parts[1].id", "duplicate part id \"P-1\"")
        // Reason codes are unique within one list; the same code in two lists is fine.
        expectOne(
            yaml(extra: [
                "reasons:", "  downtime: [{code: MAT, label: A}, {code: MAT, label: B}]",
                "  scrap: [{code: MAT, label: C}]",
            ]),
            line: 22, field: "reasons.downtime[1].code", "duplicate downtime reason code \"MAT\"")
        expectOne(
            yaml(extra: [
                "  - id: R1", "    version: 1", "    status: draft", "    effective: 2026-02-01",
                "    steps: [{id: OP10, name: Cut, work_center: WC1}]",
            ]),
            line: 22, field: "routings[1].version", "duplicate routing \"R1\" version 1 (first on line 15)")
        expectOne(
            yaml([20: "      - {id: OP10, name: Check, work_center: WC2}"]), line: 20,
            field: "routings[0].steps[1].id", "duplicate step id \"OP10\" (first on line 19)")
        expectOne(
            yaml(extra: [
                "      - id: OP30", "        name: X", "        work_center: WC1", "        measurements:",
                "          - {id: M, name: M, upper: 1}", "          - {id: M, name: N, upper: 2}",
            ]),
            line: 26, field: "routings[0].steps[2].measurements[1].id", "duplicate characteristic id \"M\"")
    }

    @Test func severalVersionsOfOneRoutingAreFine() throws {
        let p = try plant(
            yaml(extra: [
                "  - id: R1", "    version: 2", "    status: draft", "    effective: 2026-02-01",
                "    steps: [{id: OP10, name: Cut, work_center: WC1}]",
            ]))
        #expect(p.routings.map(\.version) == [1, 2])
        #expect(p.routings[1].status == .draft)
    }

    @Test func unknownReferences() {
        expectOne(
            yaml([6: "  - {id: M1, name: Machine, work_center: WC9}"]), line: 6,
            field: "equipment[0].work_center", "unknown work center \"WC9\"")
        expectOne(
            yaml([8: "  - {id: S1, name: Station, work_center: WCX, equipment: [M1]}"]), line: 8,
            field: "stations[0].work_center", "unknown work center \"WCX\"")
        expectOne(
            yaml([8: "  - {id: S1, name: Station, work_center: WC1, equipment: [M1, M2]}"]), line: 8,
            field: "stations[0].equipment[1]", "unknown equipment \"M2\"")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC3}"]), line: 19,
            field: "routings[0].steps[0].work_center", "unknown work center \"WC3\"")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, materials: [{material: MAT2, qty: 1}]}"]),
            line: 19, field: "routings[0].steps[0].materials[0].material", "unknown material \"MAT2\"")
        expectOne(
            yaml([12: "  - {id: P-1, name: Part, revision: A, routing: R2}"]), line: 12,
            field: "parts[0].routing", "unknown routing \"R2\"")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, on_fail: {rework: OP05}}"]), line: 19,
            field: "routings[0].steps[0].on_fail.rework", "unknown step \"OP05\"")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, next: [{to: OP99, when: pass}]}"]), line: 19,
            field: "routings[0].steps[0].next[0].to", "unknown step \"OP99\"")
    }

    @Test func referenceMessagesSuggestTheClosestID() {
        let ps = problems(yaml([19: "      - {id: OP10, name: Cut, work_center: WC11}"]))
        #expect(ps.count == 1)
        #expect(ps.first?.message.contains("did you mean \"WC1\"") == true)
    }

    @Test func limitsAndNegativeNumbers() {
        let step = ["      - id: OP30", "        name: X", "        work_center: WC1", "        measurements:"]
        expectOne(
            yaml(extra: step + ["          - {id: M, name: M, lower: 2, upper: 1}"]), line: 25,
            field: "routings[0].steps[2].measurements[0].lower", "is greater than upper limit")
        expectOne(
            yaml(extra: step + ["          - {id: M, name: M, unit: mm, nominal: 5}"]), line: 25,
            field: "routings[0].steps[2].measurements[0]", "needs a lower or an upper limit")
        expectOne(
            yaml(extra: step + ["          - {id: M, name: M, kind: pass_fail, upper: 1}"]), line: 25,
            field: "routings[0].steps[2].measurements[0].upper", "a pass_fail characteristic has no upper")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, setup_min: -5}"]), line: 19,
            field: "routings[0].steps[0].setup_min", "must not be negative")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, run_min: -0.5}"]), line: 19,
            field: "routings[0].steps[0].run_min", "must not be negative")
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, work_center: WC1, materials: [{material: MAT1, qty: -2}]}"]),
            line: 19, field: "routings[0].steps[0].materials[0].qty", "must be greater than 0")
    }

    @Test func unknownKeysAreErrors() {
        expectOne(
            yaml([19: "      - {id: OP10, name: Cut, wrok_center: WC1, work_center: WC1}"]), line: 19,
            field: "routings[0].steps[0].wrok_center", "unknown key \"wrok_center\"; did you mean \"work_center\"?")
        expectOne(yaml(extra: ["routing: {}"]), line: 21, field: "routing", "unknown key \"routing\"")
        expectOne(
            yaml([10: "  - {id: MAT1, name: Bar, unit: mm, colour: red}"]), line: 10,
            field: "materials[0].colour", "unknown key \"colour\"")
        // `planned` belongs to downtime reasons only.
        expectOne(
            yaml(extra: ["reasons:", "  scrap: [{code: D, label: Dim, planned: true}]"]), line: 22,
            field: "reasons.scrap[0].planned", "unknown key \"planned\"")
    }

    @Test func emptyIDs() {
        expectOne(
            yaml([4: "  - {id: WC2, name: Two}\n  - {id: \"\", name: Three}"]), line: 5,
            field: "work_centers[2].id", "must not be empty")
        expectOne(
            yaml([19: "      - {id: \"  \", name: Cut, work_center: WC1}"]), line: 19,
            field: "routings[0].steps[0].id", "must not be empty")
        expectOne(
            yaml(extra: ["people:", "  - {badge: '', name: A}"]), line: 22, field: "people[0].badge",
            "must not be empty")
    }

    @Test func problemColumnsPointAtTheValue() {
        let ps = problems(yaml([6: "  - {id: M1, name: Machine, work_center: WC9}"]))
        #expect(ps.count == 1)
        #expect(ps.first?.column == 42)
        #expect(
            ps.first?.description
                == "test.yaml:6:42: equipment[0].work_center: unknown work center \"WC9\"; did you mean \"WC1\"?")
    }

    @Test func threeDifferentErrorsAreAllReported() {
        let text = yaml([
            3: "  - {id: WC1, name: One, owner: Bob}",  // unknown key
            12: "  - {id: P-1, name: Part, revision: A, routing: R9}",  // unknown routing
            17: "    effective: 2026-13-01",  // bad date
        ])
        let ps = problems(text)
        #expect(ps.map(\.line) == [3, 12, 17])
        #expect(ps.map(\.field) == ["work_centers[0].owner", "parts[0].routing", "routings[0].effective"])
    }

    // MARK: YAML-level problems

    @Test func yamlSyntaxErrorHasItsLine() {
        let ps = problems(yaml([10: "  - {id: MAT1, name: Bar, unit: mm"]))
        #expect(ps.count == 1)
        #expect(ps.first?.field == "yaml")
        #expect(ps.first.map { (10...11).contains($0.line) } == true, "\(ps)")

        let ps2 = problems("plant:\n  id: P1\n   name: bad indent\n")
        #expect(ps2.count == 1 && ps2.first?.line == 3 && ps2.first?.field == "yaml", "\(ps2)")
    }

    @Test func duplicateKeysAreReportedAtTheRepetition() {
        let ps = problems(yaml([17: "    effective: 2026-01-01\n    status: draft"]))
        #expect(ps.count == 1, "\(ps)")
        #expect(ps.first?.line == 18 && ps.first?.field == "yaml", "\(ps)")
        #expect(ps.first?.message.contains("duplicate key \"status\" (first on line 16)") == true, "\(ps)")

        // In a flow mapping, and twice in one file.
        let ps2 = problems(yaml([3: "  - {id: WC1, name: One, id: WC3}", 19: "      - {id: OP10, name: Cut, name: Cut 2, work_center: WC1}"]))
        #expect(ps2.map(\.line) == [3, 19], "\(ps2)")
        #expect(ps2.first?.column == 26, "\(ps2)")
    }

    @Test func emptyFile() {
        for text in ["", "\n\n", "# only a comment\n", "---\n"] {
            let ps = problems(text)
            #expect(ps.count == 1 && ps.first?.message == "the file is empty", "\(ps)")
        }
    }

    @Test func rootMustBeAMapping() {
        let ps = problems("- a\n- b\n")
        #expect(ps.count == 1 && ps.first?.line == 1, "\(ps)")
    }

    @Test func aliasesAndQuotedScalars() throws {
        let text = yaml(
            [3: "  - &wc {id: WC1, name: One}", 6: "  - {id: M1, name: Machine, work_center: WC1}"],
            extra: ["people:", "  - {badge: \"007\", name: Bond, skills: [\"null\", '~']}"])
        let p = try plant(text)
        #expect(p.people[0].badge == "007" && p.people[0].skills == ["null", "~"])
        let node = try YAMLSource.parse("a: &x {b: 1}\nc: *x\nd: 'q'\ne: ~\n", file: "t").get()
        guard case .mapping(let entries) = node.value else { Issue.record("not a mapping"); return }
        #expect(entries.map(\.key) == ["a", "c", "d", "e"])
        #expect(entries[0].value.value == entries[1].value.value)
        #expect(entries[2].value.value == .scalar("q", quoted: true))
        #expect(entries[3].value.value == .scalar("~", quoted: false))
        #expect(entries[3].keyLine == 4 && entries[3].keyColumn == 1)
    }

    @Test func hashGluedToAWordInAFlowMappingIsText() throws {
        // Strict YAML reads ` #1, ...}` as a comment and fails on the unclosed brace; plant files say
        // "Haas VF-2 #1" (docs/examples/plant.yaml), so it is text.
        let p = try plant(yaml([6: "  - {id: M1, name: Haas VF-2 #1,   work_center: WC1}  # a real comment"]))
        #expect(p.equipment[0].name == "Haas VF-2 #1")
        // Outside a flow collection YAML's rule stands: a `#` after a space starts a comment.
        let node = try YAMLSource.parse("a: b #c\nd: 'x #y'\ne: [p #q, r]\n", file: "t").get()
        guard case .mapping(let e) = node.value else { Issue.record("not a mapping"); return }
        #expect(e[0].value.value == .scalar("b", quoted: false))
        #expect(e[1].value.value == .scalar("x #y", quoted: true))
        #expect(
            e[2].value.value
                == .sequence([
                    SourceNode(.scalar("p #q", quoted: false), line: 3, column: 5),
                    SourceNode(.scalar("r", quoted: false), line: 3, column: 11),
                ]))
    }

    @Test func mergeKeys() throws {
        let node = try YAMLSource.parse("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n", file: "t").get()
        guard case .mapping(let e) = node.value, case .mapping(let thing) = e[1].value.value else {
            Issue.record("not a mapping"); return
        }
        #expect(thing.map(\.key) == ["y", "x"])
        #expect(thing[0].value.value == .scalar("3", quoted: false))
        #expect(thing[1].value.value == .scalar("1", quoted: false))
    }

    @Test func aKeyThreeTimes() {
        let ps = problems("plant: {id: P, name: N, timezone: UTC}\nshifts: []\nshifts: []\nshifts: []\n")
        #expect(ps.map(\.line) == [3, 4], "\(ps)")
        #expect(ps.map(\.message) == ["duplicate key \"shifts\" (first on line 2)", "duplicate key \"shifts\" (first on line 3)"])
    }

    @Test func aliasBombIsRefused() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...7 {
            lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let result = YAMLSource.parse(lines.joined(separator: "\n"), file: "t")
        guard case .failure(let p) = result else { Issue.record("accepted"); return }
        #expect(p.problems.count == 1 && p.problems[0].message.contains("aliases"))
    }

    @Test func messagesReadWell() {
        let text = yaml([
            3: "  - {id: WC1, name: One, owner: Bob}",
            15: "    version: -1",
            19: "      - {id: OP10, name: Cut, work_center: WC1, on_fail: {rework: OP99}, first_piece: per_lot}",
        ])
        let report = FileProblems(problems(text)).description
        #expect(
            report == """
                test.yaml:3:26: work_centers[0].owner: unknown key "owner" (keys of a work center: id, name)
                test.yaml:15:14: routings[0].version: "version" must not be negative, found -1
                test.yaml:19:67: routings[0].steps[0].on_fail.rework: unknown step "OP99"
                test.yaml:19:87: routings[0].steps[0].first_piece: unknown first_piece scope "per_lot" \
                (expected one of none, per_work_order, per_shift, per_equipment, per_operator)
                """)
    }

    @Test func nullValueForARequiredKey() {
        expectOne(yaml([3: "  - {id: WC1, name: }"]), line: 3, field: "work_centers[0].name", "\"name\" has no value")
    }
}

@Suite struct QualificationFileTests {
    @Test func thePlantFileReadsQualificationsAndRefusesOneThatExpiresBeforeItWasGranted() throws {
        let ok = """
            plant: {id: P, name: P, timezone: UTC}
            people:
              - badge: "7"
                name: Ezra Levi
                qualifications:
                  - {skill: MILL, certified: 2025-06-02, expires: 2027-06-01}
            """
        let plant = try PlantFile.load(text: ok, file: "p.yaml").get()
        #expect(
            plant.people[0].qualifications == [Qualification(skill: "MILL", certified: LocalDate("2025-06-02")!, expires: LocalDate("2027-06-01")!)])
        let bad = ok.replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2024-06-01")
        guard case .failure(let problems) = PlantFile.load(text: bad, file: "p.yaml") else { Issue.record("loaded"); return }
        #expect(problems.problems.contains { $0.message.contains("expires (2024-06-01) before it was granted") }, "\(problems)")
        let missing = ok.replacingOccurrences(of: ", expires: 2027-06-01", with: "")
        guard case .failure = PlantFile.load(text: missing, file: "p.yaml") else { Issue.record("loaded without expires"); return }
    }
}
