import Foundation

/// A Logboek Dataverwerkingen record of a coordinator (or RCN) reading a case with personal
/// data through planning's API. Planning writes it, and waits for the acknowledgement, before
/// it answers (fail closed), on the same log as the filter's disclosures.
public struct CaseViewed: EventPayload, SubjectKeyed {
    public static let eventType = EventType.caseViewed

    public var viewId: String
    /// W3C trace id of the request, 32 lowercase hex digits.
    public var traceId: String
    /// Processing activity in the art. 30 AVG register (the coordinator's policy).
    public var processingActivityId: String
    public var legalBasis: DisclosureLogged.LegalBasis
    public var subjectId: String
    public var caseId: UUID
    /// The configured name of the account that read the case.
    public var viewerId: String
    public var viewerRole: PartnerRole
    /// The route pattern read, e.g. `/v1/cases/{caseId}`.
    public var route: String
    /// Field names shown, dotted for nested ones, e.g. `person.bsn`.
    public var disclosedFields: [String]
    public var viewedAt: Date

    public init(viewId: String, traceId: String, processingActivityId: String, legalBasis: DisclosureLogged.LegalBasis,
                subjectId: String, caseId: UUID, viewerId: String, viewerRole: PartnerRole, route: String,
                disclosedFields: [String], viewedAt: Date) {
        self.viewId = viewId
        self.traceId = traceId
        self.processingActivityId = processingActivityId
        self.legalBasis = legalBasis
        self.subjectId = subjectId
        self.caseId = caseId
        self.viewerId = viewerId
        self.viewerRole = viewerRole
        self.route = route
        self.disclosedFields = disclosedFields
        self.viewedAt = viewedAt
    }
}
