import Foundation
import MESCore

/// A machining plant with any number of stations (at least 6), for `floor simulate` and benchmarks.
public enum SimulatedPlant {
    static let centers: [(id: String, name: String, weight: Int)] = [
        ("CUT", "Saw cell", 2), ("MILL", "Milling", 5), ("TURN", "Turning", 3),
        ("DEBURR", "Deburr bench", 2), ("INSPECT", "Quality lab", 2), ("PACK", "Pack and ship", 1),
    ]

    public static func make(stations n: Int) -> Plant {
        let total = centers.reduce(0) { $0 + $1.weight }
        var counts = centers.map { max(1, n * $0.weight / total) }
        var i = 1
        while counts.reduce(0, +) < n { counts[i % counts.count] += 1; i += 1 }
        while counts.reduce(0, +) > n, let j = counts.indices.max(by: { counts[$0] < counts[$1] }) { counts[j] -= 1 }

        var stations: [Station] = [], equipment: [Equipment] = [], people: [Person] = []
        var badge = 1000
        for (c, count) in zip(centers, counts) {
            for k in 1...count {
                let id = "\(c.id)-\(String(format: "%02d", k))"
                let machine = c.id == "DEBURR" || c.id == "PACK" ? nil : "M-\(id)"
                if let machine {
                    equipment.append(
                        Equipment(
                            id: machine, name: "\(c.name) machine \(k)", workCenter: c.id, kind: .machine,
                            calibrationDue: c.id == "INSPECT" ? LocalDate(year: 2099, month: 12, day: 31) : nil))
                }
                stations.append(Station(id: "ST-\(id)", name: "\(c.name) \(k)", workCenter: c.id, equipment: machine.map { [$0] } ?? []))
            }
            // Two operators per station over the shifts, skilled for their center.
            for _ in 0..<(count * 2) {
                badge += 1
                people.append(
                    Person(
                        badge: String(badge), name: "Operator \(badge)", role: c.id == "INSPECT" ? .inspector : .operator_,
                        skills: [c.id]))
            }
        }
        people.append(Person(badge: "8001", name: "Inspector One", role: .inspector, skills: ["INSPECT"]))
        people.append(Person(badge: "8002", name: "Inspector Two", role: .inspector, skills: ["INSPECT"]))
        people.append(Person(badge: "9001", name: "Supervisor", role: .supervisor, skills: centers.map(\.id)))
        equipment.append(Equipment(id: "GAUGE-01", name: "Caliper", kind: .gauge, calibrationDue: LocalDate(year: 2099, month: 1, day: 1)))

        func mill(_ sample2: String) -> Step {
            Step(
                id: "OP20", name: "Mill", workCenter: "MILL", skill: "MILL", setupMin: 30, runMin: 14, instructions: "Mill profile.",
                measurements: [
                    Characteristic(id: "BORE", name: "Bore", unit: "mm", nominal: 12, lower: 11.99, upper: 12.018, balloon: "4"),
                    Characteristic(
                        id: "LEN", name: "Length", unit: "mm", nominal: 125, lower: 124.9, upper: 125.1, balloon: "7", sample: SamplePlan(sample2)!),
                    Characteristic(id: "FLAT", name: "Flatness", unit: "mm", upper: 0.05, balloon: "9", sample: .first(3)),
                    Characteristic(id: "DEPTH", name: "Pocket depth", unit: "mm", nominal: 8, lower: 7.95, upper: 8.05, balloon: "11"),
                ], firstPiece: .perShift)
        }
        let cut = Step(
            id: "OP10", name: "Saw blank", workCenter: "CUT", skill: "CUT", setupMin: 10, runMin: 2,
            materials: [MaterialRequirement(material: "BAR-25", qty: 130)])
        let turn = Step(
            id: "OP30", name: "Turn", workCenter: "TURN", skill: "TURN", setupMin: 20, runMin: 12,
            measurements: [
                Characteristic(id: "OD", name: "Outer diameter", unit: "mm", nominal: 20, lower: 19.98, upper: 20.02, sample: .percent(25)),
                Characteristic(id: "RA", name: "Surface roughness Ra", unit: "um", upper: 1.6),
            ],
            firstPiece: .perWorkOrder)
        let deburr = Step(
            id: "OP40", name: "Deburr", workCenter: "DEBURR", skill: "DEBURR", runMin: 5,
            measurements: [Characteristic(id: "EDGES", name: "Edges broken", kind: .passFail)])
        let inspect = Step(
            id: "OP50", name: "Final inspection", workCenter: "INSPECT", skill: "INSPECT", role: .inspector, runMin: 8,
            measurements: [
                Characteristic(id: "POS", name: "True position", unit: "mm", upper: 0.025),
                Characteristic(id: "VIS", name: "Visual", kind: .passFail),
            ])
        let pack = Step(id: "OP60", name: "Pack", workCenter: "PACK", skill: "PACK", runMin: 3)
        let routings = [
            Routing(
                id: "R-A", version: 1, status: .approved, effective: LocalDate(year: 2020, month: 1, day: 1),
                steps: [cut, mill("every 5"), deburr, inspect, pack]),
            Routing(
                id: "R-B", version: 1, status: .approved, effective: LocalDate(year: 2020, month: 1, day: 1),
                steps: [cut, turn, deburr, inspect, pack]),
            Routing(
                id: "R-C", version: 1, status: .approved, effective: LocalDate(year: 2020, month: 1, day: 1),
                steps: [cut, mill("10%"), turn, inspect, pack]),
        ]
        var plant = Plant(
            id: "SIM", name: "Simulated plant (\(n) stations)", timezone: "America/Chicago",
            shifts: [
                Shift(id: "DAY", start: ClockTime("06:00")!, end: ClockTime("14:00")!, days: [.mon, .tue, .wed, .thu, .fri, .sat]),
                Shift(id: "SWING", start: ClockTime("14:00")!, end: ClockTime("22:00")!, days: [.mon, .tue, .wed, .thu, .fri, .sat]),
                Shift(id: "NIGHT", start: ClockTime("22:00")!, end: ClockTime("06:00")!, days: [.sun, .mon, .tue, .wed, .thu]),
            ],
            reasons: Reasons(
                downtime: [
                    Reason(code: "SETUP", label: "Setup", planned: true), Reason(code: "PM", label: "Maintenance", planned: true),
                    Reason(code: "MECH", label: "Mechanical failure"), Reason(code: "TOOL", label: "Tool breakage"),
                    Reason(code: "MAT", label: "Waiting for material"),
                ],
                scrap: [Reason(code: "DIM", label: "Dimension"), Reason(code: "SURF", label: "Surface defect")],
                hold: [
                    Reason(code: "OOT", label: "Out of tolerance"), Reason(code: "FPI", label: "First piece failed"),
                    Reason(code: "SUSPECT", label: "Suspect"),
                ]),
            people: people,
            workCenters: centers.map { WorkCenter(id: $0.id, name: $0.name) },
            equipment: equipment, stations: stations,
            materials: [Material(id: "BAR-25", name: "Bar stock 25 mm", unit: "mm")],
            parts: [
                PartDefinition(id: "P-A", name: "Bracket", revision: "A", routing: "R-A"),
                PartDefinition(id: "P-B", name: "Bushing", revision: "B", routing: "R-B"),
                PartDefinition(id: "P-C", name: "Housing", revision: "C", routing: "R-C"),
            ],
            routings: routings)
        // Charted, with warnings only: a simulated station never waits for an acknowledgement.
        plant.spc = SPCPolicy(
            setLimits: .inspector,
            charts: [
                SPCPlan(part: "P-A", step: "OP20", characteristic: "BORE", reaction: .warn),
                SPCPlan(part: "P-B", step: "OP30", characteristic: "OD", subgroupSize: 5, reaction: .warn),
            ])
        return plant
    }
}

extension SplitMix64 {
    /// The simulator's seeding (kept so that a documented seed reproduces the same history).
    public init(simulationSeed seed: UInt64) { self.init(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }
}
