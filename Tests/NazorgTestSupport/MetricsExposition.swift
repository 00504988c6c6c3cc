import Foundation

/// A `/metrics` answer read back as Prometheus would: families from `# TYPE` lines and one
/// sample per series line. Enough of the text format for tests, not a general parser.
public struct MetricsExposition: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    /// Family name to type (`counter`, `gauge`, `histogram`).
    public private(set) var families: [String: String] = [:]
    public private(set) var samples: [Sample] = []

    public init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst("# TYPE ".count).split(separator: " ")
                if parts.count == 2 { families[String(parts[0])] = String(parts[1]) }
            } else if !line.hasPrefix("#"), let sample = Self.sample(line) {
                samples.append(sample)
            }
        }
    }

    /// Every label value of every sample.
    public var labelValues: Set<String> { Set(samples.flatMap(\.labels.values)) }

    /// The samples of `name` whose labels include all of `labels`.
    public func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    /// The one sample of `name` with exactly `labels` (histogram buckets aside), or nil.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// `name{labels} value`: label values may hold escaped quotes, backslashes and line feeds.
    static func sample(_ line: Substring) -> Sample? {
        var labels: [String: String] = [:]
        let name: Substring
        var rest: Substring
        if let brace = line.firstIndex(of: "{") {
            name = line[..<brace]
            rest = line[line.index(after: brace)...]
            while !rest.hasPrefix("}") {
                guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].hasPrefix("\"") else { return nil }
                let key = String(rest[..<equals])
                var index = rest.index(equals, offsetBy: 2)
                var value = ""
                while index < rest.endIndex, rest[index] != "\"" {
                    if rest[index] == "\\", rest.index(after: index) < rest.endIndex {
                        index = rest.index(after: index)
                        value.append(rest[index] == "n" ? "\n" : rest[index])
                    } else {
                        value.append(rest[index])
                    }
                    index = rest.index(after: index)
                }
                guard index < rest.endIndex else { return nil }
                labels[key] = value
                rest = rest[rest.index(after: index)...]
                if rest.hasPrefix(",") { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = line[..<space]
            rest = line[space...]
        }
        guard let value = Double(rest.trimmingCharacters(in: .whitespaces)) else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
