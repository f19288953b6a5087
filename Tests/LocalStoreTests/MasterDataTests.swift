import Foundation
import GRDB
import Testing

@testable import LocalStore
@testable import MESCore

/// Who may load master data (one rule, `MasterDataRules`, whoever calls), what is recorded, and
/// the board judging at-risk orders as the kiosk does.
@Suite struct MasterDataTests {
    static let plantFile = PlantFileDocTests.root.appendingPathComponent("docs/examples/plant.yaml").path
    static let ordersFile = PlantFileDocTests.root.appendingPathComponent("docs/examples/work-orders.csv").path

    func store() throws -> (Store, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("masterdata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try Store.open(path: dir.appendingPathComponent("f.db").path, nodeID: "K1"), dir)
    }

    func actors(_ type: String, _ store: Store) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT actor FROM events WHERE type = ?", arguments: [type]) }
    }

    @Test func aPersonBelowSupervisorIsRefusedAndNothingIsRecorded() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: Refusal.self) { try MasterData.loadPlant(path: Self.plantFile, store: store, by: .person(badge: "4001")) }
        _ = try MasterData.loadPlant(path: Self.plantFile, store: store, by: .commandLine(account: "it"))
        let plant = try #require(try FloorService(store: store).plantIndex())
        let operatorBadge = try #require(plant.plant.people.first { $0.role == .operator_ }).badge
        let supervisor = try #require(plant.plant.people.first { $0.role == .supervisor }).badge

        do {
            _ = try MasterData.loadOrders(path: Self.ordersFile, store: store, by: .person(badge: operatorBadge))
            Issue.record("an operator released orders")
        } catch let r as Refusal {
            #expect(r.codes == ["insufficient_role"])
        }
        #expect(try actors("wo.released", store).isEmpty)

        _ = try MasterData.loadOrders(path: Self.ordersFile, store: store, by: .person(badge: supervisor))
        #expect(try actors("wo.released", store) == [supervisor])
        #expect(try actors("plant.loaded", store) == ["cli:it"])
    }

    @Test func theBoardCountsAnOrderAtRiskWhateverItsDueDateAsTheKioskWould() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try MasterData.loadPlant(path: Self.plantFile, store: store, by: .commandLine(account: "it"))
        let plant = try #require(try FloorService(store: store).plantIndex())
        let specs = try WorkOrderCSV.parse(String(contentsOfFile: Self.ordersFile, encoding: .utf8), file: "o.csv", plant: plant.plant).get()
        // The batch of 200 needs about 3.9 days of standard work; it is due in 3.
        let batch = try #require(specs.first { $0.number == "WO-1003" })
        let deadline = batch.due.deadline(in: plant.calendar.timeZone)
        let now = deadline.addingTimeInterval(-3 * 86_400)
        _ = try MasterData.loadOrders(path: Self.ordersFile, store: store, by: .commandLine(account: "it"), now: now.addingTimeInterval(-3600))

        let board = try store.read { db in try BoardQueries.load(db, plant: plant, now: now) }
        let row = try #require(board.orders.first { $0.number == "WO-1003" })
        let routing = try #require(plant.plant.routings.first)
        let remaining = DueRisk.remainingMinutes(routing: routing, from: routing.steps[0].id, quantity: 200)
        #expect(remaining > 2 * 1440 && remaining > 3 * 1440)  // beyond the old two-day window, and more than is left
        #expect(row.risk == .atRisk)
        #expect(row.risk == DueRisk.classify(dueAt: deadline.epochMillis, now: now.epochMillis, remainingMinutes: remaining))
        #expect(board.atRiskCount == 1)
        #expect(board.lateCount == specs.filter { $0.due.deadline(in: plant.calendar.timeZone) < now }.count)
    }

    @Test func aLoadedRoutingVersionCannotChangeButANewVersionLoadsAndOldOrdersKeepTheirs() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try MasterData.loadPlant(path: Self.plantFile, store: store, by: .commandLine(account: "it"))
        _ = try MasterData.loadOrders(path: Self.ordersFile, store: store, by: .commandLine(account: "it"))
        let text = try String(contentsOfFile: Self.plantFile, encoding: .utf8)
        let widened = text.replacingOccurrences(of: "lower: 11.990, upper: 12.018", with: "lower: 11.990, upper: 12.030")
        #expect(widened != text)
        let edited = dir.appendingPathComponent("edited.yaml")
        try widened.write(to: edited, atomically: true, encoding: .utf8)
        do {
            _ = try MasterData.loadPlant(path: edited.path, store: store, by: .commandLine(account: "it"))
            Issue.record("a changed version loaded")
        } catch let e as FileProblems {
            // The bore is measured at OP20 and again at final inspection: both are listed.
            #expect(e.problems.count == text.components(separatedBy: "lower: 11.990, upper: 12.018").count - 1, "\(e.problems)")
            #expect(
                e.problems[0].message.hasPrefix(
                    "routing BRK-7741 version 3 step OP20: characteristic BORE tolerance 11.99 .. 12.018 → 11.99 .. 12.03"),
                "\(e.problems)")
            #expect(widened.split(separator: "\n", omittingEmptySubsequences: false)[e.problems[0].line - 1].contains("- id: BRK-7741"))
        }
        // As version 4 it loads; the orders released under version 3 keep it.
        let v4 = widened.replacingOccurrences(of: "    version: 3\n", with: "    version: 4\n")
        try v4.write(to: edited, atomically: true, encoding: .utf8)
        _ = try MasterData.loadPlant(path: edited.path, store: store, by: .commandLine(account: "it"))
        let versions = try store.read { db in
            try StoreState(db: db, plant: nil).workOrder("WO-1001").map(\.routingVersion)
        }
        #expect(versions == 3)
    }

    @Test func aDiffListsWhatALoadWouldChangeAndWhetherItWouldBeRefused() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try MasterData.diffPlant(path: Self.plantFile, store: store).entries.contains { $0.kind == "person" && $0.change == .added })
        _ = try MasterData.loadPlant(path: Self.plantFile, store: store, by: .commandLine(account: "it"))
        #expect(try MasterData.diffPlant(path: Self.plantFile, store: store).isEmpty)
        let text = try String(contentsOfFile: Self.plantFile, encoding: .utf8)
        let edited = dir.appendingPathComponent("edited.yaml")
        try text.replacingOccurrences(of: "lower: 11.990, upper: 12.018", with: "lower: 11.990, upper: 12.030")
            .replacingOccurrences(of: "name: Bo Chen", with: "name: Bo Chen-Li")
            .write(to: edited, atomically: true, encoding: .utf8)
        let diff = try MasterData.diffPlant(path: edited.path, store: store)
        #expect(diff.refused)
        #expect(diff.entries.map { "\($0.change) \($0.kind) \($0.id)" } == ["changed person 1002", "changed routing BRK-7741@3"], "\(diff.entries)")
        #expect(diff.entries.last?.details.first?.hasPrefix("OP20: characteristic BORE tolerance") == true)
        // Nothing was loaded by asking.
        #expect(try MasterData.diffPlant(path: Self.plantFile, store: store).isEmpty)
    }
}
