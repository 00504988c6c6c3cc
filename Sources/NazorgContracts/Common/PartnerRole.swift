/// The role of a receiving organisation; it decides the legal basis and the fields it may receive.
public enum PartnerRole: String, Sendable, Hashable, Codable, CaseIterable {
    case municipalityCoordinator = "municipality-coordinator"
    case housingCorporation = "housing-corporation"
    case socialServices = "social-services"
    case debtRelief = "debt-relief"
    case careProvider = "care-provider"
    case civilAffairs = "civil-affairs"
    case probation
    case rcnMonitoring = "rcn-monitoring"
}
