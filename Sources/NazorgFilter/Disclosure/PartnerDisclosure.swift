import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// One message to a partner about a task (an offer, an update, a cancellation or a
/// retraction), as the two records the filter writes: the disclosure-log record (first) and
/// the partner record.
///
/// Everything in the partner record comes from the policy: the allowed fields, the deadline
/// as exact as allowed, and identifiers keyed for this partner (record key, subject
/// pseudonym, trace). Nothing in it can be joined with another partner's records; the link
/// to the hub's own ids lives only in the disclosure log. Every message about one person to
/// one partner has the same record key, so they stay in order on the partner's topic.
struct PartnerDisclosure: Sendable {
    enum Message: Sendable {
        case offered(TaskOffered)
        case updated(TaskUpdated)
        case cancelled(TaskCancelled)
        case retracted(TaskRetracted)
    }

    let message: Message
    let logged: DisclosureLogged
    let caseId: UUID
    let taskId: String
    /// The task's basisvoorwaarde, so a withdrawal of consent finds what it must retract.
    let domain: Domain?
    /// The trace inside the hub (disclosure log) and the one the partner receives.
    let internalTrace: TraceParent
    let partnerTrace: TraceParent
    let partnerSubjectId: String
    /// The policy's purpose, which the subject access report names.
    let purpose: String
    let publisher: EventPublisher
    let now: Date

    /// The ids a message derives from its source event and partner, so a replay repeats them.
    struct Context: Sendable {
        var policy: PartnerPolicy
        var partnerIDs: PartnerPseudonymizer
        var sourceEventId: String
        var trace: TraceParent
        var publisher: EventPublisher
        var now: Date
        /// The policy set's version (``PolicySet/version``) the message was decided under.
        var policyVersion: String? = nil
        /// The consent the message rests on, when its legal basis is consent.
        var consentId: String? = nil
        /// Set when one source event sends several messages to one partner (a withdrawal of
        /// consent retracts each task the partner holds): each then has ids of its own.
        var taskKey: String? = nil

        /// What the partner's trace derives from: one per message.
        var traceKey: String { taskKey.map { "\(sourceEventId)/\($0)" } ?? sourceEventId }

        /// The id of the message of this kind (`offer`, `disclosure`, …) to `partnerId`.
        func id(_ kind: String, _ partnerId: String) -> String {
            taskKey.map { DeterministicID.string(kind, sourceEventId, partnerId, $0) }
                ?? DeterministicID.string(kind, sourceEventId, partnerId)
        }
    }

    /// The offer of a task.
    init(task: TaskAssigned, policy: PartnerPolicy, partnerIDs: PartnerPseudonymizer, sourceEventId: String,
         trace: TraceParent, publisher: EventPublisher, now: Date) {
        self.init(offering: task, Context(policy: policy, partnerIDs: partnerIDs, sourceEventId: sourceEventId, trace: trace,
                                          publisher: publisher, now: now))
    }

    /// The offer of a task, with the ids, trace, policy version and consent of `context`.
    init(offering task: TaskAssigned, _ context: Context) {
        let policy = context.policy
        self.init(context, partnerId: task.partnerId, role: task.partnerRole, subjectId: task.subjectId, caseId: task.caseId,
                  taskId: task.taskId, domain: task.domain, sourceEventType: .taskAssigned) { partnerSubjectId in
            let view = PartnerView(task: task, policy: policy, partnerSubjectId: partnerSubjectId)
            let offer = TaskOffered(offerId: context.id("offer", task.partnerId), taskId: task.taskId,
                                    partnerId: task.partnerId, taskType: task.taskType, domain: task.domain,
                                    measure: task.measure, details: view.details, remark: view.remark, urgent: task.urgent,
                                    dueAt: view.dueAt,
                                    deadline: view.deadline, deadlinePrecision: view.deadlinePrecision,
                                    processingActivityId: policy.processingActivityId, subject: view.subject)
            return (.offered(offer), view.disclosedFields(of: task))
        }
    }

