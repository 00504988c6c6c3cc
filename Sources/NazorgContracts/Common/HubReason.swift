/// Reason codes the hub itself puts in `TaskStatusChanged.reason` when it reports
/// `awaiting-consent` or `undeliverable`. Codes, never free text, so they may be logged.
public enum HubReason {
    /// The task's basisvoorwaarde needs the person's consent, which is not (or no longer) given.
    public static let consentMissing = "consent-missing"
    /// The coordinator recorded that the person declines aftercare or cannot be reached:
    /// partners acting on consent receive nothing new until cooperation is recorded again.
    public static let noCooperation = "no-cooperation"
    /// The person withdrew the consent the partner received the task on: the partner was asked
    /// to delete it (TaskRetracted) and can no longer act on it.
    public static let consentWithdrawn = "consent-withdrawn"
    /// No policy allows disclosing this task to the partner's role.
    public static let noPolicy = "no-policy"
    /// The record could not be processed and went to the dead-letter topic.
    public static let deadLettered = "dead-lettered"
    /// The partner's webhook refused the offer for good (a 4xx other than 408 or 429).
    public static let partnerRefused = "partner-refused"
}
