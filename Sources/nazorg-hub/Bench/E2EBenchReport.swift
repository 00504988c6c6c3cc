import Foundation
import NazorgRuntime

/// The summary of `bench e2e`: one line per figure with its target, then the verdict.
struct E2EBenchReport {
    let rate: Int, duration: Int, connections: Int, brokers: Int
    /// The services' `NAZORG_KAFKA_PROPERTIES`.
    let kafkaProperties: String
    let run: WrkResult
    let warmup: WrkResult?
    let outcomes: E2EOutcomes
    let warmupOutcomes: E2EOutcomes?
    /// Deliveries of notices intake accepted while wrk, its time up, no longer waited for the 202.
    let unansweredDeliveries: Int
    /// Deliveries that lead back to no notice at all, or whose Idempotency-Key is not the
    /// offer's id (there should be none).
    let strayDeliveries: Int
    let scrapes: [MetricsScrape]
    let metricsDirectory: String
    /// Exit status after SIGTERM per process, services first, then the broker.
    let exits: [(name: String, status: Int32?)]
    /// CPU seconds per process over the measured run.
    let cpu: [(name: String, seconds: Double?)]
    /// The machine's one-minute load average when the run started and when it ended.
    let loads: (before: Double?, after: Double?)

    private var notAccepted: Int {
        run.summary.statuses.filter { $0.key != 202 }.values.reduce(0, +) + run.summary.socketErrorCount
            + (warmup.map { $0.summary.statuses.filter { $0.key != 202 }.values.reduce(0, +) + $0.summary.socketErrorCount } ?? 0)
    }
    private var p99: Int64? { percentile(outcomes.latencies, 99) }
    var latencyMet: Bool { p99.map { $0 < E2EBench.targetP99.microseconds } ?? false }
    var everyNoticeOnce: Bool {
        [outcomes, warmupOutcomes].compactMap { $0 }.allSatisfy { $0.missing == 0 && $0.repeated == 0 && $0.deliveredOnce == $0.notices }
            && strayDeliveries == 0
    }
    var rateHeld: Bool { Double(run.summary.late) <= IntakeBenchReport.lateShareAllowed * Double(max(run.summary.scheduled, 1)) }
    var metricsMet: Bool { scrapes.allSatisfy(\.complete) && !scrapes.isEmpty }
    var exitsMet: Bool { exits.allSatisfy { $0.status == 0 } }
    var met: Bool { latencyMet && everyNoticeOnce && notAccepted == 0 && rateHeld && metricsMet && exitsMet && outcomes.notices > 0 }

