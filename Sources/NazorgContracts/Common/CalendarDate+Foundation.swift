import Foundation

extension CalendarDate {
    /// The calendar day of `date` in `timeZone` (Europe/Amsterdam for Dutch deadlines).
    /// Instants outside year 1...9999 give the first or last day a `CalendarDate` holds.
    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.era, .year, .month, .day], from: date)
        if let year = parts.year, let month = parts.month, let day = parts.day, parts.era != 0,
           let value = CalendarDate(year: year, month: month, day: day) {
            self = value
        } else {
            self = date.timeIntervalSince1970 < 0 ? .first : .last
        }
    }

    /// Midnight at the start of this day in `timeZone`.
    public func startOfDay(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day)
        return calendar.date(from: components)
            ?? Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400 - Double(timeZone.secondsFromGMT()))
    }

    /// 0001-01-01 and 9999-12-31.
    static let first = CalendarDate(uncheckedYear: 1, month: 1, day: 1)
    static let last = CalendarDate(uncheckedYear: 9999, month: 12, day: 31)
}
