import Foundation
import NazorgContracts
import NazorgRuntime

/// The municipality's profile in a decision, and its alternative measures as tasks.
extension CaseDecision {
    /// The profile of the municipality that now holds the case.
    var profile: MunicipalityProfile { planner.profile(for: record.municipality) }

    /// Plans each measure of the profile whose condition holds and that the case has no open
    /// or completed task for: at opening, after a plan, after a hand-over (`inheriting` the
    /// withdrawn measure tasks, whose deadlines the new ones keep). A measure task comes from
    /// the notice that made its condition hold, so withdrawing that notice withdraws it.
    mutating func planMeasures(sourceNoticeId: String?, inheriting: [TaskRecord] = []) throws {
        guard record.isOpen else { return }
        for plan in profile.measures where plan.condition.holds(in: record, for: plan.measure.domain) {
            guard !tasks.contains(where: { $0.measure == plan.measure && !$0.isWithdrawn }) else { continue }
            guard let owner = owner(of: plan) else {
                try escalateNoPartner(plan.measure.domain, key: [caseKey, plan.measure.rawValue, "no-partner", record.municipality])
                continue
            }
            let domain = plan.measure.domain
            let previous = inheriting.first { $0.measure == plan.measure }
            try assign(.measure, domain: domain, need: record.need(domain)?.need, to: owner,
                       sourceNoticeId: previous?.sourceNoticeId ?? sourceNoticeId, inheriting: previous, measure: plan.measure)
        }
    }

    /// Who carries out a measure in the case's municipality: the partner named, if it serves
    /// the municipality, or a partner of the role named there (one for that very municipality
    /// first, then one that delivers the measure's basisvoorwaarde).
    func owner(of plan: MeasurePlan) -> PartnerDirectory.Partner? {
        let municipality = record.municipality
        switch plan.owner {
        case .partner(let id):
            return planner.directory.partner(id: id).flatMap { $0.serves(municipality) ? $0 : nil }
        case .role(let role):
            let candidates = planner.directory.partners.filter { $0.role == role && $0.serves(municipality) }
            return candidates.first { $0.municipalities.contains(municipality) }
                ?? candidates.first { $0.domains.contains(plan.measure.domain) }
                ?? candidates.first
        }
    }

    /// Nobody in the municipality takes on what the basisvoorwaarde needs: the coordinator
    /// hears it once per `key`, with the domain.
    mutating func escalateNoPartner(_ domain: Domain, key: [String]) throws {
        try raise(EscalationRaised(escalationId: DeterministicID.string(parts: ["escalation"] + key), caseId: caseId,
                                   subjectId: record.subjectId, municipality: record.municipality, reason: .noPartner,
                                   domain: domain, raisedAt: now))
    }
}
