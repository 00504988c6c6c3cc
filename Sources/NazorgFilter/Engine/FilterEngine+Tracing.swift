import NazorgContracts
import NazorgRuntime

/// What the filter decided about offering a task to its partner.
enum DisclosureDecision: String {
    case disclosed
    case denied
    case awaitingConsent = "awaiting-consent"
}

extension FilterEngine {
    /// The filter's decision about one task, as a span in the task's trace: the partner, the
    /// decision and, for a disclosure, the legal basis and a link to the partner's own trace
    /// of it. The link is how an operator follows a notice from the hub's trace to the
    /// adapters, which work in the partner's trace; nothing the partner receives names the
    /// hub's trace.
    func traceDecision(about task: TaskAssigned, sourceEventId: String, trace: TraceParent,
                       _ decide: () async throws -> DisclosureDecision) async throws {
        try await tracer.withSpan("decide disclosure", continuing: trace, attributes: [.partner(task.partnerId)]) { span in
            let decision = try await decide()
            span.set(.decision(decision.rawValue))
            guard decision == .disclosed, span.isRecording else { return }
            if let policy = policies.policy(for: task.partnerRole) { span.set(.legalBasis(policy.legalBasis.rawValue)) }
            span.link(to: partnerIDs.trace(forDisclosureOf: sourceEventId, to: task.partnerId, sampled: trace.sampled))
        }
    }
}
