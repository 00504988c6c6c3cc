import Metrics

/// The hub's counters and histograms, one typed call each, so a call site cannot misspell a
/// name or put a label in the wrong place.
///
/// Each call looks its series up in the registry (one lock, one hash): call per batch with
/// `count` where records come in batches, not per record in a hot loop. Every label value
/// passes ``MetricLabel/value(_:)``.
public enum HubMetrics {
    /// What became of one attempt to hand an offer to a partner's webhook.
    public enum WebhookOutcome: String, Sendable, CaseIterable {
        /// The partner answered 2xx.
        case delivered
        /// The partner answered 408, 429 or 5xx; the offer is tried again.
        case retry
        /// No answer: connection refused or reset, TLS failure, time-out; tried again.
        case unreachable
        /// Any other answer: refused for good, reported undeliverable.
        case refused
        /// Read again after a crash or rebalance, already delivered: not posted again.
        case skipped
    }

    /// Records a service finished handling (handled or dead-lettered) from `topic`.
    public static func recordsConsumed(topic: String, service: String, count: Int = 1) {
        counter(MetricCatalogue.recordsConsumed, service, topic).increment(by: count)
    }

    /// Records a service produced to `topic` and the broker acknowledged.
    public static func recordsProduced(topic: String, service: String, count: Int = 1) {
        counter(MetricCatalogue.recordsProduced, service, topic).increment(by: count)
    }

    /// The time one consumed record took to handle, retries included.
    public static func processingDuration(service: String, seconds: Double) {
        timer(MetricCatalogue.processingDuration, service).recordSeconds(seconds)
    }

    /// The time one consumed record took to handle, retries included. `count` records that
    /// were handled together (one batch) each took `duration`.
    public static func processingDuration(service: String, _ duration: Duration, count: Int = 1) {
        let timer = timer(MetricCatalogue.processingDuration, service)
        for _ in 0..<max(0, count) { timer.record(duration: duration) }
    }

    /// A failed handling attempt that will be retried.
    public static func retries(service: String, count: Int = 1) {
        counter(MetricCatalogue.processingRetries, service).increment(by: count)
    }

    /// A record written to the dead-letter topic; `reason` is the `nazorg_dlq_reason` code.
    public static func deadLetters(service: String, reason: String, count: Int = 1) {
        counter(MetricCatalogue.recordsDeadLettered, service, reason).increment(by: count)
    }

    /// Records a service skipped because what they sealed about a person was erased.
    public static func erasedRecords(service: String, topic: String, count: Int = 1) {
        counter(MetricCatalogue.recordsErased, service, topic).increment(by: count)
    }

    /// A partner record the filter disclosed (after its disclosure log was acknowledged).
    /// `legalBasis` is the policy's legal basis code (`consent`, `public-task`, ...).
    public static func disclosures(partner: String, legalBasis: String, count: Int = 1) {
        counter(MetricCatalogue.recordsDisclosed, partner, legalBasis).increment(by: count)
    }

    /// Messages to a partner refused (and logged as refused); `reason` is a refusal-reason code.
    public static func refusals(partner: String, reason: String, count: Int = 1) {
        counter(MetricCatalogue.recordsRefused, partner, reason).increment(by: count)
    }

    /// A disclosure-log (audit) write that failed; `reason` is a short code such as
    /// `kafka-unavailable` or `timeout`, never an error text.
    public static func disclosureLogFailures(reason: String, count: Int = 1) {
        counter(MetricCatalogue.disclosureLogFailures, reason).increment(by: count)
    }

    /// Consent events the consent API published; `decision` is `given` or `withdrawn`.
    public static func consentStatements(decision: String, count: Int = 1) {
        counter(MetricCatalogue.consentStatements, decision).increment(by: count)
    }

    /// One webhook delivery attempt and, when the partner was called, how long it took.
    public static func webhookDelivery(partner: String, outcome: WebhookOutcome, duration: Duration? = nil) {
        counter(MetricCatalogue.webhookDeliveries, partner, outcome.rawValue).increment()
        if let duration { timer(MetricCatalogue.webhookDuration, partner).record(duration: duration) }
    }

    /// One HTTP request answered; `route` is the route pattern, never the raw path.
    static func httpRequest(service: String, route: String, status: Int, duration: Duration) {
        counter(MetricCatalogue.httpRequests, service, route, String(status)).increment()
        timer(MetricCatalogue.httpRequestDuration, service, route).record(duration: duration)
    }

    private static func counter(_ family: MetricFamily, _ values: String...) -> Counter {
        MetricsBootstrap.bootstrap()
        return Counter(label: family.name, dimensions: dimensions(family, values))
    }

    private static func timer(_ family: MetricFamily, _ values: String...) -> Timer {
        MetricsBootstrap.bootstrap()
        return Timer(label: family.name, dimensions: dimensions(family, values))
    }

    static func dimensions(_ family: MetricFamily, _ values: [String]) -> [(String, String)] {
        precondition(values.count == family.labels.count, "\(family.name) takes the labels \(family.labels)")
        return zip(family.labels, values.map(MetricLabel.value)).map { ($0, $1) }
    }
}
