/// Kafka topic names. The version suffix changes only with a breaking contract change.
public enum Topics {
    public static let intakeNotices = "nazorg.intake.notices.v1"
    public static let consentEvents = "nazorg.consent.events.v1"
    public static let planningCaseEvents = "nazorg.planning.case-events.v1"
    public static let partnerStatus = "nazorg.partners.status.v1"
    public static let filterDisclosures = "nazorg.filter.disclosures.v1"
    public static let monitoringFeed = "nazorg.monitoring.feed.v1"
    public static let deadLetter = "nazorg.deadletter.v1"

    /// The fixed topics, for creating them on an empty cluster.
    public static let all: [String] = [
        intakeNotices, consentEvents, planningCaseEvents, partnerStatus,
        filterDisclosures, monitoringFeed, deadLetter,
    ]

    /// The topic of one partner's task offers: `partner.<partnerId>.tasks.v1`.
    public static func partnerTasks(_ partnerId: String) -> String {
        "partner.\(partnerId).tasks.v1"
    }

    /// True when `partnerId` matches `^[a-z0-9][a-z0-9-]{1,40}$`, so it is safe in a topic name.
    public static func isValidPartnerId(_ partnerId: String) -> Bool {
        let bytes = Array(partnerId.utf8)
        guard (2...41).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let isLowerOrDigit = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            guard isLowerOrDigit || (index > 0 && byte == UInt8(ascii: "-")) else { return false }
        }
        return true
    }
}
