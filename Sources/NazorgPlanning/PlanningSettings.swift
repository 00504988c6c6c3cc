/// Planning's own settings, beside the ``ServiceOptions`` every service shares.
public struct PlanningSettings: Sendable {
    /// When tasks are due, for every municipality when no ``profiles`` are given.
    public var rules: DeadlineRules
    /// Days after release that a case stays open at most (`--aftercare-days`, default 180),
    /// for every municipality when no ``profiles`` are given.
    public var aftercareDays: Int
    /// Every municipality's profile (`--profiles`); nil: one standard profile with ``rules``
    /// and ``aftercareDays``.
    public var profiles: MunicipalityProfiles?
    /// How often the closure timer looks for cases whose aftercare period ended.
    public var closureCheckInterval: Duration
    /// The coordinator's API and page (`--callers`, `--policies`). nil: not served at all,
    /// because they show personal data and must never run without authentication.
    public var api: CoordinatorAPISettings?
    /// How often the timer service fires due timers (`--timer-interval`, default 60 s).
    public var timerCheckInterval: Duration
    /// The store periods (`--retention`), applied every ``retentionInterval``; nil: the store
    /// is never purged.
    public var retention: PlanningRetention?
    public var retentionInterval: Duration = .seconds(3_600)

    public init(rules: DeadlineRules = .standard, aftercareDays: Int = Planner.defaultAftercareDays,
                profiles: MunicipalityProfiles? = nil, closureCheckInterval: Duration = .seconds(3_600),
                timerCheckInterval: Duration = .seconds(60), api: CoordinatorAPISettings? = nil,
                retention: PlanningRetention? = nil) {
        self.retention = retention
        self.rules = rules
        self.aftercareDays = aftercareDays
        self.profiles = profiles
        self.closureCheckInterval = closureCheckInterval
        self.api = api
        self.timerCheckInterval = timerCheckInterval
    }
}
