import NazorgContracts
import NazorgRuntime
import Testing

@Suite struct TopicCatalogueTests {
    @Test func catalogueHasEveryContractTopicWithTheContractsPartitions() throws {
        let directory = try PartnerDirectory(partners: [
            .init(id: "woon-a", name: "A", role: .housingCorporation, domains: [.housing], municipalities: ["*"], webhook: nil),
        ])
        let specs = TopicCatalogue.specifications(partners: directory, replicationFactor: 3)
        let byName = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
        #expect(Set(byName.keys) == Set(Topics.all + [Topics.partnerTasks("woon-a")]))
        #expect(byName[Topics.intakeNotices]?.partitions == 12)
        #expect(byName[Topics.partnerTasks("woon-a")]?.partitions == 3)
        #expect(byName[Topics.deadLetter]?.partitions == 3)
        #expect(byName[Topics.filterDisclosures]?.settings["retention.ms"] == "-1")
        #expect(TopicCatalogue.specifications(partners: nil, partitions: 2, replicationFactor: 1).allSatisfy { $0.partitions == 2 })
    }
}
