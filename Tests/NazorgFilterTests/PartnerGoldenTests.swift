import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

/// One golden file per partner role in Tests/golden/partner-records: the offer a role gets of
/// a task that carries everything (every field of the person, every basisvoorwaarde's
/// content, a remark), and what the disclosure log says of it. A change to a policy or to
/// the filter that changes what a partner receives changes a golden file, so it is seen in
/// review. Synthetic data only. `NAZORG_UPDATE_GOLDEN=1 swift test --filter PartnerGoldenTests`
/// writes them anew.
private let goldenDirectory = filterRoot.appendingPathComponent("Tests/golden/partner-records")

/// The basisvoorwaarde a role's task is about in the golden files.
private let domainOfRole: [PartnerRole: Domain] = [
    .municipalityCoordinator: .network, .housingCorporation: .housing, .socialServices: .income, .debtRelief: .debts,
    .careProvider: .care, .civilAffairs: .id, .probation: .network,
]

/// What DOMAIN.md's field matrix says a role must never receive, as checks on its offer.
private let neverReceives: [PartnerRole: [(String, @Sendable (TaskOffered) -> Bool)]] = [
    .municipalityCoordinator: [("medical detail", { $0.details?.care == nil })],
    .housingCorporation: [("the BSN", { $0.subject.bsn == nil }), ("detention details beyond the date", { $0.subject.prisonCode == nil }),
                          ("health", { $0.details?.care == nil })],
    .socialServices: [("health", { $0.details?.care == nil }), ("detention details", { $0.subject.prisonCode == nil })],
    .debtRelief: [("health", { $0.details?.care == nil }), ("detention details", { $0.subject.prisonCode == nil })],
    .careProvider: [("the BSN", { $0.subject.bsn == nil }), ("other domains' content", { ($0.details?.domains ?? []) == [.care] })],
    .civilAffairs: [("everything else", { ($0.details?.domains ?? []) == [.id] && $0.subject.municipality == nil && $0.remark == nil })],
    .probation: [("health detail", { $0.details?.care == nil })],
]

private func goldenTask(for role: PartnerRole) -> TaskAssigned {
    var task = makeTask(domainOfRole[role], partner: "golden-\(role.rawValue)", role: role, taskId: "task-golden-\(role.rawValue)")
    task.details = everyDetail
    task.remark = sentinelRemark
    task.dueAt = instant("2027-03-15T10:00:00Z")
    task.urgent = true
    return task
}

/// JSON with sorted keys, pretty-printed, one newline at the end.
private func canonical(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self) + "\n"
}

@Suite("Golden partner records per role, held to the field matrix")
struct PartnerGoldenTests {
    @Test func everyRolesOfferIsItsGoldenFileAndRespectsTheMatrix() throws {
        let policies = try PolicySet.load(directory: filterRoot.appendingPathComponent("Contracts/policies").path)
        #expect(Set(policies.policies.keys) == Set(domainOfRole.keys), "every partner role has a golden file")
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"),
                                         logger: .init(label: "golden"))
        let publisher = EventPublisher(producer: producer, source: FilterService.source)
        let update = ProcessInfo.processInfo.environment["NAZORG_UPDATE_GOLDEN"] == "1"
        for role in policies.policies.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            let policy = try #require(policies.policy(for: role))
            let task = goldenTask(for: role)
            let disclosure = PartnerDisclosure(
                task: task, policy: policy, partnerIDs: testPartnerIDs, sourceEventId: "event-golden-\(role.rawValue)",
                trace: try #require(TraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")),
                publisher: publisher, now: instant("2026-12-07T12:00:00Z"))
            let record = try disclosure.partnerRecord()
            let offer = try ContractCoding.decoder().decode(TaskOffered.self, from: Data(record.value))
            for (what, holds) in neverReceives[role] ?? [] {
                #expect(holds(offer), "\(role.rawValue) receives \(what)")
            }
            #expect(offer.remark == nil && !String(decoding: record.value, as: UTF8.self).contains(sentinelRemark))

            let logged = disclosure.logged
            let golden: [String: Any] = [
                "offer": try JSONSerialization.jsonObject(with: Data(record.value)),
                "log": [
                    "processingActivityId": logged.processingActivityId ?? "", "legalBasis": logged.legalBasis?.rawValue ?? "",
                    "disclosedFields": logged.disclosedFields,
                    "transformations": (logged.transformations ?? [:]).mapValues(\.rawValue),
                ] as [String: Any],
            ]
            let text = try canonical(golden)
            let file = goldenDirectory.appendingPathComponent("\(role.rawValue).json")
            if update {
                try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
            }
            let stored = try? String(contentsOf: file, encoding: .utf8)
            #expect(stored == text, "\(role.rawValue): the offer differs from \(file.lastPathComponent); if the change is meant, run with NAZORG_UPDATE_GOLDEN=1 and review the diff")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: goldenDirectory.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(policies.policies.keys.map { "\($0.rawValue).json" }), "a golden file without a policy")
    }
}