    /// The update of a task the partner holds: its new deadline and urgency, and the same view as an offer.
    static func update(_ revision: TaskRevised, _ context: Context) -> PartnerDisclosure {
        let task = revision.task
        return PartnerDisclosure(context, partnerId: task.partnerId, role: task.partnerRole, subjectId: task.subjectId,
                                 caseId: task.caseId, taskId: task.taskId, domain: task.domain,
                                 sourceEventType: .taskRevised) { partnerSubjectId in
            let view = PartnerView(task: task, policy: context.policy, partnerSubjectId: partnerSubjectId)
            let update = TaskUpdated(updateId: context.id("update", task.partnerId),
                                     taskId: task.taskId, partnerId: task.partnerId, taskType: task.taskType,
                                     domain: task.domain, reason: revision.reason, urgent: task.urgent, dueAt: view.dueAt,
                                     deadline: view.deadline, deadlinePrecision: view.deadlinePrecision,
                                     details: view.details, remark: view.remark,
                                     processingActivityId: context.policy.processingActivityId, subject: view.subject,
                                     measure: task.measure)
            return (.updated(update), view.disclosedFields(of: task, extra: ["reason"]))
        }
    }

    /// The end of a task the partner holds: a cancellation naming the reason, or, when the
    /// partner must delete what it received (wrong person), a retraction naming nothing but
    /// the task.
    static func withdrawal(_ withdrawn: TaskWithdrawn, _ context: Context) -> PartnerDisclosure {
        PartnerDisclosure(context, partnerId: withdrawn.partnerId, role: withdrawn.partnerRole, subjectId: withdrawn.subjectId,
                          caseId: withdrawn.caseId, taskId: withdrawn.taskId, domain: withdrawn.domain,
                          sourceEventType: .taskWithdrawn) { _ in
            let policy = context.policy
            if withdrawn.asksDeletion {
                let retraction = TaskRetracted(
                    retractionId: context.id("retraction", withdrawn.partnerId),
                    taskId: withdrawn.taskId, partnerId: withdrawn.partnerId, processingActivityId: policy.processingActivityId)
                return (.retracted(retraction), ["taskId", "deletionRequested"])
            }
            let cancellation = TaskCancelled(
                cancellationId: context.id("cancellation", withdrawn.partnerId),
                taskId: withdrawn.taskId, partnerId: withdrawn.partnerId, taskType: withdrawn.taskType, domain: withdrawn.domain,
                reason: withdrawn.reason, processingActivityId: policy.processingActivityId)
            return (.cancelled(cancellation), ["taskId", "taskType"] + (withdrawn.domain == nil ? [] : ["domain"]) + ["reason"])
        }
    }

    /// The retraction of a task the partner received on the person's consent, which the person
    /// withdrew: data-free like every retraction, one per task, ids from the withdrawal and the task.
    /// A data-free retraction of a task the partner received, caused by a withdrawal of
    /// consent or an erasure (`sourceEventType`).
    static func retraction(of memory: DisclosureMemory, causedBy sourceEventType: EventType, _ context: Context) -> PartnerDisclosure {
        var context = context
        context.taskKey = memory.taskId
        return PartnerDisclosure(context, partnerId: memory.partnerId, role: memory.role, subjectId: memory.subjectId,
                                 caseId: memory.caseId, taskId: memory.taskId, domain: memory.domain,
                                 sourceEventType: sourceEventType) { _ in
            let retraction = TaskRetracted(retractionId: context.id("retraction", memory.partnerId), taskId: memory.taskId,
                                           partnerId: memory.partnerId,
                                           processingActivityId: context.policy.processingActivityId)
            return (.retracted(retraction), ["taskId", "deletionRequested"])
        }
    }

    private init(_ context: Context, partnerId: String, role: PartnerRole, subjectId: String, caseId: UUID, taskId: String,
                 domain: Domain?, sourceEventType: EventType, build: (_ partnerSubjectId: String) -> (Message, [String])) {
        let partnerSubjectId = context.partnerIDs.subject(subjectId, for: partnerId)
        let partnerTrace = context.partnerIDs.trace(forDisclosureOf: context.traceKey, to: partnerId,
                                                    sampled: context.trace.sampled)
        let (message, fields) = build(partnerSubjectId)
        self.message = message
        internalTrace = context.trace.child()
        let policy = context.policy
        logged = DisclosureLogged(disclosureId: context.id("disclosure", partnerId),
                                  traceId: context.trace.traceID, partnerTraceId: partnerTrace.traceID,
                                  spanId: internalTrace.spanID, processingActivityId: policy.processingActivityId,
                                  legalBasis: policy.legalBasis, consentId: policy.needsConsent ? context.consentId : nil,
                                  policyVersion: context.policyVersion,
                                  status: message.eventType == .taskRetracted ? .retracted : .disclosed,
                                  subjectId: subjectId, receiverId: partnerId,
                                  receiverRole: role, sourceEventId: context.sourceEventId, sourceEventType: sourceEventType,
                                  disclosedEventType: message.eventType, disclosedFields: fields,
                                  transformations: Self.transformations(of: fields, policy: policy), disclosedAt: context.now)
        self.caseId = caseId
        self.taskId = taskId
        self.domain = domain
        self.partnerTrace = partnerTrace
        self.partnerSubjectId = partnerSubjectId
        purpose = policy.purpose
        publisher = context.publisher
        now = context.now
    }

