import Foundation
import Testing

@testable import FloorTUI

/// Issue 15 end to end through the real binary: a lot that needs incoming inspection is refused
/// at a station until an inspector releases it (signed), is consumed, then held with the open
/// traveler that used it under one NCR, which is dispositioned and closed; the reports list it.
@Suite("floor lots and floor ncr, end to end")
struct QualityCommandTests {
    @Test func aLotFromReceiptToContainmentAndItsNCRToClosure() throws {
        let f = try FloorBinary()
        let example = try String(contentsOf: FloorBinary.examples.appendingPathComponent("plant.yaml"), encoding: .utf8)
        let plant =
            example.replacingOccurrences(
                of: "unit: mm, gtin: \"00614141000029\"}", with: "unit: mm, gtin: \"00614141000029\", incoming_inspection: yes}")
                + """

                quality:
                  defects:
                    - {code: MAT, label: "Wrong or suspect material", severity: critical}
                    - {code: DIM, label: "Dimension", severity: major}

                """
        #expect(try f.run(["plant", "load", try f.write("plant.yaml", plant)]).status == 0)
        #expect(try f.run(["orders", "load", FloorBinary.examples.appendingPathComponent("work-orders.csv").path]).status == 0)
        let secret = "Lab-Coat-4417"
        #expect(try f.run(["people", "set-secret", "2001"], input: "\(secret)\n\(secret)\n").status == 0)

        let received = try f.run([
            "lots", "receive", "AL6061-25:H-1", "--quantity", "1000", "--supplier", "Alcoa", "--certificate", "C-9", "--by", "1001",
        ])
        #expect(received.status == 0 && received.out.contains("in quarantine"), "\(received.out)\(received.err)")
        let refused = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "CMD:START", "LOT:AL6061-25:H-1")
        #expect(refused.out.contains("in quarantine until incoming inspection releases it"), "\(refused.out)")

