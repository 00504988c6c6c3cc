import Foundation
import NazorgContracts
import Testing

/// A place in a schema whose `enum` must hold exactly the raw values of a Swift enum.
struct SchemaEnum: Sendable, CustomTestStringConvertible {
    /// The Swift type, for the failure message.
    var swift: String
    var values: [String]
    /// A file under Contracts/schemas.
    var file: String
    /// JSON pointer to the enum, or to a `$ref` that leads to it.
    var pointer: String

    init<E: CaseIterable & RawRepresentable>(_ type: E.Type, _ file: String, _ pointer: String,
                                             where keep: (E) -> Bool = { _ in true }) where E.RawValue == String {
        swift = String(reflecting: type).replacingOccurrences(of: "NazorgContracts.", with: "")
        values = type.allCases.filter(keep).map(\.rawValue)
        self.file = file
        self.pointer = pointer
    }

    var testDescription: String { "\(swift) = \(file)#\(pointer)" }
}

/// Every Swift enum the contracts spell out, at each place a schema states it. Where a
/// schema refers to a shared definition, the entry names the property and the test follows
/// the `$ref`, so an enum written out again in place of the reference is checked too.
let schemaEnums: [SchemaEnum] = [
    SchemaEnum(EventType.self, "common.json", "/$defs/EventTypeName"),
    SchemaEnum(Domain.self, "common.json", "/$defs/Domain"),
    SchemaEnum(NeedStatus.self, "common.json", "/$defs/NeedStatus"),
    SchemaEnum(DetentionType.self, "common.json", "/$defs/DetentionType"),
    SchemaEnum(ReleaseDateChanged.Reason.self, "common.json", "/$defs/ReleaseDateChangeReason"),
    SchemaEnum(ReleaseDateChanged.Direction.self, "common.json", "/$defs/ReleaseDateDirection"),
    SchemaEnum(Released.ReleaseType.self, "common.json", "/$defs/ReleaseType"),
    SchemaEnum(NoticeWithdrawn.Reason.self, "common.json", "/$defs/WithdrawalReason"),
    SchemaEnum(TaskStatus.self, "common.json", "/$defs/TaskStatus"),
    SchemaEnum(PartnerRole.self, "common.json", "/$defs/PartnerRole"),
    SchemaEnum(TaskType.self, "common.json", "/$defs/TaskType"),
    SchemaEnum(AlternativeMeasure.self, "common.json", "/$defs/AlternativeMeasure"),
    SchemaEnum(BasisvoorwaardeCoverage.State.self, "common.json", "/$defs/CoverageState"),
    SchemaEnum(TaskRevised.Reason.self, "common.json", "/$defs/TaskRevisionReason"),
    SchemaEnum(TaskWithdrawn.Reason.self, "common.json", "/$defs/TaskWithdrawalReason"),
    SchemaEnum(ConsentRecorder.Role.self, "common.json", "/$defs/ConsentRecorder/properties/role"),
    SchemaEnum(DeadlinePrecision.self, "common.json", "/$defs/DeadlinePrecision"),
    SchemaEnum(EscalationRaised.Reason.self, "common.json", "/$defs/EscalationReason"),
    SchemaEnum(CaseClosed.CoordinatorReason.self, "common.json", "/$defs/CoordinatorCloseReason"),
    SchemaEnum(CooperationRecorded.Cooperation.self, "common.json", "/$defs/Cooperation"),
    SchemaEnum(DisclosureLogged.LegalBasis.self, "common.json", "/$defs/LegalBasis"),
    SchemaEnum(IDDetails.DocumentType.self, "common.json", "/$defs/NeedDetails/properties/id/properties/documentType"),
    SchemaEnum(HousingDetails.Situation.self, "common.json", "/$defs/NeedDetails/properties/housing/properties/currentSituation"),
    SchemaEnum(IncomeDetails.Benefit.self, "common.json", "/$defs/NeedDetails/properties/income/properties/benefit"),
    SchemaEnum(IncomeDetails.Employment.self, "common.json", "/$defs/NeedDetails/properties/income/properties/employment"),
    SchemaEnum(DebtDetails.Range.self, "common.json", "/$defs/NeedDetails/properties/debts/properties/estimatedRange"),
    SchemaEnum(CareDetails.CareType.self, "common.json", "/$defs/NeedDetails/properties/care/properties/careTypes/items"),
    // Where the events use them.
    SchemaEnum(EscalationRaised.Reason.self, "escalation-raised.json", "/properties/reason"),
    SchemaEnum(EscalationRaised.Reason.self, "flow-observed.json", "/properties/reason"),
    SchemaEnum(Domain.self, "escalation-raised.json", "/properties/domain"),
    SchemaEnum(EscalationUpdated.Status.self, "escalation-updated.json", "/properties/status"),
    SchemaEnum(EscalationUpdated.Status.self, "flow-observed.json", "/properties/escalationStatus"),
    SchemaEnum(CooperationRecorded.Cooperation.self, "cooperation-recorded.json", "/properties/cooperation"),
    SchemaEnum(CaseClosed.Reason.self, "case-closed.json", "/properties/reason"),
    SchemaEnum(CaseClosed.CoordinatorReason.self, "case-closed.json", "/properties/coordinatorReason"),
    SchemaEnum(TaskType.self, "task-assigned.json", "/properties/taskType"),
    SchemaEnum(AlternativeMeasure.self, "task-assigned.json", "/properties/measure"),
    SchemaEnum(TaskType.self, "task-offered.json", "/properties/taskType"),
    SchemaEnum(AlternativeMeasure.self, "task-offered.json", "/properties/measure"),
    SchemaEnum(DeadlinePrecision.self, "task-offered.json", "/properties/deadlinePrecision"),
    SchemaEnum(DeadlinePrecision.self, "task-updated.json", "/properties/deadlinePrecision"),
    // A birth date is generalised to its year or month, a release date to its week or month.
    SchemaEnum(DatePrecision.self, "task-offered.json", "/properties/subject/properties/birthDatePrecision", where: { $0 != .week }),
    SchemaEnum(DatePrecision.self, "task-updated.json", "/properties/subject/properties/birthDatePrecision", where: { $0 != .week }),
    SchemaEnum(DatePrecision.self, "task-offered.json", "/properties/subject/properties/expectedReleaseDatePrecision",
               where: { $0 != .year }),
    SchemaEnum(DatePrecision.self, "task-updated.json", "/properties/subject/properties/expectedReleaseDatePrecision",
               where: { $0 != .year }),
    SchemaEnum(TaskWithdrawn.Reason.self, "task-withdrawn.json", "/properties/reason"),
    // A cancellation never says wrong-person or consent-withdrawn: those are a TaskRetracted.
    SchemaEnum(TaskWithdrawn.Reason.self, "task-cancelled.json", "/properties/reason",
               where: { $0 != .wrongPerson && $0 != .consentWithdrawn }),
    SchemaEnum(DisclosureLogged.LegalBasis.self, "disclosure-logged.json", "/properties/legalBasis"),
    SchemaEnum(EventType.self, "disclosure-logged.json", "/properties/disclosedEventType",
               where: { $0.isPartnerFacing || $0 == .flowObserved }),
    SchemaEnum(DisclosureLogged.Status.self, "disclosure-logged.json", "/properties/status"),
    SchemaEnum(DisclosureLogged.RefusalReason.self, "disclosure-logged.json", "/properties/refusalReason"),
    SchemaEnum(DisclosureLogged.Transformation.self, "disclosure-logged.json", "/properties/transformations/additionalProperties"),
    // The messages that carry the person's data, which on consent name the consent.
    SchemaEnum(EventType.self, "disclosure-logged.json", "/allOf/1/if/properties/disclosedEventType",
               where: { $0 == .taskOffered || $0 == .taskUpdated }),
    SchemaEnum(DisclosureLogged.LegalBasis.self, "case-viewed.json", "/properties/legalBasis"),
    SchemaEnum(PolicyActivated.Trigger.self, "policy-activated.json", "/properties/trigger"),
    SchemaEnum(PartnerRole.self, "case-viewed.json", "/properties/viewerRole"),
]

