/// The state of one basisvoorwaarde according to the D&R plan.
public struct Need: Sendable, Hashable, Codable {
    public var domain: Domain
    public var status: NeedStatus

    public init(domain: Domain, status: NeedStatus) {
        self.domain = domain
        self.status = status
    }
}
