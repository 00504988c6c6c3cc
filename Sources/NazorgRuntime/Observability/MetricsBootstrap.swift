import Metrics
import Prometheus

/// The process's metrics backend: one Prometheus registry behind swift-metrics.
///
/// Every service of a process records into the same registry, so the demo and the tests,
/// which run several services in one process, show all of them on each service's
/// `/metrics`; a service run on its own (production) shows only its own figures.
public enum MetricsBootstrap {
    /// Where every swift-metrics counter, gauge and timer of the process lands.
    public static let registry = PrometheusCollectorRegistry()

    /// Makes swift-metrics record into ``registry``. Call before creating metrics (every
    /// service's `make` does, and so does every ``HubMetrics`` call); any number of calls,
    /// from any thread, bootstrap once: `MetricsSystem.bootstrap` traps on a second call.
    /// A metric created before the bootstrap keeps swift-metrics' no-op backend for good.
    public static func bootstrap() {
        _ = bootstrapped
    }

    /// Swift runs a static initialiser once, atomically, on first use: the once-guard.
    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Handling times from 1 ms (a duplicate skipped) to a minute (a partner's webhook
        // timing out after retries); the default buckets stop at 10 s.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
    }()

    /// The registry in the Prometheus text format 0.0.4.
    public static func exposition() -> [UInt8] {
        bootstrap()
        return registry.emitToBuffer()
    }
}
