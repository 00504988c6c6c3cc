import Foundation
import NazorgContracts
import Testing
import Yams
@testable import NazorgIntake

/// The request examples of `Contracts/openapi/intake.yaml`, by name.
private func requestExamples() throws -> [(name: String, body: [String: Any])] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Contracts/openapi/intake.yaml"), encoding: .utf8)
    let document = try Yams.load(yaml: text) as? [String: Any]
    let paths = document?["paths"] as? [String: Any]
    let post = (paths?["/v1/notices"] as? [String: Any])?["post"] as? [String: Any]
    let content = (post?["requestBody"] as? [String: Any])?["content"] as? [String: Any]
    let examples = (content?["application/json"] as? [String: Any])?["examples"] as? [String: Any] ?? [:]
    return examples.keys.sorted().compactMap { name in
        ((examples[name] as? [String: Any])?["value"] as? [String: Any]).map { (name, $0) }
    }
}

@Suite struct OpenAPIExampleTests {
    /// What the API document shows a desk is what intake accepts, and the event it becomes
    /// validates against its schema: the document and the parser cannot drift apart.
    @Test func everyRequestExampleIsAcceptedAndBecomesAValidEvent() throws {
        let examples = try requestExamples()
        let kinds = Set(examples.compactMap { $0.body["type"] as? String })
        #expect(kinds == Set(NoticeRequest.Kind.allCases.map(\.rawValue)))
        var payloads: [(type: EventType, label: String, json: Data)] = []
        for example in examples {
            let body = try JSONSerialization.data(withJSONObject: example.body)
            let request: NoticeRequest
            do {
                request = try NoticeRequest.parse(body, now: fixedNow)
            } catch {
                Issue.record("example \(example.name) refused at \(error.problems.map(\.pointer))")
                continue
            }
            let notice = request.notice(subjectId: String(repeating: "0a", count: 16), reportedAt: fixedNow)
            payloads.append((notice.eventType, "openapi-\(example.name)", try notice.encodedJSON()))
        }
        #expect(payloads.count == examples.count)
        #expect(try payloadsValidateAgainstTheirSchemas(payloads))
    }
}
