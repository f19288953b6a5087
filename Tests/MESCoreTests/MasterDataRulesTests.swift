import Foundation
import Testing

@testable import MESCore

@Suite struct MasterDataRulesTests {
    let plant = PlantIndex(Fixtures.plant())

    @Test func onlyASupervisorOrTheCommandLineLoadsOrders() {
        #expect(MasterDataRules.loadOrdersRefusal(.person(badge: "9001"), plant: plant) == nil)
        #expect(MasterDataRules.loadOrdersRefusal(.commandLine(account: "erp"), plant: plant) == nil)
        #expect(MasterDataRules.loadOrdersRefusal(.person(badge: "2001"), plant: plant)?.codes == ["insufficient_role"])
        #expect(
            MasterDataRules.loadOrdersRefusal(.person(badge: "1001"), plant: plant)?.description
                == "loading work orders needs a supervisor; Ana Ruiz is an operator")
        #expect(MasterDataRules.loadOrdersRefusal(.person(badge: "7777"), plant: plant)?.codes == ["unknown_badge"])
    }

    @Test func theFirstPlantComesFromTheCommandLineAndChangesFromASupervisor() {
        #expect(MasterDataRules.loadPlantRefusal(.commandLine(account: "it"), current: nil) == nil)
        #expect(MasterDataRules.loadPlantRefusal(.person(badge: "9001"), current: nil)?.codes == ["unknown_badge"])
        #expect(MasterDataRules.loadPlantRefusal(.person(badge: "9001"), current: plant) == nil)
        #expect(MasterDataRules.loadPlantRefusal(.person(badge: "1002"), current: plant)?.codes == ["insufficient_role"])
    }

    @Test func theLoaderIsRecordedAsTheActor() {
        #expect(MasterDataLoader.person(badge: "9001").actor == "9001")
        #expect(MasterDataLoader.commandLine(account: "mes").actor == "cli:mes")
        #expect(MasterDataLoader.commandLine(account: "").actor == "cli:unknown")
    }
}

@Suite struct DueRiskOfOrdersTests {
    let now: Int64 = 1_000_000_000_000

    @Test func theLongestTravelerDecidesAnOrder() {
        let due = now + 3 * 86_400_000  // 4,320 minutes left
        #expect(DueRisk.ofOrder(dueAt: due, now: now, travelersRemainingMinutes: [100, 200]) == .onTime)
        #expect(DueRisk.ofOrder(dueAt: due, now: now, travelersRemainingMinutes: [100, 5_000]) == .atRisk)
        #expect(DueRisk.ofOrder(dueAt: due, now: now, travelersRemainingMinutes: []) == .onTime)
        #expect(DueRisk.ofOrder(dueAt: now - 1, now: now, travelersRemainingMinutes: []) == .late)
        // What the kiosk says of one traveler is what the board says of an order of that traveler alone.
        for m in [0.0, 4_319, 4_320, 9_000] {
            #expect(
                DueRisk.ofOrder(dueAt: due, now: now, travelersRemainingMinutes: [m])
                    == DueRisk.classify(dueAt: due, now: now, remainingMinutes: m))
        }
    }

    @Test func noOrderDueBeyondTheHorizonIsAtRisk() {
        let routing = Fixtures.routing  // 60 min of setup, 27.5 min a piece
        let h = DueRisk.horizonMinutes(routings: [routing], largestQuantity: 200)
        #expect(h == 60 + 27.5 * 200)
        #expect(DueRisk.horizonMinutes(routings: [routing], largestQuantity: 1) == 240)  // the margin
        #expect(DueRisk.horizonMinutes(routings: [], largestQuantity: 50) == 240)
        // The worst traveler possible, due just past the horizon, is on time; just inside, at risk.
        let worst = DueRisk.remainingMinutes(routing: routing, from: "OP10", quantity: 200)
        #expect(DueRisk.classify(dueAt: now + Int64(h * 60_000) + 60_000, now: now, remainingMinutes: worst) == .onTime)
        #expect(DueRisk.classify(dueAt: now + Int64(h * 60_000) - 60_000, now: now, remainingMinutes: worst) == .atRisk)
    }

    @Test func firstPassYieldFromCountsIsTheSameFigure() {
        #expect(BoardRules.firstPassYield(through: 0, firstPass: 0) == nil)
        #expect(BoardRules.firstPassYield(through: 4, firstPass: 3) == 0.75)
        let y = { (fp: Bool) in StepYield(step: "OP10", station: "S", at: 0, good: 1, scrap: 0, firstPass: fp) }
        #expect(BoardRules.firstPassYield([y(true), y(false), y(true), y(true)]) == BoardRules.firstPassYield(through: 4, firstPass: 3))
    }
}

@Suite struct LoginMappingTests {
    @Test func anOSLoginNamesThePersonWhosePlantEntryListsIt() {
        let plant = Fixtures.plant { p in
            p.people[4].logins = ["dana", "dk"]
            p.people[3].logins = ["chidi"]
        }
        let index = PlantIndex(plant)
        #expect(index.person(forLogin: "dk")?.badge == "9001")
        #expect(index.person(forLogin: "chidi")?.badge == "2001")
        #expect(index.person(forLogin: "root") == nil)
    }
}
