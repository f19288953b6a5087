import Foundation
import LocalStore
import MESCore

/// The demo plant: a small ISO 13485 shop making orthopedic bone screws. Written out as a plant
/// file and loaded through `floor plant load`'s code, so the demo exercises the real path.
enum DemoPlant {
    static let yaml = """
        # Demo plant: Northwind Medical, bone-screw cell (ISO 13485).
        plant:
          id: NW-MED
          name: Northwind Medical, Screw Cell
          timezone: Europe/Berlin

        shifts:
          - {id: EARLY, start: "06:00", end: "14:00", days: [mon, tue, wed, thu, fri, sat]}
          - {id: LATE,  start: "14:00", end: "22:00", days: [mon, tue, wed, thu, fri]}
          - {id: NIGHT, start: "22:00", end: "06:00", days: [sun, mon, tue, wed, thu]}

        reasons:
          downtime:
            - {code: SETUP, label: Changeover, planned: true}
            - {code: PM, label: Preventive maintenance, planned: true}
            - {code: JAM, label: Bar feeder jam}
            - {code: TOOL, label: Tool breakage}
            - {code: WAIT, label: Waiting for material}
          scrap:
            - {code: DIM, label: Dimension out of tolerance}
            - {code: BURR, label: Burr or thread damage}
            - {code: CONT, label: Contamination}
          hold:
            - {code: OOT, label: Out of tolerance}
            - {code: FPI, label: First piece failed}
            - {code: SUSPECT, label: Suspect material}
            - {code: CLEAN, label: Cleaning validation pending}

        people:
          - {badge: "101", name: Lena Vogel,    role: operator,   skills: [SWISS, WASH]}
          - {badge: "102", name: Omar Haddad,   role: operator,   skills: [SWISS, PASSIV]}
          - {badge: "103", name: Mia Kowalczyk, role: operator,   skills: [WASH, PASSIV, LASER]}
          - {badge: "104", name: Jonas Berg,    role: operator,   skills: [LASER, PACK]}
          - {badge: "201", name: Sofia Marino,  role: inspector,  skills: [INSPECT]}
          - {badge: "202", name: Paul Meyer,    role: inspector,  skills: [INSPECT]}
          - {badge: "301", name: Eva Schmidt,   role: supervisor, skills: [SWISS, WASH, PASSIV, LASER, INSPECT, PACK]}

        work_centers:
          - {id: SWISS,   name: Swiss-type turning}
          - {id: WASH,    name: Ultrasonic wash}
          - {id: PASSIV,  name: Passivation}
          - {id: LASER,   name: Laser marking}
          - {id: INSPECT, name: Inspection}
          - {id: PACK,    name: Clean-room pack}

        equipment:
          - {id: SW-1,  name: Citizen L20 #1, work_center: SWISS}
          - {id: SW-2,  name: Citizen L20 #2, work_center: SWISS}
          - {id: UW-1,  name: Ultrasonic line, work_center: WASH}
          - {id: PV-1,  name: Passivation bath, work_center: PASSIV, calibration_due: 2099-06-30}
          - {id: LM-1,  name: Fiber laser, work_center: LASER}
          - {id: VM-1,  name: Vision measuring system, work_center: INSPECT, calibration_due: 2099-03-31}
          - {id: MIC-7, name: Thread micrometer, kind: gauge, calibration_due: 2099-01-31}

        stations:
          - {id: K-SW1, name: Swiss 1,     work_center: SWISS,   equipment: [SW-1]}
          - {id: K-SW2, name: Swiss 2,     work_center: SWISS,   equipment: [SW-2]}
          - {id: K-UW,  name: Wash,        work_center: WASH,    equipment: [UW-1]}
          - {id: K-PV,  name: Passivation, work_center: PASSIV,  equipment: [PV-1]}
          - {id: K-LM,  name: Laser mark,  work_center: LASER,   equipment: [LM-1]}
          - {id: K-QC,  name: QC bench,    work_center: INSPECT, equipment: [VM-1]}
          - {id: K-PK,  name: Pack,        work_center: PACK}

        materials:
          - {id: TI64-6, name: "Ti-6Al-4V ELI bar, 6 mm", unit: mm, gtin: "04012345000016"}
          - {id: POUCH, name: Sterile barrier pouch, unit: ea}

        parts:
          - {id: BS-35-40, name: "Cortical bone screw 3.5 x 40", revision: D, gtin: "04012345000023", routing: BS-35}

        routings:
          - id: BS-35
            version: 4
            status: approved
            effective: 2025-01-01
            steps:
              - id: OP10
                name: Turn and thread
                work_center: SWISS
                skill: SWISS
                setup_min: 40
                run_min: 6
                first_piece: per_shift
                materials:
                  - {material: TI64-6, qty: 46}
                measurements:
                  - {id: OD, name: Thread major diameter, balloon: 1, unit: mm, nominal: 3.50, lower: 3.45, upper: 3.55}
                  - {id: LEN, name: Length, balloon: 2, unit: mm, nominal: 40.0, lower: 39.8, upper: 40.2, sample: "every 5"}
                  - {id: HEAD, name: Head height, balloon: 3, unit: mm, nominal: 2.4, lower: 2.35, upper: 2.45, sample: "first 3"}
                instructions: |
                  Program 3540-D. Check the thread form on the optical comparator before the first piece.
                  Scan the bar's heat lot before loading the bar feeder.
              - id: OP20
                name: Ultrasonic wash
                work_center: WASH
                skill: WASH
                run_min: 1
              - id: OP30
                name: Passivate
                work_center: PASSIV
                skill: PASSIV
                run_min: 2
                measurements:
                  - {id: BATH, name: Bath concentration OK, kind: pass_fail}
              - id: OP40
                name: Laser mark UDI
                work_center: LASER
                skill: LASER
                run_min: 1
              - id: OP50
                name: Final inspection
                work_center: INSPECT
                skill: INSPECT
                role: inspector
                run_min: 3
                measurements:
                  - {id: OD-F, name: Thread major diameter (vision), balloon: 1, unit: mm, nominal: 3.50, lower: 3.45, upper: 3.55, sample: "20%"}
                  - {id: VIS, name: Visual, kind: pass_fail}
              - id: OP60
                name: Clean-room pack
                work_center: PACK
                skill: PACK
                run_min: 1
                materials:
                  - {material: POUCH, qty: 1}

        spc:
          set_limits: inspector
          charts:
            - {part: BS-35-40, step: OP10, characteristic: OD, subgroup: 1, rules: [1, 2, 3, 5, 6], reaction: acknowledge, stop_on: [1], baseline: 20}
        """

