import Foundation
import MESCore
import Testing

@testable import FloorTUI

/// Issue 16 end to end through the real binary: readings scanned with a gauge at a station,
/// limits set (signed), the measurement and SPC reports (JSON, SVG), then the gauge fails its
/// calibration: it is refused at the station and every reading taken with it since its last good
/// calibration is listed with where each part is now.
@Suite("floor spc, floor equipment and their reports, end to end")
struct SPCCommandTests {
    @Test func readingsLimitsReportsAndAFailedGaugesImpact() throws {
        let f = try FloorBinary()
        let plant = SPCKioskTests.yaml
        #expect(try f.run(["plant", "load", try f.write("plant.yaml", plant)]).status == 0)
        let tz = TimeZone(identifier: "Europe/Berlin")!
        let today = PlantCalendar(timeZone: tz).localDate(Date())
        let orders = DemoPlant.orders(on: today)
        #expect(try f.run(["orders", "load", try f.write("orders.csv", orders)]).status == 0)
        let secret = "Gauge-Lab-5521"
        #expect(try f.run(["people", "set-secret", "201"], input: "\(secret)\n\(secret)\n").status == 0)
        // The micrometer was calibrated a month ago, good for a year.
        let good = try f.run(
            [
                "equipment", "calibrated", "MIC-7", "--on", today.adding(days: -30).description, "--due", today.adding(days: 335).description,
                "--result", "pass", "--certificate", "CAL-2026-117", "--by", "201",
            ], input: "\(secret)\n")
        #expect(good.status == 0 && good.out.contains("MIC-7 calibrated"), "\(good.out)\(good.err)")

        let values = ["3.498", "3.502", "3.499", "3.501", "3.500", "3.503"]
        var codes = ["EMP:101", "EQ:MIC-7"]
        for (i, v) in values.enumerated() {
            codes += [
                String(format: "SN:NW-5002-%03d", i + 1), "CMD:START", "LOT:TI64-6:HEAT-7731", "M:OD=\(v)", "M:LEN=40.0", "M:HEAD=2.4",
                "CMD:COMPLETE",
            ]
        }
        let scanned = try f.run(["scan", "--station", "K-SW1"] + codes)
        #expect(scanned.status == 0 && !scanned.out.contains("REFUSED"), "\(scanned.out)")

        let operatorLimits = try f.run(["spc", "limits", "BS-35-40/OP10/OD", "--reason", "first pieces", "--by", "101"], input: "x\n")
        #expect(operatorLimits.status != 0)
        let limits = try f.run(
            ["spc", "limits", "--part", "BS-35-40", "--characteristic", "OD", "--reason", "first 5 pieces", "--by", "201"], input: "\(secret)\n")
        #expect(
            limits.status == 0 && limits.out.contains("control limits of BS-35-40/OP10/OD set from the first 5 subgroups"),
            "\(limits.out)\(limits.err)")

        let csv = try f.run(["report", "measurements", "--part", "BS-35-40", "--characteristic", "OD", "--format", "csv"])
        let lines = csv.out.split(separator: "\n")
        #expect(lines.count == 7 && lines[0].hasPrefix("serial,work_order,part,step,characteristic"), "\(csv.out)")
        #expect(lines.dropFirst().allSatisfy { $0.contains(",MIC-7,") && $0.contains("in tolerance") })

        let svg = f.dir.appendingPathComponent("od.svg").path
        let doc = try #require(try f.json(["report", "spc", "BS-35-40/OP10/OD", "--format", "json", "--svg", svg]) as? [String: Any])
        #expect(doc["readings"] as? Int == 6 && doc["subgroups"] as? Int == 6 && doc["limits_set_by"] as? String == "201")
        #expect(abs((doc["center"] as? Double ?? 0) - 3.5) < 0.001 && (doc["points"] as? [Any])?.count == 6)
        #expect((try? String(contentsOfFile: svg, encoding: .utf8))?.hasPrefix("<svg") == true)
        let table = try f.run(["report", "spc", "BS-35-40/OP10/OD"])
        #expect(table.status == 0 && table.out.contains("SIGNALS") && table.out.contains("cpk"))

        // The gauge fails its calibration today: refused at the station, and its readings listed.
        let badPass = try f.run(
            [
                "equipment", "calibrated", "MIC-7", "--on", today.description, "--due", today.description, "--result", "pass", "--certificate", "X",
                "--by", "201",
            ],
            input: "\(secret)\n")
        #expect(badPass.status != 0 && badPass.err.contains("after it was done"), "\(badPass.err)")
        let failed = try f.run(
            ["equipment", "calibrated", "MIC-7", "--on", today.description, "--result", "fail", "--certificate", "CAL-2026-188", "--by", "201"],
            input: "\(secret)\n")
        #expect(failed.status == 0, "\(failed.err)")
        let refused = try f.scan("K-SW1", "EMP:101", "EQ:MIC-7")
        #expect(refused.out.contains("MIC-7 failed its calibration on \(today)"), "\(refused.out)")
        let impact = try f.run(["report", "gauge", "MIC-7", "--format", "csv"])
        let rows = impact.out.split(separator: "\n")
        #expect(rows.count == 1 + 3 * values.count, "OD, LEN and HEAD of each piece: \(impact.out)")
        #expect(rows[0].hasSuffix("part_status,part_now_at,part_station") && rows.dropFirst().allSatisfy { $0.contains(",queued,OP20,") })
        let due = try f.run(["report", "calibration", "--format", "csv"])
        #expect(due.out.contains("MIC-7,Thread micrometer,gauge,,\(today),fail,CAL-2026-188,201,,,FAILED on \(today): not to be used"), "\(due.out)")
    }
}
