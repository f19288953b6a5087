import Foundation
import MESCore
import Testing

@testable import LocalStore

/// Keeps `docs/plant-file.md` true: every key the decoder accepts is described, its examples load,
/// and the messages it quotes for common mistakes are the ones Floor prints.
@Suite struct PlantFileDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let doc = (try? String(contentsOf: root.appendingPathComponent("docs/plant-file.md"), encoding: .utf8)) ?? ""
    static let example = (try? String(contentsOf: root.appendingPathComponent("docs/examples/plant.yaml"), encoding: .utf8)) ?? ""

    /// The fenced blocks of one language, in the page's order.
    static func blocks(_ language: String) -> [String] {
        var out: [String] = [], current: [String]?
        for line in doc.components(separatedBy: "\n") {
            if current == nil, line == "```" + language { current = []; continue }
            if current != nil, line == "```" { out.append(current!.joined(separator: "\n")); current = nil; continue }
            current?.append(line)
        }
        return out
    }

    @Test func everyKeyTheDecoderAcceptsIsDescribed() {
        #expect(!Self.doc.isEmpty)
        for (section, keys) in PlantFileKeys.sections {
            for key in keys {
                #expect(Self.doc.contains("`\(key)`"), "docs/plant-file.md does not describe \(section).\(key)")
            }
        }
        for column in WorkOrderCSV.columns + LotCSV.columns {
            #expect(Self.doc.contains("| `\(column)` |"), "docs/plant-file.md has no row for the column \(column)")
        }
    }

    @Test func theExamplesOnThePageMakeOnePlantAndItsOrdersLoad() throws {
        let yaml = Self.blocks("yaml")
        #expect(yaml.count >= 10)
        let plant = try PlantFile.load(text: yaml.joined(separator: "\n"), file: "plant-file.md").get()
        #expect(plant.id == "ACME-B2")
        #expect(plant.routings.first?.steps.map(\.id) == ["OP10", "OP20", "OP40"])
        #expect(plant.routings.first?.steps[1].onFail == .rework(step: "OP20"))
        let csv = try #require(Self.blocks("csv").first)
        let orders = try WorkOrderCSV.parse(csv, file: "orders.csv", plant: plant).get()
        #expect(orders.map(\.number) == ["WO-1001", "WO-1003"])
        #expect(orders[1].note == "Build to stock, two pallets" && orders[1].tracking == .batch)
    }

    @Test func theRepositorysExamplePlantAndOrdersLoadTogether() throws {
        let plant = try PlantFile.load(text: Self.example, file: "plant.yaml").get()
        let csv = try String(contentsOf: Self.root.appendingPathComponent("docs/examples/work-orders.csv"), encoding: .utf8)
        #expect(try WorkOrderCSV.parse(csv, file: "work-orders.csv", plant: plant).get().count == 3)
    }

    /// The example with `old` replaced by `new` (which must be there exactly once), loaded; its messages.
    static func messages(replacing old: String, with new: String) -> [String] {
        #expect(example.components(separatedBy: old).count == 2, "\(old) is not once in the example")
        switch PlantFile.load(text: example.replacingOccurrences(of: old, with: new), file: "plant.yaml") {
        case .success: return []
        case .failure(let p): return p.problems.map(\.message)
        }
    }

    @Test(arguments: [
        (
            "CAL-017, name: Mitutoyo caliper 0-150 mm, kind: gauge, calibration_due",
            "CAL-017, name: Mitutoyo caliper 0-150 mm, kind: gauge, calibration_date"
        ),
        ("{id: ST-50, name: Pack 1,     work_center: PACK}", "{id: ST-50, name: Pack 1, name: P, work_center: PACK}"),
        ("{id: ST-30, name: Deburr 1,   work_center: DEBURR}", "{id: ST-30, name: Deburr 1}"),
        ("    name: Hinge bracket\n", "    name:\n"),
        ("{id: ST-21, name: Mill 2,     work_center: MILL,", "{id: ST-21, name: Mill 2,     work_center: MILLL,"),
        ("{id: ST-20, name: Mill 1,", "{id: ST-10, name: Mill 1,"),
        ("name: Chidi Okafor,    role: inspector", "name: Chidi Okafor,    role: inspecter"),
        ("{id: DAY,   start: \"06:00\"", "{id: DAY,   start: \"6:00:00\""),
        ("calibration_due: 2027-01-10", "calibration_due: 01/10/2027"),
        ("gtin: \"00614141000029\"", "gtin: \"06141410000\""),
        ("lower: 11.990, upper: 12.018, sample: every", "lower: 12.018, upper: 11.990, sample: every"),
        ("{id: FLAT, name: Flatness, balloon: 9, unit: mm, upper: 0.05,", "{id: FLAT, name: Flatness, balloon: 9, unit: mm,"),
        (
            "{id: EDGES, name: \"All edges broken, no burrs\", kind: pass_fail}",
            "{id: EDGES, name: \"All edges broken, no burrs\", kind: pass_fail, upper: 1}"
        ),
        ("sample: \"first 3\"", "sample: some"),
        ("timezone: America/Chicago", "timezone: Chicago"),
        ("  - {material: HELICOIL-M6, qty: 2}", "  - {material: HELICOIL-M6, qty: 0}"),
    ])
    func aMistakeGetsTheMessageThePageQuotes(old: String, new: String) {
        let messages = Self.messages(replacing: old, with: new)
        #expect(!messages.isEmpty, "\(new) was accepted")
        for m in messages {
            #expect(Self.doc.contains("`\(m)`"), "docs/plant-file.md does not quote: \(m)")
        }
    }

    @Test func aRoutingVersionListedTwiceGetsTheMessageThePageQuotes() {
        let routing = Self.example[Self.example.range(of: "  - id: BRK-7741\n    version: 3")!.lowerBound...]
        let messages = Self.messages(replacing: "        run_min: 2\n", with: "        run_min: 2\n" + routing)
        #expect(messages.contains { Self.doc.contains("`\($0)`") && $0.hasPrefix("duplicate routing") }, "\(messages)")
    }

    @Test(arguments: [
        ("WO-1001,BRK-7741,12,2026-11-27", "WO-1001,BRK-7714,12,2026-11-27"),
        ("WO-1001,BRK-7741,12,2026-11-27", "WO-1001,BRK-7741,12.5,2026-11-27"),
        ("WO-1001,BRK-7741,12,2026-11-27", "WO-1001,BRK-7741,12,27.11.2026"),
        (",high,", ",asap,"),
    ])
    func anOrderMistakeGetsTheMessageThePageQuotes(old: String, new: String) throws {
        let plant = try PlantFile.load(text: Self.example, file: "plant.yaml").get()
        let csv = try String(contentsOf: Self.root.appendingPathComponent("docs/examples/work-orders.csv"), encoding: .utf8)
        guard case .failure(let p) = WorkOrderCSV.parse(csv.replacingOccurrences(of: old, with: new), file: "o.csv", plant: plant)
        else { Issue.record("\(new) was accepted"); return }
        for m in p.problems.map(\.message) { #expect(Self.doc.contains("`\(m)`"), "docs/plant-file.md does not quote: \(m)") }
    }

    @Test func aChangedOrderAndOrdersBeforeThePlantGetTheMessagesThePageQuotes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plant-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store.open(path: dir.appendingPathComponent("f.db").path, nodeID: "K1")
        let orders = Self.root.appendingPathComponent("docs/examples/work-orders.csv").path
        func failure(_ body: () throws -> Void) -> [String] {
            do { try body(); return [] } catch let e as FileProblems { return e.problems.map(\.message) } catch { return ["\(error)"] }
        }
        let before = failure { _ = try MasterData.loadOrders(path: orders, store: store, by: .commandLine(account: "test")) }
        #expect(before.count == 1 && Self.doc.contains("`\(before[0])`"), "\(before)")

        _ = try MasterData.loadPlant(
            path: Self.root.appendingPathComponent("docs/examples/plant.yaml").path, store: store, by: .commandLine(account: "test"))
        _ = try MasterData.loadOrders(path: orders, store: store, by: .commandLine(account: "test"))
        let changed = dir.appendingPathComponent("changed.csv")
        try String(contentsOfFile: orders, encoding: .utf8).replacingOccurrences(of: "WO-1001,BRK-7741,12,", with: "WO-1001,BRK-7741,15,")
            .write(to: changed, atomically: true, encoding: .utf8)
        let again = failure { _ = try MasterData.loadOrders(path: changed.path, store: store, by: .commandLine(account: "test")) }
        #expect(again.count == 1 && Self.doc.contains("`\(again[0])`"), "\(again)")
    }
}
