import Foundation
import NazorgContracts
import Synchronization

/// Messages staged but not yet remembered in the store: the store learns of a message in
/// the `finish` of its batch, after its records were written, but later events (of the
/// same batch, or of the next one, which is staged while this one is written) must already
/// see it. Staging reads here first and then the store; `finish` removes an entry only
/// after the store has it, so a message is always in one of the two.
///
/// Nothing here survives a restart, and nothing needs to: a batch not finished is read
/// again, and staging an event again first forgets what its earlier attempt staged.
final class PendingDisclosures: Sendable {
    private struct Entry: Sendable {
        var memory: DisclosureMemory
        /// The event whose staging produced it; dropped with it if it is dead-lettered.
        var stagedBy: String
    }

    private let entries = Mutex<[String: Entry]>([:])

    func add(_ memories: [DisclosureMemory], stagedBy eventId: String) {
        guard !memories.isEmpty else { return }
        entries.withLock { entries in
            for memory in memories { entries[memory.disclosureId] = Entry(memory: memory, stagedBy: eventId) }
        }
    }

    /// Called once the store remembers them.
    func remove(_ disclosureIds: [String]) {
        guard !disclosureIds.isEmpty else { return }
        entries.withLock { entries in
            for id in disclosureIds { entries[id] = nil }
        }
    }

    /// Called when an event went to the dead letters, or is staged again: what it staged
    /// before was never written.
    func forget(stagedBy eventId: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.stagedBy != eventId } }
    }

    func memories(taskId: String, partnerId: String) -> [DisclosureMemory] {
        entries.withLock { entries in
            entries.values.map(\.memory).filter { $0.taskId == taskId && $0.partnerId == partnerId }
        }
    }

    /// The person's messages staged and not yet stored: of one basisvoorwaarde, or all (nil).
    func memories(subjectId: String, domain: Domain?) -> [DisclosureMemory] {
        entries.withLock { entries in
            entries.values.map(\.memory).filter { $0.subjectId == subjectId && (domain == nil || $0.domain == domain) }
        }
    }

    func memories(caseId: UUID) -> [DisclosureMemory] {
        entries.withLock { entries in entries.values.map(\.memory).filter { $0.caseId == caseId } }
    }
}
