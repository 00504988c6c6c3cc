extension DetentionPlanShared {
    /// The schema cannot say that each domain appears at most once in ``needs``; this does.
    public var hasUniqueNeedDomains: Bool {
        Set(needs.map(\.domain)).count == needs.count
    }
}