    /// Every demo person's signing secret. A demo's secret is published (the README and the
    /// demo's help give it) so that anyone trying Floor can sign; a real plant's people set
    /// their own (`floor people set-secret`).
    static let signingSecret = "floor-demo-sign"

    /// Sets every person's signing secret to `signingSecret`, as their own act.
    static func setSecrets(service: FloorService, cost: SigningSecrets.Cost = .standard, now: Date = Date()) throws {
        guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
        for badge in plant.people.keys.sorted() {
            let outcome = try SigningSecrets.set(
                signingSecret, for: badge, by: badge, current: nil, service: service, station: Station.console.id, now: now, cost: cost)
            if let r = outcome.refusal { throw r }
        }
    }

    /// The demo's work orders made on `date`: one due the next day, two a week later.
    static func orders(on date: LocalDate) -> String {
        orders(today: date.adding(days: 1).description, week: date.adding(days: 7).description)
    }

    static func orders(today: String, week: String) -> String {
        """
        number,part,quantity,due,priority,customer,tracking,note
        NW-5001,BS-35-40,8,\(today),urgent,St. Mary Hospital,serial,Surgery Friday
        NW-5002,BS-35-40,20,\(week),normal,MedDistrib GmbH,serial,
        NW-5003,BS-35-40,50,\(week),low,Stock,batch,Build to stock
        """
    }
}
