import Crypto
import Foundation
import NazorgContracts
import NazorgKafka
@testable import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

/// A copy of the contract's policies to change.
private func policyCopy() throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("policies-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: filterRoot.appendingPathComponent("Contracts/policies").path, toPath: directory)
    return directory
}

private func rewrite(_ directory: String, _ file: String, _ change: (String) -> String) throws {
    let path = directory + "/" + file
    try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
}

private func decodedLog(_ records: [ConsumerRecord]) throws -> (activations: [PolicyActivated], logged: [DisclosureLogged]) {
    (try records.filter { $0.eventType == .policyActivated }.map { try ReceivedEvent(record: $0).decode(PolicyActivated.self) },
     try records.filter { $0.eventType == .disclosureLogged }.map { try ReceivedEvent(record: $0).decode(DisclosureLogged.self) })
}

@Suite("Policies change without a restart, whole and on the record", .serialized)
struct PolicyReloadTests {
    /// The start set is recorded before anything is decided under it; a changed file is read,
    /// recorded (version, previous version, the files' hashes, who) and used from then on; a
    /// change that does not validate, or changes no decision, records nothing and changes
    /// nothing.
    @Test func aChangedPolicyIsRecordedThenUsedAndABrokenOneChangesNothing() async throws {
        let h = try FilterHarness()
        let directory = try policyCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let initial = try PolicyDirectory.read(directory)
        let store = PolicyStore(initial.set, logged: false)
        let engine = FilterEngine(policyStore: store, store: try FilterHarness.newStore(), publisher: h.publisher,
                                  partnerIDs: testPartnerIDs, logger: filterTestLogger)
        let watcher = PolicyWatcher(initial: initial, store: store, producer: h.producer, publisher: h.publisher,
                                    interval: .milliseconds(100), logger: filterTestLogger)
        try await withServices([watcher]) {
            try await h.deliver(ConsentGiven(consentId: "c-housing", subjectId: testSubject, domain: .housing, givenAt: Date()),
                                id: "consent", to: engine)
            try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-1"),
                                id: "assigned-1", to: engine)
            var records = try await h.partnerLog(atLeast: 2)
            var log = try decodedLog(records)
            #expect(records.first?.eventType == .policyActivated, "the set is on the log before a record names it")
            let start = try #require(log.activations.first)
            #expect(start.trigger == .start && start.policyVersion == initial.set.version && start.previousVersion == nil)
            #expect(start.files.map(\.name) == initial.files.map(\.name) && start.files.count == 8)
            #expect(start.files.contains { $0.name == "rcn-monitoring.yaml" && $0.role == .rcnMonitoring })
            let housingBytes = try #require(FileManager.default.contents(atPath: directory + "/housing-corporation.yaml"))
            #expect(start.files.first { $0.role == .housingCorporation }?.sha256 == SHA256.hash(data: housingBytes).hexString)
            let me = String(cString: getpwuid(getuid()).pointee.pw_name)
            #expect(start.activatedBy == me)
            #expect(log.logged.first?.policyVersion == initial.set.version)
            #expect(log.logged.first?.disclosedFields.contains("subject.surname") == true)

            // Housing corporations no longer get the surname.
            try rewrite(directory, "housing-corporation.yaml") {
                $0.replacingOccurrences(of: "fields: [givenName, surname,", with: "fields: [givenName,")
            }
            try await waitUntil("the change is recorded", timeout: .seconds(60)) {
                try decodedLog(withoutMonitoring(try await drainTopic(h.cluster.bootstrapServers, Topics.filterDisclosures, quiet: .milliseconds(300))))
                    .activations.count == 2
            }
            let changed = try #require(try decodedLog(try await h.partnerLog(atLeast: 3)).activations.last)
            #expect(changed.trigger == .fileChange && changed.previousVersion == initial.set.version)
            #expect(changed.policyVersion != initial.set.version && changed.policyVersion == store.current.version)
            try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-2"),
                                id: "assigned-2", to: engine)
            let offers = try await h.partnerRecords("woon-test", atLeast: 2).map { try TaskOffered.decodedJSON(Data($0.value)) }
            #expect(offers.map(\.subject.surname) == [testPerson.surname, nil])

