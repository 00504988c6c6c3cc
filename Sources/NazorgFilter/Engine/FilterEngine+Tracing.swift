import NazorgContracts
import NazorgRuntime

/// What the filter decided about telling a partner of a task.
enum DisclosureDecision: String {
    case disclosed
    case denied
    case awaitingConsent = "awaiting-consent"
    /// The partner does not hold the task (never offered, or already told it ended): nothing to tell.
    case notHeld = "not-held"
}

extension FilterEngine {
    /// The filter's decision about one message to a partner, as a span in the source
    /// event's trace: the partner, the decision and, for a disclosure, the legal basis and a
    /// link to the partner's own trace of it. The link is how an operator follows a notice
    /// from the hub's trace to the adapters, which work in the partner's trace; nothing the
    /// partner receives names the hub's trace.
    func traceDecision(partnerId: String, role: PartnerRole, sourceEventId: String, trace: TraceParent,
                       _ decide: () async throws -> DisclosureDecision) async throws {
        try await tracer.withSpan("decide disclosure", continuing: trace, attributes: [.partner(partnerId)]) { span in
            let decision = try await decide()
            span.set(.decision(decision.rawValue))
            guard decision == .disclosed, span.isRecording else { return }
            if let policy = policies.policy(for: role) { span.set(.legalBasis(policy.legalBasis.rawValue)) }
            span.link(to: partnerIDs.trace(forDisclosureOf: sourceEventId, to: partnerId, sampled: trace.sampled))
        }
    }
}
