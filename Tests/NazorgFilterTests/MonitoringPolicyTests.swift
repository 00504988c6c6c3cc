import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

/// The harness's partner policies with `monitoring` for monitoring's.
private func engine(_ h: FilterHarness, monitoring: MonitoringPolicy?) throws -> FilterEngine {
    FilterEngine(policies: try PolicySet(Array(h.policies.policies.values), monitoring: monitoring),
                 store: try FilterHarness.newStore(), publisher: h.publisher, partnerIDs: testPartnerIDs, logger: filterTestLogger)
}

@Suite("Monitoring receives its data through a policy, under identifiers of its own", .serialized)
struct MonitoringPolicyTests {
    /// What monitoring sees of a task is what its policy lists: identifiers under its own key
    /// (not the hub's, not the partner's), codes as they are, the rest dropped; the record's
    /// key, subject and trace are monitoring's too. A later status of the same task carries
    /// the same pseudonyms, so monitoring's read model can still follow it.
    @Test func monitoringSeesOnlyItsPolicysFieldsUnderItsOwnIdentifiers() async throws {
        let h = try FilterHarness()
        var narrow = try #require(h.policies.monitoring)
        narrow.fields[.partnerId] = nil
        let engine = try engine(h, monitoring: narrow)
        let task = makeTask(.id, partner: "id-test", role: .civilAffairs)
        let trace = TraceParent.random()
        try await h.deliver(task, id: "assigned-id", trace: trace, to: engine)
        try await h.deliver(TaskStatusChanged(taskId: task.taskId, caseId: testCase, subjectId: testSubject, partnerId: "id-test",
                                              domain: .id, status: .accepted, changedAt: Date()),
                            id: "status-accepted", to: engine)
        let feed = try await h.read(Topics.monitoringFeed, atLeast: 2)
        let observed = try feed.map { try FlowObserved.decodedJSON(Data($0.value)) }
        let offer = try ReceivedEvent(record: try #require(try await h.partnerRecords("id-test", atLeast: 1).first))
            .decode(TaskOffered.self)
        let keys = MonitoringIdentifiers(partnerIDs: testPartnerIDs)
        let assigned = try #require(observed.first { $0.sourceEventType == .taskAssigned })
        #expect(assigned.subjectId == keys.subject(testSubject))
        #expect(assigned.subjectId != testSubject && assigned.subjectId != testPartnerIDs.subject(testSubject, for: "id-test"))
        #expect(assigned.taskId != nil && assigned.taskId != task.taskId && assigned.taskId != offer.taskId)
        #expect(assigned.caseId != nil && assigned.caseId != testCase)
        #expect(assigned.observationId != "assigned-id")
        #expect(assigned.partnerId == nil, "the narrowed policy does not list partnerId")
        #expect(assigned.domain == .id && assigned.municipality == "GM0363")
        let status = try #require(observed.first { $0.sourceEventType == .taskStatusChanged })
        #expect(status.taskId == assigned.taskId && status.caseId == assigned.caseId && status.status == .accepted)
        for record in feed {
            let seen = record.text + (record.key.map { String(decoding: $0, as: UTF8.self) } ?? "")
                + record.headers.map { String(decoding: $0.value ?? [], as: UTF8.self) }.joined()
            for hubValue in [testSubject, testCase.uuidString.lowercased(), task.taskId, trace.traceID, "999990019", "Testpersoon"] {
                #expect(!seen.contains(hubValue), "the monitoring feed carries a hub identifier or personal data")
            }
            #expect(record.key.map { String(decoding: $0, as: UTF8.self) } == keys.subject(testSubject))
        }
        try expectSchemaConformance(feed)

        // Each observation has its disclosure-log record, as a partner's message has: to
        // rcn-monitoring, on statistics, naming the fields sent and how they were changed.
        let log = try await readTopic(h.cluster.bootstrapServers, Topics.filterDisclosures) {
            $0.filter { withoutMonitoring([$0]).isEmpty }.count >= 2
        }
        let monitoring = try log.filter { withoutMonitoring([$0]).isEmpty }.map { try DisclosureLogged.decodedJSON(Data($0.value)) }
        #expect(monitoring.map(\.sourceEventId) == ["assigned-id", "status-accepted"])
        for (logged, record) in zip(monitoring, feed) {
            #expect(logged.receiverId == "rcn-monitoring" && logged.legalBasis == .statistics && logged.status == .disclosed)
            #expect(logged.disclosedEventType == .flowObserved && logged.subjectId == testSubject)
            #expect(logged.processingActivityId == narrow.processingActivityId && logged.policyVersion != nil)
            #expect(!logged.disclosedFields.contains("partnerId") && logged.disclosedFields.contains("taskId"))
            #expect(logged.transformations?["subjectId"] == .pseudonymise && logged.transformations?["taskId"] == .pseudonymise)
            #expect(logged.transformations?["domain"] == nil)
            #expect(logged.partnerTraceId == (try ReceivedEvent(record: record).envelope.traceparent.traceID))
        }
        try expectSchemaConformance(log)
        await h.close()
    }

    /// Without a monitoring policy the filter sends monitoring nothing (default deny), and
    /// partners are served as before.
    @Test func withoutAPolicyMonitoringGetsNothing() async throws {
        let h = try FilterHarness()
        let engine = try engine(h, monitoring: nil)
        try await h.deliver(makeTask(.id, partner: "id-test", role: .civilAffairs), id: "assigned-id", to: engine)
        #expect(try await h.partnerRecords("id-test", atLeast: 1).count == 1)
        #expect(try await h.read(Topics.monitoringFeed, atLeast: 0, timeout: .seconds(2)).isEmpty)
        let log = try await h.read(Topics.filterDisclosures, atLeast: 1)
        #expect(withoutMonitoring(log).count == log.count, "no disclosure to monitoring is logged without its policy")
        await h.close()
    }

    /// The policy file is checked like a partner's: statistics only, the person always
    /// pseudonymised, no identifier passed, no code pseudonymised.
    @Test func thePolicyRefusesWhatWouldIdentify() throws {
        let loaded = try #require(try PolicySet.load(directory: filterRoot.appendingPathComponent("Contracts/policies").path).monitoring)
        #expect(loaded.legalBasis == .statistics && loaded.fields[.subjectId] == .pseudonymise)
        #expect(MonitoringPolicy.identifiers.allSatisfy { loaded.fields[$0] == .pseudonymise })
        let refused: [(DisclosureLogged.LegalBasis, [MonitoringPolicy.Field: MonitoringPolicy.Treatment])] = [
            (.consent, [.subjectId: .pseudonymise]),
            (.statistics, [:]),
            (.statistics, [.subjectId: .pass]),
            (.statistics, [.subjectId: .pseudonymise, .caseId: .pass]),
            (.statistics, [.subjectId: .pseudonymise, .municipality: .pseudonymise]),
        ]
        for (basis, fields) in refused {
            #expect(throws: ConfigurationError.self) {
                try MonitoringPolicy(processingActivityId: "PA-TEST", purpose: "test", legalBasis: basis, fields: fields)
            }
        }
    }
}
