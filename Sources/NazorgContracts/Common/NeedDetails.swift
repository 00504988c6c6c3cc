/// Structured content of one basisvoorwaarde in the D&R plan, keyed by its domain so the
/// JSON says what it is about: `{"housing": {"currentSituation": "shelter", …}}`. Exactly one
/// member is present, the one of the need's domain (see ``Need/hasMatchingDetails``).
/// Personal data; care details are health data (art. 9 AVG).
public struct NeedDetails: Sendable, Hashable, Codable {
    public var id: IDDetails?
    public var housing: HousingDetails?
    public var income: IncomeDetails?
    public var debts: DebtDetails?
    /// Special category (health): only for care roles, and only with consent.
    public var care: CareDetails?
    public var network: NetworkDetails?

    public init(id: IDDetails? = nil, housing: HousingDetails? = nil, income: IncomeDetails? = nil,
                debts: DebtDetails? = nil, care: CareDetails? = nil, network: NetworkDetails? = nil) {
        self.id = id
        self.housing = housing
        self.income = income
        self.debts = debts
        self.care = care
        self.network = network
    }

    /// The domains whose details are present, in `Domain` order.
    public var domains: [Domain] {
        [(Domain.id, id != nil), (.housing, housing != nil), (.income, income != nil), (.debts, debts != nil),
         (.care, care != nil), (.network, network != nil)].filter(\.1).map(\.0)
    }
}

/// Identity document.
public struct IDDetails: Sendable, Hashable, Codable {
    public enum DocumentType: String, Sendable, Hashable, Codable, CaseIterable {
        case passport
        case identityCard = "identity-card"
        case residenceDocument = "residence-document"
        case drivingLicence = "driving-licence"
    }

    /// A valid identity document is in the person's property at the PI.
    public var validDocumentPresent: Bool
    /// The document present, or the one to apply for.
    public var documentType: DocumentType?

    public init(validDocumentPresent: Bool, documentType: DocumentType? = nil) {
        self.validDocumentPresent = validDocumentPresent
        self.documentType = documentType
    }
}

/// Housing.
public struct HousingDetails: Sendable, Hashable, Codable {
    public enum Situation: String, Sendable, Hashable, Codable, CaseIterable {
        case ownTenancy = "own-tenancy"
        case ownerOccupied = "owner-occupied"
        case withFamilyOrFriends = "with-family-or-friends"
        case shelter
        case noFixedAbode = "no-fixed-abode"
        case unknown
    }

    public var currentSituation: Situation
    /// The tenancy will be lost during detention unless something is done (rent continued).
    public var tenancyAtRisk: Bool?
    /// Where the person wishes to live: a CBS municipality code.
    public var wishesMunicipality: String?

    public init(currentSituation: Situation, tenancyAtRisk: Bool? = nil, wishesMunicipality: String? = nil) {
        self.currentSituation = currentSituation
        self.tenancyAtRisk = tenancyAtRisk
        self.wishesMunicipality = wishesMunicipality
    }
}

/// Work and income.
public struct IncomeDetails: Sendable, Hashable, Codable {
    public enum Benefit: String, Sendable, Hashable, Codable, CaseIterable {
        case none
        case running
        /// Suspended during detention; can be revived.
        case suspended
        case ended
        case unknown
    }

    public enum Employment: String, Sendable, Hashable, Codable, CaseIterable {
        case employed
        case jobOffer = "job-offer"
        case none
        case unknown
    }

    public var benefit: Benefit
    public var employment: Employment

    public init(benefit: Benefit, employment: Employment) {
        self.benefit = benefit
        self.employment = employment
    }
}

/// Debts.
public struct DebtDetails: Sendable, Hashable, Codable {
    /// Estimated total, as a range: never an amount.
    public enum Range: String, Sendable, Hashable, Codable, CaseIterable {
        case below1000 = "below-1000"
        case from1000To5000 = "1000-5000"
        case from5000To20000 = "5000-20000"
        case above20000 = "above-20000"
        case unknown
    }

    public var debtsKnown: Bool
    public var estimatedRange: Range?
    /// Under protective administration (beschermingsbewind).
    public var underAdministration: Bool?

    public init(debtsKnown: Bool, estimatedRange: Range? = nil, underAdministration: Bool? = nil) {
        self.debtsKnown = debtsKnown
        self.estimatedRange = estimatedRange
        self.underAdministration = underAdministration
    }
}

/// Care and health insurance. Health data (art. 9 AVG).
public struct CareDetails: Sendable, Hashable, Codable {
    public enum CareType: String, Sendable, Hashable, Codable, CaseIterable {
        case addiction
        case mentalHealth = "mental-health"
        case somatic
        case intellectualDisability = "intellectual-disability"
        case forensic
    }

    /// A care indication (or court-ordered care) is in place.
    public var indicationPresent: Bool
    public var careTypes: [CareType]
    public var healthInsured: Bool?

    public init(indicationPresent: Bool, careTypes: [CareType] = [], healthInsured: Bool? = nil) {
        self.indicationPresent = indicationPresent
        self.careTypes = careTypes
        self.healthInsured = healthInsured
    }
}

/// Social network.
public struct NetworkDetails: Sendable, Hashable, Codable {
    /// Someone outside is available as a contact person on release.
    public var contactPersonAvailable: Bool

    public init(contactPersonAvailable: Bool) {
        self.contactPersonAvailable = contactPersonAvailable
    }
}
