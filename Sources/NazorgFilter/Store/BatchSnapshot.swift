import Foundation
import NazorgContracts
import Synchronization

/// What the filter's store said, read once per batch, about the batch's events and people:
/// which events were handled before, and every consent and withheld cooperation of the
/// people concerned. Staging reads here instead of going to SQLite per event; a consent or
/// cooperation staged in the batch updates it.
///
/// Only the one consumer service of a filter stages, one batch after another, so a snapshot
/// is never read by two batches at once.
final class BatchSnapshot: Sendable {
    struct Contents: Sendable {
        /// Event ids asked about, and those among them already handled.
        var askedEvents: Set<String> = []
        var processedEvents: Set<String> = []
        /// Subjects asked about, and the consents that stand per basisvoorwaarde (their consentId).
        var askedSubjects: Set<String> = []
        var consents: [String: [Domain: String]] = [:]
        /// Per subject, the cases in which the person declines aftercare or cannot be reached.
        var withheldCooperation: [String: Set<UUID>] = [:]
    }

    private let contents = Mutex<Contents?>(nil)

    func replace(with new: Contents?) { contents.withLock { $0 = new } }

    /// Whether the event was handled before; nil when the snapshot does not know.
    func isProcessed(_ eventId: String) -> Bool? {
        contents.withLock { contents in
            guard let contents, contents.askedEvents.contains(eventId) else { return nil }
            return contents.processedEvents.contains(eventId)
        }
    }

    /// The consent that stands (its id), `.some(nil)` when none does, and nil when the
    /// snapshot does not know the person.
    func standingConsent(subjectId: String, domain: Domain) -> String?? {
        contents.withLock { contents -> String?? in
            guard let contents, contents.askedSubjects.contains(subjectId) else { return .none }
            return .some(contents.consents[subjectId]?[domain])
        }
    }

    /// Whether the person cooperates in the case (nothing recorded counts as cooperating);
    /// nil when the snapshot does not know the person.
    func cooperates(subjectId: String, caseId: UUID) -> Bool? {
        contents.withLock { contents in
            guard let contents, contents.askedSubjects.contains(subjectId) else { return nil }
            return contents.withheldCooperation[subjectId]?.contains(caseId) != true
        }
    }

    /// Keeps the snapshot true after a cooperation record was stored.
    func setCooperation(subjectId: String, caseId: UUID, cooperates: Bool) {
        contents.withLock { contents in
            guard contents?.askedSubjects.contains(subjectId) == true else { return }
            if cooperates {
                contents?.withheldCooperation[subjectId]?.remove(caseId)
            } else {
                contents?.withheldCooperation[subjectId, default: []].insert(caseId)
            }
        }
    }

    /// Keeps the snapshot true after a consent statement was stored.
    func setConsent(subjectId: String, domain: Domain, given: Bool, consentId: String) {
        contents.withLock { contents in
            guard contents?.askedSubjects.contains(subjectId) == true else { return }
            contents?.consents[subjectId, default: [:]][domain] = given ? consentId : nil
        }
    }
}