    func print() {
        let delivered = outcomes.latencies.count
        printFlushed("nazorg-hub bench e2e: D&R plans at \(grouped(rate))/s for \(duration) s (wrk, \(connections) connections); broker "
                     + "(\(brokers) embedded brokers) and intake, planning, filter, adapters, monitoring each its own process; "
                     + "latency from intake's 202 to the partner webhook receiving the task; services' NAZORG_KAFKA_PROPERTIES "
                     + (kafkaProperties.isEmpty ? "empty" : "\"\(kafkaProperties)\""))
        func ms(_ micros: Int64?) -> String { micros.map { String(format: "%.1f ms", Double($0) / 1000) } ?? "-" }
        summaryLine("latency p50", ms(percentile(outcomes.latencies, 50)))
        summaryLine("latency p90", ms(percentile(outcomes.latencies, 90)))
        summaryLine("latency p99", ms(p99), target: "< 250 ms", ok: latencyMet)
        summaryLine("latency p99.9", ms(percentile(outcomes.latencies, 99.9)))
        summaryLine("latency max", ms(outcomes.latencies.last))
        let mean = outcomes.latencies.isEmpty ? nil : outcomes.latencies.reduce(0, +) / Int64(outcomes.latencies.count)
        summaryLine("latency mean", ms(mean))
        summaryLine("deliveries", "\(grouped(outcomes.deliveredOnce)) of \(grouped(outcomes.notices)) notices answered 202 reached a webhook exactly once",
                    target: "every notice once", ok: everyNoticeOnce)
        summaryLine("", "missing \(grouped(outcomes.missing))\(stops(outcomes)), repeated deliveries \(grouped(outcomes.repeated)), "
                    + "deliveries of no notice \(grouped(strayDeliveries))")
        summaryLine("", "(and \(grouped(unansweredDeliveries)) of notices still in flight when wrk stopped, not timed)")
        if let warmupOutcomes {
            summaryLine("warm-up", "\(grouped(warmupOutcomes.deliveredOnce)) of \(grouped(warmupOutcomes.notices)) reached a webhook exactly once "
                        + "(missing \(grouped(warmupOutcomes.missing))\(stops(warmupOutcomes)), repeated \(grouped(warmupOutcomes.repeated)))")
        }
        func hop(_ values: [Int64]) -> String {
            "p50 \(percentile(values, 50).map(String.init) ?? "-") ms, p99 \(percentile(values, 99).map(String.init) ?? "-") ms"
        }
        summaryLine("hops", "202 → TaskAssigned produced (planning): \(hop(outcomes.hops.planning))")
        summaryLine("", "→ TaskOffered produced (filter): \(hop(outcomes.hops.filter))")
        summaryLine("", "→ webhook received (adapters): \(hop(outcomes.hops.adapters))")
        summaryLine("not 202", "\(grouped(notAccepted)) (run: \(statuses(run)); socket errors \(run.summary.socketErrorCount))",
                    target: "0", ok: notAccepted == 0)
        summaryLine("offered rate", String(format: "%.1f notices/s answered 202; ", run.rate(of: 202))
                    + "\(grouped(run.summary.late)) of \(grouped(run.summary.scheduled)) sent > 10 ms late", target: "≤ 1 % late", ok: rateHeld)
        summaryLine("intake 202", String(format: "p50 %.2f ms, p99 %.2f ms (wrk)", run.summary.p50.milliseconds, run.summary.p99.milliseconds))
        let perNotice = { (seconds: Double) in String(format: "%.2f", seconds * 1000 / Double(max(delivered, 1))) }
        summaryLine("machine", "load average \(loads.before.map { String(format: "%.2f", $0) } ?? "?") at the start of the run, "
                    + "\(loads.after.map { String(format: "%.2f", $0) } ?? "?") at its end (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
        summaryLine("CPU/notice", cpu.map { "\($0.name) \($0.seconds.map(perNotice) ?? "?")" }.joined(separator: ", ") + " ms")
        // Each record of a batch counts the batch's whole time, so this is the time a record
        // spent in its batch (adapters handle one offer at a time).
        let batchTimes = scrapes.compactMap { scrape in
            scrape.mean(MetricCatalogue.processingDuration).map { "\(scrape.service) \(String(format: "%.1f", $0 * 1000))" }
        }
        summaryLine("batch time", batchTimes.joined(separator: ", ") + " ms (mean per record handled, from /metrics)")
        for scrape in scrapes {
            let shown = scrape.expected.map(\.prometheusName).map { name -> String in
                guard let family = scrape.families?[name], family.series > 0 else { return "\(name) MISSING" }
                return "\(name) \(String(format: "%.0f", family.sum)) (\(family.series))"
            }
            summaryLine("/metrics " + scrape.service, scrape.failure.map { "scrape failed: \($0)" } ?? shown.joined(separator: ", "),
                        target: "its families shown", ok: scrape.complete)
        }
        summaryLine("", "scrapes saved in \(metricsDirectory) (value: sum over series; in brackets: series)")
        summaryLine("exit", exits.map { "\($0.name) \($0.status.map(String.init) ?? "killed")" }.joined(separator: ", "),
                    target: "0 after SIGTERM", ok: exitsMet)
        printFlushed("result: " + (met ? "every target met" : "MISSED"))
    }

    private func stops(_ outcomes: E2EOutcomes) -> String {
        let named = E2EOutcomes.Stop.allCases.compactMap { stop in outcomes.stops[stop].map { "\(grouped($0)) \(stop.rawValue)" } }
        return named.isEmpty ? "" : ": " + named.joined(separator: ", ")
    }

    private func statuses(_ result: WrkResult) -> String {
        result.summary.statuses.sorted { $0.key < $1.key }.map { "\($0.key): \(grouped($0.value))" }.joined(separator: ", ")
    }
}
