import NazorgKafka

/// One metric family the hub exports.
public struct MetricFamily: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The name in code, OpenTelemetry style (`nazorg.http.requests`); swift-prometheus
    /// shows it with underscores (`nazorg_http_requests`).
    public let name: String
    public let kind: Kind
    /// Label names, in the order the code passes them. Values are configuration names
    /// (service, topic, route pattern, partner, reason code), never ids of people, cases,
    /// tasks or notices.
    public let labels: [String]
    /// What one sample means, for the operator (docs and the names file).
    public let help: String

    public init(_ name: String, _ kind: Kind, labels: [String], help: String) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
    }

    /// The name as Prometheus shows it.
    public var prometheusName: String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" ? $0 : "_" })
    }
}

/// Every metric family the hub exports, in one place: the code records through these, and
/// a test holds `deploy/prometheus/metrics.txt` (which the alert rules and the dashboard
/// are checked against) equal to this list.
public enum MetricCatalogue {
    // HTTP, every service (`HTTPMetricsMiddleware`).
    public static let httpRequests = MetricFamily(
        "nazorg.http.requests", .counter, labels: ["service", "route", "status"],
        help: "HTTP requests answered, by route pattern (unmatched for unknown paths) and status code.")
    public static let httpRequestDuration = MetricFamily(
        "nazorg.http.request.duration", .histogram, labels: ["service", "route"],
        help: "Seconds from receiving a request to its response being ready, by route pattern.")

    // Event processing, every consuming service (`HubMetrics`).
    public static let recordsConsumed = MetricFamily(
        "nazorg.records.consumed", .counter, labels: ["service", "topic"],
        help: "Kafka records a service finished handling (handled or dead-lettered), by topic.")
    public static let recordsProduced = MetricFamily(
        "nazorg.records.produced", .counter, labels: ["service", "topic"],
        help: "Kafka records a service produced and the broker acknowledged, by topic.")
    public static let processingDuration = MetricFamily(
        "nazorg.processing.duration", .histogram, labels: ["service"],
        help: "Seconds a service spent handling one consumed record, retries included.")
    public static let processingRetries = MetricFamily(
        "nazorg.processing.retries", .counter, labels: ["service"],
        help: "Failed handling attempts that will be retried.")
    public static let recordsDeadLettered = MetricFamily(
        "nazorg.records.deadlettered", .counter, labels: ["service", "reason"],
        help: "Records written to nazorg.deadletter.v1, by reason code.")
    public static let recordsErased = MetricFamily(
        "nazorg.records.erased", .counter, labels: ["service", "topic"],
        help: "Records skipped because the person's data key was erased (crypto-shredded).")

    // Filter.
    public static let recordsDisclosed = MetricFamily(
        "nazorg.filter.records.disclosed", .counter, labels: ["partner", "legal_basis"],
        help: "Partner records the filter disclosed after logging them, by partner and legal basis.")
    public static let recordsRefused = MetricFamily(
        "nazorg.filter.records.refused", .counter, labels: ["partner", "reason"],
        help: "Messages to partners the filter refused, and logged as refused, by partner and refusal reason.")
    public static let disclosureLogFailures = MetricFamily(
        "nazorg.filter.disclosure.log.failures", .counter, labels: ["reason"],
        help: "Disclosure-log (audit) writes that failed; the disclosure waits until the log is written.")
    public static let consentStatements = MetricFamily(
        "nazorg.filter.consent.statements", .counter, labels: ["decision"],
        help: "Consent events (one per basisvoorwaarde) the consent API published after Kafka acknowledged them, by decision (given, withdrawn).")

    // Adapters.
    public static let webhookDeliveries = MetricFamily(
        "nazorg.adapters.webhook.deliveries", .counter, labels: ["partner", "outcome"],
        help: "Webhook delivery attempts, by partner and outcome (delivered, retry, unreachable, refused, skipped).")
    public static let webhookDuration = MetricFamily(
        "nazorg.adapters.webhook.duration", .histogram, labels: ["partner"],
        help: "Seconds one webhook call took, by partner.")

