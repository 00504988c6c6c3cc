import Foundation
import NazorgContracts
import NazorgRuntime

/// What one partner role may receive, under which processing activity and legal basis.
public struct PartnerPolicy: Sendable, Equatable {
    /// The fields of a partner message's `subject` a policy may allow.
    public enum Field: String, Sendable, CaseIterable, Codable {
        case bsn, givenName, surname, birthDate, prisonCode, municipality, expectedReleaseDate, subjectId
    }

    /// The partner-facing messages a policy may list in `eventTypes`.
    public static let partnerEventTypes: [EventType] = [.taskOffered, .taskUpdated, .taskCancelled, .taskRetracted]

    public var role: PartnerRole
    public var processingActivityId: String
    public var purpose: String
    public var legalBasis: DisclosureLogged.LegalBasis
    /// The partner-facing messages this role may receive (``partnerEventTypes``).
    public var eventTypes: Set<EventType>
    public var fields: Set<Field>
    /// The basisvoorwaarden whose structured D&R content (`details`) the role may receive, for
    /// a task of that basisvoorwaarde only. Empty by default.
    public var details: Set<Domain>
    /// The basisvoorwaarden whose free-text remark the role may receive, for a task of that
    /// basisvoorwaarde only. Empty by default: a remark may say anything, so a policy must
    /// argue for it.
    public var remarks: Set<Domain>
    /// How exact the task's deadline is given, or nil to leave it out. A deadline derives
    /// from the expected release date, so it is exact only where that date is allowed.
    public var deadline: DeadlinePrecision?
    /// How parts of the message are narrowed on the way (``FieldTransform``): dates of the
    /// person generalised, optional content members dropped.
    var transforms: [FieldTransform.Target: FieldTransform]

    public init(role: PartnerRole, processingActivityId: String, purpose: String, legalBasis: DisclosureLogged.LegalBasis,
                eventTypes: Set<EventType>, fields: Set<Field>, details: Set<Domain> = [], remarks: Set<Domain> = [],
                deadline: DeadlinePrecision?, transform: [String: String] = [:]) throws {
        if deadline == .day && !fields.contains(.expectedReleaseDate) {
            throw ConfigurationError("the policy for \(role.rawValue) gives the deadline to the day but not expectedReleaseDate; "
                                     + "a deadline derives from the release date, so give it by week or month, or leave it out")
        }
        let transforms: [FieldTransform.Target: FieldTransform]
        do {
            transforms = try FieldTransform.parse(transform, fields: fields, details: details)
        } catch let error as ConfigurationError {
            throw ConfigurationError("the policy for \(role.rawValue): \(error.message)")
        }
        // The deadline derives from the release date: it may not be finer than the date it would reveal.
        if case .generalise(let release)? = transforms[.subject(.expectedReleaseDate)], let deadline {
            let given: DatePrecision? = switch deadline {
            case .day: nil
            case .week: .week
            case .month: .month
            }
            guard let given, given.isAtLeastAsCoarse(as: release) else {
                throw ConfigurationError("the policy for \(role.rawValue) gives expectedReleaseDate by \(release.rawValue) but the "
                                         + "deadline by \(deadline.rawValue); a deadline derives from the release date, so give it "
                                         + "by \(release.rawValue) or coarser, or leave it out")
            }
        }
        let unknown = eventTypes.subtracting(Self.partnerEventTypes)
        if let type = unknown.map(\.rawValue).sorted().first {
            throw ConfigurationError("the policy for \(role.rawValue) lists event type '\(type)'; a partner can receive "
                                     + Self.partnerEventTypes.map(\.rawValue).joined(separator: ", ") + " only")
        }
        // A partner that may be offered a task must be reachable when it has to stop or delete.
        if eventTypes.contains(.taskOffered), !eventTypes.isSuperset(of: [.taskCancelled, .taskRetracted]) {
            throw ConfigurationError("the policy for \(role.rawValue) lists TaskOffered without TaskCancelled and TaskRetracted; "
                                     + "a partner offered a task must hear when to stop work or delete what it received")
        }
        // Care content is health data (art. 9 AVG): a care provider's, and only on the person's consent.
        if details.contains(.care) || remarks.contains(.care), role != .careProvider || legalBasis != .consent {
            throw ConfigurationError("the policy for \(role.rawValue) would give care details or remarks; health data may go "
                                     + "only to the care-provider role, on consent")
        }
        self.role = role
        self.processingActivityId = processingActivityId
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.eventTypes = eventTypes
        self.fields = fields
        self.details = details
        self.remarks = remarks
        self.deadline = deadline
        self.transforms = transforms
    }

