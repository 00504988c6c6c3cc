import Foundation

/// A task as one partner may see it, on `partner.<partnerId>.tasks.v1` and in the webhook
/// body. ``subject`` holds only the fields the processing activity allows.
public struct TaskOffered: EventPayload {
    public static let eventType = EventType.taskOffered

    /// A minimised view of the person: every field is optional and present only when the
    /// partner's policy allows it. Absent fields are omitted from the JSON.
    public struct Subject: Sendable, Hashable, Codable {
        public var bsn: String?
        public var givenName: String?
        public var surname: String?
        public var birthDate: CalendarDate?
        public var prisonCode: String?
        public var municipality: String?
        public var expectedReleaseDate: CalendarDate?
        /// The person's pseudonym for this partner only (keyed per partner), never the hub-wide one.
        public var subjectId: String?
        /// Set when the policy gives the birth date generalised: `birthDate` is then the first
        /// day of its year or month.
        public var birthDatePrecision: DatePrecision?
        /// Set when the policy gives the expected release date generalised: the date is then
        /// the Monday of its week or the first of its month.
        public var expectedReleaseDatePrecision: DatePrecision?

        public init(
            bsn: String? = nil,
            givenName: String? = nil,
            surname: String? = nil,
            birthDate: CalendarDate? = nil,
            prisonCode: String? = nil,
            municipality: String? = nil,
            expectedReleaseDate: CalendarDate? = nil,
            subjectId: String? = nil
        ) {
            self.bsn = bsn
            self.givenName = givenName
            self.surname = surname
            self.birthDate = birthDate
            self.prisonCode = prisonCode
            self.municipality = municipality
            self.expectedReleaseDate = expectedReleaseDate
            self.subjectId = subjectId
        }

        /// Names of the present fields as `subject.<field>`, in schema order; what a
        /// DisclosureLogged record lists in `disclosedFields`.
        public var presentFieldNames: [String] {
            let fields: [(String, Bool)] = [
                ("bsn", bsn != nil), ("givenName", givenName != nil), ("surname", surname != nil),
                ("birthDate", birthDate != nil), ("prisonCode", prisonCode != nil),
                ("municipality", municipality != nil), ("expectedReleaseDate", expectedReleaseDate != nil),
                ("subjectId", subjectId != nil), ("birthDatePrecision", birthDatePrecision != nil),
                ("expectedReleaseDatePrecision", expectedReleaseDatePrecision != nil),
            ]
            return fields.filter(\.1).map { "subject.\($0.0)" }
        }
    }

    /// Stable across redeliveries; also the webhook's Idempotency-Key.
    public var offerId: String
    public var taskId: String
    public var partnerId: String
    public var taskType: TaskType
    /// The basisvoorwaarde; absent only for a first-contact task.
    public var domain: Domain?
    /// The alternative measure a `measure` task carries out.
    public var measure: AlternativeMeasure?
    /// The plan's structured content of ``domain``, when the policy allows it.
    public var details: NeedDetails?
    /// The plan's free-text remark about ``domain``, only where a policy allows it.
    public var remark: String?
    /// The task must be picked up at once: its deadline is past or near, or the person is out.
    public var urgent: Bool
    /// The exact moment the task is due (first contact), when the policy allows the deadline to the day.
    public var dueAt: Date?
    /// When the task is due, as exact as the policy allows (see ``deadlinePrecision``); nil when left out.
    public var deadline: CalendarDate?
    /// How exact ``deadline`` is; present exactly when it is.
    public var deadlinePrecision: DeadlinePrecision?
    /// The art. 30 processing activity under which the fields are disclosed.
    public var processingActivityId: String
    public var subject: Subject

    public init(
        offerId: String,
        taskId: String,
        partnerId: String,
        taskType: TaskType = .deliver,
        domain: Domain?,
        measure: AlternativeMeasure? = nil,
        details: NeedDetails? = nil,
        remark: String? = nil,
        urgent: Bool = false,
        dueAt: Date? = nil,
        deadline: CalendarDate?,
        deadlinePrecision: DeadlinePrecision?,
        processingActivityId: String,
        subject: Subject
    ) {
        self.offerId = offerId
        self.taskId = taskId
        self.partnerId = partnerId
        self.taskType = taskType
        self.domain = domain
        self.measure = measure
        self.details = details
        self.remark = remark
        self.urgent = urgent
        self.dueAt = dueAt
        self.deadline = deadline
        self.deadlinePrecision = deadlinePrecision
        self.processingActivityId = processingActivityId
        self.subject = subject
    }
}

/// How exact a disclosed date is.
public enum DeadlinePrecision: String, Sendable, Hashable, Codable, CaseIterable {
    /// The day itself.
    case day
    /// The Monday of the ISO week the day falls in.
    case week
    /// The first day of the month.
    case month
}

/// How coarsely a date of the person is given: by its year, month or (ISO) week.
public enum DatePrecision: String, Sendable, Hashable, Codable, CaseIterable {
    case year, month, week

    /// Whether a date given this coarsely also hides one given as coarsely as `other`.
    public func isAtLeastAsCoarse(as other: DatePrecision) -> Bool { rank >= other.rank }

    var rank: Int {
        switch self {
        case .week: 1
        case .month: 2
        case .year: 3
        }
    }
}

extension CalendarDate {
    /// The first day of the year, month or week this date falls in.
    public func generalised(to precision: DatePrecision) -> CalendarDate {
        switch precision {
        case .year: CalendarDate(uncheckedYear: year, month: 1, day: 1)
        case .month: coarsened(to: .month)
        case .week: coarsened(to: .week)
        }
    }

    /// The first day of the period of `precision` this date falls in: itself, its week's
    /// Monday, or the first of its month. Never later than the date, so a coarsened
    /// deadline errs on the early side.
    public func coarsened(to precision: DeadlinePrecision) -> CalendarDate {
        switch precision {
        case .day:
            return self
        case .week:
            // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
            let weekday = ((daysSinceEpoch + 3) % 7 + 7) % 7
            return CalendarDate(daysSinceEpoch: daysSinceEpoch - weekday) ?? CalendarDate.first
        case .month:
            return CalendarDate(uncheckedYear: year, month: month, day: 1)
        }
    }
}
