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
    case .disclosureLogged: DisclosureLogged.self
    case .flowObserved: FlowObserved.self
    case .taskOffered: TaskOffered.self
    }
}
