import Foundation

/// A person's data was erased at their request (art. 17 AVG): their data keys are deleted, so
/// every sealed copy on every topic is unreadable, and every service deletes what it holds
/// about them. The filter's erasure API publishes it on the consent topic; the filter, once it
/// retracted what partners received, writes it again on the disclosure log (with
/// `retractedTasks`), where planning reads it and deletes the person's cases. It names the
/// person only by the hub's pseudonym, and holds nothing of what was erased.
public struct SubjectErased: EventPayload, SubjectKeyed {
    public static let eventType = EventType.subjectErased

    public var erasureId: String
    public var subjectId: String
    /// Who asked the hub to erase: the account (a desk's or coordinator's), never a person's name.
    public var recordedBy: ConsentRecorder
    /// The reference of the request the erasure rests on (the form or letter), never its content.
    public var evidenceRef: String
    /// When the hub received the request (its clock).
    public var receivedAt: Date
    /// How many partner tasks the filter retracted (asked the partner to delete); set on the
    /// disclosure log's copy.
    public var retractedTasks: Int?

    public init(erasureId: String, subjectId: String, recordedBy: ConsentRecorder, evidenceRef: String, receivedAt: Date,
                retractedTasks: Int? = nil) {
        self.erasureId = erasureId
        self.subjectId = subjectId
        self.recordedBy = recordedBy
        self.evidenceRef = evidenceRef
        self.receivedAt = receivedAt
        self.retractedTasks = retractedTasks
    }
}
