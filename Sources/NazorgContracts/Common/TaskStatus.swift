/// Status of a task. Partners report accepted, rejected or completed (a rejection always
/// carries a reason and returns the task to the coordinator); the hub itself reports
/// awaiting-consent, offered and undeliverable, so no task waits or fails without the coordinator knowing.
public enum TaskStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case accepted
    case rejected
    case completed
    /// The filter holds the task until the person consents for its basisvoorwaarde.
    case awaitingConsent = "awaiting-consent"
    /// The task reached the partner's channel after it had been reported awaiting-consent.
    case offered
    /// The task cannot reach the partner: no policy allows it, or it was dead-lettered or refused for good.
    case undeliverable

    /// What a partner may report through the status API.
    public static let partnerReportable: [TaskStatus] = [.accepted, .rejected, .completed]
}
