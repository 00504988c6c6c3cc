import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime

extension FilterEngine {
    /// Stages the report to planning, on the partner-status topic, of what became of a task
    /// on the hub's side.
    func reportStatus(_ status: TaskStatus, reason: String?, of task: TaskAssigned, sourceEventId: String,
                      trace: TraceParent, into out: inout StagedRecords) throws {
        out.write(try statusRecord(status, reason: reason, of: task, sourceEventId: sourceEventId, trace: trace))
    }

    /// Reports at once what became of a task, outside a batch.
    func reportStatusNow(_ status: TaskStatus, reason: String?, of task: TaskAssigned, sourceEventId: String,
                         trace: TraceParent) async throws {
        try await publisher.send(try statusRecord(status, reason: reason, of: task, sourceEventId: sourceEventId, trace: trace))
    }

    /// Stages a report about a task known by its ids only, under the record id `id`.
    func reportStatus(_ status: TaskStatus, reason: String?, taskId: String, partnerId: String, domain: Domain?, id: String,
                      trace: TraceParent, into out: inout StagedRecords) throws {
        let report = TaskStatusChanged(taskId: taskId, partnerId: partnerId, domain: domain, status: status, reason: reason,
                                       changedAt: Date())
        out.write(try publisher.taskStatusRecord(report, id: id, trace: trace.child()))
    }

    private func statusRecord(_ status: TaskStatus, reason: String?, of task: TaskAssigned, sourceEventId: String,
                              trace: TraceParent) throws -> ProducerRecord {
        let report = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: status,
                                       reason: reason, changedAt: Date())
        return try publisher.taskStatusRecord(report, id: EventPublisher.hubStatusID(causedBy: sourceEventId, status),
                                              trace: trace.child())
    }

    /// Tells planning about every task parked before `cutoff` and not reported yet, with
    /// the reason it waits: `consent-missing`, or `no-cooperation` while the person declines
    /// aftercare or cannot be reached. Returns how many were reported.
    @discardableResult
    public func reportLongWaits(parkedBefore cutoff: Date) async throws -> Int {
        var reported = 0
        while true {
            let waiting = try await store.unreportedParked(parkedBefore: cutoff)
            guard !waiting.isEmpty else { return reported }
            for parked in waiting {
                // Claimed first: consent arriving meanwhile then sees the claim and reports `offered`.
                guard try await store.claimForReport(parked.sourceEventId) else { continue }
                do {
                    // The reason says what the task waits for now; it may later wait for the other.
                    let cooperating = try await store.cooperates(subjectId: parked.task.subjectId, caseId: parked.task.caseId)
                    try await reportStatusNow(.awaitingConsent,
                                              reason: cooperating ? HubReason.consentMissing : HubReason.noCooperation,
                                              of: parked.task,
                                              sourceEventId: parked.sourceEventId,
                                              trace: TraceParent(parked.traceparent) ?? .random())
                } catch {
                    try? await store.unclaimReport(parked.sourceEventId)
                    throw error
                }
                reported += 1
            }
        }
    }

    /// Called after a record went to the dead letters: what it staged was never written, so
    /// its messages are forgotten; a task among them is reported undeliverable, so it does
    /// not disappear in silence.
    @Sendable public func deadLettered(_ record: ConsumerRecord, reason: String) async throws {
        guard let envelope = try? EventEnvelope(headers: record.headers) else { return }
        pending.forget(stagedBy: envelope.id)
        // A sealed task is opened to report it; one whose key was erased is not reported.
        guard envelope.type == .taskAssigned, let event = try? ReceivedEvent(record: record),
              case .ready(let opened)? = try? SubjectSealing.open([event], with: publisher.sealing?.keys).first,
              let task = try? opened.decode(TaskAssigned.self) else { return }
        try await reportStatusNow(.undeliverable, reason: HubReason.deadLettered, of: task, sourceEventId: envelope.id,
                                  trace: envelope.traceparent)
    }
}
