import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let policyDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Contracts/policies").path

/// A random task whose every value is distinctive enough to be found again in a record.
private func randomTask(_ g: inout SeededGenerator, partnerId: String, role: PartnerRole) -> TaskAssigned {
    func word(_ length: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzéëïöü")
        return "Q" + String((0..<length).map { _ in letters[Int.random(in: 0..<letters.count, using: &g)] })
    }
    func date(_ years: ClosedRange<Int>) -> CalendarDate {
        CalendarDate(year: Int.random(in: years, using: &g), month: Int.random(in: 1...12, using: &g),
                     day: Int.random(in: 1...28, using: &g)) ?? CalendarDate(year: 2000, month: 1, day: 1)!
    }
    let release = date(2026...2060)
    let domain = Domain.allCases.randomElement(using: &g) ?? .housing
    // Planning's standard offsets from the release date.
    let offset = [Domain.id: -14, .housing: 0, .income: 0, .care: 0, .debts: 28, .network: 14][domain] ?? 0
    let bsn = String((0..<9).map { _ in Character(String(Int.random(in: 0...9, using: &g))) })
    let person = Person(bsn: bsn, givenName: Bool.random(using: &g) ? word(8) : nil, surname: word(10),
                        birthDate: date(1940...2005))
    return TaskAssigned(taskId: "task-\(UInt64.random(in: 1...UInt64.max, using: &g))", caseId: UUID(),
                        subjectId: (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }.hexString,
                        municipality: ["GM0363", "GM0599", "GM0344", "GM0518"].randomElement(using: &g) ?? "GM0363",
                        prisonCode: "PI-" + word(6).uppercased(), person: person, domain: domain,
                        details: Bool.random(using: &g) ? everyDetail : nil,
                        remark: Bool.random(using: &g) ? sentinelRemark + word(6) : nil, partnerId: partnerId,
                        partnerRole: role, deadline: (try? release.adding(days: offset)) ?? release,
                        dueAt: Bool.random(using: &g) ? Date(timeIntervalSince1970: Double.random(in: 1.8e9...2.5e9, using: &g)) : nil,
                        urgent: Bool.random(using: &g),
                        expectedReleaseDate: Bool.random(using: &g) ? release : nil, assignedAt: Date())
}

/// What an offer and an update both show of a task.
private struct Shown: Decodable {
    var subject: TaskOffered.Subject
    var deadline: CalendarDate?
    var deadlinePrecision: DeadlinePrecision?
    var dueAt: Date?
    var details: NeedDetails?
    var remark: String?
}

/// The ways a date could be written down in a record.
private func spellings(_ date: CalendarDate) -> [String] {
    let compact = date.description.replacingOccurrences(of: "-", with: "")
    let dutch = String(format: "%02d-%02d-%04d", date.day, date.month, date.year)
    return [date.description, compact, dutch]
}

