import AsyncHTTPClient
import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Delivers the messages of one partner's topic (offers, updates, cancellations, retractions)
/// to its webhook as CloudEvents in HTTP binary mode.
///
/// The body is the Kafka record's value, byte for byte: the filter already reduced it to
/// what this partner may see. Only CloudEvents attributes, the trace and the idempotency
/// key travel as headers; the record key, the subject pseudonym and internal `nazorg_*`
/// headers stay inside the hub.
public struct WebhookDeliverer: Sendable {
    /// What one answer of the partner means for the offer.
    public enum Outcome: Sendable, Equatable {
        case delivered
        case retry
        case rejected
    }

    public let partnerId: String
    public let url: String
    let httpClient: HTTPClient
    let timeout: Duration
    let maximumRetryAfter: Duration
    let logger: Logger
    /// Records each delivery attempt as a client span, whose context the partner receives.
    let tracer: HubTracer

    public init(partnerId: String, url: String, httpClient: HTTPClient, timeout: Duration = .seconds(10),
                maximumRetryAfter: Duration = .seconds(30), logger: Logger, tracer: HubTracer = .off) {
        self.tracer = tracer
        self.partnerId = partnerId
        self.url = url
        self.httpClient = httpClient
        self.timeout = timeout
        self.maximumRetryAfter = maximumRetryAfter
        self.logger = logger
    }

    /// 2xx is received; 408, 429 and 5xx are worth another try; any other answer is a
    /// permanent refusal (as the partner-webhook contract says).
    public static func outcome(status: Int) -> Outcome {
        switch status {
        case 200..<300: return .delivered
        case 408, 429, 500..<600: return .retry
        default: return .rejected
        }
    }

    /// The HTTP headers of one delivery. `trace` is the delivery's own span when tracing
    /// is on; otherwise the partner receives the trace of the record, as the filter made it.
    public static func headers(for event: ReceivedEvent, idempotencyKey: String, trace: TraceParent? = nil) -> [(String, String)] {
        let envelope = event.envelope
        return [
            ("Content-Type", CloudEventHeader.jsonContentType),
            ("Idempotency-Key", idempotencyKey),
            ("ce-specversion", CloudEventHeader.specVersionValue),
            ("ce-id", envelope.id),
            ("ce-type", envelope.type.ceType),
            ("ce-source", envelope.source),
            // The original text, so the partner sees exactly the time the producer wrote.
            ("ce-time", event.record.headers.text(CloudEventHeader.time) ?? ContractCoding.timestamp(envelope.time)),
            ("ce-dataschema", envelope.type.schemaURN),
            // Either way a trace of the partner's own: it never names the hub's internal trace.
            ("traceparent", (trace ?? envelope.traceparent).description),
        ]
    }

    /// POSTs the message once. Returns on 2xx; throws ``WebhookDeliveryError`` when a later
    /// attempt may succeed and `PoisonEvent` when the partner refused the message for good.
    public func deliver(_ event: ReceivedEvent, idempotencyKey: String) async throws {
        try await tracer.withSpan("POST webhook", kind: .client, attributes: [.httpMethod("POST")]) { span in
            try await deliver(event, idempotencyKey: idempotencyKey, span: span)
        }
    }

    private func deliver(_ event: ReceivedEvent, idempotencyKey: String, span: TraceSpan) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in Self.headers(for: event, idempotencyKey: idempotencyKey, trace: span.trace) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: event.body))

        let start = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .milliseconds(Int64(timeout.clampedMilliseconds)))
        } catch {
            HubMetrics.webhookDelivery(partner: partnerId, outcome: .unreachable, duration: ContinuousClock.now - start)
            span.set(.outcome(HubMetrics.WebhookOutcome.unreachable.rawValue))
            throw WebhookDeliveryError(code: .transport, partnerId: partnerId,
                                       message: "the partner's webhook could not be reached (\(type(of: error)))")
        }
        // Drain the answer so the connection can be reused. The status already tells the
        // outcome: a long or broken body after a 2xx does not undo a delivery.
        do {
            for try await _ in response.body {}
        } catch {
            logger.debug("partner webhook answer body not read to the end", metadata: ["partner.id": .string(partnerId)])
        }

        let status = Int(response.status.code)
        let outcome = Self.outcome(status: status)
        HubMetrics.webhookDelivery(partner: partnerId, outcome: outcome.metricOutcome, duration: ContinuousClock.now - start)
        span.set(.httpStatus(status), .outcome(outcome.metricOutcome.rawValue))
        switch outcome {
        case .delivered:
            return
        case .retry:
            let retryAfter = Self.retryAfter(response.headers.first(name: "Retry-After"), cap: maximumRetryAfter)
            throw WebhookDeliveryError(code: status == 429 ? .partnerThrottled : .partnerUnavailable, partnerId: partnerId,
                                       statusCode: status, retryAfter: retryAfter,
                                       message: "the partner's webhook asked to try again later")
        case .rejected:
            throw PoisonEvent(reason: "partner-rejected", detail: "HTTP \(status)")
        }
    }

    /// A `Retry-After` in seconds, capped; HTTP dates and nonsense are ignored (the
    /// consumer's own back-off applies then).
    static func retryAfter(_ value: String?, cap: Duration) -> Duration? {
        guard let value, let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return min(.seconds(seconds), cap)
    }
}

extension WebhookDeliverer.Outcome {
    /// How the delivery metric counts this answer.
    var metricOutcome: HubMetrics.WebhookOutcome {
        switch self {
        case .delivered: .delivered
        case .retry: .retry
        case .rejected: .refused
        }
    }
}
