import Foundation
import NazorgContracts
import NazorgRuntime
import Yams

/// When each task is due: a rule per basisvoorwaarde for delivery tasks, one for screening
/// and one for the first contact after release. An ID takes weeks, so it is due before
/// release; housing, income and care must be there on the day; debts and network follow in
/// the first weeks outside; screening follows detention start (intake screening within 10
/// working days); the first conversation is due 48 hours after the person walked out.
///
/// Codable, so a municipality's profile can come from a file (see ``init(yaml:)``):
/// ```yaml
/// deliver:
///   id: {anchor: expected-release, days: -28}
///   debts: {anchor: release, days: 28}
/// screen: {anchor: detention-start, days: 10}
/// firstContact: {anchor: release-moment, hours: 48}
/// withoutReleaseDate: 28
/// ```
public struct DeadlineRules: Sendable, Hashable {
    /// Per basisvoorwaarde; a domain without a rule is due on the (expected) release day.
    public var deliver: [Domain: DeadlineRule]
    public var screen: DeadlineRule
    public var firstContact: DeadlineRule
    /// Days after the task was planned, for a rule counting from release while no release
    /// date is known (remand): close enough to act on, and moved as soon as a date arrives.
    public var withoutReleaseDate: Int

    public static let standard = DeadlineRules(
        deliver: [
            .id: DeadlineRule(.expectedRelease, days: -28),
            .housing: DeadlineRule(.expectedRelease),
            .income: DeadlineRule(.expectedRelease),
            .care: DeadlineRule(.expectedRelease),
            .debts: DeadlineRule(.release, days: 28),
            .network: DeadlineRule(.release, days: 14),
        ],
        screen: DeadlineRule(.detentionStart, days: 10),
        firstContact: DeadlineRule(.releaseMoment, hours: 48),
        withoutReleaseDate: 28)

    public init(deliver: [Domain: DeadlineRule], screen: DeadlineRule, firstContact: DeadlineRule, withoutReleaseDate: Int) {
        self.deliver = deliver
        self.screen = screen
        self.firstContact = firstContact
        self.withoutReleaseDate = withoutReleaseDate
    }

    /// A profile from YAML (the shape in the type's documentation); throws
    /// `ConfigurationError` naming what is wrong.
    public init(yaml: String) throws {
        do {
            self = try YAMLDecoder().decode(DeadlineRules.self, from: yaml)
        } catch {
            throw ConfigurationError("the deadline rules are not valid: \(error)")
        }
    }

    /// The rule for a task of this type and basisvoorwaarde.
    public func rule(for taskType: TaskType, domain: Domain?) -> DeadlineRule {
        switch taskType {
        case .deliver, .measure: return domain.flatMap { deliver[$0] } ?? DeadlineRule(.expectedRelease)
        case .screen: return screen
        case .firstContact: return firstContact
        }
    }

    /// The deadline of a task of this type and basisvoorwaarde in the case as it stands.
    /// Throws ``PoisonEvent`` when it would fall outside the calendar: such a date can only
    /// come from bad input, and the input goes to the dead letters.
    public func deadline(for taskType: TaskType, domain: Domain?, in context: DeadlineContext) throws(PoisonEvent) -> Deadline {
        try deadline(by: rule(for: taskType, domain: domain), about: domain?.rawValue ?? taskType.rawValue, in: context)
    }

