import Foundation
import NazorgContracts
import NazorgRuntime

/// The coordinator's rules, as pure decisions: given a case's current state and one input,
/// what changes and which events follow. Event ids derive from their inputs, so replaying
/// an input yields the same events; the time comes in as `now`, never from the system clock.
public struct Planner: Sendable {
    public let directory: PartnerDirectory
    /// Each municipality's care level: deadlines, response times, aftercare period, measures.
    public let profiles: MunicipalityProfiles
    public let timeZone: TimeZone

    public static let defaultAftercareDays = 180

    /// One profile for every municipality: the standard one with these rules and this period.
    public init(directory: PartnerDirectory, rules: DeadlineRules = .standard, aftercareDays: Int = Planner.defaultAftercareDays,
                timeZone: TimeZone = DutchTime.zone) {
        var profile = MunicipalityProfile.standard
        profile.rules = rules
        profile.aftercareDays = aftercareDays
        self.init(directory: directory, profiles: .single(profile), timeZone: timeZone)
    }

    public init(directory: PartnerDirectory, profiles: MunicipalityProfiles, timeZone: TimeZone = DutchTime.zone) {
        self.directory = directory
        self.profiles = profiles
        self.timeZone = timeZone
    }

    /// The profile of the municipality that holds a case.
    public func profile(for municipality: String) -> MunicipalityProfile { profiles.profile(for: municipality) }

    /// The default profile's rules (a municipality's own are in ``profile(for:)``).
    public var rules: DeadlineRules { profiles.standard.rules }
    /// The default profile's aftercare period (a municipality's own is in ``profile(for:)``).
    public var aftercareDays: Int { profiles.standard.aftercareDays }

    /// Decides what a notice from a PI desk changes in the person's current case (`state`).
    ///
    /// A case is one detention. DetentionStarted and DetentionPlanShared open a case when the
    /// person has no open one; a DetentionStarted after release closes the released case
    /// (redetained) and opens the next; a DetentionStarted while a case is open and the
    /// person not released is the same detention (a duplicate, or a re-arrest before release):
    /// it updates that case. ReleaseScheduled, ReleaseDateChanged, Transferred and
    /// MunicipalityChanged open a case only for a person the hub has never seen (detained
    /// before the hub ran); after a closed case they change nothing. Released and
    /// NoticeWithdrawn never open a case.
    public func decide(notice: IntakeNotice, eventId: String, trace: TraceParent, now: Date,
                       state: CaseState?) throws -> PlanningChange {
        let open = state.flatMap { $0.record.isOpen ? $0 : nil }
        let correcting = notice.correctsNoticeId
        func decision(_ state: CaseState, _ reason: TaskRevised.Reason) -> CaseDecision {
            CaseDecision(planner: self, state: state, eventId: eventId, trace: trace, now: now,
                         revisionReason: correcting == nil ? reason : .noticeCorrected)
        }
        switch notice {
        case .detentionStarted(let started):
            if let open, open.record.release == nil {
                var same = decision(open, .releaseDateChanged)
                try same.continueDetention(started, notice: notice)
                return try finish(&same)
            }
            var previous = PlanningChange()
            if let open {
                var ended = decision(open, .releaseDateChanged)
                try ended.close(.redetained)
                previous = try ended.change()
            }
            var next = decision(try opening(notice, eventId: eventId, now: now), .releaseDateChanged)
            try next.publishOpened(notice)
            next.remember(notice, correcting: correcting)
            return try previous.followed(by: finish(&next))
        case .detentionPlanShared(let plan):
            var planning: CaseDecision
            if let open {
                planning = decision(open, .planReshared)
            } else {
                planning = decision(try opening(notice, eventId: eventId, now: now), .planReshared)
                try planning.publishOpened(notice)
            }
            try planning.share(plan, notice: notice)
            return try finish(&planning)
        case .releaseScheduled, .releaseDateChanged, .transferred, .municipalityChanged:
            var updating: CaseDecision
            if let open {
                updating = decision(open, notice.eventType == .transferred ? .transferred : .releaseDateChanged)
            } else if state == nil {
                updating = decision(try opening(notice, eventId: eventId, now: now), .releaseDateChanged)
                try updating.publishOpened(notice)
            } else {
                return .ignored("no-open-case")
            }
            guard try updating.update(with: notice) else { return .ignored("already-released") }
            return try finish(&updating)
        case .released(let released):
            guard let open else { return .ignored("no-open-case") }
            var releasing = decision(open, .released)
            guard try releasing.release(released, notice: notice) else { return .ignored("already-released") }
            return try finish(&releasing)
        case .noticeWithdrawn(let withdrawal):
            // A wrong-person withdrawal also reaches a closed case: its partners must delete.
            guard let state else { return .ignored("no-case") }
            var withdrawing = decision(state, .planReshared)
            guard try withdrawing.withdraw(withdrawal, notice: notice) else { return .ignored("unknown-withdrawn-notice") }
            return try finish(&withdrawing)
        }
    }