            // Housing's surname back, but debt relief broken in the same change: nothing of it
            // is used, nothing recorded, until the whole directory validates again.
            try rewrite(directory, "housing-corporation.yaml") {
                $0.replacingOccurrences(of: "fields: [givenName,", with: "fields: [givenName, surname,")
            }
            try rewrite(directory, "debt-relief.yaml") {
                $0.replacingOccurrences(of: "fields: [bsn, givenName, surname, municipality]",
                                        with: "fields: [bsn, givenName, surname, municipality, offence]")
            }
            // Once the watcher has looked at the broken directory and refused it, a task is
            // still decided under the set in force.
            let broken = try #require(PolicyDirectory.fingerprint(directory))
            try await waitUntil("the watcher refused the broken directory", timeout: .seconds(60)) {
                store.lastRefusedFingerprint == broken
            }
            try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-3"),
                                id: "assigned-3", to: engine)
            #expect(store.current.version == changed.policyVersion)
            // Debt relief repaired (with a comment): the set is the start set again, recorded as a change.
            try rewrite(directory, "debt-relief.yaml") {
                "# reviewed\n" + $0.replacingOccurrences(of: ", offence]", with: "]")
            }
            try await waitUntil("the repaired set is recorded", timeout: .seconds(60)) { store.current.version == initial.set.version }
            try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-4"),
                                id: "assigned-4", to: engine)
            let all = try await h.partnerRecords("woon-test", atLeast: 4).map { try TaskOffered.decodedJSON(Data($0.value)) }
            #expect(all.map(\.subject.surname) == [testPerson.surname, nil, nil, testPerson.surname])
            records = withoutMonitoring(try await drainTopic(h.cluster.bootstrapServers, Topics.filterDisclosures))
            log = try decodedLog(records)
            #expect(log.activations.map(\.trigger) == [.start, .fileChange, .fileChange])
            #expect(log.activations.last?.previousVersion == changed.policyVersion)
            #expect(log.logged.map(\.policyVersion)
                    == [initial.set.version, changed.policyVersion, changed.policyVersion, initial.set.version])
            try expectSchemaConformance(records)
        }
        await h.close()
    }

    /// A batch is decided under the set in force when it was prepared, even if another is put
    /// in force while it is staged; the next batch takes the new one.
    @Test func aBatchIsDecidedWhollyUnderOneVersion() async throws {
        let h = try FilterHarness()
        let store = PolicyStore(h.policies)
        let engine = FilterEngine(policyStore: store, store: try FilterHarness.newStore(), publisher: h.publisher,
                                  partnerIDs: testPartnerIDs, logger: filterTestLogger)
        var narrower = h.policies.policies
        narrower[.civilAffairs]?.fields.remove(.bsn)
        let next = try PolicySet(Array(narrower.values), monitoring: h.policies.monitoring)
        let events = try ["id-1", "id-2"].map { id in
            let record = try h.publisher.record(makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-\(id)"),
                                                topic: "input", key: testSubject, id: id, subject: testSubject, trace: .random())
            return try ReceivedEvent(record: ConsumerRecord(topic: "input", partition: 0, offset: 0, key: record.key,
                                                        value: record.value, headers: record.headers, timestampMilliseconds: nil))
        }
        var staged = StagedRecords()
        try await engine.prepare(events)
        _ = try await engine.stage(events[0], into: &staged)
        store.activate(next)
        _ = try await engine.stage(events[1], into: &staged)
        let first = try staged.builtAudit().map { try DisclosureLogged.decodedJSON(Data($0.value)) }
            .filter { $0.receiverRole != .rcnMonitoring }
        #expect(first.map(\.policyVersion) == [h.policies.version, h.policies.version])
        #expect(first.allSatisfy { $0.disclosedFields.contains("subject.bsn") })

        var later = StagedRecords()
        let third = try h.publisher.record(makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-id-3"),
                                           topic: "input", key: testSubject, id: "id-3", subject: testSubject, trace: .random())
        let event = try ReceivedEvent(record: ConsumerRecord(topic: "input", partition: 0, offset: 0, key: third.key,
                                                         value: third.value, headers: third.headers, timestampMilliseconds: nil))
        try await engine.prepare([event])
        _ = try await engine.stage(event, into: &later)
        let second = try later.builtAudit().map { try DisclosureLogged.decodedJSON(Data($0.value)) }
            .filter { $0.receiverRole != .rcnMonitoring }
        // Monitoring's records name the batch's version too.
        #expect(try later.builtAudit().map { try DisclosureLogged.decodedJSON(Data($0.value)).policyVersion }
                .allSatisfy { $0 == next.version })
        #expect(second.map(\.policyVersion) == [next.version])
        #expect(second.allSatisfy { !$0.disclosedFields.contains("subject.bsn") })
        await h.close()
    }

    /// Start-up refuses a policy with a key it does not know, naming file and key.
    @Test func aMisspeltKeyIsRefused() throws {
        let text = try String(contentsOfFile: filterRoot.appendingPathComponent("Contracts/policies/debt-relief.yaml").path,
                              encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try PolicySet.parse(yaml: text + "remark: [debts]\n", name: "debt-relief.yaml") }
        do {
            _ = try PolicySet.parse(yaml: text.replacingOccurrences(of: "  purpose:", with: "  purpse:"), name: "debt-relief.yaml")
            Issue.record("a misspelt key inside processingActivity was accepted")
        } catch let error as ConfigurationError {
            #expect(error.message.contains("debt-relief.yaml") && error.message.contains("purpse"))
        }
    }
}

