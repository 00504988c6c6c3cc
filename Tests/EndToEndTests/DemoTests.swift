import AsyncHTTPClient
import Foundation
import NazorgTestSupport
import Testing

@Suite("The demo of the README", .serialized)
struct DemoTests {
    @Test func demoCarriesSimulatedNoticesToPartnersAndBackAndStopsCleanly() async throws {
        let base = 20_000 + Int.random(in: 0..<400) * 20
        let demo = try ServiceProcess("demo", arguments: ["demo", "--port", "\(base)", "--people", "6", "--interval", "0.2"])
        let banner = try await demo.firstOutputLine()
        #expect(banner.contains("demo is running"))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            // Simulated partners accept and complete tasks through the status API.
            try await waitUntil("a partner completed a task", timeout: .seconds(90)) {
                let summary = try await get(http, "http://127.0.0.1:\(base)/api/v1/summary")
                guard let json = try JSONSerialization.jsonObject(with: Data(summary.body.utf8)) as? [String: Any],
                      let byStatus = json["tasksByStatus"] as? [String: Int] else { return false }
                return (json["notices"] as? Int ?? 0) >= 3 && (byStatus["completed"] ?? 0) >= 1
            }
            try await waitUntil("the simulated desk sent every notice", timeout: .seconds(90)) {
                demo.lines.contains { $0.contains("simulated desk sent every notice") }
            }
            let page = try await get(http, "http://127.0.0.1:\(base)/")
            #expect(page.status == 200)
            #expect(page.body.contains("demo-woningcorporatie"))
            try await theCoordinatorsInboxFills(demo, http, planning: "http://127.0.0.1:\(base + 2)")
        } catch {
            print(demo.lines.suffix(30).joined(separator: "\n"))
            _ = await demo.terminate()
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        #expect(await demo.terminate() == 0)
        // The simulated desk sends a whole detention per person (a release, a date change, a
        // corrected plan, …); intake accepts every notice of it.
        #expect(!demo.lines.contains { $0.contains("simulated desk notice refused") })
    }

    /// The demo's profile cuts terms to minutes: the partner that never answers gets a
    /// not-accepted escalation, and the person released unannounced from court is in the
    /// inbox at once, both behind the coordinator token the demo printed.
    private func theCoordinatorsInboxFills(_ demo: ServiceProcess, _ http: HTTPClient, planning: String) async throws {
        let line = try #require(demo.lines.first { $0.contains("coordinator token") })
        let token = try #require(line.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(token.count == 48 && token.allSatisfy(\.isHexDigit))
        #expect(try await get(http, "\(planning)/v1/escalations?status=open").status == 401, "never open, not even in the demo")
        #expect(try await get(http, "\(planning)/coordinator/login").status == 200)
        let bearer = ["Authorization": "Bearer \(token)"]
        try await waitUntil("the inbox holds a not-accepted and an unannounced release", timeout: .seconds(240)) {
            let inbox = try await get(http, "\(planning)/v1/escalations?status=open", headers: bearer)
            guard inbox.status == 200,
                  let json = try JSONSerialization.jsonObject(with: Data(inbox.body.utf8)) as? [String: Any],
                  let escalations = json["escalations"] as? [[String: Any]] else { return false }
            let reasons = escalations.map { "\($0["reason"] ?? "")/\($0["partnerId"] ?? "")" }
            return reasons.contains("not-accepted/demo-schuldhulp-regio") && reasons.contains { $0.hasPrefix("unannounced-release/") }
        }
    }
}
