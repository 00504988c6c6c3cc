import NazorgContracts
import NazorgRuntime
import Yams

/// Reading the profiles file node by node, so that every error names the profile and the
/// key (`profile 'GM0599', key 'responseHours.roles.landlord': …`), and so that unknown and
/// repeated keys are refused instead of silently ignored or overwritten.
struct ProfileYAML {
    /// The profile being read: `default`, a municipality code or a safety region.
    let profile: String

    func error(_ key: String, _ message: String) -> ConfigurationError {
        ConfigurationError("municipality profiles: profile '\(profile)', key '\(key)': \(message)")
    }

    /// The pairs of a mapping, in file order; refuses anything else, a key that is not text,
    /// a key given twice and a key not in `allowed` (when given).
    func mapping(_ node: Node, key: String, allowed: [String]? = nil) throws -> [(key: String, value: Node)] {
        guard let mapping = node.mapping else { throw error(key, "must be a mapping") }
        var seen = Set<String>()
        var pairs: [(key: String, value: Node)] = []
        for (name, value) in mapping {
            guard let text = name.string else { throw error(key, "has a key that is not text") }
            let path = key.isEmpty ? text : "\(key).\(text)"
            guard seen.insert(text).inserted else { throw error(path, "appears twice") }
            if let allowed, !allowed.contains(text) {
                throw error(path, "is not a known key (known: \(allowed.joined(separator: ", ")))")
            }
            pairs.append((text, value))
        }
        return pairs
    }

    func sequence(_ node: Node, key: String) throws -> [Node] {
        guard let sequence = node.sequence else { throw error(key, "must be a list") }
        return Array(sequence)
    }

    func text(_ node: Node, key: String) throws -> String {
        guard let scalar = node.scalar else { throw error(key, "must be text") }
        return scalar.string
    }

    /// A whole number within `range`; a negative one is named as such.
    func int(_ node: Node, key: String, in range: ClosedRange<Int>) throws -> Int {
        guard node.scalar != nil, let value = node.int else { throw error(key, "must be a whole number") }
        if value < 0, range.lowerBound >= 0 { throw error(key, "must not be negative (got \(value))") }
        guard range.contains(value) else { throw error(key, "must lie between \(range.lowerBound) and \(range.upperBound)") }
        return value
    }

    /// A number of hours within `range`, whole or with a fraction (`0.05` is three minutes:
    /// short terms for a trial or the demo); a negative one is named as such.
    func hours(_ node: Node, key: String, in range: ClosedRange<Double>) throws -> Double {
        guard node.scalar != nil, let value = node.int.map(Double.init) ?? node.float, value.isFinite else {
            throw error(key, "must be a number of hours")
        }
        if value < 0 { throw error(key, "must not be negative (got \(Self.describe(value)))") }
        guard range.contains(value) else {
            throw error(key, "must lie between \(Self.describe(range.lowerBound)) and \(Self.describe(range.upperBound)) hours")
        }
        return value
    }

    /// `72` rather than `72.0`, `0.05` as it was written.
    private static func describe(_ hours: Double) -> String {
        hours == hours.rounded() && abs(hours) < 1e9 ? String(Int(hours)) : String(hours)
    }

    func domain(_ text: String, key: String) throws -> Domain {
        guard let domain = Domain(rawValue: text) else {
            throw error(key, "'\(text)' is not a basisvoorwaarde (\(Domain.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return domain
    }

    func role(_ text: String, key: String) throws -> PartnerRole {
        guard let role = PartnerRole(rawValue: text) else { throw error(key, "'\(text)' is not a partner role") }
        return role
    }

    func partner(_ id: String, key: String, in directory: PartnerDirectory) throws -> PartnerDirectory.Partner {
        guard let partner = directory.partner(id: id) else { throw error(key, "'\(id)' is not in the partner directory") }
        return partner
    }

    /// `{anchor: expected-release, days: -28}` or `{anchor: release-moment, hours: 48}`.
    func rule(_ node: Node, key: String) throws -> DeadlineRule {
        var anchor: DeadlineAnchor?
        var days = 0
        var hours = 0
        for (name, value) in try mapping(node, key: key, allowed: ["anchor", "days", "hours"]) {
            switch name {
            case "anchor":
                let text = try text(value, key: "\(key).anchor")
                guard let known = DeadlineAnchor(rawValue: text) else {
                    throw error("\(key).anchor", "'\(text)' is not an anchor (\(DeadlineAnchor.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                anchor = known
            case "days": days = try int(value, key: "\(key).days", in: -3_650...3_650)
            default: hours = try int(value, key: "\(key).hours", in: 0...8_760)
            }
        }
        guard let anchor else { throw error(key, "needs an anchor") }
        let rule = DeadlineRule(anchor, days: days, hours: hours)
        if let problem = rule.problem { throw error(key, problem) }
        return rule
    }
}
