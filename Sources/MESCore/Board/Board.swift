import Foundation

/// The wall board's rules: the shift window, the plan a station should have made by now, when
/// data counts as stale, and what each supervisor signature means. Pure functions, so the board,
/// the console and the reports agree.
public enum BoardRules {
    /// The current shift's window [start, end) in epoch ms, or the local day when no shift runs
    /// (`label` says which).
    public static func shiftWindow(at now: Date, plant: Plant, calendar: PlantCalendar) -> (label: String, start: Int64, end: Int64) {
        if let inst = calendar.shift(at: now, shifts: plant.shifts), let s = plant.shifts.first(where: { $0.id == inst.shift }) {
            let start = calendar.instant(inst.date, s.start)
            var end = calendar.instant(inst.date, s.end)
            if end <= start { end = calendar.instant(inst.date.adding(days: 1), s.end) }
            return ("shift \(inst.shift)", start.epochMillis, end.epochMillis)
        }
        let day = dayWindow(at: now, calendar: calendar)
        return ("today", day.start, day.end)
    }

    /// The plant's local day around `now`, [start, end) in epoch ms.
    public static func dayWindow(at now: Date, calendar: PlantCalendar) -> (start: Int64, end: Int64) {
        let d = calendar.localDate(now)
        return (calendar.startOfDay(d).epochMillis, calendar.startOfDay(d.adding(days: 1)).epochMillis)
    }

    /// Pieces a station should have made since the shift started: the minutes it could run
    /// (elapsed, less planned stops) over the standard run minutes per piece of the work it runs.
    /// 0 when there is no standard (nothing routed here or a zero run time).
    /// Capped by the work the station had (`available`: made, running and waiting), so a station
    /// with nothing to do is not shown behind plan.
    public static func planned(
        shiftStart: Int64, now: Int64, plannedStopMinutes: Double, runMinutesPerPiece: Double?,
        available: Int? = nil
    ) -> Int {
        guard let per = runMinutesPerPiece, per > 0, now > shiftStart else { return 0 }
        let minutes = max(0, Double(now - shiftStart) / 60_000 - plannedStopMinutes)
        let capacity = Int((minutes / per).rounded(.down))
        return available.map { min(capacity, $0) } ?? capacity
    }

    /// The time in [from, to) outside every shift of the plant calendar, as planned stops: OEE's
    /// planned production time is then shift time only. None when the plant has no shifts.
    public static func offShiftSpans(from: Int64, to: Int64, plant: Plant, calendar: PlantCalendar) -> [DowntimeSpanInput] {
        guard !plant.shifts.isEmpty, to > from else { return [] }
        var on: [(Int64, Int64)] = []
        var day = calendar.localDate(Date(timeIntervalSince1970: Double(from) / 1000)).adding(days: -1)
        let last = calendar.localDate(Date(timeIntervalSince1970: Double(to) / 1000))
        while day <= last {
            for s in plant.shifts where s.days.contains(day.weekday) {
                let a = calendar.instant(day, s.start).epochMillis
                var b = calendar.instant(day, s.end).epochMillis
                if b <= a { b = calendar.instant(day.adding(days: 1), s.end).epochMillis }
                if b > from && a < to { on.append((max(a, from), min(b, to))) }
            }
            day = day.adding(days: 1)
        }
        on.sort { $0.0 < $1.0 }
        var off: [DowntimeSpanInput] = []
        var cursor = from
        for (a, b) in on {
            if a > cursor { off.append(DowntimeSpanInput(start: cursor, end: a, planned: true)) }
            cursor = max(cursor, b)
        }
        if cursor < to { off.append(DowntimeSpanInput(start: cursor, end: to, planned: true)) }
        return off
    }

    /// The standard run minutes per piece of a work center: the mean over the steps of the plant's
    /// current routings that run there (nil when none does, or none has a run time).
    public static func averageRunMinutes(workCenter: String, plant: Plant) -> Double? {
        let mins = plant.routings.flatMap(\.steps).filter { $0.workCenter == workCenter && $0.runMin > 0 }.map(\.runMin)
        return mins.isEmpty ? nil : mins.reduce(0, +) / Double(mins.count)
    }

    /// Stale when neither a change in the store nor a successful exchange with the central node
    /// has been seen for `after` seconds (or the store could not be read at all).
    public static func isStale(lastChange: Int64?, lastSync: Int64?, now: Int64, after seconds: Double, readFailed: Bool = false) -> Bool {
        if readFailed { return true }
        guard let seen = [lastChange, lastSync].compactMap({ $0 }).max() else { return true }
        return Double(now - seen) / 1000 > seconds
    }

    /// What a first-pass yield figure is over a set of outcomes (nil: nothing went through).
    public static func firstPassYield(_ outcomes: [StepYield]) -> Double? {
        firstPassYield(through: outcomes.count, firstPass: outcomes.filter(\.firstPass).count)
    }

    /// The same from counts (a store counts `StepYield`s it folded): first-pass outcomes over all
    /// outcomes, nil when nothing went through.
    public static func firstPassYield(through: Int, firstPass: Int) -> Double? {
        through > 0 ? Double(firstPass) / Double(through) : nil
    }

    /// What "output" counts: pieces of travelers that reached `done` (scrapped and cancelled ones
    /// do not), in the window their status changed.
    public static let outputStatus = PartStatus.done
}

/// Who may use the supervisor console (who may load work orders from it: `MasterDataRules`). Every command there is
/// judged again by `Decider`; these decide what the console offers at all.
public enum ConsoleRules {
    /// Inspectors and supervisors sign in; nil when allowed, else why not.
    public static func signInRefusal(_ p: Person) -> String? {
        p.role >= .inspector ? nil : "\(p.name) is an \(p.role.label): the console needs a supervisor or an inspector"
    }
}
