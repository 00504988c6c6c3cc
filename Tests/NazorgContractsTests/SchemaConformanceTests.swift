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
        switch type {
        case .detentionStarted: return try roundTrip(DetentionStarted.self)
        case .detentionPlanShared: return try roundTrip(DetentionPlanShared.self)
        case .releaseScheduled: return try roundTrip(ReleaseScheduled.self)
        case .releaseDateChanged: return try roundTrip(ReleaseDateChanged.self)
        case .released: return try roundTrip(Released.self)
        case .transferred: return try roundTrip(Transferred.self)
        case .noticeWithdrawn: return try roundTrip(NoticeWithdrawn.self)
        case .caseOpened: return try roundTrip(CaseOpened.self)
        case .taskAssigned: return try roundTrip(TaskAssigned.self)
        case .taskStatusChanged: return try roundTrip(TaskStatusChanged.self)
        case .escalationRaised: return try roundTrip(EscalationRaised.self)
        case .caseClosed: return try roundTrip(CaseClosed.self)
        case .consentGiven: return try roundTrip(ConsentGiven.self)
        case .consentWithdrawn: return try roundTrip(ConsentWithdrawn.self)
        case .disclosureLogged: return try roundTrip(DisclosureLogged.self)
        case .flowObserved: return try roundTrip(FlowObserved.self)
        case .taskOffered: return try roundTrip(TaskOffered.self)
        }
    }
}
