import AsyncHTTPClient
import Foundation
import Logging
import NazorgContracts
import NazorgRuntime
import ServiceLifecycle

/// A simulated PI reintegration desk: for each synthetic person it posts a whole detention
/// to intake (see ``DeskScript``): start, plan, release date, and then a release, a date
/// change, a transfer, a move to another municipality, a corrected plan, or a withdrawal.
struct DeskSimulator: Service {
    let client: HTTPClient
    let intakeURL: String
    let people: Int
    let interval: Duration
    let municipalities: [String]
    let logger: Logger

    func run() async throws {
        let today = CalendarDate(Date(), in: DutchTime.zone)
        for index in 0..<people {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            let script = DeskScript(index: index, municipality: municipalities[index % municipalities.count],
                                    otherMunicipality: municipalities[(index + 1) % municipalities.count],
                                    today: today, now: Date())
            for notice in try script.notices() {
                await post(notice)
                try? await Task.sleep(for: interval)
            }
        }
        logger.info("simulated desk sent every notice", metadata: ["demo.people": "\(people)"])
        try? await gracefulShutdown()
    }

    private func post(_ notice: [String: Any]) async {
        do {
            let status = try await client.postJSON("\(intakeURL)/v1/notices", notice)
            if status != 202 {
                logger.warning("simulated desk notice refused", metadata: [
                    "http.status": "\(status)", "notice.type": .string(notice["type"] as? String ?? "?"),
                ])
            }
        } catch {
            logger.warning("simulated desk could not reach intake", metadata: ["error": .string(error.loggable)])
        }
    }
}
