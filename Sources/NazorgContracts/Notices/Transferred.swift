import Foundation

/// The person moved to another PI. ``prisonCode`` is the PI of origin, whose desk sends the
/// notice; ``toPrisonCode`` is the receiving PI.
public struct Transferred: EventPayload, SubjectKeyed {
    public static let eventType = EventType.transferred

    /// Id chosen by the PI desk; intake deduplicates on it.
    public var noticeId: String
    /// Keyed pseudonym of the person; the Kafka key.
    public var subjectId: String
    /// CBS code of the municipality of return, `GM` plus four digits.
    public var municipality: String
    /// Code of the PI of origin.
    public var prisonCode: String
    public var person: Person
    public var reportedAt: Date
    /// The `noticeId` of an earlier notice of the same PI and type that this one corrects:
    /// it replaces that notice and is processed as a change. Absent for an ordinary notice.
    public var correctsNoticeId: String?
    /// Code of the receiving PI; never the same as ``prisonCode``.
    public var toPrisonCode: String
    public var transferDate: CalendarDate

    public init(
        noticeId: String,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        reportedAt: Date,
        toPrisonCode: String,
        transferDate: CalendarDate,
        correctsNoticeId: String? = nil
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.toPrisonCode = toPrisonCode
        self.transferDate = transferDate
        self.correctsNoticeId = correctsNoticeId
    }
}
