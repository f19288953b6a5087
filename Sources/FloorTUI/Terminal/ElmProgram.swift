import Foundation

/// A model that knows the time: every message happens at the driver's clock.
protocol TimedModel {
    var now: Date { get set }
}

/// The imperative shell of an Elm-style screen (kiosk, board, console): `send` runs `update`,
/// performs each effect it returns, and feeds the message an effect answers with back into
/// `update`, until none is left.
protocol ElmProgram: AnyObject {
    associatedtype Model: TimedModel
    associatedtype Msg
    associatedtype Effect
    var model: Model { get set }
    /// Bumped by every message: the terminal loop redraws only when it moved.
    var version: Int { get set }
    var clock: () -> Date { get }
    static func update(_ m: inout Model, _ msg: Msg) -> [Effect]
    /// Runs one effect; the message it answers with, if any.
    func perform(_ effect: Effect) -> Msg?
}

extension ElmProgram {
    func send(_ msg: Msg) {
        version &+= 1
        model.now = clock()  // every message happens now (keys and scans restart idle timers with it)
        var pending = Self.update(&model, msg)
        while !pending.isEmpty {
            if let next = perform(pending.removeFirst()) { pending += Self.update(&model, next) }
        }
    }
}
