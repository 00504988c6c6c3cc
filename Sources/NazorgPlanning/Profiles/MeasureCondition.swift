import NazorgContracts

/// When the D&R plan calls for an alternative measure, read from the structured content
/// of its basisvoorwaarden (``NeedDetails``).
public enum MeasureCondition: String, Sendable, Hashable, CaseIterable {
    /// The person rents a home of their own that is not known to be safe (housing details:
    /// `own-tenancy`, `tenancyAtRisk` not false): continuing the rent keeps it.
    case ownTenancy = "own-tenancy"
    /// The income details say a benefit was suspended during detention: it can be revived.
    case benefitSuspended = "benefit-suspended"
    /// The person returns to live with family or friends (housing details
    /// `with-family-or-friends`): a shared household, where the kostendelersnorm would
    /// lower a benefit. No field says the household is shared, so this is the nearest.
    case sharedHousehold = "shared-household"
    /// The plan says the measure's basisvoorwaarde is needed.
    case needed
    /// Every case, from its opening.
    case always

    /// The condition a measure has when the profile names none.
    public static func standard(for measure: AlternativeMeasure) -> MeasureCondition {
        switch measure {
        case .rentContinuation: return .ownTenancy
        case .benefitRevival: return .benefitSuspended
        case .kostendelersnormExemption: return .sharedHousehold
        }
    }

    /// Whether what the plans said in the case calls for a measure of `domain`.
    public func holds(in record: CaseRecord, for domain: Domain) -> Bool {
        switch self {
        case .always:
            return true
        case .needed:
            return record.need(domain)?.need.status == .needed
        case .ownTenancy:
            guard let housing = record.need(.housing)?.need.details?.housing else { return false }
            return housing.currentSituation == .ownTenancy && housing.tenancyAtRisk != false
        case .benefitSuspended:
            return record.need(.income)?.need.details?.income?.benefit == .suspended
        case .sharedHousehold:
            return record.need(.housing)?.need.details?.housing?.currentSituation == .withFamilyOrFriends
        }
    }
}
