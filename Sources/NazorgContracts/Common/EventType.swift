/// Every message type of the hub. The raw value is the PascalCase name used in `ce_type`,
/// in the schema's `EventTypeName` enum and in example file names.
public enum EventType: String, CaseIterable, Sendable, Hashable, Codable {
    // Intake notices (nazorg.intake.notices.v1)
    case detentionStarted = "DetentionStarted"
    case detentionPlanShared = "DetentionPlanShared"
    case releaseScheduled = "ReleaseScheduled"
    case releaseDateChanged = "ReleaseDateChanged"
    case released = "Released"
    case transferred = "Transferred"
    case noticeWithdrawn = "NoticeWithdrawn"
    case municipalityChanged = "MunicipalityChanged"
    // Planning (nazorg.planning.case-events.v1; TaskStatusChanged also on nazorg.partners.status.v1)
    case caseOpened = "CaseOpened"
    case taskAssigned = "TaskAssigned"
    case taskStatusChanged = "TaskStatusChanged"
    case escalationRaised = "EscalationRaised"
    case caseClosed = "CaseClosed"
    case taskRevised = "TaskRevised"
    case taskWithdrawn = "TaskWithdrawn"
    case releaseDayRecorded = "ReleaseDayRecorded"
    case caseHandedOver = "CaseHandedOver"
    case escalationUpdated = "EscalationUpdated"
    case cooperationRecorded = "CooperationRecorded"
    // Consent (nazorg.consent.events.v1)
    case consentGiven = "ConsentGiven"
    case consentWithdrawn = "ConsentWithdrawn"
    /// Erasure of a person (art. 17 AVG): on the consent topic, and again on the disclosure log.
    case subjectErased = "SubjectErased"
    // Filter (nazorg.filter.disclosures.v1, nazorg.monitoring.feed.v1)
    case disclosureLogged = "DisclosureLogged"
    case flowObserved = "FlowObserved"
    case breachRecorded = "BreachRecorded"
    /// Written by planning when a coordinator reads a case (nazorg.filter.disclosures.v1).
    case caseViewed = "CaseViewed"
    /// Written by the filter when it starts deciding under a policy set (nazorg.filter.disclosures.v1).
    case policyActivated = "PolicyActivated"
    // Partner-facing (partner.<partnerId>.tasks.v1)
    case taskOffered = "TaskOffered"
    case taskUpdated = "TaskUpdated"
    case taskCancelled = "TaskCancelled"
    case taskRetracted = "TaskRetracted"

    /// The CloudEvents type, e.g. `nl.nazorg.DetentionStarted.v1`.
    public var ceType: String { Self.names[self]!.ceType }

    /// The `$id` of the payload schema, e.g. `urn:nazorg-hub:schema:detention-started:v1`;
    /// also the `ce_dataschema` header value.
    public var schemaURN: String { Self.names[self]!.schemaURN }

    /// Every event carries its type and schema in headers: built once, not per event.
    private static let names: [EventType: (ceType: String, schemaURN: String)] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, ("nl.nazorg.\($0.rawValue).v1", "urn:nazorg-hub:schema:\($0.kebabName):v1")) })

    /// The schema file under `Contracts/schemas/`, e.g. `detention-started.json`.
    public var schemaFile: String { "\(kebabName).json" }

    /// The event type for a `ce_type` header value, or nil when unknown.
    public init?(ceType: String) {
        let prefix = "nl.nazorg."
        let suffix = ".v1"
        guard ceType.hasPrefix(prefix), ceType.hasSuffix(suffix),
              ceType.count > prefix.count + suffix.count else { return nil }
        let name = ceType.dropFirst(prefix.count).dropLast(suffix.count)
        self.init(rawValue: String(name))
    }

    /// True for the eight notices intake publishes.
    public var isIntakeNotice: Bool {
        switch self {
        case .detentionStarted, .detentionPlanShared, .releaseScheduled, .releaseDateChanged,
             .released, .transferred, .noticeWithdrawn, .municipalityChanged:
            return true
        default:
            return false
        }
    }

    /// True for the events planning publishes on the case-event topic.
    public var isCaseEvent: Bool {
        switch self {
        case .caseOpened, .taskAssigned, .taskStatusChanged, .escalationRaised, .caseClosed,
             .taskRevised, .taskWithdrawn, .releaseDayRecorded, .caseHandedOver, .escalationUpdated,
             .cooperationRecorded:
            return true
        default:
            return false
        }
    }

    /// True for what the filter writes to a partner's topic and the adapters deliver.
    public var isPartnerFacing: Bool {
        switch self {
        case .taskOffered, .taskUpdated, .taskCancelled, .taskRetracted: return true
        default: return false
        }
    }

    private var kebabName: String {
        var out = ""
        for (index, character) in rawValue.enumerated() {
            if character.isUppercase, index > 0 { out.append("-") }
            out.append(contentsOf: character.lowercased())
        }
        return out
    }
}
