import Foundation
import NazorgContracts
import NazorgRuntime

/// The needs of a D&R plan: per basisvoorwaarde a status, typed details of that domain and a
/// free-text remark. Problems name the field by pointer and the rule it breaks; a remark or a
/// detail is never repeated, since both are personal data (care details are health data).
extension FieldReader {
    /// 1 to 6 needs, one per basisvoorwaarde.
    mutating func needs(_ key: String, today: CalendarDate) -> [Need] {
        guard let value = raw(key, required: true) else { return [] }
        guard let items = value as? [Any], (1...6).contains(items.count) else {
            problem(pointer(key), "must be an array of 1 to 6 needs")
            return []
        }
        var needs: [Need] = []
        var listed: Set<Domain> = []
        for (index, item) in items.enumerated() {
            guard let nested = item as? [String: Any] else {
                problem(pointer("\(key)/\(index)"), "must be an object")
                continue
            }
            var reader = FieldReader(object: nested, prefix: pointer("\(key)/\(index)"))
            reader.rejectUnknown(allowed: ["domain", "status", "details", "remark"])
            let domain = reader.enumeration("domain", Domain.self)
            let status = reader.enumeration("status", NeedStatus.self)
            let details = reader.needDetails("details", of: domain, today: today)
            let remark = reader.remark("remark")
            absorb(reader)
            if let domain, !listed.insert(domain).inserted {
                problem(pointer("\(key)/\(index)/domain"), "names a basisvoorwaarde already listed")
            } else if reader.problems.isEmpty, let domain, let status {
                needs.append(Need(domain: domain, status: status, details: details, remark: remark))
            }
        }
        return needs
    }

    /// Optional details of one need: an object with exactly one member, named after the need's
    /// `domain` (which is nil when the domain itself was invalid; the member is then read
    /// without comparing it).
    mutating func needDetails(_ key: String, of domain: Domain?, today: CalendarDate) -> NeedDetails? {
        guard var reader = object(key, required: false) else { return nil }
        defer { absorb(reader) }
        reader.rejectUnknown(allowed: Set(Domain.allCases.map(\.rawValue)))
        let members = reader.object.keys.compactMap(Domain.init(rawValue:))
        guard members.count == 1, let member = members.first else {
            // A foreign member was named already; otherwise say what is expected.
            if reader.problems.isEmpty {
                reader.problem(reader.prefix, "must have exactly one member, named after the need's domain")
            }
            return nil
        }
        if let domain, member != domain {
            reader.problem(reader.pointer(member.rawValue), "must be the details of the need's own domain, \(domain.rawValue)")
            return nil
        }
        return reader.details(of: member, today: today)
    }

    /// The member of ``NeedDetails`` for `domain`, field by field.
    private mutating func details(of domain: Domain, today: CalendarDate) -> NeedDetails? {
        guard var reader = object(domain.rawValue, required: true) else { return nil }
        defer { absorb(reader) }
        switch domain {
        case .id:
            reader.rejectUnknown(allowed: ["validDocumentPresent", "documentType"])
            let present = reader.boolean("validDocumentPresent")
            let type = reader.enumeration("documentType", IDDetails.DocumentType.self, required: false)
            guard reader.problems.isEmpty, let present else { return nil }
            return NeedDetails(id: IDDetails(validDocumentPresent: present, documentType: type))
        case .housing:
            reader.rejectUnknown(allowed: ["currentSituation", "tenancyAtRisk", "wishesMunicipality"])
            let situation = reader.enumeration("currentSituation", HousingDetails.Situation.self)
            let atRisk = reader.boolean("tenancyAtRisk", required: false)
            let wish = reader.municipality("wishesMunicipality", required: false, on: today)
            guard reader.problems.isEmpty, let situation else { return nil }
            return NeedDetails(housing: HousingDetails(currentSituation: situation, tenancyAtRisk: atRisk, wishesMunicipality: wish))
        case .income:
            reader.rejectUnknown(allowed: ["benefit", "employment"])
            let benefit = reader.enumeration("benefit", IncomeDetails.Benefit.self)
            let employment = reader.enumeration("employment", IncomeDetails.Employment.self)
            guard reader.problems.isEmpty, let benefit, let employment else { return nil }
            return NeedDetails(income: IncomeDetails(benefit: benefit, employment: employment))
        case .debts:
            reader.rejectUnknown(allowed: ["debtsKnown", "estimatedRange", "underAdministration"])
            let known = reader.boolean("debtsKnown")
            let range = reader.enumeration("estimatedRange", DebtDetails.Range.self, required: false)
            let administration = reader.boolean("underAdministration", required: false)
            guard reader.problems.isEmpty, let known else { return nil }
            return NeedDetails(debts: DebtDetails(debtsKnown: known, estimatedRange: range, underAdministration: administration))
        case .care:
            reader.rejectUnknown(allowed: ["indicationPresent", "careTypes", "healthInsured"])
            let indication = reader.boolean("indicationPresent")
            let types = reader.list("careTypes", CareDetails.CareType.self, noun: "care types")
            let insured = reader.boolean("healthInsured", required: false)
            guard reader.problems.isEmpty, let indication, let types else { return nil }
            return NeedDetails(care: CareDetails(indicationPresent: indication, careTypes: types, healthInsured: insured))
        case .network:
            reader.rejectUnknown(allowed: ["contactPersonAvailable"])
            let available = reader.boolean("contactPersonAvailable")
            guard reader.problems.isEmpty, let available else { return nil }
            return NeedDetails(network: NetworkDetails(contactPersonAvailable: available))
        }
    }

    /// Line breaks and tabs a remark may hold, unlike every other text field: it is a
    /// casemanager's note, typed in a text area.
    static let remarkWhitespace: Set<Unicode.Scalar> = ["\n", "\r", "\t"]

    /// An optional remark: in Unicode NFC, 1 to ``Need/maximumRemarkLength`` code points, not
    /// blank, no control characters besides line breaks and tabs, no bidirectional formatting.
    mutating func remark(_ key: String) -> String? {
        guard let value = raw(key, required: false) else { return nil }
        guard let text = value as? String else {
            problem(pointer(key), "must be a string")
            return nil
        }
        if text.unicodeScalars.contains(where: { InputText.isForbidden($0) && !Self.remarkWhitespace.contains($0) }) {
            problem(pointer(key), "must not contain control characters other than line breaks and tabs, or bidirectional formatting characters")
            return nil
        }
        let remark = InputText.composed(text)
        guard (1...Need.maximumRemarkLength).contains(remark.unicodeScalars.count) else {
            problem(pointer(key), "must be 1 to \(Need.maximumRemarkLength) characters")
            return nil
        }
        guard remark.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            problem(pointer(key), "must not be blank")
            return nil
        }
        return remark
    }

    /// A nested object as a reader of its own (its problems are the caller's to collect), or
    /// nil when it is absent or not an object (that problem is recorded here).
    mutating func object(_ key: String, required: Bool) -> FieldReader? {
        guard let value = raw(key, required: required) else { return nil }
        guard let nested = value as? [String: Any] else {
            problem(pointer(key), "must be an object")
            return nil
        }
        return FieldReader(object: nested, prefix: pointer(key))
    }
}
