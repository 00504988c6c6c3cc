import Foundation
import NazorgContracts
import NazorgTestSupport
import Testing

/// The fast encoder must write exactly what Foundation's encoder with the contract's settings
/// writes: equal payloads give equal bytes, whichever path wrote them.
@Suite struct ContractJSONEncoderTests {
    @Test func everyContractExampleIsWrittenByteForByteAsFoundationWritesIt() throws {
        for type in EventType.allCases {
            let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("Contracts/examples/\(type.rawValue)-example.json"))
            func compare<P: EventPayload>(_: P.Type) throws {
                let payload = try P.decodedJSON(data)
                let fast = try #require(try ContractJSONEncoder.encodedWithoutFoundation(payload), "\(type.rawValue) needed Foundation")
                #expect(fast == (try ContractCoding.encoder().encode(payload)), "\(type.rawValue)")
                #expect(try P.decodedJSON(fast) == payload)
            }
            try compare(payloadType(type))
        }
    }

    @Test func randomValuesOfEveryShapeAreWrittenAsFoundationWritesThem() throws {
        var random = SeededGenerator(seed: 0x6A50_4E)
        for round in 0..<600 {
            let value = Shapes.random(using: &random)
            let fast = try #require(try ContractJSONEncoder.encodedWithoutFoundation(value), "round \(round) needed Foundation")
            let foundation = try ContractCoding.encoder().encode(value)
            #expect(fast == foundation, "round \(round): \(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: foundation, as: UTF8.self))")
        }
    }

    @Test func whatOnlyFoundationWritesRightFallsBackToFoundation() throws {
        struct Measured: Codable { var amount: Double; var label: String }
        struct Attached: Codable { var blob: Data; var link: URL }
        let values: [any Encodable] = [
            Measured(amount: 0.1, label: "a/b"),
            Attached(blob: Data([0, 1, 255]), link: URL(string: "https://example.invalid/x?y=1")!),
            // Keys beyond printable ASCII.
            ["b2": 1, "é": 2, "中": 3, "z": 4, "\u{1}": 5],
        ]
        let fastPath: [[String: String]] = [
            // Digits, punctuation and case, ordered by bytes as Foundation orders them.
            ["b2": "1", "b10": "2", "a_b": "3", "aB": "4", "Name": "5", "name": "6", "NAME": "7", "a-b": "8", "a b": "9", "~": ""],
        ]
        for value in values {
            func compare<T: Encodable>(_ value: T) throws {
                #expect(try ContractJSONEncoder.encodedWithoutFoundation(value) == nil)
                #expect(try ContractJSONEncoder.encode(value) == (try ContractCoding.encoder().encode(value)))
            }
            try compare(value)
        }
        for value in [TwiceNested(), SwallowedFallback(), Child()] as [any Encodable] {
            func compare<T: Encodable>(_ value: T) throws {
                #expect(try ContractJSONEncoder.encodedWithoutFoundation(value) == nil, "\(T.self)")
                #expect(try ContractJSONEncoder.encode(value) == (try ContractCoding.encoder().encode(value)), "\(T.self)")
            }
            try compare(value)
        }
        // A document that encodes nothing is refused, as Foundation refuses it.
        #expect(try ContractJSONEncoder.encodedWithoutFoundation(Nothing()) == nil)
        #expect(throws: EncodingError.self) { try ContractJSONEncoder.encode(Nothing()) }
        for value in fastPath {
            #expect(try ContractJSONEncoder.encodedWithoutFoundation(value) == (try ContractCoding.encoder().encode(value)))
        }
    }
}

/// A value with every shape the contracts use: nested structs, arrays, optionals present and
/// absent, string enums, dates, calendar dates, UUIDs, integers, booleans, dictionaries, and
/// manual nested containers.
private struct Shapes: Encodable {
    enum Kind: String, Codable, CaseIterable { case first, secondKind = "second-kind", third }
    struct Inner: Codable { var text: String; var when: Date?; var flags: [Bool]; var kind: Kind }

