import Foundation
import NazorgContracts
import NazorgRuntime

/// What the regional monitoring (RCN staff, municipal policy) receives, as a policy like a
/// partner's: a processing activity, the legal basis `statistics`, and an allow-list of the
/// monitoring record's fields, each with its treatment. Identifiers (the person, the case,
/// the task, the escalation) are only ever pseudonymised, under a key of monitoring's own,
/// so that no figure's identifier can be joined with a partner's records or the hub's;
/// codes and flags pass; a field the policy does not list is dropped. Without this policy
/// the filter sends monitoring nothing (default deny).
///
/// ```yaml
/// role: rcn-monitoring
/// processingActivity: {id: PA-NAZORG-09, purpose: ...}
/// legalBasis: statistics
/// eventTypes: [FlowObserved]
/// observations: {subjectId: pseudonymise, caseId: pseudonymise, municipality: pass, ...}
/// ```
public struct MonitoringPolicy: Sendable, Equatable {
    /// The fields of a ``FlowObserved`` a policy may list; `observationId`, `sourceEventType`
    /// and `occurredAt` make up every record and are always there.
    public enum Field: String, Sendable, CaseIterable, Codable {
        case subjectId, caseId, taskId, escalationId
        case municipality, toMunicipality, domain, partnerId, status, reason, escalationStatus, cooperation
        case withdrawalReason, releaseType, unannounced, coverage
    }

    public enum Treatment: String, Sendable, Codable {
        case pass, pseudonymise
    }

    /// Who the disclosure log names as monitoring's receiver.
    public static let receiverId = "rcn-monitoring"

    /// Fields that identify something the hub and partners also know: never passed.
    public static let identifiers: Set<Field> = [.subjectId, .caseId, .taskId, .escalationId]

    public var processingActivityId: String
    public var purpose: String
    public var fields: [Field: Treatment]
    public var legalBasis: DisclosureLogged.LegalBasis { .statistics }

    public init(processingActivityId: String, purpose: String, legalBasis: DisclosureLogged.LegalBasis,
                fields: [Field: Treatment]) throws {
        guard legalBasis == .statistics else {
            throw ConfigurationError("the rcn-monitoring policy must rest on legal basis 'statistics', not '\(legalBasis.rawValue)': "
                                     + "monitoring counts, it does not act on a person")
        }
        guard fields[.subjectId] == .pseudonymise else {
            throw ConfigurationError("the rcn-monitoring policy must list subjectId as pseudonymise: every figure counts people")
        }
        for (field, treatment) in fields.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if Self.identifiers.contains(field), treatment != .pseudonymise {
                throw ConfigurationError("the rcn-monitoring policy passes \(field.rawValue); an identifier may only be "
                                         + "pseudonymised, so that monitoring's records cannot be joined with anyone's")
            }
            if !Self.identifiers.contains(field), treatment != .pass {
                throw ConfigurationError("the rcn-monitoring policy pseudonymises \(field.rawValue), a code; list it as pass or leave it out")
            }
        }
        self.processingActivityId = processingActivityId
        self.purpose = purpose
        self.fields = fields
    }

    /// The record monitoring receives: the policy's fields, identifiers under monitoring's
    /// own key, everything else dropped.
    func view(of observation: FlowObserved, keys: MonitoringIdentifiers) -> FlowObserved {
        func allowed(_ field: Field) -> Bool { fields[field] != nil }
        return FlowObserved(
            observationId: keys.identifier(observation.observationId, kind: "observation"),
            sourceEventType: observation.sourceEventType,
            subjectId: keys.subject(observation.subjectId),
            municipality: allowed(.municipality) ? observation.municipality : nil,
            caseId: allowed(.caseId) ? observation.caseId.map(keys.caseId) : nil,
            taskId: allowed(.taskId) ? observation.taskId.map { keys.identifier($0, kind: "task") } : nil,
            domain: allowed(.domain) ? observation.domain : nil,
            partnerId: allowed(.partnerId) ? observation.partnerId : nil,
            status: allowed(.status) ? observation.status : nil,
            reason: allowed(.reason) ? observation.reason : nil,
            escalationId: allowed(.escalationId) ? observation.escalationId.map { keys.identifier($0, kind: "escalation") } : nil,
            escalationStatus: allowed(.escalationStatus) ? observation.escalationStatus : nil,
            cooperation: allowed(.cooperation) ? observation.cooperation : nil,
            withdrawalReason: allowed(.withdrawalReason) ? observation.withdrawalReason : nil,
            releaseType: allowed(.releaseType) ? observation.releaseType : nil,
            unannounced: allowed(.unannounced) ? observation.unannounced : nil,
            coverage: allowed(.coverage) ? observation.coverage : nil,
            toMunicipality: allowed(.toMunicipality) ? observation.toMunicipality : nil,
            occurredAt: observation.occurredAt)
    }
}

extension MonitoringPolicy {
    /// The fields a monitoring record carries, as the disclosure log names them, and how
    /// each was changed on the way (the identifiers: pseudonymised).
    static func disclosure(of view: FlowObserved) -> (fields: [String], transformations: [String: DisclosureLogged.Transformation]) {
        let present: [(Field, Bool)] = [
            (.caseId, view.caseId != nil), (.taskId, view.taskId != nil), (.escalationId, view.escalationId != nil),
            (.municipality, view.municipality != nil), (.toMunicipality, view.toMunicipality != nil),
            (.domain, view.domain != nil), (.partnerId, view.partnerId != nil), (.status, view.status != nil),
            (.reason, view.reason != nil), (.escalationStatus, view.escalationStatus != nil),
            (.cooperation, view.cooperation != nil), (.withdrawalReason, view.withdrawalReason != nil),
            (.releaseType, view.releaseType != nil), (.unannounced, view.unannounced != nil), (.coverage, view.coverage != nil),
        ]
        let fields = ["observationId", "sourceEventType", "subjectId"] + present.filter(\.1).map(\.0.rawValue) + ["occurredAt"]
        var transformations: [String: DisclosureLogged.Transformation] = ["observationId": .pseudonymise, "subjectId": .pseudonymise]
        for (field, isPresent) in present where isPresent && identifiers.contains(field) {
            transformations[field.rawValue] = .pseudonymise
        }
        return (fields, transformations)
    }
}

/// Monitoring's own identifiers: HMACs under a key derived from the partner pseudonym
/// secret for a recipient name no partner id can take (`@rcn-monitoring`), so they differ
/// from every partner's and from the hub's, and are stable, so monitoring's read model joins
/// its own records and a replay repeats them.
struct MonitoringIdentifiers: Sendable {
    static let recipient = "@rcn-monitoring"
    let partnerIDs: PartnerPseudonymizer

    func subject(_ subjectId: String) -> String { partnerIDs.subject(subjectId, for: Self.recipient) }

    /// A UUID-shaped pseudonym (version 8), where the contract wants a UUID.
    func caseId(_ caseId: UUID) -> UUID {
        partnerIDs.identifier("case:\(caseId.uuidString.lowercased())", for: Self.recipient)
    }

    /// A lowercase UUID string keyed for monitoring.
    func identifier(_ value: String, kind: String) -> String {
        partnerIDs.identifier("\(kind):\(value)", for: Self.recipient).uuidString.lowercased()
    }

    func trace(forObservationOf sourceEventId: String, sampled: Bool) -> TraceParent {
        partnerIDs.trace(forDisclosureOf: sourceEventId, to: Self.recipient, sampled: sampled)
    }
}
