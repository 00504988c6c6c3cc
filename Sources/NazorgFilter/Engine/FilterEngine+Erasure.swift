import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// An erasure (art. 17 AVG) ends everything the hub holds about the person. The erasure API
/// deleted their data keys, so every sealed copy on every topic is unreadable. Here the
/// filter asks every partner that received a task about them, on any legal basis, to delete
/// it (a data-free TaskRetracted, art. 19 AVG), records the erasure on the disclosure log
/// (where planning reads it and deletes the person's cases), and, once those records are
/// acknowledged, deletes every row it holds about the person and, again, their keys.
extension FilterEngine {
    func erase(_ erasure: SubjectErased, envelope: EventEnvelope, into out: inout StagedRecords,
               _ effect: inout Effect) async throws {
        let retracted = try await retract(subjectId: erasure.subjectId, domain: nil, consentId: nil, reason: nil,
                                          envelope: envelope, into: &out, &effect) { _ in true }
        var logged = erasure
        logged.retractedTasks = retracted
        out.writeFirst(try publisher.record(logged, topic: Topics.filterDisclosures, key: erasure.subjectId,
                                            id: Self.erasureLogID(erasure.erasureId), subject: erasure.subjectId,
                                            trace: envelope.traceparent.child(), time: envelope.time))
        effect.erased.append(erasure.subjectId)
        logger.info("person erased; partners asked to delete", metadata: [
            "event.id": .string(envelope.id), "erasure.id": .string(erasure.erasureId), "retraction.count": "\(retracted)",
        ])
    }

    /// The id of the disclosure log's copy of an erasure.
    static func erasureLogID(_ erasureId: String) -> String { DeterministicID.string("erasure-logged", erasureId) }
}
