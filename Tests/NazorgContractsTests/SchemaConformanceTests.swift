import Foundation
import NazorgContracts
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct SchemaConformanceTests {
    /// Every event type, decoded by the Swift types and encoded again by the same encoder
    /// the services use, validates against its JSON Schema (Python jsonschema).
    @Test func swiftEncodingOfEveryEventTypeValidatesAgainstItsSchema() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-contracts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        for type in EventType.allCases {
            let example = repositoryRoot.appendingPathComponent("Contracts/examples/\(type.rawValue)-example.json")
            let data = try Data(contentsOf: example)
            let encoded = try reencode(type, data)
            try encoded.write(to: out.appendingPathComponent("\(type.rawValue)-swift.json"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/contracts/validate.py").path, "events", out.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Every example file, variants included (`Released-unannounced-example.json`), decodes
    /// into its Swift type and encodes back to the same JSON: no field of the schema is lost
    /// or added on the way, so the Swift types and the schemas say the same thing.
    @Test func everyExampleSurvivesADecodeAndEncodeRoundTrip() throws {
        let directory = repositoryRoot.appendingPathComponent("Contracts/examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count > EventType.allCases.count, "the variants of the notices are there")
        for file in files {
            let type = try #require(EventType(rawValue: String(file.prefix { $0 != "-" })), "\(file) names no event type")
            let original = try Data(contentsOf: directory.appendingPathComponent(file))
            let encoded = try reencode(type, original)
            let before = canonical(try JSONSerialization.jsonObject(with: original)) as? NSDictionary
            let after = canonical(try JSONSerialization.jsonObject(with: encoded)) as? NSDictionary
            #expect(before != nil && before == after,
                    "\(file) changed on the round trip: \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    @Test func aReleaseDayIsTheDayInAmsterdam() throws {
        let person = Person(bsn: "999990019", givenName: nil, surname: "Testpersoon", birthDate: try #require(CalendarDate(year: 1990, month: 1, day: 1)))
        func day(_ moment: String) throws -> CalendarDate {
            Released(noticeId: "n", subjectId: String(repeating: "0a", count: 16), municipality: "GM0363", prisonCode: "PI-TEST",
                     person: person, reportedAt: Date(), releasedAt: try #require(ContractCoding.parseTimestamp(moment)),
                     releaseType: .endOfSentence, unannounced: false).releaseDate
        }
        #expect(try day("2026-11-23T22:59:59Z") == CalendarDate(year: 2026, month: 11, day: 23))
        #expect(try day("2026-11-23T23:00:00Z") == CalendarDate(year: 2026, month: 11, day: 24))
        // Summer time: UTC+2.
        #expect(try day("2027-06-30T21:59:00Z") == CalendarDate(year: 2027, month: 6, day: 30))
        #expect(try day("2027-06-30T22:00:00Z") == CalendarDate(year: 2027, month: 7, day: 1))
    }

    @Test func aDateChangeKnowsItsDirection() throws {
        let march = try #require(CalendarDate(year: 2027, month: 3, day: 15))
        let february = try #require(CalendarDate(year: 2027, month: 2, day: 22))
        #expect(ReleaseDateChanged.Direction(from: march, to: february) == .earlier)
        #expect(ReleaseDateChanged.Direction(from: february, to: march) == .later)
        #expect(ReleaseDateChanged.Direction(from: march, to: march) == nil)
    }

    @Test func municipalityTableMatchesTheCSV() throws {
        let csv = try String(contentsOf: repositoryRoot.appendingPathComponent("Contracts/reference/gemeenten.csv"), encoding: .utf8)
        let codes = csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(codes.count == MunicipalityCodes.all.count)
        #expect(codes.allSatisfy { MunicipalityCodes.all[$0] != nil })
        #expect(MunicipalityCodes.isKnown("GM0363"))
        #expect(!MunicipalityCodes.isKnown("GM9999"))
    }

    @Test func elfproefAcceptsValidAndRejectsInvalidNumbers() {
        #expect(Bsn.isValid("999990019"))
        #expect(!Bsn.isValid("999990018"))
        #expect(!Bsn.isValid("000000000"))
        #expect(!Bsn.isValid("12345678"))
        #expect(!Bsn.isValid("12345678a"))
    }

    /// `json` with the spellings the contract allows either way written one way: UUIDs in
    /// lower case, time stamps as the hub writes them (milliseconds, UTC).
    private func canonical(_ json: Any) -> Any {
        switch json {
        case let object as [String: Any]: return object.mapValues(canonical)
        case let array as [Any]: return array.map(canonical)
        case let text as String:
            if let uuid = UUID(uuidString: text) { return uuid.uuidString.lowercased() }
            if text.contains("T"), let time = ContractCoding.parseTimestamp(text) { return ContractCoding.timestamp(time) }
            return text
        default: return json
        }
    }

    private func reencode(_ type: EventType, _ data: Data) throws -> Data {
        func roundTrip<P: EventPayload>(_: P.Type) throws -> Data { try P.decodedJSON(data).encodedJSON() }
        return try roundTrip(payloadType(type))
    }
}

/// The Swift type of every event type's payload.
func payloadType(_ type: EventType) -> any EventPayload.Type {
    switch type {
    case .detentionStarted: DetentionStarted.self
    case .detentionPlanShared: DetentionPlanShared.self
    case .releaseScheduled: ReleaseScheduled.self
    case .releaseDateChanged: ReleaseDateChanged.self
    case .released: Released.self
    case .transferred: Transferred.self
    case .noticeWithdrawn: NoticeWithdrawn.self
    case .caseOpened: CaseOpened.self
    case .taskAssigned: TaskAssigned.self
    case .taskStatusChanged: TaskStatusChanged.self
    case .escalationRaised: EscalationRaised.self
    case .caseClosed: CaseClosed.self
    case .consentGiven: ConsentGiven.self
    case .consentWithdrawn: ConsentWithdrawn.self
    case .subjectErased: SubjectErased.self
    case .disclosureLogged: DisclosureLogged.self
    case .flowObserved: FlowObserved.self
    case .taskOffered: TaskOffered.self
    case .municipalityChanged: MunicipalityChanged.self
    case .taskRevised: TaskRevised.self
    case .taskWithdrawn: TaskWithdrawn.self
    case .releaseDayRecorded: ReleaseDayRecorded.self
    case .caseHandedOver: CaseHandedOver.self
    case .breachRecorded: BreachRecorded.self
    case .taskUpdated: TaskUpdated.self
    case .taskCancelled: TaskCancelled.self
    case .taskRetracted: TaskRetracted.self
    case .escalationUpdated: EscalationUpdated.self
    case .cooperationRecorded: CooperationRecorded.self
    case .caseViewed: CaseViewed.self
    case .policyActivated: PolicyActivated.self
    }
}