    /// After any notice, a released person whose every task is done has a closed case (a
    /// re-shared plan or a withdrawal may take away the last open task).
    private func finish(_ decision: inout CaseDecision) throws -> PlanningChange {
        try decision.closeIfEveryTaskIsDone()
        return try decision.change()
    }

    /// A new case for a notice: one per detention, its id from the person and the event.
    private func opening(_ notice: IntakeNotice, eventId: String, now: Date) throws -> CaseState {
        var record = CaseRecord(caseId: DeterministicID.uuid("case", notice.subjectId, eventId), subjectId: notice.subjectId,
                                municipality: notice.municipality, prisonCode: notice.prisonCode, person: notice.person,
                                expectedReleaseDate: nil, openedAt: now, openingNoticeId: notice.noticeId)
        switch notice {
        case .detentionStarted(let started):
            record.detentionStartDate = started.detentionStartDate
            record.expectedReleaseDate = started.expectedReleaseDate
        case .detentionPlanShared(let plan): record.expectedReleaseDate = plan.expectedReleaseDate
        case .releaseScheduled(let scheduled): record.expectedReleaseDate = scheduled.expectedReleaseDate
        case .releaseDateChanged(let changed): record.expectedReleaseDate = changed.expectedReleaseDate
        case .transferred, .municipalityChanged, .released, .noticeWithdrawn: break
        }
        if case .municipalityChanged(let moved) = notice { record.municipality = moved.municipality }
        return CaseState(record: record)
    }
}

extension PlanningChange {
    /// This change, then `next`, as one: a closed case and the case that follows it.
    func followed(by next: PlanningChange) -> PlanningChange {
        var both = PlanningChange(upsertCases: upsertCases + next.upsertCases, upsertTasks: upsertTasks + next.upsertTasks,
                                  upsertNotices: upsertNotices + next.upsertNotices, outbox: outbox + next.outbox,
                                  upsertEscalations: upsertEscalations + next.upsertEscalations, notes: notes + next.notes,
                                  history: history + next.history, disclosures: disclosures + next.disclosures)
        both.timers = timers + next.timers
        return both
    }
}

extension IntakeNotice {
    /// The notice this one corrects, if it is a correction.
    var correctsNoticeId: String? {
        switch self {
        case .detentionStarted(let n): return n.correctsNoticeId
        case .detentionPlanShared(let n): return n.correctsNoticeId
        case .releaseScheduled(let n): return n.correctsNoticeId
        case .releaseDateChanged(let n): return n.correctsNoticeId
        case .released(let n): return n.correctsNoticeId
        case .transferred(let n): return n.correctsNoticeId
        case .noticeWithdrawn(let n): return n.correctsNoticeId
        case .municipalityChanged(let n): return n.correctsNoticeId
        }
    }
}
