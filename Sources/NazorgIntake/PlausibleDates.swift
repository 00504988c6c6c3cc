import Foundation
import NazorgContracts

/// The windows within which intake believes a date in a notice. A date outside them is a
/// typo or a placeholder (9999-12-31, 0001-01-01), and downstream date arithmetic must never
/// see it. Every bound is relative to the hub's own clock at receipt, so the windows move
/// with time and tests can fix "now".
///
/// | field | accepted |
/// |---|---|
/// | `expectedReleaseDate`, `previousReleaseDate` | from 10 years before today to 30 years after today; `expectedReleaseDate` not before `detentionStartDate` |
/// | `detentionStartDate` | from 50 years before today to 1 day after today (desks in another time zone or with a fast clock) |
/// | `transferDate` | from 10 years before today to 1 year after today (a planned transfer) |
/// | `person.birthDate` | from 1900-01-01 to the day the person turned 12 (the Dutch age of criminal responsibility) |
/// | `reportedAt`, `releasedAt` | from 1 year before now to 5 minutes after now (clock skew); a release is reported once it happened |
///
/// "Today" is the calendar day in Europe/Amsterdam.
public struct PlausibleDates: Sendable {
    /// Years an expected release may lie behind today (a late or corrected notice).
    public static let releaseYearsBehind = 10
    /// Years an expected release may lie ahead of today (the longest determinate sentences).
    public static let releaseYearsAhead = 30
    /// Years a detention may have started before today.
    public static let detentionYearsBehind = 50
    /// Days a detention start may lie after today.
    public static let detentionDaysAhead = 1
    /// The earliest birth date believed.
    public static let earliestBirthDate = CalendarDate(year: 1900, month: 1, day: 1)
    /// The youngest age, in years, of a person in a notice.
    public static let minimumAge = 12
    /// Years a transfer may lie behind today.
    public static let transferYearsBehind = 10
    /// Years a transfer may be announced ahead.
    public static let transferYearsAhead = 1
    /// How far `reportedAt` and `releasedAt` may lie after the hub's clock.
    public static let reportedAtSkew: TimeInterval = 5 * 60
    /// How far `reportedAt` and `releasedAt` may lie before the hub's clock.
    public static let reportedAtMaximumAge: TimeInterval = 366 * 24 * 60 * 60

    public let now: Date
    public let today: CalendarDate

    public init(now: Date, timeZone: TimeZone = DutchTime.zone) {
        self.now = now
        self.today = CalendarDate(now, in: timeZone)
    }

    /// Nil when the expected release date is believable, else the rule it breaks.
    public func problem(expectedRelease date: CalendarDate) -> String? {
        if let earliest = today.shifted(years: -Self.releaseYearsBehind), date < earliest {
            return "must not be more than \(Self.releaseYearsBehind) years before today"
        }
        if let latest = today.shifted(years: Self.releaseYearsAhead), latest < date {
            return "must not be more than \(Self.releaseYearsAhead) years after today"
        }
        return nil
    }

    public func problem(detentionStart date: CalendarDate) -> String? {
        if let earliest = today.shifted(years: -Self.detentionYearsBehind), date < earliest {
            return "must not be more than \(Self.detentionYearsBehind) years before today"
        }
        if today.days(until: date) > Self.detentionDaysAhead {
            return "must not be more than \(Self.detentionDaysAhead) day after today"
        }
        return nil
    }

    public func problem(transferDate date: CalendarDate) -> String? {
        if let earliest = today.shifted(years: -Self.transferYearsBehind), date < earliest {
            return "must not be more than \(Self.transferYearsBehind) years before today"
        }
        if let latest = today.shifted(years: Self.transferYearsAhead), latest < date {
            return "must not be more than \(Self.transferYearsAhead) year after today"
        }
        return nil
    }

    public func problem(birthDate date: CalendarDate) -> String? {
        if let earliest = Self.earliestBirthDate, date < earliest {
            return "must not be before \(earliest)"
        }
        if let latest = today.shifted(years: -Self.minimumAge), latest < date {
            return "must make the person at least \(Self.minimumAge) years old today"
        }
        return nil
    }

    public func problem(reportedAt date: Date) -> String? {
        recentInstantProblem(date)
    }

    /// A release is a fact: reported once it happened, and not long after.
    public func problem(releasedAt date: Date) -> String? {
        recentInstantProblem(date)
    }

    private func recentInstantProblem(_ date: Date) -> String? {
        if date.timeIntervalSince(now) > Self.reportedAtSkew {
            return "must not be more than 5 minutes after the hub's clock"
        }
        if now.timeIntervalSince(date) > Self.reportedAtMaximumAge {
            return "must not be more than one year before the hub's clock"
        }
        return nil
    }
}

extension CalendarDate {
    /// The same day `years` later (earlier when negative); 29 February becomes 28 February
    /// in a year without it. Nil outside the years CalendarDate supports.
    func shifted(years: Int) -> CalendarDate? {
        CalendarDate(year: year + years, month: month, day: day) ?? CalendarDate(year: year + years, month: month, day: day - 1)
    }
}
