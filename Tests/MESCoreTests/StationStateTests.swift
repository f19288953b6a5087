import Testing

@testable import MESCore

@Suite("station state word")
struct StationStateTests {
    func c(down: Bool = false, setup: Bool = false, running: Bool = false, fpi: Bool = false, ready: Bool = false, held: Bool = false) -> StationState
    {
        StationState.classify(
            down: down, runningFirstPieceUndecided: setup, running: running, waitingForFirstPiece: fpi,
            readyToStart: ready, heldWaiting: held)
    }

    @Test func precedence() {
        #expect(c(down: true, setup: true, running: true, fpi: true, held: true) == .down)
        #expect(c(setup: true, running: true) == .setup)
        #expect(c(running: true, fpi: true, held: true) == .run)
        #expect(c(fpi: true, held: true) == .fpi)
        #expect(c(held: true) == .hold)
        #expect(c() == .idle)
    }

    @Test func readyWorkMeansIdleNotBlocked() {
        // Parts wait for a first-piece decision or are held, but another part could start: the
        // station is idle (someone should start it), not blocked.
        #expect(c(fpi: true, ready: true) == .idle)
        #expect(c(ready: true, held: true) == .idle)
    }
}
