import NazorgContracts
import NazorgRuntime
import Yams

/// One profile of the file as written: only the keys it sets. Laid over the profile it
/// refines (a municipality's over its region's, a region's over the default, the default
/// over ``MunicipalityProfile/standard``), key by key; the maps of deadline rules and
/// response times merge entry by entry, so a profile names only what differs.
struct ProfileLayer {
    var covers: Set<Domain>?
    var deliver: [Domain: DeadlineRule] = [:]
    var screen: DeadlineRule?
    var firstContact: DeadlineRule?
    var withoutReleaseDate: Int?
    var responseStandard: Double?
    var responseRoles: [PartnerRole: Double] = [:]
    var responsePartners: [String: Double] = [:]
    var aftercareDays: Int?
    var consentWaitHours: Double?
    var planWorkingDays: Int?
    /// A list replaces the inherited list whole: a profile lists the measures it uses.
    var measures: [MeasurePlan]?

    static let keys = ["covers", "deadlines", "responseHours", "aftercareDays", "consentWaitHours", "planWorkingDays", "measures"]

    func applied(over base: MunicipalityProfile) -> MunicipalityProfile {
        var profile = base
        if let covers { profile.covers = covers }
        profile.rules.deliver.merge(deliver) { _, named in named }
        if let screen { profile.rules.screen = screen }
        if let firstContact { profile.rules.firstContact = firstContact }
        if let withoutReleaseDate { profile.rules.withoutReleaseDate = withoutReleaseDate }
        if let responseStandard { profile.responseHours.standard = responseStandard }
        profile.responseHours.roles.merge(responseRoles) { _, named in named }
        profile.responseHours.partners.merge(responsePartners) { _, named in named }
        if let aftercareDays { profile.aftercareDays = aftercareDays }
        if let consentWaitHours { profile.consentWaitHours = consentWaitHours }
        if let planWorkingDays { profile.planWorkingDays = planWorkingDays }
        if let measures { profile.measures = measures }
        return profile
    }

    /// Reads one profile's mapping; partner ids must be in `directory`.
    init(_ node: Node, reader: ProfileYAML, directory: PartnerDirectory) throws {
        for (key, value) in try reader.mapping(node, key: "", allowed: Self.keys) {
            switch key {
            case "covers":
                var covers = Set<Domain>()
                for item in try reader.sequence(value, key: key) {
                    let domain = try reader.domain(try reader.text(item, key: key), key: key)
                    guard covers.insert(domain).inserted else { throw reader.error(key, "names '\(domain.rawValue)' twice") }
                }
                self.covers = covers
            case "deadlines": try readDeadlines(value, reader: reader)
            case "responseHours": try readResponseHours(value, reader: reader, directory: directory)
            case "aftercareDays": aftercareDays = try reader.int(value, key: key, in: 1...3_650)
            case "consentWaitHours": consentWaitHours = try reader.hours(value, key: key, in: 0...8_760)
            case "planWorkingDays": planWorkingDays = try reader.int(value, key: key, in: 1...260)
            default: measures = try Self.measures(value, reader: reader, directory: directory)
            }
        }
    }

    private mutating func readDeadlines(_ node: Node, reader: ProfileYAML) throws {
        let allowed = ["deliver", "screen", "firstContact", "withoutReleaseDate"]
        for (key, value) in try reader.mapping(node, key: "deadlines", allowed: allowed) {
            let path = "deadlines.\(key)"
            switch key {
            case "deliver":
                for (name, rule) in try reader.mapping(value, key: path) {
                    deliver[try reader.domain(name, key: "\(path).\(name)")] = try reader.rule(rule, key: "\(path).\(name)")
                }
            case "screen": screen = try reader.rule(value, key: path)
            case "firstContact": firstContact = try reader.rule(value, key: path)
            default: withoutReleaseDate = try reader.int(value, key: path, in: 0...3_650)
            }
        }
    }

    private mutating func readResponseHours(_ node: Node, reader: ProfileYAML, directory: PartnerDirectory) throws {
        let hours = 0.01...8_760.0
        for (key, value) in try reader.mapping(node, key: "responseHours", allowed: ["default", "roles", "partners"]) {
            let path = "responseHours.\(key)"
            switch key {
            case "default":
                responseStandard = try reader.hours(value, key: path, in: hours)
            case "roles":
                for (name, term) in try reader.mapping(value, key: path) {
                    responseRoles[try reader.role(name, key: "\(path).\(name)")] = try reader.hours(term, key: "\(path).\(name)", in: hours)
                }
            default:
                for (name, term) in try reader.mapping(value, key: path) {
                    let partner = try reader.partner(name, key: "\(path).\(name)", in: directory)
                    responsePartners[partner.id] = try reader.hours(term, key: "\(path).\(name)", in: hours)
                }
            }
        }
    }

    /// `- {measure: rent-continuation, owner: {role: social-services}, deadline: {…}, when: own-tenancy}`
    private static func measures(_ node: Node, reader: ProfileYAML, directory: PartnerDirectory) throws -> [MeasurePlan] {
        var plans: [MeasurePlan] = []
        for (index, item) in try reader.sequence(node, key: "measures").enumerated() {
            let path = "measures[\(index)]"
            var measure: AlternativeMeasure?
            var owner: MeasurePlan.Owner?
            var deadline: DeadlineRule?
            var condition: MeasureCondition?
            for (key, value) in try reader.mapping(item, key: path, allowed: ["measure", "owner", "deadline", "when"]) {
                switch key {
                case "measure":
                    let text = try reader.text(value, key: "\(path).measure")
                    guard let known = AlternativeMeasure(rawValue: text) else {
                        throw reader.error("\(path).measure", "'\(text)' is not an alternative measure "
                                           + "(\(AlternativeMeasure.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    measure = known
                case "owner": owner = try Self.owner(value, key: "\(path).owner", reader: reader, directory: directory)
                case "deadline": deadline = try reader.rule(value, key: "\(path).deadline")
                default:
                    let text = try reader.text(value, key: "\(path).when")
                    guard let known = MeasureCondition(rawValue: text) else {
                        throw reader.error("\(path).when", "'\(text)' is not a condition "
                                           + "(\(MeasureCondition.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    condition = known
                }
            }
            guard let measure, let owner, let deadline else { throw reader.error(path, "needs measure, owner and deadline") }
            guard !plans.contains(where: { $0.measure == measure }) else {
                throw reader.error(path, "'\(measure.rawValue)' is listed twice")
            }
            plans.append(MeasurePlan(measure, owner: owner, deadline: deadline, condition: condition))
        }
        return plans
    }

    private static func owner(_ node: Node, key: String, reader: ProfileYAML,
                              directory: PartnerDirectory) throws -> MeasurePlan.Owner {
        let pairs = try reader.mapping(node, key: key, allowed: ["partner", "role"])
        guard pairs.count == 1, let (name, value) = pairs.first else { throw reader.error(key, "needs exactly one of partner or role") }
        let text = try reader.text(value, key: "\(key).\(name)")
        if name == "partner" { return .partner(try reader.partner(text, key: "\(key).partner", in: directory).id) }
        return .role(try reader.role(text, key: "\(key).role"))
    }
}
