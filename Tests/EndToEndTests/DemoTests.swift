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
}
