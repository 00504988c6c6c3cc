import Foundation
import NazorgContracts
import NazorgRuntime

/// What each kind of notice does to an open case.
extension CaseDecision {
    mutating func publishOpened(_ notice: IntakeNotice) throws {
        let opened = CaseOpened(caseId: caseId, subjectId: record.subjectId, municipality: record.municipality,
                                prisonCode: record.prisonCode, person: record.person,
                                expectedReleaseDate: record.expectedReleaseDate, sourceNoticeId: notice.noticeId, openedAt: now)
        try publish(opened, id: DeterministicID.string("CaseOpened", caseKey))
        try planMeasures(sourceNoticeId: notice.noticeId)
    }

    /// A DetentionStarted for a detention already open: a duplicate or a re-arrest before
    /// release is the same detention, so only a release date it brings counts (deadlines
    /// move); a correction replaces the start and release dates it said.
    mutating func continueDetention(_ started: DetentionStarted, notice: IntakeNotice) throws {
        remember(notice, correcting: started.correctsNoticeId)
        record.person = started.person
        let before = (record.detentionStartDate, record.expectedReleaseDate)
        if started.correctsNoticeId != nil {
            record.detentionStartDate = started.detentionStartDate
            record.expectedReleaseDate = started.expectedReleaseDate
        } else if let date = started.expectedReleaseDate {
            record.expectedReleaseDate = date
        }
        if before != (record.detentionStartDate, record.expectedReleaseDate) { try replanOpenTasks() }
    }

    /// A (re-)shared D&R plan: each basisvoorwaarde it names gets the tasks its status asks
    /// for. A plan without a date (remand) keeps the date the case knows. A correction
    /// replaces what the corrected plan said: a basisvoorwaarde only that plan named is no
    /// longer planned, and its open tasks are withdrawn.
    mutating func share(_ plan: DetentionPlanShared, notice: IntakeNotice) throws {
        remember(notice, correcting: plan.correctsNoticeId)
        record.person = plan.person
        if let date = plan.expectedReleaseDate, date != record.expectedReleaseDate {
            record.expectedReleaseDate = date
            try replanOpenTasks()
        }
        if let corrected = plan.correctsNoticeId {
            let chain = correctionChain(of: corrected).subtracting([plan.noticeId])
            let named = Set(plan.needs.map(\.domain))
            for planned in record.needs where chain.contains(planned.noticeId) && !named.contains(planned.need.domain) {
                try withdrawTasks(from: chain, in: planned.need.domain)
            }
            record.needs.removeAll { chain.contains($0.noticeId) && !named.contains($0.need.domain) }
        }
        for need in plan.needs {
            record.needs.removeAll { $0.need.domain == need.domain }
            record.needs.append(PlannedNeed(need: need, noticeId: plan.noticeId))
            try reconcile(need.domain)
        }
        let order = Domain.allCases
        record.needs.sort { (order.firstIndex(of: $0.need.domain) ?? 0) < (order.firstIndex(of: $1.need.domain) ?? 0) }
        try planMeasures(sourceNoticeId: plan.noticeId)
    }

    /// ReleaseScheduled, ReleaseDateChanged, Transferred and MunicipalityChanged. Returns
    /// false when the person is already out and the notice no longer applies (a date or a PI).
    mutating func update(with notice: IntakeNotice) throws -> Bool {
        switch notice {
        case .releaseScheduled(let scheduled):
            guard record.release == nil else { return false }
            try move(to: scheduled.expectedReleaseDate)
        case .releaseDateChanged(let changed):
            guard record.release == nil else { return false }
            try move(to: changed.expectedReleaseDate)
        case .transferred(let transfer):
            guard record.release == nil else { return false }
            if transfer.toPrisonCode != record.prisonCode {
                record.prisonCode = transfer.toPrisonCode
                // The filter decides whether the partner may see the PI; the task says it moved.
                for task in tasks where task.isOpen { markRevised(task, previousDeadline: task.deadline) }
            }
        case .municipalityChanged(let moved):
            try handOver(to: moved.municipality, notice: notice)
        case .detentionStarted, .detentionPlanShared, .released, .noticeWithdrawn:
            // The planner routes these elsewhere; refusing keeps a routing mistake from doing harm.
            throw PoisonEvent(reason: "unexpected-notice", detail: "\(notice.eventType.rawValue) is not a date, PI or municipality notice")
        }
        remember(notice, correcting: notice.correctsNoticeId)
        record.person = notice.person
        return true
    }

    /// Only a date that differs moves deadlines: the same date scheduled again is no news.
    private mutating func move(to expected: CalendarDate) throws {
        guard expected != record.expectedReleaseDate else { return }
        record.expectedReleaseDate = expected
        try replanOpenTasks()
    }