    /// The deadline `rule` gives in the case as it stands (an alternative measure brings its
    /// own rule); `about` names the task in the refusal.
    public func deadline(by rule: DeadlineRule, about: String, in context: DeadlineContext) throws(PoisonEvent) -> Deadline {
        do {
            switch rule.anchor {
            case .detentionStart:
                return Deadline(date: try context.detentionStart.adding(days: rule.days))
            case .expectedRelease, .release:
                guard let day = context.releaseDay ?? context.expectedReleaseDate else { return try fallback(context) }
                return Deadline(date: try day.adding(days: rule.days))
            case .releaseMoment:
                if let releasedAt = context.releasedAt {
                    let dueAt = releasedAt.addingTimeInterval(Double(rule.hours) * 3_600 + Double(rule.days) * 86_400)
                    return Deadline(date: CalendarDate(dueAt, in: context.timeZone), dueAt: dueAt)
                }
                guard let day = context.expectedReleaseDate else { return try fallback(context) }
                return Deadline(date: try day.adding(days: rule.days + (rule.hours + 23) / 24))
            }
        } catch {
            throw PoisonEvent(reason: "date-out-of-range", detail: "the \(about) deadline falls outside the calendar")
        }
    }

    private func fallback(_ context: DeadlineContext) throws(CalendarDateError) -> Deadline {
        Deadline(date: try context.plannedOn.adding(days: withoutReleaseDate))
    }
}

extension DeadlineRules: Codable {
    private enum CodingKeys: String, CodingKey { case deliver, screen, firstContact, withoutReleaseDate }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var deliver: [Domain: DeadlineRule] = [:]
        for (key, rule) in try container.decodeIfPresent([String: DeadlineRule].self, forKey: .deliver) ?? [:] {
            guard let domain = Domain(rawValue: key) else {
                throw DecodingError.dataCorruptedError(forKey: .deliver, in: container,
                                                       debugDescription: "'\(key)' is not a basisvoorwaarde")
            }
            deliver[domain] = rule
        }
        let standard = DeadlineRules.standard
        // A partial map changes the domains it names; the others keep the standard rule.
        self.init(deliver: standard.deliver.merging(deliver) { _, named in named },
                  screen: try container.decodeIfPresent(DeadlineRule.self, forKey: .screen) ?? standard.screen,
                  firstContact: try container.decodeIfPresent(DeadlineRule.self, forKey: .firstContact) ?? standard.firstContact,
                  withoutReleaseDate: try container.decodeIfPresent(Int.self, forKey: .withoutReleaseDate)
                      ?? standard.withoutReleaseDate)
        guard (0...3_650).contains(withoutReleaseDate) else {
            throw DecodingError.dataCorruptedError(forKey: .withoutReleaseDate, in: container,
                                                   debugDescription: "withoutReleaseDate must be 0 to 3650 days")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: deliver.map { ($0.key.rawValue, $0.value) }), forKey: .deliver)
        try container.encode(screen, forKey: .screen)
        try container.encode(firstContact, forKey: .firstContact)
        try container.encode(withoutReleaseDate, forKey: .withoutReleaseDate)
    }
}

/// What a deadline can count from in one case.
public struct DeadlineContext: Sendable {
    public var detentionStart: CalendarDate
    public var expectedReleaseDate: CalendarDate?
    public var releasedAt: Date?
    public var releaseDay: CalendarDate?
    /// The day the task was planned: what a release-anchored rule counts from without any date.
    public var plannedOn: CalendarDate
    public var timeZone: TimeZone

    public init(detentionStart: CalendarDate, expectedReleaseDate: CalendarDate?, releasedAt: Date? = nil,
                releaseDay: CalendarDate? = nil, plannedOn: CalendarDate, timeZone: TimeZone) {
        self.detentionStart = detentionStart
        self.expectedReleaseDate = expectedReleaseDate
        self.releasedAt = releasedAt
        self.releaseDay = releaseDay
        self.plannedOn = plannedOn
        self.timeZone = timeZone
    }
}

/// A computed deadline: the day, and for tasks counted in hours the exact moment.
public struct Deadline: Sendable, Equatable {
    public var date: CalendarDate
    public var dueAt: Date?

    public init(date: CalendarDate, dueAt: Date? = nil) {
        self.date = date
        self.dueAt = dueAt
    }

    /// Already past, or today: too late to plan as an ordinary deadline.
    public func isUrgent(now: Date, today: CalendarDate) -> Bool {
        if let dueAt, dueAt <= now { return true }
        return date <= today
    }
}
