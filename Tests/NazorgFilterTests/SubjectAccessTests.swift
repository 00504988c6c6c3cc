import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let subjects = try! SubjectPseudonymizer(secret: Array("access-tests-subject-key-0123456789abcdef".utf8))
private let bsn = "999990019"
private let person = subjects.pseudonym(forBSN: bsn)
/// Passes the elfproef; the hub never hears of this person.
private let strangerBSN = "999990020"
private let deskToken = "access-desk-token-pi-test-0123456789"
private let otherDeskToken = "access-desk-token-pi-other-0123456789"
private let coordinatorToken = "access-coordinator-token-gm0363-0123456789"

private let callers = try! ConsentCallers([
    .init(name: "pi-test-desk", sha256: CallerTokens.hash(deskToken), role: .piDesk, scopes: ["PI-TEST"]),
    .init(name: "pi-other-desk", sha256: CallerTokens.hash(otherDeskToken), role: .piDesk, scopes: ["PI-OTHER"]),
    .init(name: "coordinator-amsterdam", sha256: CallerTokens.hash(coordinatorToken), role: .municipalityCoordinator,
          scopes: ["GM0363"]),
])
private let names = ["woon-test": "Woningcorporatie Testwonen", "id-test": "ID-balie Testgemeente",
                     "schuld-test": "Schuldhulp Testregio"]

private func task(_ domain: Domain, partner: String, role: PartnerRole) -> TaskAssigned {
    var task = makeTask(domain, partner: partner, role: role)
    task.subjectId = person
    return task
}