/// The policy JSON Schema (Contracts/config/partner-policy.json) and the filter say the same
/// no: each broken policy below is refused by both, and the shipped ones pass both.
@Suite struct PolicySchemaTests {
    @Test func theFilterAndThePolicySchemaRefuseTheSamePolicies() throws {
        func policy(_ name: String) throws -> String {
            try String(contentsOfFile: filterRoot.appendingPathComponent("Contracts/policies/\(name).yaml").path, encoding: .utf8)
        }
        let housing = try policy("housing-corporation")
        let monitoring = try policy("rcn-monitoring")
        let broken: [String: (text: String, change: (String) -> String)] = [
            "unknown-key": (housing, { $0 + "remark: [housing]\n" }),
            "unknown-field": (housing, { $0.replacingOccurrences(of: "fields: [givenName,", with: "fields: [offence, givenName,") }),
            "planning-event": (housing, {
                $0.replacingOccurrences(of: "eventTypes: [TaskOffered,", with: "eventTypes: [TaskAssigned, TaskOffered,")
            }),
            "legal-basis": (housing, { $0.replacingOccurrences(of: "legalBasis: consent", with: "legalBasis: gut-feeling") }),
            "role": (housing, { $0.replacingOccurrences(of: "role: housing-corporation", with: "role: landlord") }),
            "offer-without-retraction": (housing, { $0.replacingOccurrences(of: ", TaskRetracted]", with: "]") }),
            "deadline": (housing, { $0.replacingOccurrences(of: "deadline: day", with: "deadline: hour") }),
            "no-purpose": (housing, { $0.replacingOccurrences(of: "  purpose:", with: "  reason:") }),
            "monitoring-passes-subject": (monitoring, {
                $0.replacingOccurrences(of: "subjectId: pseudonymise", with: "subjectId: pass")
            }),
            "monitoring-passes-task": (monitoring, { $0.replacingOccurrences(of: "taskId: pseudonymise", with: "taskId: pass") }),
            "monitoring-without-subject": (monitoring, { $0.replacingOccurrences(of: "  subjectId: pseudonymise\n", with: "") }),
            "monitoring-pseudonymises-code": (monitoring, {
                $0.replacingOccurrences(of: "municipality: pass", with: "municipality: pseudonymise")
            }),
            "monitoring-unknown-field": (monitoring, { $0 + "  surname: pass\n" }),
            "monitoring-on-consent": (monitoring, { $0.replacingOccurrences(of: "legalBasis: statistics", with: "legalBasis: consent") }),
            "monitoring-tasks": (monitoring, {
                $0.replacingOccurrences(of: "eventTypes: [FlowObserved]", with: "eventTypes: [FlowObserved, TaskOffered]")
            }),
            "monitoring-partner-fields": (monitoring, { $0 + "fields: [bsn]\n" }),
            "transform-a-name": (housing, { $0 + "transform:\n  /subject/surname: generalise-year\n" }),
            "transform-unknown-treatment": (housing, { $0 + "transform:\n  /subject/expectedReleaseDate: blur\n" }),
            "transform-required-content": (housing, { $0 + "transform:\n  /details/housing/currentSituation: drop\n" }),
            "transform-not-a-pointer": (housing, { $0 + "transform:\n  expectedReleaseDate: generalise-month\n" }),
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broken-policies-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, (text, change)) in broken.sorted(by: { $0.key < $1.key }) {
            let changed = change(text)
            #expect(changed != text, "\(name) changes the policy")
            #expect(throws: ConfigurationError.self, "the filter accepts \(name)") {
                try PolicySet.parseDocument(yaml: changed, name: "\(name).yaml")
            }
            let one = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
            try changed.write(to: one.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
            #expect(try validatePolicies(one.path) != 0, "the schema accepts \(name)")
        }
        #expect(try validatePolicies(filterRoot.appendingPathComponent("Contracts/policies").path) == 0)
    }

    private func validatePolicies(_ directory: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", filterRoot.appendingPathComponent("Tests/contracts/validate.py").path, "policies", directory]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
