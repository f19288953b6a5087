import Foundation
import Testing

@testable import MESCore

/// A routing version once loaded never changes; a change is a new version.
@Suite struct ChangeControlTests {
    let v3 = Fixtures.routing

    func edited(_ change: (inout Routing) -> Void) -> Routing {
        var r = v3
        change(&r)
        return r
    }

    @Test func theSameVersionUnchangedOrOnlyRestatusedIsNoChange() {
        #expect(ChangeControl.routingChanges(known: [v3], incoming: [v3]).isEmpty)
        #expect(ChangeControl.routingChanges(known: [v3], incoming: [edited { $0.status = .obsolete }]).isEmpty)
        #expect(
            ChangeControl.routingChanges(
                known: [v3],
                incoming: [
                    edited {
                        $0.version = 4; $0.steps[1].runMin = 10
                    }
                ]
            ).isEmpty)
        #expect(ChangeControl.routingChanges(known: [], incoming: [v3]).isEmpty)
    }

    @Test func everyChangeOfAStepIsListed() throws {
        let bore = try #require(v3.steps[1].measurements.firstIndex { $0.id == "BORE" })
        let changed = edited {
            $0.steps[1].measurements[bore].upper = 12.05
            $0.steps[1].instructions += " Also deburr."
            $0.steps[0].runMin = 2
            $0.steps.removeLast()
        }
        let text = ChangeControl.routingChanges(known: [v3], incoming: [changed]).map(\.description)
        #expect(text.contains("routing BRK-7741 version 3 step OP50: removed"), "\(text)")
        #expect(text.contains("routing BRK-7741 version 3 step OP10: run minutes 1.5 → 2.0"), "\(text)")
        #expect(text.contains { $0.hasPrefix("routing BRK-7741 version 3 step OP20: characteristic BORE tolerance ") }, "\(text)")
        #expect(text.contains("routing BRK-7741 version 3 step OP20: instructions changed"), "\(text)")
        #expect(text.count == 4, "\(text)")
    }
}
