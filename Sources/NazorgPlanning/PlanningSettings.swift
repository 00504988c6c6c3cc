/// Planning's own settings, beside the ``ServiceOptions`` every service shares.
public struct PlanningSettings: Sendable {
    /// When tasks are due. The standard profile until municipality profiles are loaded.
    public var rules: DeadlineRules
    /// Days after release that a case stays open at most (`--aftercare-days`, default 180).
    public var aftercareDays: Int
    /// How often the closure timer looks for cases whose aftercare period ended.
    public var closureCheckInterval: Duration
    /// The coordinator's API and page (`--callers`, `--policies`). nil: not served at all,
    /// because they show personal data and must never run without authentication.
    public var api: CoordinatorAPISettings?

    public init(rules: DeadlineRules = .standard, aftercareDays: Int = Planner.defaultAftercareDays,
                closureCheckInterval: Duration = .seconds(3_600), api: CoordinatorAPISettings? = nil) {
        self.rules = rules
        self.aftercareDays = aftercareDays
        self.closureCheckInterval = closureCheckInterval
        self.api = api
    }
}
