import ArgumentParser
import FloorCommandLine
import FloorStation
import Foundation
import GRDB
import LocalStore
import MESCore

#if canImport(Glibc)
import Glibc
#endif

/// `floor-bench board`: the wall board and the supervisor console on an existing store.
/// - The real `floor dashboard` runs in a pseudo-terminal (120×40); the bench puts a hold on a
///   queued part (one figure, OPEN HOLDS, and its list change), then counts the bytes the board
///   writes and the time from the commit to its last byte.
/// - In process: the console's all-stations view and a part's history, each loaded as the console
///   does (one read transaction, every MESCore decision included).
struct BenchBoard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Bytes and time per wall-board refresh after a change; supervisor screens' open times (writes holds to the store).")
    @OptionGroup var store: StoreOptions
    @Option(help: "Changes to make while the board runs.") var changes = 20
    @Option(help: "Loads of each console screen.") var loads = 30

    func run() throws {
        try runReporting {
            let s = try store.open(create: false, interactive: true)
            let service = FloorService(store: s)
            guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
            guard let supervisor = plant.plant.people.first(where: { $0.role == .supervisor })?.badge,
                let reason = plant.plant.reasons.hold.first?.code
            else { throw CommandFailure("the plant needs a supervisor and a hold reason") }
            let serials = try s.read { db in
                try String.fetchAll(db, sql: "SELECT serial FROM parts WHERE status = 'queued' LIMIT ?", arguments: [changes])
            }
            print("store: \(try s.read { try EventLog.count(db: $0) }) events")

            // Console screens, in process.
            let now = Date()
            func time(_ body: () throws -> Void) rethrows -> [Double] {
                var out: [Double] = []
                for _ in 0..<loads {
                    let t0 = Monotonic.now()
                    try body()
                    out.append(Double(Monotonic.now() - t0) / 1000)
                }
                return out.sorted()
            }
            let stations = try time { _ = try ConsoleLoader.load(.tab(.stations), service: service, now: now) }
            let historySerial =
                try s.read { db in
                    try String.fetchOne(db, sql: "SELECT serial FROM step_outcomes GROUP BY serial ORDER BY COUNT(*) DESC LIMIT 1")
                } ?? serials.first ?? ""
            let history = try time { _ = try ConsoleLoader.load(.history(historySerial), service: service, now: now) }
            let holds = try time { _ = try ConsoleLoader.load(.tab(.holds), service: service, now: now) }
            func line(_ name: String, _ xs: [Double]) -> String {
                String(
                    format: "%@: median %.1f ms, p90 %.1f ms, max %.1f ms (%d loads)", name, xs[xs.count / 2], xs[xs.count * 9 / 10], xs.last!,
                    xs.count)
            }
            print(line("console all-stations view", stations))
            print(line("console part history (\(historySerial))", history))
            print(line("console holds view", holds))

            // The board in a pseudo-terminal.
            let board = try PtyKiosk.spawn(arguments: ["dashboard", "--db", s.path])
            func quiet(_ ms: Int64, max: Int64 = 5_000_000) {
                let start = Monotonic.now()
                var last = Monotonic.now()
                var seen = board.lastOutputAt
                while Monotonic.now() - start < max {
                    board.pump(timeoutMs: 20)
                    if board.lastOutputAt != seen { seen = board.lastOutputAt; last = Monotonic.now() }
                    if Monotonic.now() - last > ms * 1000 { return }
                }
            }
            board.record()
            quiet(1500)
            print("board first draw: \(board.recorded.count) bytes")
            var bytes: [Int] = [], delays: [Double] = []
            for serial in serials {
                board.record()
                quiet(300)  // let any tick pass
                board.record()
                let out = try service.runAtConsole(.hold(serial: serial, reason: reason, note: "bench"), badge: supervisor, now: Date())
                let committed = Monotonic.now()
                guard out.refusal == nil else { continue }
                quiet(400, max: 3_000_000)
                guard board.lastOutputAt > 0 else { print("no refresh for \(serial)"); continue }
                bytes.append(board.recorded.count)
                delays.append(Double(board.lastOutputAt - committed) / 1000)
            }
            _ = board.terminate()
            // Leave the store as it was: release the bench's holds.
            for serial in serials {
                _ = try? service.runAtConsole(.releaseHold(serial: serial, holds: nil, note: "bench"), badge: supervisor, now: Date())
            }
            guard !bytes.isEmpty else { throw CommandFailure("the board never refreshed") }
            bytes.sort(); delays.sort()
            print(
                "board refresh after a hold (OPEN HOLDS and the holds list change): bytes median \(bytes[bytes.count / 2]), max \(bytes.last!);"
                    + String(
                        format: " commit → last byte median %.1f ms, max %.1f ms (%d "
                            + "changes)", delays[delays.count / 2], delays.last!, delays.count))
        }
    }
}
