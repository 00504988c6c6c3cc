import Foundation
import NazorgContracts

extension CaseState {
    /// Basisvoorwaarden not in place, in `Domain` order: an open task for it, or the plan
    /// said needed or unknown and no delivery task was completed.
    public var openDomains: [Domain] {
        Domain.allCases.filter { domain in
            if tasks.contains(where: { $0.domain == domain && $0.isOpen }) { return true }
            guard let status = record.need(domain)?.need.status, status == .needed || status == .unknown else { return false }
            return !tasks.contains { $0.domain == domain && $0.taskType == .deliver && $0.isCompleted }
        }
    }
}

extension CaseSummary {
    /// The case as a list shows it.
    public init(state: CaseState) {
        let record = state.record
        self.init(caseId: record.caseId, subjectId: record.subjectId, municipality: record.municipality,
                  prisonCode: record.prisonCode, person: record.person, status: record.status, openedAt: record.openedAt,
                  detentionStartDate: record.detentionStartDate, expectedReleaseDate: record.expectedReleaseDate,
                  releaseDate: record.release?.releaseDate, closedAt: record.closedAt, closeReason: record.closeReason,
                  coordinatorCloseReason: record.coordinatorCloseReason, cooperation: record.cooperation,
                  openDomains: state.openDomains, openTasks: state.tasks.filter(\.isOpen).count,
                  openEscalations: state.escalations.filter { !$0.isResolved }.count)
    }
}

extension DisclosureSummary {
    /// Per partner, in the order each first received something: how many messages, of which
    /// kinds, first and last.
    public static func summaries(of records: [DisclosureRecord]) -> [DisclosureSummary] {
        var order: [String] = []
        var byPartner: [String: DisclosureSummary] = [:]
        for record in records.sorted(by: { ($0.disclosedAt, $0.disclosureId) < ($1.disclosedAt, $1.disclosureId) }) {
            let types = record.disclosedEventType.map { [$0] } ?? []
            if var summary = byPartner[record.receiverId] {
                summary.count += 1
                summary.partnerRole = record.receiverRole
                summary.eventTypes = Array(Set(summary.eventTypes + types)).sorted { $0.rawValue < $1.rawValue }
                summary.lastAt = record.disclosedAt
                byPartner[record.receiverId] = summary
            } else {
                order.append(record.receiverId)
                byPartner[record.receiverId] = DisclosureSummary(partnerId: record.receiverId, partnerRole: record.receiverRole,
                                                                 count: 1, eventTypes: types, firstAt: record.disclosedAt,
                                                                 lastAt: record.disclosedAt)
            }
        }
        return order.compactMap { byPartner[$0] }
    }
}

extension CaseTimeline {
    /// The case's notices and recorded history as one list, oldest first; at the same moment
    /// a notice comes before what it caused, and history keeps the order it was recorded in.
    static func entries(notices: [NoticeRecord], history: [TimelineEntry]) -> [TimelineEntry] {
        let received = notices.map { TimelineEntry(at: $0.receivedAt, kind: .notice, code: $0.type.rawValue) }
        return (received + history).enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
    }
}
