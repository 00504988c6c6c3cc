import Foundation
import NazorgContracts
import NazorgRuntime

/// What the coordinator's API and page need from planning: queries over cases and the
/// escalation inbox, and the coordinator's commands. Every call takes the acting account's
/// ``CoordinatorActor``; a case, task or escalation of a municipality outside its scope does
/// not exist for it (``CoordinatorError/notFound``), so the HTTP layer cannot forget a check.
///
/// Commands take a `requestId` (the request's `Idempotency-Key`, or a fresh id): the events
/// and rows a command produces derive their ids from it, so a repeated request changes
/// nothing the first did not. Commands go through planning's store and outbox like every
/// input, and return after the store committed them (the outbox is published as usual).
public protocol CoordinatorDesk: Sendable {
    func cases(_ query: CaseQuery, actor: CoordinatorActor) async throws -> [CaseSummary]
    func timeline(caseId: UUID, actor: CoordinatorActor) async throws -> CaseTimeline
    func escalations(_ query: EscalationQuery, actor: CoordinatorActor) async throws -> [EscalationView]

    func acknowledge(escalationId: String, note: String?, actor: CoordinatorActor, requestId: String) async throws -> EscalationView
    func resolve(escalationId: String, note: String, actor: CoordinatorActor, requestId: String) async throws -> EscalationView
    /// Gives an open task to another partner of the task's basisvoorwaarde that serves the
    /// case's municipality: a new task (new id, same deadline), the old one withdrawn
    /// (`reassigned`, so its partner gets TaskCancelled). Returns the new task.
    func reassign(taskId: String, toPartnerId: String, reason: String, actor: CoordinatorActor,
                  requestId: String) async throws -> TaskRecord
    func addNote(caseId: UUID, text: String, actor: CoordinatorActor, requestId: String) async throws -> CaseNote
    /// Closes an open case: open tasks withdrawn (`case-closed`), open escalations resolved,
    /// CaseClosed `closed-by-coordinator`.
    func close(caseId: UUID, reason: CaseClosed.CoordinatorReason, note: String?, actor: CoordinatorActor,
               requestId: String) async throws -> CaseSummary
    func recordCooperation(caseId: UUID, cooperation: CooperationRecorded.Cooperation, actor: CoordinatorActor,
                           requestId: String) async throws -> CaseSummary
}

/// The account acting: its configured name (never a person's name in logs; it is what
/// `updatedBy`/`recordedBy` carry) and the municipalities it serves.
public struct CoordinatorActor: Sendable, Hashable {
    public var name: String
    public var scope: CoordinatorScope

    public init(name: String, scope: CoordinatorScope) {
        self.name = name
        self.scope = scope
    }
}

/// The municipalities an account serves: a coordinator's own, an RCN's whole region, or all.
public struct CoordinatorScope: Sendable, Hashable {
    /// nil: every municipality (an unscoped account, `"*"`).
    public let municipalities: Set<String>?

    public init(municipalities: Set<String>?) {
        self.municipalities = municipalities
    }

    public static let everywhere = CoordinatorScope(municipalities: nil)

    public func covers(_ municipality: String) -> Bool { municipalities?.contains(municipality) ?? true }

    /// A caller's scopes: municipality codes (`GM0599`), safety regions (`VR17`: every
    /// municipality of the region in Contracts/reference/gemeenten.csv) or `*`. Throws
    /// ``ConfigurationError`` for a code that is neither.
    public init(scopes: [String]) throws {
        self.init(municipalities: try MunicipalityScopes.municipalities(for: scopes))
    }
}

/// Filters of `GET /v1/cases`. Every filter is optional; all given must hold.
public struct CaseQuery: Sendable, Hashable {
    public var municipality: String?
    public var status: CaseRecord.Status?
    /// Cases with this basisvoorwaarde still open (an open task for it, or needed/unknown
    /// without a completed task).
    public var domain: Domain?
    public var hasOpenEscalations: Bool?
    /// Not released yet, expected release within this many days of today (past dates included).
    public var releaseWithinDays: Int?
    public var limit: Int
    public var offset: Int