@Suite("Partner records hold nothing outside their policy")
struct PartnerRecordPropertyTests {
    /// For random tasks and every policy, no value the policy does not allow appears in the
    /// partner record's key, headers or body, nor a value derived from one (an exact
    /// deadline without the release date, the hub-wide pseudonym, the case id, the trace).
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func noForbiddenValueReachesAPartnerRecord(seed: UInt64) async throws {
        var g = SeededGenerator(seed: seed)
        let policies = try PolicySet.load(directory: policyDirectory)
        let partnerIDs = try PartnerPseudonymizer(secret: (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) })
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"),
                                         logger: .init(label: "property"))
        let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/filter")
        for _ in 0..<150 {
            for policy in policies.policies.values.sorted(by: { $0.role.rawValue < $1.role.rawValue }) {
                let partnerId = "partner-\(policy.role.rawValue)"
                let task = randomTask(&g, partnerId: partnerId, role: policy.role)
                let trace = TraceParent.random()
                let sourceEventId = "event-\(UInt64.random(in: 1...UInt64.max, using: &g))"
                let disclosure = PartnerDisclosure(task: task, policy: policy, partnerIDs: partnerIDs, sourceEventId: sourceEventId,
                                                   trace: trace, publisher: publisher, now: Date())
                // The offer, and an update of the same task: the same view, the same rules.
                let revision = TaskRevised(revisionId: "rev", task: task, previousDeadline: task.deadline,
                                           reason: .releaseDateChanged, revisedAt: Date())
                let update = PartnerDisclosure.update(revision, PartnerDisclosure.Context(
                    policy: policy, partnerIDs: partnerIDs, sourceEventId: sourceEventId + "-rev", trace: trace,
                    publisher: publisher, now: Date()))
                for message in [disclosure, update] {
                    let record = try message.partnerRecord()
                    var visible = String(decoding: record.value, as: UTF8.self)
                    visible += record.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
                    for header in record.headers { visible += header.key + (header.value.map { String(decoding: $0, as: UTF8.self) } ?? "") }
                    // JSON may escape non-ASCII; compare on the decoded body too.
                    let offer = try ContractCoding.decoder().decode(Shown.self, from: Data(record.value))
                    let context = "seed \(seed), role \(policy.role.rawValue), \(message.message.eventType.rawValue)"
                    // Content: the task's own basisvoorwaarde only, care only to a care provider on
                    // consent, the remark never (no shipped policy allows one), the due moment only
                    // with a deadline to the day.
                    let contentDomains = Set(offer.details?.domains ?? [])
                    #expect(contentDomains.isSubset(of: [task.domain].compactMap { $0 }), "\(context)")
                    #expect(offer.details?.care == nil || (policy.role == .careProvider && policy.needsConsent), "\(context)")
                    #expect(offer.remark == nil && !visible.contains(sentinelRemark), "\(context): the remark reached the partner")
                    #expect(offer.dueAt == nil || policy.deadline == .day, "\(context): the due moment without a deadline to the day")
                    if let details = task.details, let domain = task.domain, policy.details.contains(domain) {
                        #expect(offer.details == details.only(domain), "\(context): allowed details were dropped")
                    }

                    var forbidden: [String] = [task.subjectId, task.caseId.uuidString.lowercased(), task.caseId.uuidString,
                                               trace.traceID, trace.spanID]
                    if !policy.fields.contains(.bsn) { forbidden.append(task.person.bsn) }
                    if !policy.fields.contains(.surname) { forbidden.append(task.person.surname) }
                    if !policy.fields.contains(.givenName), let given = task.person.givenName { forbidden.append(given) }
                    if !policy.fields.contains(.birthDate) { forbidden += spellings(task.person.birthDate) }
                    if !policy.fields.contains(.prisonCode) { forbidden.append(task.prisonCode) }
                    if !policy.fields.contains(.municipality) { forbidden.append(task.municipality) }
                    if !policy.fields.contains(.expectedReleaseDate), let release = task.expectedReleaseDate {
                        // The deadline is release + a fixed offset: exact, it gives the release date away.
                        #expect(offer.deadlinePrecision != .day, "\(context): exact deadline without the release date")
                        // A coarsened deadline may equal the release day by coincidence (release on the 1st,
                        // offset 0) without revealing it; every other place must not hold the date.
                        var elsewhere = visible
                        if let deadline = offer.deadline { elsewhere = elsewhere.replacingOccurrences(of: "\"deadline\":\"\(deadline)\"", with: "") }
                        for spelling in spellings(release) {
                            #expect(!elsewhere.contains(spelling), "\(context): the release date reached the partner record")
                        }
                    }
                    for value in forbidden {
                        #expect(!visible.contains(value), "\(context): a forbidden value reached the partner record")
                    }
                    let names = [offer.subject.givenName, offer.subject.surname].compactMap { $0 }
                    #expect(policy.fields.contains(.surname) || offer.subject.surname == nil, "\(context)")
                    #expect(policy.fields.contains(.givenName) || offer.subject.givenName == nil, "\(context)")
                    #expect(names.allSatisfy { $0 == task.person.givenName || $0 == task.person.surname })
                    if offer.subject.subjectId != nil {
                        #expect(offer.subject.subjectId == partnerIDs.subject(task.subjectId, for: partnerId))
                    }
                    #expect(record.headers.text(CloudEventHeader.subject) == nil, "\(context)")
                    #expect(!record.headers.contains { $0.key.hasPrefix("nazorg_") }, "\(context)")
                    // The log names exactly what was disclosed.
                    let present = Set(message.logged.disclosedFields)
                    var expected = ["taskId", "taskType", "domain", "urgent"] + offer.subject.presentFieldNames
                    if message.offered == nil { expected.append("reason") }
                    if offer.dueAt != nil { expected.append("dueAt") }
                    if offer.deadline != nil { expected += ["deadline", "deadlinePrecision"] }
                    expected += (offer.details?.domains ?? []).map { "details.\($0.rawValue)" }
                    #expect(present == Set(expected), "\(context)")
                    #expect(message.logged.partnerTraceId != trace.traceID)
                }

                // The same task for another partner shares no identifier with this one.
                let other = PartnerDisclosure(task: task, policy: policy, partnerIDs: partnerIDs, sourceEventId: sourceEventId,
                                              trace: trace, publisher: publisher, now: Date())
                let otherPartner = PartnerDisclosure(
                    task: { var t = task; t.partnerId = partnerId + "-2"; return t }(), policy: policy, partnerIDs: partnerIDs,
                    sourceEventId: sourceEventId, trace: trace, publisher: publisher, now: Date())
                #expect(other.partnerSubjectId == disclosure.partnerSubjectId && other.partnerTrace == disclosure.partnerTrace)
                #expect(otherPartner.partnerSubjectId != disclosure.partnerSubjectId)
                #expect(otherPartner.partnerTrace.traceID != disclosure.partnerTrace.traceID)
                #expect(otherPartner.offered?.offerId != disclosure.offered?.offerId)
            }
        }
        // Records were only built, never sent: the producer has nothing to flush.
        await producer.close(timeout: .milliseconds(100))
    }
}