/// A person known from a notice of PI-TEST in GM0363, who received an ID task (public task),
/// a housing task on consent, and then withdrew that consent (the housing corporation was
/// asked to delete), and a debts task on consent (its deadline by month only).
private func personWithHistory() async throws -> FilterHarness {
    let h = try FilterHarness()
    try await h.deliver(DetentionStarted(noticeId: "n-start", subjectId: person, municipality: "GM0363", prisonCode: "PI-TEST",
                                         person: testPerson, reportedAt: Date(), detentionType: .sentence,
                                         detentionStartDate: CalendarDate(year: 2027, month: 1, day: 4)!),
                        id: "evt-n-start", subject: person)
    try await h.deliver(ConsentGiven(consentId: "c-housing", subjectId: person, domain: .housing, givenAt: Date()),
                        id: "consent-housing", subject: person)
    try await h.deliver(task(.id, partner: "id-test", role: .civilAffairs), id: "assigned-id", subject: person)
    try await h.deliver(task(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing", subject: person)
    try await h.deliver(ConsentWithdrawn(consentId: "w-housing", subjectId: person, domain: .housing, withdrawnAt: Date()),
                        id: "withdraw-housing", subject: person)
    #expect(try await h.partnerRecords("woon-test", atLeast: 2).map(\.eventType) == [.taskOffered, .taskRetracted])
    try await h.deliver(ConsentGiven(consentId: "c-debts", subjectId: person, domain: .debts, givenAt: Date()),
                        id: "consent-debts", subject: person)
    try await h.deliver(task(.debts, partner: "schuld-test", role: .debtRelief), id: "assigned-debts", subject: person)
    #expect(try await h.partnerRecords("schuld-test", atLeast: 1).map(\.eventType) == [.taskOffered])
    return h
}

private func withAccessAPI(_ h: FilterHarness, logger: Logger = filterTestLogger,
                           _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let router = Router()
    SubjectAccessRoute.add(to: router, store: h.store,
                           settings: ConsentAPISettings(callers: callers, pseudonymizer: subjects, partnerNames: names),
                           logger: logger, now: { instant("2026-12-07T11:00:00Z") })
    try await Application(router: router).test(.router, body)
}

private func headers(_ token: String?, accept: String? = nil) -> HTTPFields {
    var fields = HTTPFields()
    if let token { fields[.authorization] = "Bearer \(token)" }
    if let accept { fields[.accept] = accept }
    return fields
}

private struct Report: Decodable {
    struct Organisation: Decodable { var partnerId: String; var name: String?; var role: PartnerRole; var messages: Int }
    struct Entry: Decodable {
        var partnerId: String
        var partnerName: String?
        var role: PartnerRole
        var message: EventType
        var taskId: String
        var domain: Domain?
        var processingActivityId: String?
        var purpose: String?
        var legalBasis: DisclosureLogged.LegalBasis?
        var fields: [String]
        var transformations: [String: String]?
        var deletionRequested: Bool
        var policyVersion: String?
    }
    var generatedAt: String
    var disclosureCount: Int
    var organisations: [Organisation]
    var disclosures: [Entry]
}

/// The body validates against the OpenAPI contract's schema (Python jsonschema, through
/// Tests/contracts/validate.py).
private func expectContractConformance(_ body: ByteBuffer, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("access-report-\(UUID().uuidString).json")
    try Data(buffer: body).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    try expectContractsValidate(["response", "consents", "SubjectAccessReport", file.path], sourceLocation: sourceLocation)
}

@Suite("Subject access (art. 15): every disclosure about a person, for their desk or coordinator", .serialized)
struct SubjectAccessTests {
    /// The desk gets the person's every message as JSON: which organisation, when, for which
    /// purpose, on which basis, which fields and how they were changed, and that the housing
    /// corporation was asked to delete. Nothing in it identifies the person.
    @Test func theDeskGetsEveryMessageWithPurposeBasisAndFields() async throws {
        let h = try await personWithHistory()
        let recorder = LogRecorder()
        try await withAccessAPI(h, logger: recorder.logger("access")) { client in
            try await client.execute(uri: "/v1/subjects/\(bsn)/disclosures", method: .get, headers: headers(deskToken)) {
                #expect($0.status == .ok)
                #expect($0.headers[.contentType] == "application/json")
                #expect($0.headers[.cacheControl] == "no-store")
                let text = String(buffer: $0.body)
                #expect(!text.contains(bsn) && !text.contains(person) && !text.contains("Testpersoon"))
                try expectContractConformance($0.body)
                let report = try JSONDecoder().decode(Report.self, from: Data(buffer: $0.body))
                #expect(report.generatedAt == "2026-12-07T11:00:00.000Z")
                #expect(report.disclosureCount == 4)
                #expect(report.disclosures.map(\.message) == [.taskOffered, .taskOffered, .taskRetracted, .taskOffered])
                #expect(report.organisations.map(\.partnerId) == ["id-test", "woon-test", "schuld-test"])
                #expect(report.organisations.map(\.messages) == [1, 2, 1])
                #expect(report.organisations.map(\.name)
                        == ["ID-balie Testgemeente", "Woningcorporatie Testwonen", "Schuldhulp Testregio"])

                let id = report.disclosures[0]
                let idPolicy = try #require(h.policies.policy(for: .civilAffairs))
                #expect(id.partnerId == "id-test" && id.role == .civilAffairs && id.domain == .id)
                #expect(id.purpose == idPolicy.purpose && id.processingActivityId == idPolicy.processingActivityId)
                #expect(id.legalBasis == idPolicy.legalBasis && id.policyVersion == h.policies.version)
                #expect(id.fields.contains("subject.bsn") && !id.deletionRequested)

                let housing = report.disclosures[1]
                let housingPolicy = try #require(h.policies.policy(for: .housingCorporation))
                #expect(housing.purpose == housingPolicy.purpose && housing.legalBasis == .consent)
                #expect(housing.fields.contains("subject.surname") && !housing.fields.contains("subject.bsn"))
                #expect(housing.transformations == nil, "the corporation has the deadline to the day")
                #expect(housing.deletionRequested, "the withdrawal asked the corporation to delete it")
                #expect(report.disclosures[2].fields == ["taskId", "deletionRequested"])
                #expect(!report.disclosures[2].deletionRequested)
                let debts = report.disclosures[3]
                #expect(debts.partnerId == "schuld-test" && debts.legalBasis == .consent && debts.domain == .debts)
                #expect(debts.fields.contains("deadline") && debts.fields.contains("subject.bsn"))
                #expect(debts.transformations == ["deadline": "generalise-month"])
            }
            // The coordinator of the person's municipality gets the same report.
            try await client.execute(uri: "/v1/subjects/\(bsn)/disclosures", method: .get, headers: headers(coordinatorToken)) {
                #expect($0.status == .ok)
                let report = try JSONDecoder().decode(Report.self, from: Data(buffer: $0.body))
                #expect(report.disclosureCount == 4)
            }
        }
        #expect(recorder.count("subject access report made") == 2)
        #expect(!recorder.text.isEmpty && recorder.text.allSatisfy { !$0.contains(bsn) && !$0.contains(person) })
        await h.close()
    }

    /// The same report as a printable page in Dutch, for the person.
    @Test func theReportPrintsInDutch() async throws {
        let h = try await personWithHistory()
        try await withAccessAPI(h) { client in
            try await client.execute(uri: "/v1/subjects/\(bsn)/disclosures", method: .get,
                                     headers: headers(deskToken, accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")) {
                #expect($0.status == .ok)
                #expect($0.headers[.contentType] == "text/html; charset=utf-8")
                let page = String(buffer: $0.body)
                #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains(#"<html lang="nl">"#))
                #expect(page.contains("@media print"))
                for text in ["Woningcorporatie Testwonen", "ID-balie Testgemeente", "Huisvesting", "Identiteitsbewijs",
                             "Uw toestemming (artikel 6 lid 1 onder a AVG)", "Taak aangeboden",
                             "Verzoek om de gegevens te verwijderen", "Later gevraagd dit te verwijderen",
                             "Burgerservicenummer (BSN)", "Uiterste datum (alleen de maand)", "Schuldhulp Testregio",
                             "Huisvesting regelen voor de dag van ontslag", "7 december 2026 om 12:00"] {
                    #expect(page.contains(text), "the page lacks '\(text)'")
                }
                #expect(!page.contains(bsn) && !page.contains(person) && !page.contains("Testpersoon"))
            }
        }
        await h.close()
    }

    /// 401 without a token, 400 for a number that is no BSN, 404 for a person the hub does not
    /// know and for one outside the caller's prisons (the same answer), 406 for a format the
    /// report does not come in; none of them names the BSN. A known person about whom nothing
    /// was sent gets an empty report.
    @Test func callersOutsideThePersonsChainLearnNothing() async throws {
        let h = try await personWithHistory()
        try await h.deliver(DetentionStarted(noticeId: "n-quiet", subjectId: subjects.pseudonym(forBSN: "999990032"),
                                             municipality: "GM0363", prisonCode: "PI-TEST", person: testPerson, reportedAt: Date(),
                                             detentionType: .sentence, detentionStartDate: CalendarDate(year: 2027, month: 1, day: 4)!),
                            id: "evt-n-quiet", subject: subjects.pseudonym(forBSN: "999990032"))
        #expect(Bsn.isValid("999990032"))
        try await withAccessAPI(h) { client in
            let cases: [(String, String?, String?, HTTPResponse.Status)] = [
                (bsn, nil, nil, .unauthorized),
                (bsn, "not-a-known-token-0123456789", nil, .unauthorized),
                ("123456789", deskToken, nil, .badRequest),
                ("99999001x", deskToken, nil, .badRequest),
                (strangerBSN, deskToken, nil, .notFound),
                (bsn, otherDeskToken, nil, .notFound),
                (bsn, deskToken, "application/xml", .notAcceptable),
                (bsn, deskToken, "text/html;q=0, application/json;q=0", .notAcceptable),
            ]
            var unknown: String?
            var outside: String?
            for (number, token, accept, status) in cases {
                try await client.execute(uri: "/v1/subjects/\(number)/disclosures", method: .get,
                                         headers: headers(token, accept: accept)) {
                    #expect($0.status == status, "\(number) \(token ?? "-") \(accept ?? "-")")
                    #expect(!String(buffer: $0.body).contains(number))
                    if status == .notFound { if number == strangerBSN { unknown = String(buffer: $0.body) } else { outside = String(buffer: $0.body) } }
                }
            }
            #expect(unknown != nil && unknown == outside, "an unknown person and one out of reach look the same")
            try await client.execute(uri: "/v1/subjects/999990032/disclosures", method: .get, headers: headers(deskToken)) {
                #expect($0.status == .ok)
                let report = try JSONDecoder().decode(Report.self, from: Data(buffer: $0.body))
                #expect(report.disclosureCount == 0 && report.disclosures.isEmpty && report.organisations.isEmpty)
            }
            try await client.execute(uri: "/v1/subjects/999990032/disclosures", method: .get,
                                     headers: headers(deskToken, accept: "text/html")) {
                #expect(String(buffer: $0.body).contains("Er zijn geen gegevens over u aan organisaties gegeven."))
            }
        }
        await h.close()
    }

    /// The operator's report from the store (`nazorg-hub filter inzage`) is the API's; a BSN
    /// the hub never heard of gives none.
    @Test func theOperatorsReportFromTheStoreIsTheSame() async throws {
        let h = try await personWithHistory()
        let report = try #require(try await SubjectAccessReport.make(forBSN: bsn, store: h.store, pseudonymizer: subjects,
                                                                     partnerNames: names))
        #expect(report.disclosures.map(\.partnerId) == ["id-test", "woon-test", "woon-test", "schuld-test"])
        #expect(try await SubjectAccessReport.make(forBSN: strangerBSN, store: h.store, pseudonymizer: subjects,
                                                   partnerNames: names) == nil)
        #expect(throws: ConfigurationError.self) {
            _ = try FilterStore.openExisting(path: "/nonexistent/filter-\(UUID().uuidString).sqlite")
        }
        await h.close()
    }

    @Test func acceptHeadersPickTheFormat() {
        let cases: [(String?, SubjectAccessRoute.Format?)] = [
            (nil, .json), ("", .json), ("*/*", .json), ("application/json", .json), ("text/html", .html),
            ("text/html, application/json", .html), ("application/json;q=0.5, text/html", .html),
            ("text/*;q=0.2, application/*;q=0.3", .json), ("application/xml", nil), ("text/html;q=0", nil),
            ("TEXT/HTML; charset=utf-8", .html), (";;,,", nil),
        ]
        for (header, format) in cases {
            #expect(SubjectAccessRoute.format(accepting: header) == format, "\(header ?? "nil")")
        }
    }
}
