import Foundation
import NazorgContracts
import NazorgKafka
@testable import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private func logRecords(_ h: FilterHarness, atLeast count: Int) async throws -> [DisclosureLogged] {
    try await h.partnerLog(atLeast: count).filter { $0.eventType == .disclosureLogged }
        .map { try ReceivedEvent(record: $0).decode(DisclosureLogged.self) }
}

/// A W3C span id: 16 lowercase hex digits.
private func isSpanId(_ text: String?) -> Bool {
    guard let text else { return false }
    return text.count == 16 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}

@Suite("The disclosure log records every decision", .serialized)
struct DisclosureLogTests {
    /// A consent-based task without consent is refused (no-consent) and logged as such, with
    /// nothing of the person and nothing on the partner's topic; once consent comes the offer
    /// is logged as disclosed, naming the consent, the policy version and its span. A task for
    /// a role no policy covers is refused without a basis. Every record fits the schema.
    @Test func refusalsAndDisclosuresAreLoggedWithConsentPolicyVersionAndSpan() async throws {
        let h = try FilterHarness()
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing")
        try await h.deliver(ConsentGiven(consentId: "consent-housing-1", subjectId: testSubject, domain: .housing,
                                         givenAt: Date()), id: "consent-housing")
        // Probation has no policy in the harness.
        try await h.deliver(makeTask(.network, partner: "no-policy", role: .probation, taskId: "task-probation"),
                            id: "assigned-probation")
        try await h.deliver(ConsentGiven(consentId: "consent-debts-1", subjectId: testSubject, domain: .debts,
                                         givenAt: Date()), id: "consent-debts")
        try await h.deliver(makeTask(.debts, partner: "schuld-test", role: .debtRelief), id: "assigned-debts")
        try await h.deliver(makeTask(.id, partner: "id-test", role: .civilAffairs), id: "assigned-id")
        let records = try await h.partnerLog(atLeast: 5)
        let log = try records.map { try ReceivedEvent(record: $0).decode(DisclosureLogged.self) }
        #expect(log.map(\.receiverId) == ["woon-test", "woon-test", "no-policy", "schuld-test", "id-test"])

        let refusal = log[0]
        #expect(refusal.status == .refused && refusal.refusalReason == .noConsent)
        #expect(refusal.disclosedEventType == .taskOffered && refusal.disclosedFields.isEmpty && refusal.transformations == nil)
        #expect(refusal.legalBasis == .consent && refusal.processingActivityId == "PA-NAZORG-02")
        #expect(refusal.policyVersion == h.policies.version && refusal.consentId == nil && refusal.partnerTraceId == nil)
        #expect(isSpanId(refusal.spanId) && refusal.sourceEventId == "assigned-housing")

        let offer = log[1]
        #expect(offer.status == .disclosed && offer.refusalReason == nil && offer.consentId == "consent-housing-1")
        #expect(offer.policyVersion == h.policies.version && offer.disclosedEventType == .taskOffered)
        #expect(isSpanId(offer.spanId) && offer.partnerTraceId != nil && offer.disclosureId != refusal.disclosureId)
        #expect(offer.sourceEventId == "assigned-housing")
        #expect(try await h.partnerRecords("woon-test", atLeast: 1).map(\.eventType) == [.taskOffered])

        // No policy: refused, with no basis or activity to name, and nothing on the topic.
        let unpoliced = log[2]
        #expect(unpoliced.status == .refused && unpoliced.refusalReason == .noPolicy)
        #expect(unpoliced.legalBasis == nil && unpoliced.processingActivityId == nil)
        #expect(try await drainTopic(h.cluster.bootstrapServers, Topics.partnerTasks("no-policy")).isEmpty)

        // Debt relief gets the deadline by month; a public task names no consent.
        #expect(log[3].consentId == "consent-debts-1" && log[3].transformations == ["deadline": .generaliseMonth])
        #expect(log[4].status == .disclosed && log[4].legalBasis == .publicTask && log[4].consentId == nil)
        #expect(log[4].transformations == nil)

        try expectSchemaConformance(records)
        await h.close()
    }

