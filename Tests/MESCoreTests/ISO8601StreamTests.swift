import Foundation
import Testing

@testable import MESCore

/// `ISO8601.Stream` must print every instant exactly as Foundation's ISO8601DateFormatter does
/// (`ISO8601.format`), across daylight-saving transitions, half-hour zones and times out of order.
@Suite struct ISO8601StreamTests {
    static let zones = ["UTC", "America/Chicago", "Europe/London", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns"]

    func check(_ zone: String, _ millis: [Int64]) {
        let tz = TimeZone(identifier: zone)!
        var stream = ISO8601.Stream(timeZone: tz)
        for ms in millis {
            let expected = ISO8601.format(Date(timeIntervalSince1970: Double(Int64((Double(ms) / 1000).rounded(.down)))), timeZone: tz)
            let got = stream.format(millis: ms)
            #expect(got == expected, "\(zone) \(ms)")
            if got != expected { return }
        }
    }

    @Test func matchesFoundationOverYearsInOrder() {
        // Every 41 minutes and 13.5 seconds for three years (the transitions themselves: the next test).
        let start: Int64 = 1_704_067_200_000  // 2024-01-01T00:00:00Z
        let times = stride(from: start, to: start + 3 * 366 * 86_400_000, by: 2_473_500).map { $0 }
        for zone in Self.zones { check(zone, times) }
    }

    @Test func matchesFoundationAroundEachTransitionSecondBySecond() {
        for zone in Self.zones {
            let tz = TimeZone(identifier: zone)!
            var t = Date(timeIntervalSince1970: 1_704_067_200)
            var times: [Int64] = []
            for _ in 0..<6 {
                guard let next = tz.nextDaylightSavingTimeTransition(after: t) else { break }
                let s = Int64(next.timeIntervalSince1970)
                times += (s - 5...s + 5).flatMap { [$0 * 1000, $0 * 1000 + 999] }
                t = next.addingTimeInterval(1)
            }
            check(zone, times)
        }
    }

    @Test func matchesFoundationOutOfOrder() {
        var rng = SplitMix64(seed: 14)
        let times = (0..<5_000).map { _ in Int64.random(in: 946_684_800_000...2_000_000_000_000, using: &rng) }
        for zone in Self.zones { check(zone, times) }
        // Before 1970 too.
        check("America/Chicago", [-1, -999, -1000, -1001, -86_400_000 * 400 + 17])
    }
}
