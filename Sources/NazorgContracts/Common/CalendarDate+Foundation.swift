import Foundation

extension CalendarDate {
    /// The calendar day of `date` in `timeZone` (Europe/Amsterdam for Dutch deadlines).
    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        // The Gregorian calendar always yields a valid day, so the force unwrap cannot fail
        // for dates in year 1...9999.
        self = CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// Midnight at the start of this day in `timeZone`.
    public func startOfDay(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day)
        return calendar.date(from: components)!
    }
}
