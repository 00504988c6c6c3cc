import Foundation
import NazorgContracts

/// The forms that act on a whole case: the person's cooperation and closing the case.
enum CaseActions {
    static func forms(_ summary: CaseSummary, session: CoordinatorSessions.Session) -> String {
        let id = summary.caseId.uuidString.lowercased()
        let cooperation = CooperationRecorded.Cooperation.allCases.map { (code: $0.rawValue, label: DutchLabels.cooperation($0)) }
        let reasons = CaseClosed.CoordinatorReason.allCases.map { (code: $0.rawValue, label: DutchLabels.closeReason($0)) }
        return """
            <h2>Acties</h2>
            <form method="post" action="/coordinator/cases/\(id)/cooperation" id="medewerking">\
            \(PageHTML.actionFields(session))<label>Medewerking \
            \(PageHTML.select(name: "cooperation", id: "cooperation", options: cooperation, selected: summary.cooperation?.rawValue))\
            </label><button type="submit">Vastleggen</button></form>
            <form method="post" action="/coordinator/cases/\(id)/close" id="sluiten">\
            \(PageHTML.actionFields(session))<label>Reden \
            \(PageHTML.select(name: "reason", id: "close-reason", options: reasons, selected: nil))</label>\
            <label>Notitie <textarea name="note" maxlength="\(InputReader.maximumNoteLength)"></textarea></label>\
            <button type="submit">Casus sluiten</button></form>

            """
    }
}