@Suite struct SchemaEnumTests {
    /// The schema's enum and the Swift enum's raw values are the same set: a value added,
    /// renamed or removed on one side only fails here, naming it.
    @Test(arguments: schemaEnums)
    func swiftEnumEqualsTheSchemaEnum(_ entry: SchemaEnum) throws {
        let schemas = try SchemaFiles()
        let location = try schemas.enumLocation(file: entry.file, pointer: entry.pointer)
        let listed = try #require(schemas.node(at: location) as? [String: Any])["enum"] as? [String]
        let schemaValues = try #require(listed, "\(location) has no enum of strings")
        #expect(Set(schemaValues).count == schemaValues.count, "\(location) lists a value twice")
        let onlyInSwift = entry.values.filter { !schemaValues.contains($0) }
        let onlyInSchema = schemaValues.filter { !entry.values.contains($0) }
        #expect(onlyInSwift.isEmpty, "\(entry.swift) has \(onlyInSwift) that \(location) lacks")
        #expect(onlyInSchema.isEmpty, "\(location) has \(onlyInSchema) that \(entry.swift) lacks")
    }

    /// No schema enum escapes the table above: a new enum in a schema needs a Swift enum
    /// beside it (or a line here saying which).
    @Test func everySchemaEnumHasASwiftEnum() throws {
        let schemas = try SchemaFiles()
        let covered = Set(try schemaEnums.map { try schemas.enumLocation(file: $0.file, pointer: $0.pointer) })
        let all = schemas.enumLocations()
        #expect(all.count > 20, "the walk finds the schemas' enums")
        #expect(all.subtracting(covered).sorted() == [], "schema enums no Swift enum is checked against")
    }
}

