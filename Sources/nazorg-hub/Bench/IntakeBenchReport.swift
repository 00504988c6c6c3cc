import Foundation
import NazorgContracts

/// The summary of `bench intake`: one line per figure with its target, then the verdict.
struct IntakeBenchReport {
    let rate: Int, duration: Int, connections: Int, threads: Int, brokers: Int
    let result: WrkResult
    let acknowledged: Set<String>
    let census: TopicCensus
    let intakeExit: Int32?
    let cpu: (intake: Double?, ownProcess: Double, wrk: Double)

    /// The offered rate counts as held when at most this share of requests went out late.
    static let lateShareAllowed = 0.01

    private var summary: WrkSummary { result.summary }
    var accepted: Int { summary.statuses[202, default: 0] }
    var throughput: Double { result.rate(of: 202) }
    var notAccepted: Int { summary.statuses.filter { $0.key != 202 }.values.reduce(0, +) + summary.socketErrorCount }
    var missingFromKafka: Int { acknowledged.subtracting(census.ids).count }
    var rateHeld: Bool { Double(summary.late) <= Self.lateShareAllowed * Double(max(summary.scheduled, 1)) }

    var throughputMet: Bool { rate >= IntakeBench.targetRate && throughput >= 0.99 * Double(rate) }
    var latencyMet: Bool { summary.p99 < IntakeBench.targetP99 }
    var met: Bool { throughputMet && latencyMet && notAccepted == 0 && missingFromKafka == 0 && rateHeld && intakeExit == 0 }

    func print() {
        func line(_ name: String, _ value: String, _ target: String = "", _ ok: Bool? = nil) {
            summaryLine(name, value, target: target, ok: ok)
        }
        let statuses = summary.statuses.sorted { $0.key < $1.key }.map { "\($0.key): \(grouped($0.value))" }.joined(separator: ", ")
        printFlushed("nazorg-hub bench intake: POST /v1/notices at \(grouped(rate))/s offered for \(duration) s over \(connections) connections "
                     + "(wrk, \(threads) thread(s)); intake in its own process; \(brokers) embedded broker(s)")
        line("throughput", String(format: "%.1f notices/s answered 202", throughput),
             "≥ 1,000/s (≥ 99 % of offered)", throughputMet)
        line("latency p50", String(format: "%.2f ms", summary.p50.milliseconds))
        line("latency p90", String(format: "%.2f ms", summary.p90.milliseconds))
        line("latency p99", String(format: "%.2f ms", summary.p99.milliseconds), "< 50 ms", latencyMet)
        line("latency p99.9", String(format: "%.2f ms (max %.1f ms)", summary.p999.milliseconds, summary.max.milliseconds))
        line("not 202", "\(grouped(notAccepted)) (\(statuses); socket errors \(summary.socketErrorCount))", "0", notAccepted == 0)
        line("in Kafka", "\(grouped(acknowledged.count - missingFromKafka)) of \(grouped(acknowledged.count)) answered 202 (warm-up and run) found on \(Topics.intakeNotices)",
             "every 202 in Kafka", missingFromKafka == 0)
        line("", "\(grouped(census.records)) records on the topic, \(census.repeated) repeated ids (with the warm-up's,")
        line("", "and those of requests still unanswered when wrk stopped)")
        line("offered rate", "\(grouped(summary.late)) of \(grouped(summary.scheduled)) sent > 10 ms late"
                 + String(format: " (max %.1f ms)", summary.lateMax.milliseconds), "≤ 1 % late", rateHeld)
        let perNotice = { (seconds: Double) in String(format: "%.3f", seconds * 1000 / Double(max(accepted, 1))) }
        line("CPU/notice", "intake \(cpu.intake.map(perNotice) ?? "?") ms, broker+bench \(perNotice(cpu.ownProcess)) ms, wrk \(perNotice(cpu.wrk)) ms")
        line("intake exit", intakeExit.map { "\($0) after SIGTERM" } ?? "killed or signalled", "0", intakeExit == 0)
        printFlushed("result: " + (met ? "every target met" : "MISSED"))
    }
}