    /// A retraction after a withdrawal of consent is logged as retracted and names the
    /// withdrawal; an update a role may not hear of (a transfer without the prison) and one
    /// held because the person does not cooperate are logged as refused. A replay of the
    /// same events writes the same ids again.
    @Test func retractionsAndRefusedUpdatesAreLoggedAndAReplayRepeatsTheIds() async throws {
        let h = try FilterHarness()
        let housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
        try await h.deliver(ConsentGiven(consentId: "consent-housing-1", subjectId: testSubject, domain: .housing,
                                         givenAt: Date()), id: "consent-housing")
        try await h.deliver(housing, id: "assigned-housing")
        var moved = housing
        moved.prisonCode = "PI-OTHER"
        // The housing policy does not give the prison: a transfer is not told.
        try await h.deliver(TaskRevised(revisionId: "rev-transfer", task: moved, previousDeadline: housing.deadline,
                                        reason: .transferred, revisedAt: Date()), id: "revised-transfer")
        try await h.deliver(CooperationRecorded(caseId: testCase, subjectId: testSubject, municipality: "GM0363",
                                                cooperation: .unreachable, recordedBy: "coordinator-test",
                                                recordedAt: Date()), id: "unreachable")
        var later = housing
        later.deadline = CalendarDate(year: 2027, month: 4, day: 1)!
        try await h.deliver(TaskRevised(revisionId: "rev-date", task: later, previousDeadline: housing.deadline,
                                        reason: .releaseDateChanged, revisedAt: Date()), id: "revised-date")
        try await h.deliver(ConsentWithdrawn(consentId: "withdrawal-housing-1", subjectId: testSubject, domain: .housing,
                                             withdrawnAt: Date()), id: "withdraw-housing")
        let log = try await logRecords(h, atLeast: 4)
        #expect(log.map(\.status) == [.disclosed, .refused, .refused, .retracted])
        #expect(log[1].refusalReason == .fieldNotAllowed && log[1].disclosedEventType == .taskUpdated)
        #expect(log[2].refusalReason == .notCooperating && log[2].sourceEventId == "revised-date")
        #expect(log[3].consentId == "withdrawal-housing-1" && log[3].disclosedEventType == .taskRetracted)
        #expect(Set(log.map(\.policyVersion)) == [h.policies.version])
        #expect(try await h.partnerRecords("woon-test", atLeast: 2).map(\.eventType) == [.taskOffered, .taskRetracted])

        // The filter after a crash that lost its store reads the same events again.
        let again = h.engine(store: try FilterHarness.newStore())
        try await h.deliver(ConsentGiven(consentId: "consent-housing-1", subjectId: testSubject, domain: .housing,
                                         givenAt: Date()), id: "consent-housing", to: again)
        try await h.deliver(housing, id: "assigned-housing", to: again)
        try await h.deliver(TaskRevised(revisionId: "rev-transfer", task: moved, previousDeadline: housing.deadline,
                                        reason: .transferred, revisedAt: Date()), id: "revised-transfer", to: again)
        let replayed = try await logRecords(h, atLeast: 6)
        #expect(replayed.suffix(2).map(\.disclosureId) == log.prefix(2).map(\.disclosureId))
        try expectSchemaConformance(try await h.partnerLog(atLeast: 6))
        await h.close()
    }

    /// The version names what the policies decide: the same set read twice, or written with
    /// other comments and another order, has one version; any change to a field gives another.
    @Test func thePolicyVersionChangesWithWhatThePoliciesDecideOnly() throws {
        let directory = filterRoot.appendingPathComponent("Contracts/policies").path
        let loaded = try PolicySet.load(directory: directory)
        #expect(loaded.version == (try PolicySet.load(directory: directory)).version)
        #expect(loaded.version.wholeMatch(of: /^sha256:[0-9a-f]{64}$/) != nil)
        let reordered = try PolicySet(Array(loaded.policies.values).reversed(), monitoring: loaded.monitoring)
        #expect(reordered.version == loaded.version)
        let text = try String(contentsOfFile: directory + "/housing-corporation.yaml", encoding: .utf8)
        let commented = try PolicySet.parse(yaml: "# another layout\n" + text.replacingOccurrences(of: ": ", with: ":  "),
                                            name: "housing-corporation.yaml")
        var policies = loaded.policies
        policies[.housingCorporation] = commented
        #expect(try PolicySet(Array(policies.values), monitoring: loaded.monitoring).version == loaded.version)
        var wider = try #require(loaded.policies[.housingCorporation])
        wider.fields.insert(.birthDate)
        policies[.housingCorporation] = wider
        #expect(try PolicySet(Array(policies.values), monitoring: loaded.monitoring).version != loaded.version)
        policies[.housingCorporation] = nil
        #expect(try PolicySet(Array(policies.values), monitoring: loaded.monitoring).version != loaded.version)
        // Monitoring's policy counts too: without it, or with one field fewer, the set decides otherwise.
        let monitoring = try #require(loaded.monitoring)
        #expect(try PolicySet(Array(loaded.policies.values)).version != loaded.version)
        var narrower = monitoring
        narrower.fields[.coverage] = nil
        #expect(try PolicySet(Array(loaded.policies.values), monitoring: narrower).version != loaded.version)
    }
}
