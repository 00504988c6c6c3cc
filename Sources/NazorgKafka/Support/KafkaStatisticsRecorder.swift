import Logging
import Metrics
import Synchronization

/// The gauges the Kafka layer reports from librdkafka's statistics.
public enum KafkaMetricNames {
    /// Records between a consumer group's committed offset and the end of a partition,
    /// labelled `client`, `group`, `topic`, `partition`; only partitions whose lag is known
    /// (the member owns them and the group committed there once).
    public static let consumerLag = "nazorg.kafka.consumer.lag"
    /// Messages the client sent to brokers since it started, labelled `client`, `type`.
    public static let transmittedMessages = "nazorg.kafka.client.messages.transmitted"
    /// Messages the client received from brokers since it started, labelled `client`, `type`.
    public static let receivedMessages = "nazorg.kafka.client.messages.received"
    /// Messages waiting in the client's producer queues, labelled `client`, `type`.
    public static let queuedMessages = "nazorg.kafka.client.messages.queued"
}

/// Reports one client's librdkafka statistics as swift-metrics gauges.
///
/// The Kafka layer records through swift-metrics and picks no backend: the services
/// bootstrap Prometheus, a process that bootstraps nothing records into swift-metrics'
/// no-op default. Label values are client instance names, consumer groups, topics and
/// partition numbers, all configuration: a record's key or contents never become a label.
final class KafkaStatisticsRecorder: Sendable {
    private struct Reported {
        /// The client's instance name and kind, once it reported.
        var client: (name: String, type: String)?
        var lags: Set<TopicPartition> = []
    }

    /// The consumer group, for consumers; lag belongs to a group, not to a client.
    private let group: String?
    private let logger: Logger
    /// What the last statistics reported, so a partition that moved to another member of
    /// the group stops being reported here instead of showing its last lag for ever.
    private let reported = Mutex(Reported())
    private let decodeFailureLogged = Atomic<Bool>(false)

    init(group: String?, logger: Logger) {
        self.group = group
        self.logger = logger
    }

    /// Reads one statistics document as librdkafka's callback hands it over.
    func record(json: UnsafeRawBufferPointer) {
        let statistics: KafkaStatistics
        do {
            statistics = try KafkaStatistics.decode(json)
        } catch {
            // Once per client: the next documents would fail the same way every few seconds.
            if !decodeFailureLogged.exchange(true, ordering: .relaxed) {
                logger.warning("kafka statistics not readable", metadata: ["error": "\(type(of: error))"])
            }
            return
        }
        record(statistics)
    }

    func record(_ statistics: KafkaStatistics) {
        let client = clientDimensions(statistics.name, statistics.type)
        // Only a consumer's lag means anything; a producer's partitions all say -1.
        let lags = statistics.type == "consumer" ? statistics.knownLags : [:]
        reported.withLock { reported in
            Gauge(label: KafkaMetricNames.transmittedMessages, dimensions: client).record(statistics.transmittedMessages)
            Gauge(label: KafkaMetricNames.receivedMessages, dimensions: client).record(statistics.receivedMessages)
            Gauge(label: KafkaMetricNames.queuedMessages, dimensions: client).record(statistics.queuedMessages)
            for (partition, lag) in lags {
                Gauge(label: KafkaMetricNames.consumerLag, dimensions: lagDimensions(statistics.name, partition)).record(lag)
            }
            for gone in reported.lags.subtracting(lags.keys) {
                Gauge(label: KafkaMetricNames.consumerLag, dimensions: lagDimensions(statistics.name, gone)).destroy()
            }
            reported.client = (statistics.name, statistics.type)
            reported.lags = Set(lags.keys)
        }
    }

    /// Removes the client's gauges once it is closed: its last figures would mislead.
    func forget() {
        reported.withLock { reported in
            if let client = reported.client {
                for label in [KafkaMetricNames.transmittedMessages, KafkaMetricNames.receivedMessages, KafkaMetricNames.queuedMessages] {
                    Gauge(label: label, dimensions: clientDimensions(client.name, client.type)).destroy()
                }
                for partition in reported.lags {
                    Gauge(label: KafkaMetricNames.consumerLag, dimensions: lagDimensions(client.name, partition)).destroy()
                }
            }
            reported = Reported()
        }
    }

    private func clientDimensions(_ client: String, _ type: String) -> [(String, String)] {
        [("client", client), ("type", type)]
    }

    private func lagDimensions(_ client: String, _ partition: TopicPartition) -> [(String, String)] {
        [("client", client), ("group", group ?? ""), ("topic", partition.topic), ("partition", String(partition.partition))]
    }
}
