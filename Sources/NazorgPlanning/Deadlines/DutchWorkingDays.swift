import NazorgContracts

/// Working days as Dutch government offices count them: Monday to Friday, without the
/// public holidays on which they close. Good Friday is not one of them (most offices
/// work); Liberation Day is a day off only in lustrum years (2025, 2030, …).
public enum DutchWorkingDays {
    /// Whether `day` is a working day.
    public static func isWorkingDay(_ day: CalendarDate) -> Bool {
        weekday(day) < 5 && !isPublicHoliday(day)
    }

    /// The day `count` working days after `day` (not counting `day` itself): with 10, the
    /// last day of the ten working days that follow a detention start.
    public static func adding(_ count: Int, to day: CalendarDate) throws(CalendarDateError) -> CalendarDate {
        var current = day
        var left = max(count, 0)
        while left > 0 {
            current = try current.adding(days: 1)
            if isWorkingDay(current) { left -= 1 }
        }
        return current
    }

    /// Monday 0 … Sunday 6. Day 0 of the epoch (1970-01-01) was a Thursday.
    public static func weekday(_ day: CalendarDate) -> Int {
        let shifted = (day.daysSinceEpoch + 3) % 7
        return shifted < 0 ? shifted + 7 : shifted
    }

    /// New Year, Easter Monday, King's Day, Liberation Day (lustrum years), Ascension Day,
    /// Whit Monday, Christmas Day and Boxing Day.
    public static func isPublicHoliday(_ day: CalendarDate) -> Bool {
        switch (day.month, day.day) {
        case (1, 1), (12, 25), (12, 26): return true
        case (5, 5): return day.year % 5 == 0
        case (4, 27): return weekday(day) != 6
        case (4, 26): return (try? day.adding(days: 1)).map { weekday($0) == 6 } ?? false
        default: break
        }
        guard let easter = easterSunday(year: day.year) else { return false }
        let offset = easter.days(until: day)
        // Easter Monday, Ascension Day (39 days after Easter), Whit Monday (50).
        return offset == 1 || offset == 39 || offset == 50
    }

    /// Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus).
    public static func easterSunday(year: Int) -> CalendarDate? {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDate(year: year, month: month, day: day)
    }
}
