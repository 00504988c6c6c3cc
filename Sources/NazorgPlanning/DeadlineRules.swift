import NazorgContracts
import NazorgRuntime

/// When each basisvoorwaarde must be in place, in days relative to the expected release
/// date. An ID takes weeks, so it is due before release; housing, income and care must be
/// there on the day; debts and network follow in the first weeks outside.
public struct DeadlineRules: Sendable {
    public var offsets: [Domain: Int]
    /// Used when no release date is known yet: days from today.
    public var withoutReleaseDate: Int

    public static let standard = DeadlineRules(
        offsets: [.id: -14, .housing: 0, .income: 0, .care: 0, .debts: 28, .network: 14],
        withoutReleaseDate: 28)

    public init(offsets: [Domain: Int], withoutReleaseDate: Int) {
        self.offsets = offsets
        self.withoutReleaseDate = withoutReleaseDate
    }

    /// Throws ``PoisonEvent`` when the deadline would fall outside the calendar: such a
    /// release date can only come from bad input, and the input goes to the dead letters.
    public func deadline(for domain: Domain, release: CalendarDate?, today: CalendarDate) throws(PoisonEvent) -> CalendarDate {
        do {
            guard let release else { return try today.adding(days: withoutReleaseDate) }
            return try release.adding(days: offsets[domain] ?? 0)
        } catch {
            throw PoisonEvent(reason: "date-out-of-range", detail: "the \(domain.rawValue) deadline falls outside the calendar")
        }
    }
}
