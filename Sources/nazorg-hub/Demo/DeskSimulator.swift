import AsyncHTTPClient
import Foundation
import Logging
import NazorgContracts
import NazorgRuntime
import ServiceLifecycle

/// A simulated PI reintegration desk: for each synthetic person it posts a detention-start
/// notice, a D&R plan with needs and consents, and an expected release date to intake.
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
            let municipality = municipalities[index % municipalities.count]
            let person = SyntheticPeople.person(index)
            let release = try today.adding(days: 20 + (index * 7) % 90)
            let domains = Domain.allCases
            let needs = domains.enumerated().filter { offset, _ in (index + offset) % 3 != 0 }.map { $0.element }
            let base: [String: Any] = [
                "municipality": municipality, "prisonCode": "PI-DEMO",
                "person": ["bsn": person.bsn, "givenName": person.givenName ?? "", "surname": person.surname,
                           "birthDate": person.birthDate.description],
            ]
            var started = base
            started["type"] = "DetentionStarted"
            started["noticeId"] = "demo-\(index)-start"
            started["detentionType"] = "sentence"
            started["detentionStartDate"] = try today.adding(days: -30).description
            var plan = base
            plan["type"] = "DetentionPlanShared"
            plan["noticeId"] = "demo-\(index)-plan"
            plan["detentionType"] = "sentence"
            plan["expectedReleaseDate"] = release.description
            plan["needs"] = needs.map { ["domain": $0.rawValue, "status": "needed"] }
            plan["consents"] = index % 4 == 3 ? [] : needs.map(\.rawValue)
            var scheduled = base
            scheduled["type"] = "ReleaseScheduled"
            scheduled["noticeId"] = "demo-\(index)-release"
            scheduled["expectedReleaseDate"] = release.description
            for notice in [started, plan, scheduled] {
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
                logger.warning("simulated desk notice refused", metadata: ["http.status": "\(status)"])
            }
        } catch {
            logger.warning("simulated desk could not reach intake", metadata: ["error": .string(error.loggable)])
        }
    }
}
