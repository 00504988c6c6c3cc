import AsyncHTTPClient
import Foundation
import NazorgRuntime
import NIOCore

/// One scrape of a service's `GET /metrics`, saved as it came and checked for the families
/// the service should show while it works (issue 6: every service's `/metrics` shows its
/// figures during the end-to-end benchmark).
struct MetricsScrape: Sendable {
    /// What one family showed: its series and the sum of their values (for a histogram, of
    /// its `_count` series: the observations, and in ``observed`` of its `_sum` series).
    struct Family: Sendable {
        var series = 0
        var sum = 0.0
        var observed = 0.0
    }

    let service: String
    /// The file the exposition was saved to.
    let path: String
    /// nil when the scrape failed (with the reason in ``failure``).
    let families: [String: Family]?
    let failure: String?
    let expected: [MetricFamily]

    /// Families the service should show, by what it does: every service answers HTTP, a
    /// consumer counts consumed records and reports its lag, a producer counts produced ones.
    static func expected(for service: String) -> [MetricFamily] {
        let consumer = [MetricCatalogue.recordsConsumed, MetricCatalogue.processingDuration, MetricCatalogue.kafkaConsumerLag]
        switch service {
        case "intake": return [MetricCatalogue.httpRequests, MetricCatalogue.recordsProduced]
        case "planning": return [MetricCatalogue.httpRequests] + consumer + [MetricCatalogue.recordsProduced]
        case "filter": return [MetricCatalogue.httpRequests] + consumer + [MetricCatalogue.recordsProduced, MetricCatalogue.recordsDisclosed]
        case "adapters": return [MetricCatalogue.httpRequests] + consumer + [MetricCatalogue.webhookDeliveries]
        case "monitoring": return [MetricCatalogue.httpRequests] + consumer + [MetricCatalogue.monitoringPartnerTasks]
        default: return [MetricCatalogue.httpRequests]
        }
    }

    /// Scrapes `service` on `port` and writes the answer to `<directory>/<service>.prom`.
    static func take(service: String, port: Int, directory: String) async -> MetricsScrape {
        let path = "\(directory)/\(service).prom"
        let expected = expected(for: service)
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(MetricsRoutes.path)"),
                                                               timeout: .seconds(10))
            let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
            try Data(body.utf8).write(to: URL(fileURLWithPath: path))
            guard response.status == .ok else {
                return MetricsScrape(service: service, path: path, families: nil, failure: "HTTP \(response.status.code)", expected: expected)
            }
            return MetricsScrape(service: service, path: path, families: parse(body), failure: nil, expected: expected)
        } catch {
            return MetricsScrape(service: service, path: path, families: nil, failure: "\(error)", expected: expected)
        }
    }

    /// Expected families without a single series.
    var missing: [String] {
        expected.map(\.prometheusName).filter { (families?[$0]?.series ?? 0) == 0 }
    }

    var complete: Bool { families != nil && missing.isEmpty }

    /// Mean seconds per observation of a histogram family, when it has any.
    func mean(_ family: MetricFamily) -> Double? {
        guard let shown = families?[family.prometheusName], shown.sum > 0 else { return nil }
        return shown.observed / shown.sum
    }

    /// Families and their series from the Prometheus text format. A sample belongs to the
    /// family its `# TYPE` line declared; a histogram's `_bucket` and `_sum` samples are left
    /// out, its `_count` samples count as its series.
    static func parse(_ text: String) -> [String: Family] {
        var kinds: [String: String] = [:]
        var families: [String: Family] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { kinds[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
            var name = String(line[..<nameEnd])
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            if kinds[name] == nil, name.hasSuffix("_sum") {
                let base = String(name.dropLast("_sum".count))
                if kinds[base] == "histogram" || kinds[base] == "summary" { families[base, default: Family()].observed += value }
                continue
            }
            if kinds[name] == nil, name.hasSuffix("_count") {
                let base = String(name.dropLast("_count".count))
                if kinds[base] == "histogram" || kinds[base] == "summary" { name = base }
            }
            guard kinds[name] != nil else { continue }
            families[name, default: Family()].series += 1
            families[name, default: Family()].sum += value
        }
        return families
    }
}