        let operatorRelease = try f.run(["lots", "release", "AL6061-25:H-1", "--by", "1001"], input: "x\n")
        #expect(operatorRelease.status != 0)
        let release = try f.run(["lots", "release", "AL6061-25:H-1", "--note", "CoC and hardness checked", "--by", "2001"], input: "\(secret)\n")
        #expect(release.status == 0 && release.out.contains("released by incoming inspection"), "\(release.err)")
        let used = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "LOT:AL6061-25:H-1")
        #expect(used.out.contains("consumed lot H-1 of AL6061-25"), "\(used.out)")

        let hold = try f.run(["lots", "hold", "AL6061-25:H-1", "--reason", "supplier recall R-77", "--by", "2001"], input: "\(secret)\n")
        #expect(hold.status == 0 && hold.out.contains("1 open traveler(s) put on hold"), "\(hold.out)\(hold.err)")
        #expect(hold.out.contains("WO-1001-001") && hold.out.contains("held"))
        let onHold = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-002", "CMD:START", "LOT:AL6061-25:H-1")
        #expect(onHold.out.contains("is on hold (supplier recall R-77)"), "\(onHold.out)")

        let open = try #require(
            try JSONSerialization.jsonObject(with: Data(try f.run(["report", "ncr", "--open", "--format", "json"]).out.utf8)) as? [[String: Any]])
        #expect(open.count == 1)
        let number = try #require(open.first?["number"] as? String)
        #expect(number.hasPrefix("NCR-") && open.first?["source"] as? String == "containment" && open.first?["supplier"] as? String == "Alcoa")
        let early = try f.run(["ncr", "close", number, "--by", "2001"], input: "\(secret)\n")
        #expect(early.status != 0 && early.err.contains("[ncr_not_dispositioned]"), "\(early.err)")
        let dispo = try f.run(
            ["ncr", "disposition", number, "--kind", "use_as_is", "--reference", "ENG-DEV-3", "--by", "2001"], input: "\(secret)\n")
        #expect(dispo.status == 0 && dispo.out.contains("WO-1001-001 dispositioned use_as_is"), "\(dispo.out)\(dispo.err)")
        #expect(try f.run(["ncr", "close", number, "--by", "2001"], input: "\(secret)\n").status == 0)
        let still = try JSONSerialization.jsonObject(with: Data(try f.run(["report", "ncr", "--open", "--format", "json"]).out.utf8)) as? [Any]
        #expect(still?.isEmpty == true, "closed: no NCR is open")

        // A CAPA opened from it cannot close before its root cause, actions and effectiveness check.
        let opened = try f.run([
            "capa", "open", "--ncr", number, "--owner", "9001", "--due", "2099-01-31", "--problem", "recalled bar reached the saw", "--by", "2001",
        ])
        #expect(opened.status == 0 && opened.out.contains("CAPA-"), "\(opened.err)")
        let capa = try #require(opened.out.split(separator: " ").first.map(String.init))
        #expect(try f.run(["people", "set-secret", "9001"], input: "Shift-Lead-2290\nShift-Lead-2290\n").status == 0)
        let shut = try f.run(["capa", "close", capa, "--by", "9001"], input: "Shift-Lead-2290\n")
        #expect(shut.status != 0 && shut.err.contains("[capa_incomplete]") && shut.err.contains("no effectiveness check recorded"), "\(shut.err)")
        let capas = try f.run(["report", "capa", "--format", "csv"]).out
        #expect(capas.contains("\(capa),root cause,ncr,\(number),9001,2099-01-31,due in"), "\(capas)")
        let register = try f.run(["report", "ncr", "--format", "csv"]).out
        #expect(register.contains(capa), "an NCR shows the CAPA it belongs to")

        let pareto = try f.run(["report", "ncr-pareto", "--by", "supplier", "--format", "csv"]).out
        #expect(pareto.contains("Alcoa,,1,100"), "\(pareto)")
        let lots = try #require(
            try JSONSerialization.jsonObject(with: Data(try f.run(["report", "lots", "--format", "json"]).out.utf8)) as? [[String: Any]])
        #expect(lots.first?["status"] as? String == "on hold" && lots.first?["left"] as? Double == 870, "\(lots)")
        let page = try f.run(["lots", "show", "AL6061-25:H-1"]).out
        #expect(
            page.contains("received into quarantine") && page.contains("released by incoming inspection")
                && page.contains("held (supplier recall R-77)"))
        // A lot rejected at incoming inspection is under an NCR with its supplier and refused at the station.
        #expect(try f.run(["lots", "receive", "AL6061-25:H-2", "--quantity", "500", "--supplier", "Kaiser", "--by", "1001"]).status == 0)
        let rejected = try f.run(
            ["lots", "reject", "AL6061-25:H-2", "--defect", "MAT", "--note", "wrong temper", "--by", "2001"], input: "\(secret)\n")
        #expect(rejected.status == 0 && rejected.out.contains("REJECTED at incoming inspection (NCR-"), "\(rejected.out)\(rejected.err)")
        let refusedLot = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-003", "CMD:START", "LOT:AL6061-25:H-2")
        #expect(refusedLot.out.contains("was rejected at incoming inspection"), "\(refusedLot.out)")
        // A broken lot key and an unknown defect get clear messages, and nothing changes.
        let bad = try f.run(["lots", "receive", "H-9", "--quantity", "1", "--supplier", "x", "--by", "1001"])
        #expect(bad.status != 0 && bad.err.contains("is not MATERIAL:LOT"))
        let code = try f.run(["ncr", "raise", "--work-order", "WO-1001", "--defect", "NOPE", "--description", "x", "--by", "1001"])
        #expect(code.status != 0 && code.err.contains("[unknown_defect]") && code.err.contains("MAT, DIM"), "\(code.err)")
        #expect(try f.run(["audit", "verify"]).out.contains("0 problems"))
        #expect(!(hold.out + dispo.out + release.out).contains(secret))
    }

    /// An ERP's receipts as a CSV file: all or nothing, the same file twice changes nothing, a
    /// changed lot is an error naming its line, and the lots are then refused or used at the station
    /// as their material says.
    @Test func lotsArriveFromAFileAllOrNothing() throws {
        let f = try FloorBinary()
        #expect(try f.run(["plant", "load", FloorBinary.examples.appendingPathComponent("plant.yaml").path]).status == 0)
        #expect(try f.run(["orders", "load", FloorBinary.examples.appendingPathComponent("work-orders.csv").path]).status == 0)
        let good = try f.write(
            "lots.csv",
            "material,lot,quantity,unit,supplier,certificate,expiry\nAL6061-25,H-10,500,mm,Alcoa,C-1,2030-01-31\nAL6061-25,H-11,250,,Alcoa,,\n")
        let bad = try f.write(
            "bad.csv", "material,lot,quantity,supplier,expiry\nAL6061-25,H-12,100,Alcoa,\nAL6061-2,H-13,5,Alcoa,\nAL6061-25,H-14,5,Alcoa,2030-13-01\n"
        )
        let refused = try f.run(["lots", "load", bad, "--by", "1001"])
        #expect(refused.status != 0)
        #expect(refused.err.contains("bad.csv:3") && refused.err.contains("did you mean \"AL6061-25\"?"), "\(refused.err)")
        #expect(refused.err.contains("bad.csv:4") && refused.err.contains("bad expiry date \"2030-13-01\""), "\(refused.err)")
        // Nothing of the bad file was received, not even its good first line.
        #expect(!(try f.run(["report", "lots", "--format", "csv"]).out.contains("H-12")))

        let loaded = try f.run(["lots", "load", good, "--by", "1001"])
        #expect(loaded.status == 0 && loaded.out.contains("received 2 lots"), "\(loaded.out)\(loaded.err)")
        let again = try f.run(["lots", "load", good, "--by", "1001"])
        #expect(again.status == 0 && again.out.contains("unchanged"), "\(again.out)")
        let changed = try f.write("changed.csv", "material,lot,quantity,supplier\nAL6061-25,H-11,300,Alcoa\n")
        let conflict = try f.run(["lots", "load", changed, "--by", "1001"])
        #expect(
            conflict.status != 0 && conflict.err.contains("changed.csv:2") && conflict.err.contains("quantity \"250\" → \"300\""),
            "\(conflict.err)")
        let nobody = try f.run(["lots", "load", try f.write("n.csv", "material,lot,quantity,supplier\nAL6061-25,H-20,1,Alcoa\n"), "--by", "4242"])
        #expect(nobody.status != 0 && nobody.err.contains("4242"), "\(nobody.err)")

        let report = try f.run(["report", "lots", "--format", "csv"]).out
        #expect(report.contains("H-10") && report.contains("H-11") && report.contains("2030-01-31"), "\(report)")
        let show = try f.run(["lots", "show", "AL6061-25:H-10"])
        #expect(show.out.contains("Alcoa") && show.out.contains("C-1"), "\(show.out)")
        let used = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "CMD:START", "LOT:AL6061-25:H-10")
        #expect(used.out.contains("consumed lot H-10 of AL6061-25"), "\(used.out)")

        // A sub-lot split off H-10 and used by another traveler is contained with its parent.
        let split = try f.run(["lots", "split", "AL6061-25:H-10", "--into", "H-10A", "--quantity", "200", "--by", "1001"])
        #expect(split.status == 0 && split.out.contains("lot H-10A of AL6061-25 made from H-10 (200)"), "\(split.out)\(split.err)")
        let tooMuch = try f.run(["lots", "split", "AL6061-25:H-10", "--into", "H-10B", "--quantity", "999", "--by", "1001"])
        #expect(tooMuch.status != 0 && tooMuch.err.contains("[lot_used_up]"), "\(tooMuch.err)")
        let sub = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-002", "CMD:START", "LOT:AL6061-25:H-10A")
        #expect(sub.out.contains("consumed lot H-10A of AL6061-25"), "\(sub.out)")
        #expect(try f.run(["people", "set-secret", "2001"], input: "Lab-Coat-4417\nLab-Coat-4417\n").status == 0)
        let hold = try f.run(["lots", "hold", "AL6061-25:H-10", "--reason", "mill cert wrong", "--by", "2001"], input: "Lab-Coat-4417\n")
        #expect(hold.status == 0 && hold.out.contains("2 open traveler(s) put on hold"), "\(hold.out)\(hold.err)")
        let page = try f.run(["lots", "show", "AL6061-25:H-10A"]).out
        #expect(page.contains("on hold") && page.contains("made from lot H-10"), "\(page)")
        let refusedSub = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-003", "CMD:START", "LOT:AL6061-25:H-10A")
        #expect(refusedSub.out.contains("on hold"), "\(refusedSub.out)")
    }

    /// The example plant with a receiving station RCV-1 and `material` keys added to AL6061-25.
    static func receivingPlant(material: String) throws -> String {
        let example = try String(contentsOf: FloorBinary.examples.appendingPathComponent("plant.yaml"), encoding: .utf8)
        return
            example
            .replacingOccurrences(of: "unit: mm, gtin: \"00614141000029\"}", with: "unit: mm, gtin: \"00614141000029\", \(material)}")
            .replacingOccurrences(
                of: "  - {id: ST-50, name: Pack 1,     work_center: PACK}",
                with: "  - {id: ST-50, name: Pack 1,     work_center: PACK}\n  - {id: RCV-1, name: Dock 1, work_center: PACK, receiving: yes}")
    }

    /// A receiving station: a supplier's GS1 label (lot, expiry from AI 17, count from AI 30) and
    /// the material's supplier from the plant file make a receipt that `CMD:RECEIVE` records; what
    /// is missing is said; an expired lot is not received; travelers are not worked there. At a
    /// production station `CMD:NCR` raises an NCR by hand and holds the part under it.
    @Test func aReceivingStationReceivesFromTheSuppliersLabelAndAKioskRaisesAnNCR() throws {
        let f = try FloorBinary()
        let plant =
            try Self.receivingPlant(material: "supplier: Alcoa")
            + "\nquality:\n  defects:\n    - {code: DIM, label: Dimension, severity: major}\n"
        #expect(try f.run(["plant", "load", try f.write("plant.yaml", plant)]).status == 0)
        #expect(try f.run(["orders", "load", FloorBinary.examples.appendingPathComponent("work-orders.csv").path]).status == 0)

        let label = "(01)00614141000029(10)H-77(17)271231(30)400"
        let draft = try f.scan("RCV-1", "EMP:1001", label)
        #expect(draft.out.contains("receiving lot H-77 of AL6061-25: 400 mm from Alcoa, expires 2027-12-31; scan CMD:RECEIVE"), "\(draft.out)")
        let received = try f.scan("RCV-1", "EMP:1001", label, "COC:C-5521", "CMD:RECEIVE")
        #expect(received.out.contains("OK CMD:RECEIVE: lot H-77 of AL6061-25 received: 400 mm from Alcoa"), "\(received.out)\(received.err)")
        let show = try f.run(["lots", "show", "AL6061-25:H-77"]).out
        #expect(show.contains("2027-12-31") && show.contains("C-5521") && show.contains("400"), "\(show)")

        // Typed: the lot and its quantity, which a receipt cannot do without.
        // (`floor scan` stops at the first refusal, as a script should.)
        let incomplete = try f.scan("RCV-1", "EMP:1001", "LOT:HELICOIL-M6:B-9", "CMD:RECEIVE")
        #expect(incomplete.out.contains("still needs its quantity (QTY:<quantity>) and its supplier (SUP:<supplier>)"), "\(incomplete.out)")
        let typed = try f.scan("RCV-1", "EMP:1001", "LOT:HELICOIL-M6:B-9", "QTY:500", "SUP:Heli Inc", "EXP:2030-01-31", "CMD:RECEIVE")
        #expect(typed.out.contains("lot B-9 of HELICOIL-M6 received: 500 ea from Heli Inc"), "\(typed.out)")
        let expired = try f.scan("RCV-1", "EMP:1001", "(01)00614141000029(10)H-78(17)200101(30)5", "CMD:RECEIVE")
        #expect(expired.out.contains("expired on 2020-01-01: it is not received"), "\(expired.out)")
        let travelerHere = try f.scan("RCV-1", "EMP:1001", "SN:WO-1001-001")
        #expect(travelerHere.out.contains("RCV-1 is a receiving station"), "\(travelerHere.out)")
        let receiveElsewhere = try f.scan("ST-10", "EMP:1001", "SUP:Alcoa")
        #expect(receiveElsewhere.out.contains("ST-10 is not a receiving station"), "\(receiveElsewhere.out)")
        let lots = try f.run(["report", "lots", "--format", "csv"]).out
        #expect(lots.contains("H-77") && lots.contains("B-9") && !lots.contains("H-78"), "\(lots)")

        // An NCR raised by hand at the kiosk.
        let noNote = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "CMD:NCR:DIM")
        #expect(noNote.out.contains("an NCR needs a description"), "\(noNote.out)")
        let ncr = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "NOTE:bar stock bent", "CMD:NCR:DIM")
        #expect(ncr.out.contains("NCR-") && ncr.out.contains("WO-1001-001"), "\(ncr.out)")
        let open = try #require(
            try JSONSerialization.jsonObject(with: Data(try f.run(["report", "ncr", "--open", "--format", "json"]).out.utf8)) as? [[String: Any]])
        #expect(open.count == 1 && open.first?["source"] as? String == "manual" && open.first?["defect"] as? String == "DIM")
        let held = try f.scan("ST-10", "EMP:1001", "SN:WO-1001-001", "CMD:START")
        #expect(held.out.contains("on hold"), "\(held.out)")
    }

    /// Incoming inspection at the receiving station: a lot received into quarantine takes its
    /// readings there (`M:`), scanning it again resumes its inspection, and release waits for the
    /// readings, refused while one is out of tolerance.
    @Test func aReceivingStationTakesTheIncomingInspectionsReadings() throws {
        let f = try FloorBinary()
        let plant = try Self.receivingPlant(
            material: "supplier: Alcoa, incoming_inspection: yes,\n     inspection: [{id: HARD, name: Hardness, unit: HRB, lower: 60, upper: 80}]")
        let loaded = try f.run(["plant", "load", try f.write("plant.yaml", plant)])
        #expect(loaded.status == 0, "\(loaded.err)")
        let secret = "Lab-Coat-4417"
        #expect(try f.run(["people", "set-secret", "2001"], input: "\(secret)\n\(secret)\n").status == 0)

        let first = try f.scan("RCV-1", "EMP:1001", "(01)00614141000029(10)H-77(30)400", "CMD:RECEIVE", "M:HARD=71")
        #expect(first.out.contains("in quarantine") && first.out.contains("HARD = 71 in tolerance"), "\(first.out)\(first.err)")
        let early = try f.run(["lots", "release", "AL6061-25:H-88", "--by", "2001"], input: "\(secret)\n")
        #expect(early.status != 0)
        let second = try f.scan("RCV-1", "EMP:1001", "(01)00614141000029(10)H-78(30)400", "CMD:RECEIVE")
        #expect(second.status == 0, "\(second.out)")
        let none = try f.run(["lots", "release", "AL6061-25:H-78", "--by", "2001"], input: "\(secret)\n")
        #expect(none.status != 0 && none.err.contains("still needs readings of HARD (0 of 1)"), "\(none.err)")
        let again = try f.scan("RCV-1", "EMP:2001", "LOT:AL6061-25:H-78", "M:HARD=91")
        #expect(again.out.contains("inspecting lot H-78 of AL6061-25") && again.out.contains("OUT OF TOLERANCE"), "\(again.out)")
        let out = try f.run(["lots", "release", "AL6061-25:H-78", "--by", "2001"], input: "\(secret)\n")
        #expect(out.status != 0 && out.err.contains("[inspection_failed]"), "\(out.err)")
        let ok = try f.run(["lots", "release", "AL6061-25:H-77", "--by", "2001"], input: "\(secret)\n")
        #expect(ok.status == 0 && ok.out.contains("released by incoming inspection"), "\(ok.out)\(ok.err)")
        let show = try f.run(["lots", "show", "AL6061-25:H-78"]).out
        #expect(show.contains("measured HARD = 91") && show.contains("OUT OF TOLERANCE"), "\(show)")
    }
}
