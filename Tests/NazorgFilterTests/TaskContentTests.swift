import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

/// Content of every basisvoorwaarde, each with a distinctive value, and a remark that must never leave.
let everyDetail = NeedDetails(id: IDDetails(validDocumentPresent: false, documentType: .residenceDocument),
                              housing: HousingDetails(currentSituation: .shelter, tenancyAtRisk: true, wishesMunicipality: "GM0599"),
                              income: IncomeDetails(benefit: .suspended, employment: .jobOffer),
                              debts: DebtDetails(debtsKnown: true, estimatedRange: .above20000, underAdministration: true),
                              care: CareDetails(indicationPresent: true, careTypes: [.addiction, .intellectualDisability]),
                              network: NetworkDetails(contactPersonAvailable: true))
let sentinelRemark = "SENTINEL-REMARK-zwx"

private func withContent(_ task: TaskAssigned) -> TaskAssigned {
    var task = task
    task.details = everyDetail
    task.remark = sentinelRemark
    return task
}

@Suite("Structured content by policy", .serialized)
struct TaskContentTests {
    @Test func anOfferCarriesOnlyItsOwnBasisvoorwaardesDetailsAndNeverTheRemark() async throws {
        let h = try FilterHarness()
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()), id: "consent")
        var housing = withContent(makeTask(.housing, partner: "woon-test", role: .housingCorporation))
        housing.urgent = true
        try await h.deliver(housing, id: "assigned-housing")
        let record = try #require(try await h.partnerRecords("woon-test", atLeast: 1).first)
        let offer = try TaskOffered.decodedJSON(Data(record.value))
        #expect(offer.details == NeedDetails(housing: everyDetail.housing))
        #expect(offer.remark == nil && offer.urgent && offer.taskType == .deliver)
        for foreign in [sentinelRemark, "addiction", "above-20000", "job-offer", "residence-document"] {
            #expect(!record.text.contains(foreign), "content of another basisvoorwaarde or the remark reached the partner")
        }
        let logged = try DisclosureLogged.decodedJSON(Data(try #require(try await h.partnerLog(atLeast: 1).first).value))
        #expect(logged.disclosedFields.contains("details.housing") && !logged.disclosedFields.contains("remark"))
        #expect(logged.disclosedEventType == .taskOffered)
        await h.close()
    }

    @Test func careDetailsReachOnlyTheCareProviderAndOnlyOnConsent() async throws {
        let h = try FilterHarness()
        // The coordinator screens an unknown care need: it may see that, not the health data.
        let screening = withContent(makeTask(.care, partner: "gemeente-test", role: .municipalityCoordinator,
                                             taskId: "task-screen-care", taskType: .screen))
        try await h.deliver(screening, id: "assigned-screen")
        let care = withContent(makeTask(.care, partner: "zorg-test", role: .careProvider))
        try await h.deliver(care, id: "assigned-care")
        #expect(try await h.store.parkedCount() == 1)  // no consent yet: nothing goes
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .care, givenAt: Date()), id: "consent")

        let toCoordinator = try #require(try await h.partnerRecords("gemeente-test", atLeast: 1).first)
        let screen = try TaskOffered.decodedJSON(Data(toCoordinator.value))
        #expect(screen.taskType == .screen && screen.details == nil && !toCoordinator.text.contains("addiction"))
        let toCare = try #require(try await h.partnerRecords("zorg-test", atLeast: 1).first)
        let offered = try TaskOffered.decodedJSON(Data(toCare.value))
        #expect(offered.details == NeedDetails(care: everyDetail.care))
        #expect(!toCare.text.contains(sentinelRemark))
        await h.close()
    }

    @Test func policiesRefuseCareContentForAnyRoleButACareProviderOnConsent() throws {
        func parse(_ role: String, basis: String = "consent", details: String = "[]", remarks: String = "[]",
                   types: String = "[TaskOffered, TaskUpdated, TaskCancelled, TaskRetracted]") throws -> PartnerPolicy {
            try PolicySet.parse(yaml: """
                role: \(role)
                processingActivity: {id: X, purpose: Y}
                legalBasis: \(basis)
                eventTypes: \(types)
                fields: [surname]
                details: \(details)
                remarks: \(remarks)
                """, name: "t")
        }
        #expect(throws: ConfigurationError.self) { try parse("housing-corporation", details: "[housing, care]") }
        #expect(throws: ConfigurationError.self) { try parse("municipality-coordinator", basis: "public-task", details: "[care]") }
        #expect(throws: ConfigurationError.self) { try parse("care-provider", basis: "public-task", details: "[care]") }
        #expect(throws: ConfigurationError.self) { try parse("social-services", remarks: "[care]") }
        #expect(try parse("care-provider", details: "[care]").details == [.care])
        // Planning's event is not what a partner receives, an unknown name is refused, and a
        // partner that may be offered a task must hear when to stop or delete.
        #expect(throws: ConfigurationError.self) { try parse("debt-relief", types: "[TaskAssigned]") }
        #expect(throws: ConfigurationError.self) { try parse("debt-relief", types: "[TaskOffered, TaskCancelled, TaskRetracted, TaskExploded]") }
        #expect(throws: ConfigurationError.self) { try parse("debt-relief", types: "[TaskOffered, TaskCancelled]") }
        #expect(throws: ConfigurationError.self) { try parse("debt-relief", details: "[wealth]") }

        let shipped = try PolicySet.load(directory: filterRoot.appendingPathComponent("Contracts/policies").path)
        for policy in shipped.policies.values {
            #expect(policy.remarks.isEmpty, "\(policy.role.rawValue) gets remarks")
            #expect(!policy.details.contains(.care) || policy.role == .careProvider)
            #expect(policy.eventTypes == Set(PartnerPolicy.partnerEventTypes))
        }
    }

    @Test func aTaskWithoutBasisvoorwaardeIsDeniedUnderConsentAndGoesToTheCoordinatorWithItsDueTime() async throws {
        let h = try FilterHarness()
        let due = instant("2027-03-17T10:00:00.000Z")
        // A deliver task without domain for a consent role: consent is per basisvoorwaarde, so no.
        try await h.deliver(makeTask(nil, partner: "woon-test", role: .housingCorporation, taskId: "task-nodomain"), id: "assigned-nodomain")
        // First contact to someone other than the coordinator: no policy governs it.
        try await h.deliver(makeTask(nil, partner: "id-test", role: .civilAffairs, taskId: "task-fc-wrong", taskType: .firstContact),
                            id: "assigned-fc-wrong")
        var firstContact = makeTask(nil, partner: "gemeente-test", role: .municipalityCoordinator, taskId: "task-fc",
                                    taskType: .firstContact)
        firstContact.dueAt = due
        firstContact.urgent = true
        try await h.deliver(firstContact, id: "assigned-fc")
        // A marker behind the refused ones on the same topics.
        try await h.deliver(makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-marker"), id: "assigned-marker")
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()), id: "consent")
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-marker-2"),
                            id: "assigned-marker-2")

        let offer = try TaskOffered.decodedJSON(Data(try #require(try await h.partnerRecords("gemeente-test", atLeast: 1).first).value))
        #expect(offer.taskType == .firstContact && offer.domain == nil && offer.dueAt == due && offer.urgent)
        let civil = try await h.partnerRecords("id-test", atLeast: 1)
        #expect(try civil.map { try TaskOffered.decodedJSON(Data($0.value)).taskId } == ["task-marker"])
        let housing = try await h.partnerRecords("woon-test", atLeast: 1)
        #expect(try housing.map { try TaskOffered.decodedJSON(Data($0.value)).taskId } == ["task-marker-2"])
        #expect(try await h.store.parkedCount() == 0)
        let reports = try await h.read(Topics.partnerStatus, atLeast: 2)
        let undeliverable = try reports.map { try TaskStatusChanged.decodedJSON(Data($0.value)) }.filter { $0.status == .undeliverable }
        #expect(Set(undeliverable.map(\.taskId)) == ["task-nodomain", "task-fc-wrong"])
        await h.close()
    }

    /// Derived values stay as protected as their source: the exact due moment goes only
    /// with a deadline to the day.
    @Test func theDueMomentGoesOnlyWhereTheDeadlineGoesToTheDay() async throws {
        let h = try FilterHarness()
        var debts = makeTask(.debts, partner: "schuld-test", role: .debtRelief)
        debts.dueAt = instant("2027-04-12T10:00:00.000Z")
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .debts, givenAt: Date()), id: "consent")
        try await h.deliver(debts, id: "assigned-debts")
        let record = try #require(try await h.partnerRecords("schuld-test", atLeast: 1).first)
        let offer = try TaskOffered.decodedJSON(Data(record.value))
        #expect(offer.dueAt == nil && offer.deadlinePrecision == .month && !record.text.contains("2027-04-12"))
        await h.close()
    }
}