/// The JSON Schema files of Contracts/schemas, parsed, and the few steps of reference
/// resolution the contracts use (`urn:nazorg-hub:schema:<name>:v1#<pointer>` and `#<pointer>`).
private struct SchemaFiles {
    let documents: [String: Any]
    /// File name by `$id`.
    let files: [String: String]

    init() throws {
        let directory = repositoryRoot.appendingPathComponent("Contracts/schemas")
        var documents: [String: Any] = [:]
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            let document = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name)))
            documents[name] = document
            if let id = (document as? [String: Any])?["$id"] as? String { files[id] = name }
        }
        self.documents = documents
        self.files = files
    }

    /// `file#pointer` of the enum reached from `pointer` in `file`, following `$ref`s.
    func enumLocation(file: String, pointer: String) throws -> String {
        var location = "\(file)#\(pointer)"
        for _ in 0..<8 {
            let node = try #require(node(at: location) as? [String: Any], "\(location) is not a schema")
            if node["enum"] != nil { return location }
            let ref = try #require(node["$ref"] as? String, "\(location) has neither enum nor $ref")
            let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let target = parts[0].isEmpty ? String(location.prefix { $0 != "#" }) : files[parts[0]]
            location = "\(try #require(target, "\(location): unknown $ref \(ref)"))#\(parts.count > 1 ? parts[1] : "")"
        }
        throw SchemaFileError(message: "\(file)#\(pointer): too many $refs")
    }

    /// The JSON at `file#pointer`, or nil.
    func node(at location: String) -> Any? {
        let parts = location.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var node = documents[parts[0]]
        let tokens = parts.count > 1 ? parts[1].split(separator: "/").map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        } : []
        for token in tokens {
            switch node {
            case let object as [String: Any]: node = object[token]
            case let array as [Any]: node = Int(token).flatMap { array.indices.contains($0) ? array[$0] : nil }
            default: return nil
            }
        }
        return node
    }

    /// `file#pointer` of every `enum` in every schema file.
    func enumLocations() -> Set<String> {
        var found: Set<String> = []
        func walk(_ node: Any, _ location: String) {
            if let object = node as? [String: Any] {
                if object["enum"] != nil { found.insert(location) }
                for (key, value) in object { walk(value, "\(location)/\(key)") }
            } else if let array = node as? [Any] {
                for (index, value) in array.enumerated() { walk(value, "\(location)/\(index)") }
            }
        }
        for (file, document) in documents { walk(document, "\(file)#") }
        return found
    }
}

private struct SchemaFileError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
