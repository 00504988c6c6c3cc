import Foundation

/// Any of the events planning publishes on `nazorg.planning.case-events.v1`.
/// Consent events travel on their own topic and are not part of this enum.
public enum CaseEvent: Sendable, Equatable {
    case caseOpened(CaseOpened)
    case taskAssigned(TaskAssigned)
    case taskStatusChanged(TaskStatusChanged)
    case escalationRaised(EscalationRaised)
    case caseClosed(CaseClosed)
    case taskRevised(TaskRevised)
    case taskWithdrawn(TaskWithdrawn)
    case releaseDayRecorded(ReleaseDayRecorded)
    case caseHandedOver(CaseHandedOver)
    case escalationUpdated(EscalationUpdated)
    case cooperationRecorded(CooperationRecorded)

    /// The wrapped payload.
    public var payload: any EventPayload {
        switch self {
        case .caseOpened(let event): return event
        case .taskAssigned(let event): return event
        case .taskStatusChanged(let event): return event
        case .escalationRaised(let event): return event
        case .caseClosed(let event): return event
        case .taskRevised(let event): return event
        case .taskWithdrawn(let event): return event
        case .releaseDayRecorded(let event): return event
        case .caseHandedOver(let event): return event
        case .escalationUpdated(let event): return event
        case .cooperationRecorded(let event): return event
        }
    }

    public var eventType: EventType { type(of: payload).eventType }

    /// Always set for events read from the case-event topic.
    public var caseId: UUID? {
        switch self {
        case .caseOpened(let event): return event.caseId
        case .taskAssigned(let event): return event.caseId
        case .taskStatusChanged(let event): return event.caseId
        case .escalationRaised(let event): return event.caseId
        case .caseClosed(let event): return event.caseId
        case .taskRevised(let event): return event.caseId
        case .taskWithdrawn(let event): return event.caseId
        case .releaseDayRecorded(let event): return event.caseId
        case .caseHandedOver(let event): return event.caseId
        case .escalationUpdated(let event): return event.caseId
        case .cooperationRecorded(let event): return event.caseId
        }
    }

    /// Always set for events read from the case-event topic.
    public var subjectId: String? {
        switch self {
        case .caseOpened(let event): return event.subjectId
        case .taskAssigned(let event): return event.subjectId
        case .taskStatusChanged(let event): return event.subjectId
        case .escalationRaised(let event): return event.subjectId
        case .caseClosed(let event): return event.subjectId
        case .taskRevised(let event): return event.subjectId
        case .taskWithdrawn(let event): return event.subjectId
        case .releaseDayRecorded(let event): return event.subjectId
        case .caseHandedOver(let event): return event.subjectId
        case .escalationUpdated(let event): return event.subjectId
        case .cooperationRecorded(let event): return event.subjectId
        }
    }

    /// The task the event is about, when it is about one.
    public var taskId: String? {
        switch self {
        case .caseOpened, .caseClosed, .releaseDayRecorded, .caseHandedOver, .escalationUpdated, .cooperationRecorded:
            return nil
        case .taskAssigned(let event): return event.taskId
        case .taskStatusChanged(let event): return event.taskId
        case .escalationRaised(let event): return event.taskId
        case .taskRevised(let event): return event.taskId
        case .taskWithdrawn(let event): return event.taskId
        }
    }

    /// Decodes the JSON payload of a record whose `ce_type` named `eventType`.
    /// Throws ``ContractError`` for a type that is not a case event.
    public static func decode(from data: Data, eventType: EventType) throws -> CaseEvent {
        let decoder = ContractCoding.decoder()
        switch eventType {
        case .caseOpened: return .caseOpened(try decoder.decode(CaseOpened.self, from: data))
        case .taskAssigned: return .taskAssigned(try decoder.decode(TaskAssigned.self, from: data))
        case .taskStatusChanged: return .taskStatusChanged(try decoder.decode(TaskStatusChanged.self, from: data))
        case .escalationRaised: return .escalationRaised(try decoder.decode(EscalationRaised.self, from: data))
        case .caseClosed: return .caseClosed(try decoder.decode(CaseClosed.self, from: data))
        case .taskRevised: return .taskRevised(try decoder.decode(TaskRevised.self, from: data))
        case .taskWithdrawn: return .taskWithdrawn(try decoder.decode(TaskWithdrawn.self, from: data))
        case .releaseDayRecorded: return .releaseDayRecorded(try decoder.decode(ReleaseDayRecorded.self, from: data))
        case .caseHandedOver: return .caseHandedOver(try decoder.decode(CaseHandedOver.self, from: data))
        case .escalationUpdated: return .escalationUpdated(try decoder.decode(EscalationUpdated.self, from: data))
        case .cooperationRecorded: return .cooperationRecorded(try decoder.decode(CooperationRecorded.self, from: data))
        default:
            throw ContractError(
                code: .unexpectedEventType, message: "The event type is not a case event.",
                eventType: eventType.rawValue)
        }
    }

    /// The payload as contract JSON.
    public func encodedJSON() throws -> Data {
        try payload.encodedJSON()
    }
}