    /// The person left the PI. Returns false for a repeat of a release already recorded.
    mutating func release(_ released: Released, notice: IntakeNotice) throws -> Bool {
        let release = CaseRecord.Release(releasedAt: released.releasedAt, releaseDate: released.releaseDate,
                                         releaseType: released.releaseType, unannounced: released.unannounced)
        if record.release != nil {
            // Only a correction changes a recorded release: its time moves what counts from it.
            guard released.correctsNoticeId != nil else { return false }
            remember(notice, correcting: released.correctsNoticeId)
            record.release = release
            try replanOpenTasks()
            return true
        }
        remember(notice, correcting: released.correctsNoticeId)
        record.person = released.person
        record.release = release
        let coverage = coverage()
        record.releaseCoverage = coverage
        try publish(ReleaseDayRecorded(caseId: caseId, subjectId: record.subjectId, municipality: record.municipality,
                                       releasedAt: released.releasedAt, releaseDate: released.releaseDate,
                                       expectedReleaseDate: record.expectedReleaseDate, releaseType: released.releaseType,
                                       unannounced: released.unannounced, coverage: coverage, recordedAt: now),
                    id: DeterministicID.string("ReleaseDayRecorded", caseKey))
        if released.unannounced { try escalate(.unannouncedRelease, key: [eventId]) }
        try replanOpenTasks(always: true)
        if let coordinator = planner.directory.coordinator(for: record.municipality) {
            try assign(.firstContact, domain: nil, need: nil, to: coordinator, sourceNoticeId: released.noticeId)
        } else {
            try escalate(.noPartner, key: [caseKey, "first-contact", "no-partner", record.municipality])
        }
        try closeIfEveryTaskIsDone()
        return true
    }

    /// The person settles elsewhere: a warm hand-over in the same case. Open tasks of
    /// partners who do not serve the new municipality are withdrawn and assigned again to
    /// its partners, keeping their deadlines; both coordinators see `CaseHandedOver`.
    private mutating func handOver(to municipality: String, notice: IntakeNotice) throws {
        guard municipality != record.municipality else { return }
        let from = record.municipality
        var leaving: [TaskRecord] = []
        for task in tasks where task.isOpen {
            guard planner.directory.partner(id: task.partnerId)?.serves(municipality) != true else { continue }
            try withdraw(task.taskId, reason: .municipalityChanged)
            leaving.append(task)
        }
        record.municipality = municipality
        try publish(CaseHandedOver(caseId: caseId, subjectId: record.subjectId, fromMunicipality: from,
                                   toMunicipality: municipality, sourceNoticeId: notice.noticeId,
                                   openDomains: coverage().filter { $0.state == .open }.map(\.domain),
                                   expectedReleaseDate: record.expectedReleaseDate, handedOverAt: now),
                    id: DeterministicID.string("CaseHandedOver", caseKey, eventId))
        for planned in record.needs { try reconcile(planned.need.domain, inheriting: leaving) }
        try planMeasures(sourceNoticeId: notice.noticeId, inheriting: leaving.filter { $0.taskType == .measure })
        for task in leaving where task.taskType == .firstContact {
            if let coordinator = planner.directory.coordinator(for: municipality) {
                try assign(.firstContact, domain: nil, need: nil, to: coordinator, sourceNoticeId: task.sourceNoticeId,
                           inheriting: task)
            } else {
                try escalate(.noPartner, key: [caseKey, "first-contact", "no-partner", municipality])
            }
        }
    }

    /// A notice of the case is taken back. Returns false when the case never had it.
    mutating func withdraw(_ withdrawal: NoticeWithdrawn, notice: IntakeNotice) throws -> Bool {
        guard notices.contains(where: { $0.noticeId == withdrawal.withdrawnNoticeId }) else { return false }
        let chain = correctionChain(of: withdrawal.withdrawnNoticeId)
        for var row in notices where chain.contains(row.noticeId) && !row.withdrawn {
            row.withdrawn = true
            remember(row)
        }
        remember(notice, correcting: withdrawal.correctsNoticeId)
        if withdrawal.reason == .wrongPerson {
            // Everyone who received anything about this case must delete it; the coordinator
            // then has 72 hours to judge whether to report a breach (art. 33 AVG).
            for task in tasks where !task.retracted { try withdraw(task.taskId, reason: .wrongPerson, retract: true) }
            try close(.withdrawn)
            try escalate(.possibleDataBreach, key: [eventId, "possible-data-breach"], dueAt: now.addingTimeInterval(72 * 3_600))
            return true
        }
        guard record.isOpen else { return true }
        if let opening = record.openingNoticeId, chain.contains(opening) {
            for task in tasks where task.isOpen { try withdraw(task.taskId, reason: .noticeWithdrawn) }
            try close(.withdrawn)
            return true
        }
        try withdrawTasks(from: chain)
        record.needs.removeAll { chain.contains($0.noticeId) }
        if record.release != nil, notices.contains(where: { chain.contains($0.noticeId) && $0.type == .released }) {
            // A release sent in error: the person is still inside, and deadlines count as before.
            record.release = nil
            record.releaseCoverage = nil
            revisionReason = .noticeCorrected
            try replanOpenTasks()
        }
        return true
    }

    /// Withdraws the open tasks that came from the notices in `chain`, of one basisvoorwaarde
    /// or of all (the first contact has none).
    private mutating func withdrawTasks(from chain: Set<String>, in domain: Domain? = nil) throws {
        for task in tasks where task.isOpen && task.sourceNoticeId.map(chain.contains) == true {
            guard domain == nil || task.domain == domain else { continue }
            try withdraw(task.taskId, reason: .noticeWithdrawn)
        }
    }

    func correctionChain(of noticeId: String) -> Set<String> {
        CaseState(record: record, tasks: tasks, notices: notices).correctionChain(of: noticeId)
    }
}
