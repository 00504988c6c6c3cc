/// The state of one basisvoorwaarde according to the D&R plan: a status, typed details a
/// partner can act on, and an optional free-text remark.
public struct Need: Sendable, Hashable, Codable {
    /// Longest remark the schema allows, in Unicode code points.
    public static let maximumRemarkLength = 2000

    public var domain: Domain
    public var status: NeedStatus
    /// Structured content for ``domain`` only; check ``hasMatchingDetails``.
    public var details: NeedDetails?
    /// Free text of the PI's casemanager about this basisvoorwaarde. Sensitive: it may hold
    /// anything, so it reaches a partner only where a policy allows this domain's remark,
    /// and it is never logged.
    public var remark: String?

    public init(domain: Domain, status: NeedStatus, details: NeedDetails? = nil, remark: String? = nil) {
        self.domain = domain
        self.status = status
        self.details = details
        self.remark = remark
    }

    /// The schema cannot tie the details to the need's domain; this does.
    public var hasMatchingDetails: Bool {
        guard let details else { return true }
        return details.domains == [domain]
    }
}