    // Kafka clients, from librdkafka's statistics (`KafkaConfiguration.statisticsInterval`).
    public static let kafkaConsumerLag = MetricFamily(
        KafkaMetricNames.consumerLag, .gauge, labels: ["client", "group", "topic", "partition"],
        help: "Records between the group's committed offset and the end of the partition, per member client.")
    public static let kafkaMessagesTransmitted = MetricFamily(
        KafkaMetricNames.transmittedMessages, .gauge, labels: ["client", "type"],
        help: "Messages the client sent to brokers since it started.")
    public static let kafkaMessagesReceived = MetricFamily(
        KafkaMetricNames.receivedMessages, .gauge, labels: ["client", "type"],
        help: "Messages the client received from brokers since it started.")
    public static let kafkaMessagesQueued = MetricFamily(
        KafkaMetricNames.queuedMessages, .gauge, labels: ["client", "type"],
        help: "Messages waiting in the client's producer queues.")

    // Monitoring's read model, refreshed at every scrape of its /metrics. The names predate
    // swift-metrics (hand-written exposition) and stay, so dashboards keep working.
    public static let monitoringNotices = MetricFamily(
        "nazorg.monitoring.notices.total", .counter, labels: [], help: "Intake notices observed.")
    public static let monitoringNoticesByType = MetricFamily(
        "nazorg.monitoring.notices.by.type.total", .counter, labels: ["type"], help: "Intake notices observed, per notice type.")
    public static let monitoringCasesOpen = MetricFamily(
        "nazorg.monitoring.cases.open", .gauge, labels: [], help: "Cases opened and not closed.")
    public static let monitoringEscalations = MetricFamily(
        "nazorg.monitoring.escalations.total", .counter, labels: [], help: "Escalations raised.")
    public static let monitoringEscalationsByReason = MetricFamily(
        "nazorg.monitoring.escalations.by.reason.total", .counter, labels: ["reason"],
        help: "Escalations raised, per reason (waiting for consent, undeliverable, denied, rejected, overdue, ...).")
    public static let monitoringTasks = MetricFamily(
        "nazorg.monitoring.tasks", .gauge, labels: ["status"], help: "Tasks by latest status.")
    public static let monitoringPartnerTasks = MetricFamily(
        "nazorg.monitoring.partner.tasks", .gauge, labels: ["partner", "status"], help: "Tasks per partner by latest status.")

    public static let all: [MetricFamily] = [
        httpRequests, httpRequestDuration,
        recordsConsumed, recordsProduced, processingDuration, processingRetries, recordsDeadLettered, recordsErased,
        recordsDisclosed, recordsRefused, disclosureLogFailures, consentStatements,
        webhookDeliveries, webhookDuration,
        kafkaConsumerLag, kafkaMessagesTransmitted, kafkaMessagesReceived, kafkaMessagesQueued,
        monitoringNotices, monitoringNoticesByType, monitoringCasesOpen, monitoringEscalations, monitoringEscalationsByReason,
        monitoringTasks, monitoringPartnerTasks,
    ]

    /// The catalogue as `deploy/prometheus/metrics.txt` holds it: one family per line,
    /// Prometheus name, kind and label names.
    public static var namesFile: String {
        let header = """
            # Metric families nazorg-hub exports (Prometheus names). Generated from MetricCatalogue;
            # Tests/NazorgRuntimeTests/ObservabilityTests.swift fails when they differ, and
            # Tests/contracts/test_observability.py checks the alert rules and the Grafana
            # dashboard against it. Histograms add _bucket, _sum and _count.
            # name kind labels

            """
        return header + all.map { family in
            "\(family.prometheusName) \(family.kind.rawValue) \(family.labels.isEmpty ? "-" : family.labels.joined(separator: ","))"
        }.joined(separator: "\n") + "\n"
    }
}
