/// The one word a wall board shows for a station (never colour alone).
public enum StationState: String, Codable, CaseIterable, Sendable {
    case down = "DOWN", setup = "SETUP", run = "RUN", fpi = "FPI", hold = "HOLD", idle = "IDLE"

    /// What a station is doing, in order of precedence:
    /// - DOWN: its machine (or the station) is down;
    /// - SETUP: it is making a first piece that has no decision yet;
    /// - RUN: a part is running;
    /// - FPI: nothing runs and work waits for a first-piece decision;
    /// - HOLD: nothing runs, nothing can start, and held parts wait here;
    /// - IDLE: nothing runs (work may be waiting and ready).
    public static func classify(
        down: Bool, runningFirstPieceUndecided: Bool, running: Bool,
        waitingForFirstPiece: Bool, readyToStart: Bool, heldWaiting: Bool
    ) -> StationState {
        if down { return .down }
        if runningFirstPieceUndecided { return .setup }
        if running { return .run }
        if waitingForFirstPiece && !readyToStart { return .fpi }
        if heldWaiting && !readyToStart { return .hold }
        return .idle
    }
}