    public init(municipality: String? = nil, status: CaseRecord.Status? = nil, domain: Domain? = nil,
                hasOpenEscalations: Bool? = nil, releaseWithinDays: Int? = nil, limit: Int = 100, offset: Int = 0) {
        self.municipality = municipality
        self.status = status
        self.domain = domain
        self.hasOpenEscalations = hasOpenEscalations
        self.releaseWithinDays = releaseWithinDays
        self.limit = limit
        self.offset = offset
    }
}

/// Filters of `GET /v1/escalations`.
public struct EscalationQuery: Sendable, Hashable {
    /// nil: every status. The inbox asks for `.open` (open and acknowledged, not resolved).
    public var status: EscalationView.StatusFilter?
    public var municipality: String?
    public var caseId: UUID?
    public var limit: Int

    public init(status: EscalationView.StatusFilter? = .open, municipality: String? = nil, caseId: UUID? = nil, limit: Int = 200) {
        self.status = status
        self.municipality = municipality
        self.caseId = caseId
        self.limit = limit
    }
}

/// One case in a list.
public struct CaseSummary: Sendable, Hashable {
    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var prisonCode: String
    /// The person as planning holds it; the HTTP layer shows only what the coordinator's
    /// policy allows.
    public var person: Person
    public var status: CaseRecord.Status
    public var openedAt: Date
    public var detentionStartDate: CalendarDate?
    public var expectedReleaseDate: CalendarDate?
    /// The actual release day, once released.
    public var releaseDate: CalendarDate?
    public var closedAt: Date?
    public var closeReason: CaseClosed.Reason?
    public var coordinatorCloseReason: CaseClosed.CoordinatorReason?
    public var cooperation: CooperationRecorded.Cooperation?
    /// Basisvoorwaarden still open, in `Domain` order.
    public var openDomains: [Domain]
    public var openTasks: Int
    public var openEscalations: Int

    public init(caseId: UUID, subjectId: String, municipality: String, prisonCode: String, person: Person,
                status: CaseRecord.Status, openedAt: Date, detentionStartDate: CalendarDate?, expectedReleaseDate: CalendarDate?,
                releaseDate: CalendarDate?, closedAt: Date?, closeReason: CaseClosed.Reason?,
                coordinatorCloseReason: CaseClosed.CoordinatorReason?, cooperation: CooperationRecorded.Cooperation?,
                openDomains: [Domain], openTasks: Int, openEscalations: Int) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.status = status
        self.openedAt = openedAt
        self.detentionStartDate = detentionStartDate
        self.expectedReleaseDate = expectedReleaseDate
        self.releaseDate = releaseDate
        self.closedAt = closedAt
        self.closeReason = closeReason
        self.coordinatorCloseReason = coordinatorCloseReason
        self.cooperation = cooperation
        self.openDomains = openDomains
        self.openTasks = openTasks
        self.openEscalations = openEscalations
    }
}

/// A case with everything that happened in it, oldest first.
public struct CaseTimeline: Sendable, Equatable {
    public var summary: CaseSummary
    /// What the D&R plans said per basisvoorwaarde.
    public var needs: [Need]
    public var tasks: [TaskRecord]
    public var entries: [TimelineEntry]
    /// What partners received about the person, per partner (from the disclosure log).
    public var disclosures: [DisclosureSummary]
    public var notes: [CaseNote]

    public init(summary: CaseSummary, needs: [Need], tasks: [TaskRecord], entries: [TimelineEntry],
                disclosures: [DisclosureSummary], notes: [CaseNote]) {
        self.summary = summary
        self.needs = needs
        self.tasks = tasks
        self.entries = entries
        self.disclosures = disclosures
        self.notes = notes
    }
}

