import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

private let logger = quietLogger("e2e.coordinator")

/// The coordinator's page on the whole chain: broker, intake, planning (with a coordinator
/// account), filter, adapters and monitoring as processes; a D&R plan and an unannounced
/// release put an escalation in the inbox, and headless Chromium resolves it and reassigns
/// the housing task (`Tests/browser/coordinator_page.py`). Needs planning's own coordinator
/// desk (`PlanningCoordinatorDesk`): without it planning refuses to start with `--callers`.
@Suite("Coordinator page on the whole chain", .serialized)
struct CoordinatorChainPageTests {
    static let token = "e2e-coordinator-token-not-secret"

    @Test func anUnannouncedReleaseLandsInTheInboxAndIsResolvedAndReassignedInTheBrowser() async throws {
        var chain = try await ServiceChain("coordinator-page", partners: [
            .init(id: "woon-regie", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"]),
            .init(id: "opvang-regie", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"]),
            .init(id: "idbalie-regie", role: .civilAffairs, domains: [.id]),
            .init(id: "coordinator-regie", role: .municipalityCoordinator, domains: [.network], municipalities: ["GM0363"]),
        ], logger: logger)
        // NAZORG_SCREENSHOTS keeps the screenshots (scripts/test.sh: Tests/browser/output, ignored by git).
        let output = ProcessInfo.processInfo.environment["NAZORG_SCREENSHOTS"].map {
            URL(fileURLWithPath: $0).appendingPathComponent("chain")
        } ?? chain.work.appendingPathComponent("screenshots")
        do {
            let callers = chain.work.appendingPathComponent("coordinators.yaml")
            try """
                callers:
                  - {name: coordinator-amsterdam, sha256: \(CallerTokens.hash(Self.token)), scopes: [GM0363]}
                """.write(to: callers, atomically: true, encoding: .utf8)
            try await chain.startServices { service in
                ([:], service == "planning" ? ["--callers", callers.path] : service == "filter" ? ["--consent-grace", "1"] : [])
            }
            let inbox = chain.inbox
            let escalationsURL = chain.url("planning", "/v1/escalations")
            let person = (bsn: "999990019", surname: "Regietest")
            func notice(_ type: String, _ id: String, _ fields: String) -> String {
                """
                {"type":"\(type)","noticeId":"\(id)","municipality":"GM0363","prisonCode":"PI-TEST",
                 "person":{"bsn":"\(person.bsn)","givenName":"Sentinella","surname":"\(person.surname)","birthDate":"1987-06-05"},
                 \(fields)}
                """
            }
            try await chain.submit(notice("DetentionPlanShared", "regie-plan", """
                "detentionType":"remand","consents":["housing"],
                "needs":[{"domain":"housing","status":"needed"},{"domain":"id","status":"needed"}]
                """))
            try await waitUntil("the housing task reached its partner", timeout: .seconds(120)) {
                !inbox.all.filter { $0.partner == "woon-regie" }.isEmpty
            }
            try await chain.submit(notice("Released", "regie-released",
                                          #""releasedAt":"\#(ContractCoding.timestamp(Date()))","releaseType":"released-from-court","unannounced":true"#))
            let raised = try await chain.event(on: Topics.planningCaseEvents, .escalationRaised) {
                try $0.decode(EscalationRaised.self).reason == .unannouncedRelease
            }.decode(EscalationRaised.self)

            // The API shows it in the inbox, and the read is on the disclosure log.
            let auth = ["Authorization": "Bearer \(Self.token)"]
            try await waitUntil("the escalation is in the API's inbox", timeout: .seconds(60)) {
                try await httpRequest(escalationsURL, headers: auth).body.contains(raised.escalationId)
            }
            #expect(try await httpRequest(escalationsURL).status == 401)
            _ = try await chain.event(on: Topics.filterDisclosures, .caseViewed) {
                try $0.decode(CaseViewed.self).caseId == raised.caseId
            }

            let run = try await runBrowser([chain.url("planning", ""), Self.token, output.path, "--surname", person.surname,
                                            "--reason", "unannounced-release", "--require-reassign"])
            #expect(run.status == 0, "the browser script failed:\n\(run.output)")

            // What the clicks did reached the case-event topic and the old partner.
            _ = try await chain.event(on: Topics.planningCaseEvents, .escalationUpdated) {
                let update = try $0.decode(EscalationUpdated.self)
                return update.escalationId == raised.escalationId && update.status == .resolved
                    && update.updatedBy == "coordinator-amsterdam"
            }
            _ = try await chain.event(on: Topics.planningCaseEvents, .taskAssigned) {
                try $0.decode(TaskAssigned.self).partnerId == "opvang-regie"
            }
            try await waitUntil("the old partner's task is cancelled", timeout: .seconds(120)) {
                inbox.all.contains { $0.partner == "woon-regie" && $0.headers["ce-type"] == EventType.taskCancelled.ceType }
            }
            for line in chain.services.first(where: { $0.name == "planning" })?.lines ?? [] {
                #expect(!line.contains(person.bsn) && !line.contains(person.surname) && !line.contains("Opgelost in de browsertest"))
            }
        } catch {
            chain.dump()
            await chain.stop()
            throw error
        }
        await chain.stopServices()
        await chain.stop()
    }
}

/// Runs `Tests/browser/coordinator_page.py`; its exit status and what it printed.
private func runBrowser(_ arguments: [String], timeout: Duration = .seconds(180)) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/browser/coordinator_page.py").path] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let collected = OutputLines()
    let lines = LineCollector()
    pipe.fileHandleForReading.readabilityHandler = { handle in collected.append(lines.append(handle.availableData)) }
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    pipe.fileHandleForReading.readabilityHandler = nil
    collected.append(lines.append(pipe.fileHandleForReading.readDataToEndOfFile() + Data("\n".utf8)))
    return (process.terminationStatus, collected.all.joined(separator: "\n"))
}
