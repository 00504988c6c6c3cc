extension DetentionPlanShared {
    /// The schema cannot say that each domain appears at most once in ``needs``; this does.
    public var hasUniqueNeedDomains: Bool {
        Set(needs.map(\.domain)).count == needs.count
    }

    /// Whether a plan for this kind of detention must carry an expected release date: a
    /// sentence has a computed end; remand and other titles often have none yet.
    public static func requiresReleaseDate(_ type: DetentionType) -> Bool {
        type == .sentence
    }
}
