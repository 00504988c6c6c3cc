/// Kafka headers the hub adds for its own services; adapters never pass them to a partner.
public enum HubHeader {
    /// The case an offer belongs to; the filter sets it on every partner record.
    public static let caseId = "nazorg_case_id"
}