    /// The policy's `transform:` map as the file spells it: pointer to treatment.
    public var transformEntries: [String: String] {
        Dictionary(uniqueKeysWithValues: transforms.map { target, treatment in
            let pointer = switch target {
            case .subject(let field): "/subject/\(field.rawValue)"
            case .detail(let domain, let member): "/details/\(domain.rawValue)/\(member)"
            }
            return (pointer, treatment.name)
        })
    }

    /// The disclosure log's view of the transformations a message with these fields went through.
    func loggedTransformations(of fields: [String]) -> [String: DisclosureLogged.Transformation] {
        var out: [String: DisclosureLogged.Transformation] = [:]
        for (target, treatment) in transforms {
            switch target {
            case .subject(let field) where fields.contains("subject.\(field.rawValue)"):
                out[target.loggedName] = treatment.logged
            case .detail(let domain, _) where fields.contains("details.\(domain.rawValue)"):
                out[target.loggedName] = treatment.logged
            default: break
            }
        }
        return out
    }

    /// Disclosure needs the person's consent for the task's basisvoorwaarde.
    public var needsConsent: Bool { legalBasis == .consent }

    /// Whether the role may receive this partner-facing message type.
    public func allows(_ type: EventType) -> Bool { eventTypes.contains(type) }

    /// The person as this role may see them: allowed fields only, and the per-partner
    /// pseudonym instead of the hub-wide one.
    public func subject(of task: TaskAssigned, partnerSubjectId: String) -> TaskOffered.Subject {
        var s = TaskOffered.Subject()
        if fields.contains(.bsn) { s.bsn = task.person.bsn }
        if fields.contains(.givenName) { s.givenName = task.person.givenName }
        if fields.contains(.surname) { s.surname = task.person.surname }
        if fields.contains(.birthDate) { s.birthDate = task.person.birthDate }
        if fields.contains(.prisonCode) { s.prisonCode = task.prisonCode }
        if fields.contains(.municipality) { s.municipality = task.municipality }
        if fields.contains(.expectedReleaseDate) { s.expectedReleaseDate = task.expectedReleaseDate }
        if fields.contains(.subjectId) { s.subjectId = partnerSubjectId }
        if case .generalise(let precision)? = transforms[.subject(.birthDate)], let date = s.birthDate {
            s.birthDate = date.generalised(to: precision)
            s.birthDatePrecision = precision
        }
        if case .generalise(let precision)? = transforms[.subject(.expectedReleaseDate)], let date = s.expectedReleaseDate {
            s.expectedReleaseDate = date.generalised(to: precision)
            s.expectedReleaseDatePrecision = precision
        }
        return s
    }

    /// The task's structured content as this role may see it: only the task's own
    /// basisvoorwaarde, only where the policy lists it, and care content only for a care
    /// provider on consent (checked again here, whatever the policy says).
    public func details(of task: TaskAssigned) -> NeedDetails? {
        guard let domain = task.domain, details.contains(domain), mayReceiveContent(of: domain),
              var content = task.details?.only(domain) else { return nil }
        for case (.detail(domain, let member), .drop) in transforms { content = content.dropping(member, of: domain) }
        return content
    }

    /// The plan's remark about the task's basisvoorwaarde, where the policy lists it.
    public func remark(of task: TaskAssigned) -> String? {
        guard let domain = task.domain, remarks.contains(domain), mayReceiveContent(of: domain) else { return nil }
        return task.remark
    }

    private func mayReceiveContent(of domain: Domain) -> Bool {
        domain != .care || (role == .careProvider && needsConsent)
    }

    /// Whether the exact due moment may be given: only where the deadline goes to the day.
    public var givesDueAt: Bool { deadline == .day }
}

extension NeedDetails {
    /// The content of `domain` alone; nil when there is none. A task carries its own
    /// domain's content only, and this keeps it so even if a producer sent more.
    func only(_ domain: Domain) -> NeedDetails? {
        var out = NeedDetails()
        switch domain {
        case .id: out.id = id
        case .housing: out.housing = housing
        case .income: out.income = income
        case .debts: out.debts = debts
        case .care: out.care = care
        case .network: out.network = network
        }
        return out.domains.isEmpty ? nil : out
    }
}
