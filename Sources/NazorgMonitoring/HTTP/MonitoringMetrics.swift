import Metrics
import NazorgRuntime
import Synchronization

/// The read model's counts as metrics, set from a summary at every scrape of `/metrics`.
///
/// The `…_total` families are counters: the read model's totals only grow, and Prometheus'
/// `increase()` and `rate()` need the counter type. A counter cannot be set, so each one is
/// moved up by the difference to the total it was last set to; when a total is lower (the
/// read model was rebuilt) the counter is reset first, which Prometheus reads as a restart.
/// The rest are gauges. Label values are notice types, reason codes, task statuses and
/// partner ids: counts per category, nothing about a person.
public final class MonitoringMetrics: Sendable {
    /// The process's instance, over the bootstrapped registry. One per process, because a
    /// counter's last total belongs to the counter, not to whichever monitoring service set it.
    public static let shared = MonitoringMetrics(factory: nil)

    private let factory: (any MetricsFactory)?
    /// The total each counter series was last set to, by series.
    private let totals = Mutex<[String: Int]>([:])

    /// `factory`: where the metrics go; nil for the bootstrapped registry (tests pass their own).
    public init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    /// Sets every family from `summary`. Concurrent scrapes take turns.
    public func update(from summary: MonitoringSummary) {
        totals.withLock { totals in
            setTotal(MetricCatalogue.monitoringNotices, [], summary.notices, &totals)
            for type in MonitoringSummary.noticeTypes {
                setTotal(MetricCatalogue.monitoringNoticesByType, [type.rawValue], summary.noticesByType[type.rawValue] ?? 0, &totals)
            }
            set(MetricCatalogue.monitoringCasesOpen, [], summary.openCases)
            setTotal(MetricCatalogue.monitoringEscalations, [], summary.escalations, &totals)
            for reason in MonitoringSummary.escalationReasons {
                setTotal(MetricCatalogue.monitoringEscalationsByReason, [reason], summary.escalationsByReason[reason] ?? 0, &totals)
            }
            for status in MonitoringSummary.taskStatuses {
                set(MetricCatalogue.monitoringTasks, [status], summary.tasksByStatus[status] ?? 0)
            }
            for (partner, counts) in summary.tasksByPartner {
                for status in MonitoringSummary.taskStatuses {
                    set(MetricCatalogue.monitoringPartnerTasks, [partner, status], counts[status] ?? 0)
                }
            }
        }
    }

    private func set(_ family: MetricFamily, _ values: [String], _ value: Int) {
        Gauge(label: family.name, dimensions: dimensions(family, values), factory: resolvedFactory).record(value)
    }

    private func setTotal(_ family: MetricFamily, _ values: [String], _ total: Int, _ totals: inout [String: Int]) {
        let dimensions = dimensions(family, values)
        let key = ([family.name] + values).joined(separator: "\u{1F}")
        let counter = Counter(label: family.name, dimensions: dimensions, factory: resolvedFactory)
        let previous = totals[key] ?? 0
        if total < previous {
            counter.reset()
            counter.increment(by: total)
        } else {
            counter.increment(by: total - previous)
        }
        totals[key] = total
    }

    private func dimensions(_ family: MetricFamily, _ values: [String]) -> [(String, String)] {
        zip(family.labels, values.map(MetricLabel.value)).map { ($0, $1) }
    }

    private var resolvedFactory: any MetricsFactory {
        if let factory { return factory }
        MetricsBootstrap.bootstrap()
        return MetricsSystem.factory
    }
}