    /// How the disclosed fields were changed on the way: the partner's own pseudonym of the
    /// person, a deadline by week or month, and the policy's own transformations.
    static func transformations(of fields: [String], policy: PartnerPolicy) -> [String: DisclosureLogged.Transformation]? {
        var out = policy.loggedTransformations(of: fields)
        if fields.contains("subject.subjectId") { out["subject.subjectId"] = .pseudonymise }
        if fields.contains("deadline") {
            switch policy.deadline {
            case .week: out["deadline"] = .generaliseWeek
            case .month: out["deadline"] = .generaliseMonth
            case .day, nil: break
            }
        }
        return out.isEmpty ? nil : out
    }

    var offered: TaskOffered? {
        if case .offered(let offer) = message { return offer }
        return nil
    }

    var partnerId: String { logged.receiverId }

    /// What the filter remembers of this message (``DisclosureMemory``).
    var memory: DisclosureMemory {
        DisclosureMemory(disclosureId: logged.disclosureId, kind: message.eventType, taskId: taskId, partnerId: partnerId,
                         role: logged.receiverRole, caseId: caseId, subjectId: logged.subjectId, domain: domain,
                         legalBasis: logged.legalBasis,
                         sourceEventId: logged.sourceEventId, sourceEventType: logged.sourceEventType,
                         disclosedFields: logged.disclosedFields, disclosedAt: now,
                         retracted: message.eventType == .taskRetracted,
                         processingActivityId: logged.processingActivityId, purpose: purpose,
                         policyVersion: logged.policyVersion, transformations: logged.transformations ?? [:])
    }

    /// The disclosure-log record, keyed by the hub-wide pseudonym like every internal record.
    func logRecord() throws -> ProducerRecord {
        try publisher.record(logged, topic: Topics.filterDisclosures, key: logged.subjectId, id: logged.disclosureId,
                             subject: logged.subjectId, trace: internalTrace, time: now)
    }

    /// The partner record: keyed by the per-partner pseudonym (which keeps one person's
    /// messages in order), without `ce_subject` and with the partner's own trace.
    func partnerRecord() throws -> ProducerRecord {
        let topic = Topics.partnerTasks(partnerId)
        switch message {
        case .offered(let offer):
            return try publisher.record(offer, topic: topic, key: partnerSubjectId, id: offer.offerId, subject: nil, sealedFor: logged.subjectId,
                                        trace: partnerTrace, time: now)
        case .updated(let update):
            return try publisher.record(update, topic: topic, key: partnerSubjectId, id: update.updateId, subject: nil, sealedFor: logged.subjectId,
                                        trace: partnerTrace, time: now)
        case .cancelled(let cancellation):
            return try publisher.record(cancellation, topic: topic, key: partnerSubjectId, id: cancellation.cancellationId,
                                        subject: nil, sealedFor: logged.subjectId, trace: partnerTrace, time: now)
        case .retracted(let retraction):
            return try publisher.record(retraction, topic: topic, key: partnerSubjectId, id: retraction.retractionId,
                                        subject: nil, sealedFor: logged.subjectId, trace: partnerTrace, time: now)
        }
    }
}

extension PartnerDisclosure.Message {
    var eventType: EventType {
        switch self {
        case .offered: .taskOffered
        case .updated: .taskUpdated
        case .cancelled: .taskCancelled
        case .retracted: .taskRetracted
        }
    }
}

extension TaskWithdrawn {
    /// The partner must delete what it received: asked explicitly, or implied by a wrong
    /// person or a withdrawn consent (a cancellation may say neither).
    var asksDeletion: Bool { retract || reason == .wrongPerson || reason == .consentWithdrawn }
}
