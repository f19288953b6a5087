import Foundation

/// ISO-8601 with offset, the only time format Floor prints or reads.
public enum ISO8601 {
    /// Formatters are costly to build; one per time zone is kept (reports format every row).
    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var formatters: [String: ISO8601DateFormatter] = [:]
    }
    private static let cache = Cache()

    public static func format(_ date: Date, timeZone: TimeZone) -> String {
        cache.lock.lock(); defer { cache.lock.unlock() }
        let f: ISO8601DateFormatter
        if let cached = cache.formatters[timeZone.identifier] {
            f = cached
        } else {
            f = ISO8601DateFormatter()
            f.timeZone = timeZone
            f.formatOptions = [.withInternetDateTime]
            cache.formatters[timeZone.identifier] = f
        }
        return f.string(from: date)
    }
    public static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}

extension ISO8601 {
    /// Formats many instants of one zone exactly as `format` does, asking Foundation once per
    /// local day and offset instead of once per instant (`floor report audit` formats millions).
    /// Not shared between threads: each reader of a stream keeps its own.
    public struct Stream {
        public let timeZone: TimeZone
        /// The offset in force over [validFrom, validUntil) (seconds since 1970), and the day it
        /// was last asked for.
        private var validFrom: Int64 = 1, validUntil: Int64 = 0, offset: Int64 = 0
        private var day: Int64 = .min, dayText = "", suffix = ""

        public init(timeZone: TimeZone) { self.timeZone = timeZone }

        public mutating func format(millis: Int64) -> String {
            let s = millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000)
            if s < validFrom || s >= validUntil {
                let date = Date(timeIntervalSince1970: Double(s))
                offset = Int64(timeZone.secondsFromGMT(for: date))
                validFrom = s
                // Until the zone's next transition, and at most a day (a change of standard
                // offset need not be reported as a daylight-saving transition).
                let next = timeZone.nextDaylightSavingTimeTransition(after: date).map { Int64($0.timeIntervalSince1970.rounded(.down)) }
                validUntil = min(s + 86_400, max(next ?? .max, s + 1))
                day = .min
            }
            let local = s + offset
            let d = local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
            if d != day {
                let full = ISO8601.format(Date(timeIntervalSince1970: Double(s)), timeZone: timeZone)
                dayText = String(full.prefix(11))
                suffix = String(full.dropFirst(19))
                day = d
            }
            let sod = Int(local - d * 86_400)
            func two(_ v: Int) -> String { v < 10 ? "0" + String(v) : String(v) }
            return dayText + two(sod / 3600) + ":" + two(sod / 60 % 60) + ":" + two(sod % 60) + suffix
        }
    }
}

extension LocalDate {
    /// Date arithmetic on plain dates happens in UTC; one calendar serves every call (building a
    /// Foundation Calendar is expensive, and this runs on the scan path).
    static let utc: Calendar = {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return cal
    }()

    public func adding(days: Int) -> LocalDate {
        let cal = LocalDate.utc
        let d = cal.date(from: DateComponents(year: year, month: month, day: day))!
        let n = cal.date(byAdding: .day, value: days, to: d)!
        let c = cal.dateComponents([.year, .month, .day], from: n)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)
    }
    /// Whole days from this date to `other` (negative when `other` is earlier).
    public func days(until other: LocalDate) -> Int {
        let cal = LocalDate.utc
        let a = cal.date(from: DateComponents(year: year, month: month, day: day))!
        let b = cal.date(from: DateComponents(year: other.year, month: other.month, day: other.day))!
        return Int((b.timeIntervalSince(a) / 86_400).rounded())
    }
    /// Weekday of this date.
    public var weekday: Weekday {
        let cal = LocalDate.utc
        let d = cal.date(from: DateComponents(year: year, month: month, day: day))!
        return Weekday(gregorian: cal.component(.weekday, from: d))
    }
}

/// Which shift an instant belongs to: a shift that runs past midnight belongs to the day it started.
public struct ShiftInstance: Codable, Hashable, Sendable, CustomStringConvertible {
    public var shift: String
    public var date: LocalDate
    public init(shift: String, date: LocalDate) { self.shift = shift; self.date = date }
    public var description: String { "\(shift) \(date)" }
}

/// Local-time arithmetic in the plant's time zone.
public struct PlantCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        calendar = c
    }
    public init(plant: Plant) {
        self.init(timeZone: TimeZone(identifier: plant.timezone) ?? TimeZone(identifier: "UTC")!)
    }

    public func localDate(_ instant: Date) -> LocalDate {
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)
    }
    /// Minutes after local midnight.
    public func minuteOfDay(_ instant: Date) -> Int {
        let c = calendar.dateComponents([.hour, .minute], from: instant)
        return c.hour! * 60 + c.minute!
    }
    public func startOfDay(_ date: LocalDate) -> Date {
        calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
    }
    public func instant(_ date: LocalDate, _ time: ClockTime) -> Date {
        calendar.date(
            from: DateComponents(
                year: date.year, month: date.month, day: date.day,
                hour: time.minutes / 60, minute: time.minutes % 60))!
    }

    /// The shift running at `instant`, or nil outside every shift.
    public func shift(at instant: Date, shifts: [Shift]) -> ShiftInstance? {
        let today = localDate(instant)
        let minute = minuteOfDay(instant)
        for s in shifts {
            if s.crossesMidnight {
                // Started today (after start) or started yesterday (before end).
                if minute >= s.start.minutes, s.days.contains(today.weekday) {
                    return ShiftInstance(shift: s.id, date: today)
                }
                let yesterday = today.adding(days: -1)
                if minute < s.end.minutes, s.days.contains(yesterday.weekday) {
                    return ShiftInstance(shift: s.id, date: yesterday)
                }
            } else if minute >= s.start.minutes, minute < s.end.minutes, s.days.contains(today.weekday) {
                return ShiftInstance(shift: s.id, date: today)
            }
        }
        return nil
    }
}

extension Date {
    /// Milliseconds since 1970, rounded down: the one conversion every instant in the log,
    /// the store and the screens goes through.
    public var epochMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
