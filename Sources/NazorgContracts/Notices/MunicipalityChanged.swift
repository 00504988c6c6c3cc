import Foundation

/// The person will settle in another municipality than the one the case was in. The case
/// moves with a warm hand-over. ``municipality`` is the new municipality of return.
public struct MunicipalityChanged: EventPayload, SubjectKeyed {
    public static let eventType = EventType.municipalityChanged

    /// Id chosen by the PI desk; intake deduplicates on it.
    public var noticeId: String
    /// Keyed pseudonym of the person; the Kafka key.
    public var subjectId: String
    /// CBS code of the new municipality of return.
    public var municipality: String
    /// Code of the PI.
    public var prisonCode: String
    public var person: Person
    public var reportedAt: Date
    /// The `noticeId` of an earlier notice of the same PI and type that this one corrects:
    /// it replaces that notice and is processed as a change. Absent for an ordinary notice.
    public var correctsNoticeId: String?
    /// CBS code of the municipality the person was expected to return to; never the same as ``municipality``.
    public var previousMunicipality: String

    public init(noticeId: String, subjectId: String, municipality: String, prisonCode: String, person: Person,
                reportedAt: Date, previousMunicipality: String,
        correctsNoticeId: String? = nil
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.previousMunicipality = previousMunicipality
        self.correctsNoticeId = correctsNoticeId
    }
}
