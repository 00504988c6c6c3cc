import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP answer as a test reads it.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: String
}

/// Sends one request to a service under test (loopback only) and reads the whole answer.
public func httpRequest(_ url: String, method: String = "GET", body: String? = nil,
                        headers: [String: String] = [:]) async throws -> HTTPAnswer {
    var request = URLRequest(url: URL(string: url)!, timeoutInterval: 30)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpBody = body.map { Data($0.utf8) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as? HTTPURLResponse
    return HTTPAnswer(status: http?.statusCode ?? 0, contentType: http?.value(forHTTPHeaderField: "Content-Type"),
                      body: String(decoding: data, as: UTF8.self))
}

/// `GET /metrics` of the service listening on `port`; records an issue unless it answers
/// 200 with the Prometheus text format.
public func scrapeMetrics(port: Int) async throws -> MetricsExposition {
    let answer = try await httpRequest("http://127.0.0.1:\(port)/metrics")
    guard answer.status == 200, answer.contentType == "text/plain; version=0.0.4; charset=utf-8" else {
        throw MetricsScrapeError(status: answer.status, contentType: answer.contentType)
    }
    return MetricsExposition(answer.body)
}

public struct MetricsScrapeError: Error, CustomStringConvertible {
    public var status: Int
    public var contentType: String?
    public var description: String { "/metrics answered \(status) with \(contentType ?? "no content type")" }
}