/// One thing that happened in a case. `code` is the notice type, task status, withdrawal or
/// escalation reason, escalation status or cooperation code: never free text.
public struct TimelineEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case notice
        case caseOpened = "case-opened"
        case taskAssigned = "task-assigned"
        case taskStatus = "task-status"
        case taskWithdrawn = "task-withdrawn"
        case escalationRaised = "escalation-raised"
        case escalationUpdated = "escalation-updated"
        case note
        case cooperation
        case caseClosed = "case-closed"
    }

    public var at: Date
    public var kind: Kind
    public var code: String
    public var taskId: String?
    public var escalationId: String?
    public var noteId: String?
    public var domain: Domain?
    public var partnerId: String?
    /// The account that acted, for coordinator actions.
    public var by: String?

    public init(at: Date, kind: Kind, code: String, taskId: String? = nil, escalationId: String? = nil, noteId: String? = nil,
                domain: Domain? = nil, partnerId: String? = nil, by: String? = nil) {
        self.at = at
        self.kind = kind
        self.code = code
        self.taskId = taskId
        self.escalationId = escalationId
        self.noteId = noteId
        self.domain = domain
        self.partnerId = partnerId
        self.by = by
    }
}

/// What one partner received about the person: how many messages, of which kinds, when.
public struct DisclosureSummary: Sendable, Hashable {
    public var partnerId: String
    public var partnerRole: PartnerRole
    public var count: Int
    /// The partner-facing event types received (TaskOffered, TaskUpdated, ...), sorted.
    public var eventTypes: [EventType]
    public var firstAt: Date
    public var lastAt: Date

    public init(partnerId: String, partnerRole: PartnerRole, count: Int, eventTypes: [EventType], firstAt: Date, lastAt: Date) {
        self.partnerId = partnerId
        self.partnerRole = partnerRole
        self.count = count
        self.eventTypes = eventTypes
        self.firstAt = firstAt
        self.lastAt = lastAt
    }
}

/// A coordinator's note in a case. Free text: never logged, never published on Kafka.
public struct CaseNote: Sendable, Hashable {
    public var noteId: String
    public var caseId: UUID
    public var text: String
    public var author: String
    public var at: Date

    public init(noteId: String, caseId: UUID, text: String, author: String, at: Date) {
        self.noteId = noteId
        self.caseId = caseId
        self.text = text
        self.author = author
        self.at = at
    }
}

/// An escalation as the inbox shows it.
public struct EscalationView: Sendable, Equatable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case open
        case acknowledged
        case resolved
    }

    /// What the inbox asks for: `open` is everything not resolved (open or acknowledged).
    public enum StatusFilter: String, Sendable, Hashable, CaseIterable {
        case open
        case acknowledged
        case resolved
        case all
    }

    public var escalation: EscalationRaised
    public var status: Status
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    /// The coordinator's note on acknowledging or resolving (free text, never logged).
    public var note: String?
    /// The case the escalation is about, for the inbox's person column (filtered by policy
    /// in the HTTP layer).
    public var person: Person?
    /// Lower is more urgent: the inbox sorts by it, then by ``EscalationRaised/raisedAt``.
    public var urgencyRank: Int

    public init(escalation: EscalationRaised, status: Status, acknowledgedBy: String? = nil, acknowledgedAt: Date? = nil,
                resolvedBy: String? = nil, resolvedAt: Date? = nil, note: String? = nil, person: Person? = nil,
                urgencyRank: Int) {
        self.escalation = escalation
        self.status = status
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.note = note
        self.person = person
        self.urgencyRank = urgencyRank
    }
}

/// Why a coordinator's request cannot be done. The HTTP layer maps each case to problem+json.
public struct CoordinatorError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// No such case, task or escalation in the actor's scope (404: existence does not leak).
        case notFound = "not-found"
        /// The request does not fit the current state: a resolved escalation, a task that is
        /// not open, a closed case (409).
        case conflict
        /// The request itself is wrong: a partner that does not do the task's basisvoorwaarde
        /// or does not serve the municipality, the task's own partner, an empty note (422).
        case invalid
    }

    public var code: Code
    /// A sentence a coordinator understands, without personal data.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