    var caseId: UUID
    var title: String
    var remark: String?
    var count: Int
    var small: Int32
    var at: Date
    var day: CalendarDate
    var inner: Inner
    var inners: [Inner]
    var table: [String: Int]
    var matrix: [[String]]
    var manual: Manual

    static func random(using random: inout SeededGenerator) -> Shapes {
        func text() -> String {
            // ASCII, escapes, control characters, slashes, Latin accents, other scripts, emoji, line separators.
            let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1F}", "\u{7F}",
                          "é", "ß", "Ω", "中", "🙂", "\u{2028}", "\u{2029}", "e\u{301}", "ij", "</script>", "0", "-"]
            return (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
        func date() -> Date {
            // Whole milliseconds, years 1583 to 9999 and beyond, negative too.
            Date(timeIntervalSince1970: Double(Int64.random(in: -12_000_000_000_000...253_402_300_799_999, using: &random)) / 1000)
        }
        func inner() -> Inner {
            Inner(text: text(), when: Bool.random(using: &random) ? date() : nil,
                  flags: (0..<Int.random(in: 0...3, using: &random)).map { _ in Bool.random(using: &random) },
                  kind: Kind.allCases.randomElement(using: &random)!)
        }
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. ~")
        func key() -> String { String((0..<Int.random(in: 1...6, using: &random)).map { _ in letters.randomElement(using: &random)! }) }
        return Shapes(
            caseId: UUID(), title: text(), remark: Bool.random(using: &random) ? text() : nil,
            count: Int.random(in: Int.min...Int.max, using: &random), small: Int32.random(in: -1000...1000, using: &random),
            at: date(), day: CalendarDate(year: Int.random(in: 1...9999, using: &random), month: Int.random(in: 1...12, using: &random),
                                          day: Int.random(in: 1...28, using: &random))!,
            inner: inner(), inners: (0..<Int.random(in: 0...3, using: &random)).map { _ in inner() },
            table: Dictionary((0..<Int.random(in: 0...5, using: &random)).map { _ in (key(), Int.random(in: -9...9, using: &random)) },
                              uniquingKeysWith: { first, _ in first }),
            matrix: (0..<Int.random(in: 0...2, using: &random)).map { _ in (0..<Int.random(in: 0...2, using: &random)).map { _ in text() } },
            manual: Manual(label: text(), values: (0..<Int.random(in: 0...3, using: &random)).map { _ in Int.random(in: 0...99, using: &random) }))
    }
}

/// Encodes through nested containers and a single-value container by hand.
private struct Manual: Encodable {
    var label: String
    var values: [Int]

    enum Keys: String, CodingKey { case outer, label, values, zeta, alpha }

    init(label: String, values: [Int]) {
        self.label = label
        self.values = values
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(true, forKey: .zeta)
        var outer = container.nestedContainer(keyedBy: Keys.self, forKey: .outer)
        var list = outer.nestedUnkeyedContainer(forKey: .values)
        try outer.encode(label, forKey: .label)
        for value in values { try list.encode(value) }
        var nested = list.nestedContainer(keyedBy: Keys.self)
        try nested.encodeNil(forKey: .alpha)
        try container.encode(false, forKey: .alpha)
    }
}

/// Asks twice for a nested container under one key: Foundation merges the two.
private struct TwiceNested: Encodable {
    enum Keys: String, CodingKey { case inner, a, b }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var first = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
        try first.encode("one", forKey: .a)
        var second = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
        try second.encode("two", forKey: .b)
    }
}

/// Swallows the error a floating-point number raises inside the fast encoder.
private struct SwallowedFallback: Encodable {
    enum Keys: String, CodingKey { case ratio, label }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try? container.encode(0.25, forKey: .ratio)
        try container.encode("x", forKey: .label)
    }
}

/// A subclass whose parent encodes nothing into its super encoder.
private class Parent: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

private final class Child: Parent, @unchecked Sendable {
    enum Keys: String, CodingKey { case name }
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("child", forKey: .name)
        try super.encode(to: container.superEncoder())
    }
}

/// Encodes nothing at all.
private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}
