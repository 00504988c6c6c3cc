import Foundation
import NazorgContracts
@testable import NazorgFilter
import NazorgRuntime
import Testing

/// A housing policy that narrows what it gives: the release date by month (and so the
/// deadline by month at the finest), the birth date by year, and the wish for a municipality
/// left out of the housing content.
private let narrowed = """
    role: housing-corporation
    processingActivity: {id: PA-NAZORG-02, purpose: Huisvesting regelen voor de dag van ontslag}
    legalBasis: consent
    eventTypes: [TaskOffered, TaskUpdated, TaskCancelled, TaskRetracted]
    fields: [givenName, surname, birthDate, expectedReleaseDate]
    details: [housing]
    deadline: month
    transform:
      /subject/expectedReleaseDate: generalise-month
      /subject/birthDate: generalise-year
      /details/housing/wishesMunicipality: drop

    """

private func housingTask() -> TaskAssigned {
    var task = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
    task.person = Person(bsn: "999990019", givenName: "Tessa", surname: "Testpersoon", birthDate: CalendarDate(year: 1990, month: 7, day: 23)!)
    task.expectedReleaseDate = CalendarDate(year: 2027, month: 3, day: 18)!
    task.deadline = CalendarDate(year: 2027, month: 3, day: 18)!
    task.details = NeedDetails(housing: HousingDetails(currentSituation: .ownTenancy, tenancyAtRisk: true, wishesMunicipality: "GM0599"))
    return task
}

@Suite("Field transformations by JSON Pointer in a policy")
struct FieldTransformTests {
    @Test("Dates go generalised with their precision, a dropped member is gone, and the log says so")
    func narrowsTheMessage() throws {
        let policy = try PolicySet.parse(yaml: narrowed, name: "narrowed.yaml")
        let task = housingTask()
        let view = PartnerView(task: task, policy: policy, partnerSubjectId: "p1")
        #expect(view.subject.expectedReleaseDate == CalendarDate(year: 2027, month: 3, day: 1))
        #expect(view.subject.expectedReleaseDatePrecision == .month)
        #expect(view.subject.birthDate == CalendarDate(year: 1990, month: 1, day: 1))
        #expect(view.subject.birthDatePrecision == .year)
        #expect(view.deadline == CalendarDate(year: 2027, month: 3, day: 1) && view.deadlinePrecision == .month)
        #expect(view.details?.housing?.wishesMunicipality == nil && view.details?.housing?.tenancyAtRisk == true)

        // Nothing finer than the policy gives is anywhere in the partner's message.
        let offer = TaskOffered(offerId: "o1", taskId: task.taskId, partnerId: task.partnerId, taskType: task.taskType,
                                domain: task.domain, details: view.details, remark: view.remark, dueAt: view.dueAt,
                                deadline: view.deadline, deadlinePrecision: view.deadlinePrecision,
                                processingActivityId: policy.processingActivityId, subject: view.subject)
        let json = String(decoding: try offer.encodedJSON(), as: UTF8.self)
        for finer in ["2027-03-18", "1990-07-23", "GM0599", "07-23"] { #expect(!json.contains(finer), "\(finer) reached the partner") }

        let fields = view.disclosedFields(of: task)
        #expect(fields.contains("subject.expectedReleaseDatePrecision") && fields.contains("subject.birthDatePrecision"))
        let logged = try #require(PartnerDisclosure.transformations(of: fields, policy: policy))
        #expect(logged["subject.expectedReleaseDate"] == .generaliseMonth)
        #expect(logged["subject.birthDate"] == .generaliseYear)
        #expect(logged["details.housing.wishesMunicipality"] == .drop)
        #expect(logged["deadline"] == .generaliseMonth)
    }

    @Test("A transformation that widens, does not fit its field, or leaves a finer date derivable is refused")
    func refusesWhatDoesNotFit() {
        let base = narrowed.components(separatedBy: "transform:")[0]
        let refused: [String: String] = [
            "a field not given": base.replacingOccurrences(of: "birthDate, ", with: "") + "transform:\n  /subject/birthDate: generalise-year\n",
            "content not given": base + "transform:\n  /details/debts/estimatedRange: drop\n",
            "a release date by year": base + "transform:\n  /subject/expectedReleaseDate: generalise-year\n",
            "a birth date by week": base + "transform:\n  /subject/birthDate: generalise-week\n",
            "a dropped date": base + "transform:\n  /subject/birthDate: drop\n",
            "a generalised member": base + "transform:\n  /details/housing/tenancyAtRisk: generalise-month\n",
            "a deadline finer than the release date": base.replacingOccurrences(of: "deadline: month", with: "deadline: week")
                + "transform:\n  /subject/expectedReleaseDate: generalise-month\n",
            "a deadline to the day": base.replacingOccurrences(of: "deadline: month", with: "deadline: day")
                + "transform:\n  /subject/expectedReleaseDate: generalise-week\n",
            "the remark": base + "transform:\n  /remark: drop\n",
        ]
        for (name, yaml) in refused.sorted(by: { $0.key < $1.key }) {
            #expect(throws: ConfigurationError.self, "accepted: \(name)") { try PolicySet.parse(yaml: yaml, name: "x.yaml") }
        }
        #expect(throws: Never.self) { try PolicySet.parse(yaml: base + "transform:\n  /subject/expectedReleaseDate: generalise-week\n", name: "ok.yaml") }
    }

    @Test("Every member the table calls droppable is really dropped")
    func droppingMatchesTheTable() throws {
        let full = NeedDetails(id: IDDetails(validDocumentPresent: false, documentType: .passport),
                               housing: HousingDetails(currentSituation: .shelter, tenancyAtRisk: false, wishesMunicipality: "GM0363"),
                               debts: DebtDetails(debtsKnown: true, estimatedRange: .from1000To5000, underAdministration: true),
                               care: CareDetails(indicationPresent: true, careTypes: [.somatic], healthInsured: true))
        for (domain, members) in FieldTransform.droppableMembers {
            for member in members {
                func has(_ details: NeedDetails) throws -> Bool {
                    let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(details)) as? [String: Any]
                    return (object?[domain.rawValue] as? [String: Any])?[member] != nil
                }
                #expect(try has(full), "the sample lacks \(domain.rawValue).\(member)")
                #expect(try !has(full.dropping(member, of: domain)), "\(domain.rawValue).\(member) not dropped")
            }
        }
    }

    @Test("A transformation changes the policy version; a set without any keeps the version it had")
    func versioned() throws {
        let base = narrowed.components(separatedBy: "transform:")[0]
        let plain = try PolicySet([try PolicySet.parse(yaml: base, name: "a.yaml")])
        let narrowedSet = try PolicySet([try PolicySet.parse(yaml: narrowed, name: "b.yaml")])
        #expect(plain.version != narrowedSet.version)
        #expect(!String(decoding: plain.canonicalJSON, as: UTF8.self).contains("transform"))
    }
}
