import Foundation

/// Writes an `Encodable` value as contract JSON, byte for byte what ``ContractCoding/encoder()``
/// writes (sorted keys, slashes unescaped, timestamps as ``ContractCoding/timestamp(_:)``),
/// in a fraction of the time.
///
/// Foundation's encoder builds a tree of its own values, sorts keys as Swift strings and
/// calls the custom date strategy through a closure for every timestamp; the filter writes
/// three records per event, and encoding them was most of its work. This encoder orders keys
/// by their bytes, which for printable ASCII keys is the order Foundation gives (a test holds
/// the two equal for every contract type and for random values of every shape), and writes
/// into one byte buffer.
///
/// What it does not know how to write the way Foundation does (floating-point numbers,
/// `Data`, `URL`, `Decimal`, a key beyond printable ASCII, a class's `superEncoder`, a second
/// nested container under one key, a document that encodes nothing) makes
/// ``encode(_:)`` fall back to Foundation's encoder for the whole value, so the output never
/// depends on which path wrote it.
public enum ContractJSONEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        if let fast = try encodedWithoutFoundation(value) { return fast }
        return try ContractCoding.encoder().encode(value)
    }

    /// The value as this encoder writes it, or nil when it needs Foundation's encoder.
    public static func encodedWithoutFoundation<T: Encodable>(_ value: T) throws -> Data? {
        do {
            let context = EncodingContext()
            let root = try ValueEncoder.box(value, parent: nil, key: nil, context: context)
            guard !context.needsFoundation else { return nil }
            var out = JSONBytes()
            out.reserve(512)
            root.write(into: &out)
            return Data(out.bytes)
        } catch is NeedsFoundation {
            return nil
        }
    }
}

/// Thrown inside the encoder when a value needs Foundation's own handling. The context is
/// flagged as well, so a value whose `encode(to:)` swallows the error (`try?`) still sends
/// the whole value to Foundation.
private struct NeedsFoundation: Error {
    init(_ context: EncodingContext) { context.needsFoundation = true }
}

/// Shared by the encoders of one value: set when a key is one whose place Foundation's
/// ordering might decide differently from this encoder's.
private final class EncodingContext {
    var needsFoundation = false

    /// Keys are ordered by their bytes, which is the order Foundation gives (Swift's string
    /// order) for printable ASCII; anything else goes to Foundation.
    func check(_ key: String) {
        if !key.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) { needsFoundation = true }
    }
}

/// A value under construction. Objects and arrays are boxes, so that a container handed out
/// before its contents are encoded (nested containers) still sees them.
private enum JSONValue {
    case string(String)
    /// A number, `true`, `false` or `null`, written as it is.
    case literal(String)
    case object(ObjectBox)
    case array(ArrayBox)

    func write(into out: inout JSONBytes) {
        switch self {
        case .string(let text): out.string(text)
        case .literal(let text): out.raw(text)
        case .object(let box):
            out.byte(UInt8(ascii: "{"))
            var first = true
            for (key, value) in box.entries.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                if !first { out.byte(UInt8(ascii: ",")) }
                first = false
                out.string(key)
                out.byte(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.byte(UInt8(ascii: "}"))
        case .array(let box):
            out.byte(UInt8(ascii: "["))
            for (index, element) in box.elements.enumerated() {
                if index > 0 { out.byte(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.byte(UInt8(ascii: "]"))
        }
    }
}

private final class ObjectBox {
    var entries: [(key: String, value: JSONValue)] = []

    /// Sets `key`, replacing an earlier value under it as Foundation's encoder does.
    func set(_ key: String, _ value: JSONValue) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key, value))
        }
    }
}

private final class ArrayBox {
    var elements: [JSONValue] = []
}

/// The output buffer and JSON's string escaping, as Foundation's encoder escapes.
private struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }
    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, codes, names) need no escape: copied whole.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for unit in text.utf8 {
            switch unit {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let digit = { (nibble: UInt8) in nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          digit(unit >> 4), digit(unit & 0x0F)])
            default: bytes.append(unit)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// The encoder a value encodes itself into; it holds the one value it was given.
private final class ValueEncoder: Encoder {
    let parent: ValueEncoder?
    let key: (any CodingKey)?
    let context: EncodingContext
    var value: JSONValue?

    init(parent: ValueEncoder?, key: (any CodingKey)?, context: EncodingContext) {
        self.parent = parent
        self.key = key
        self.context = context
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var node: ValueEncoder? = self
        while let current = node, let key = current.key {
            path.append(key)
            node = current.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: ObjectBox
        if case .object(let existing) = value {
            box = existing
        } else {
            box = ObjectBox()
            value = .object(box)
        }
        return KeyedEncodingContainer(KeyedWriter<Key>(encoder: self, box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case .array(let existing) = value {
            box = existing
        } else {
            box = ArrayBox()
            value = .array(box)
        }
        return UnkeyedWriter(encoder: self, box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(encoder: self) }

    /// A value as JSON: the types Foundation treats specially first, then the value's own
    /// encoding.
    static func box<T: Encodable>(_ value: T, parent: ValueEncoder?, key: (any CodingKey)?,
                                  context: EncodingContext) throws -> JSONValue {
        switch value {
        case let text as String: return .string(text)
        case let date as Date: return .string(ContractCoding.timestamp(date))
        case let flag as Bool: return .literal(flag ? "true" : "false")
        case let number as Int: return .literal(String(number))
        case let number as Int64: return .literal(String(number))
        case let number as Int32: return .literal(String(number))
        case let number as UInt8: return .literal(String(number))
        case is Data, is URL, is Decimal, is Double, is Float: throw NeedsFoundation(context)
        default:
            let child = ValueEncoder(parent: parent, key: key, context: context)
            try value.encode(to: child)
            // A value that encodes nothing is an empty object inside a document, as with
            // Foundation; a whole document of nothing is Foundation's to refuse.
            if child.value == nil && parent == nil && key == nil { context.needsFoundation = true }
            return child.value ?? .object(ObjectBox())
        }
    }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    let box: ObjectBox
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ key: Key, _ value: JSONValue) {
        let text = key.stringValue
        encoder.context.check(text)
        box.set(text, value)
    }

    mutating func encodeNil(forKey key: Key) throws { set(key, .literal("null")) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .literal(value ? "true" : "false")) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw NeedsFoundation(encoder.context) }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw NeedsFoundation(encoder.context) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, .literal(String(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(key, .literal(String(value))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(key, try ValueEncoder.box(value, parent: encoder, key: key, context: encoder.context))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        // A second container under a key already set is merged by Foundation: its case.
        if box.entries.contains(where: { $0.key == key.stringValue }) { encoder.context.needsFoundation = true }
        let nested = ValueEncoder(parent: encoder, key: key, context: encoder.context)
        let container = nested.container(keyedBy: keyType)
        if case .object(let inner)? = nested.value { set(key, .object(inner)) }
        return container
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        if box.entries.contains(where: { $0.key == key.stringValue }) { encoder.context.needsFoundation = true }
        let nested = ValueEncoder(parent: encoder, key: key, context: encoder.context)
        let container = nested.unkeyedContainer()
        if case .array(let inner)? = nested.value { set(key, .array(inner)) }
        return container
    }

    // Foundation writes a super encoder's value even when nothing is encoded into it.
    mutating func superEncoder() -> any Encoder { FallbackEncoder(codingPath: codingPath, flagging: encoder.context) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { FallbackEncoder(codingPath: codingPath, flagging: encoder.context) }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    let box: ArrayBox
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { box.elements.count }

    mutating func encodeNil() throws { box.elements.append(.literal("null")) }
    mutating func encode(_ value: Bool) throws { box.elements.append(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { box.elements.append(.string(value)) }
    mutating func encode(_ value: Double) throws { throw NeedsFoundation(encoder.context) }
    mutating func encode(_ value: Float) throws { throw NeedsFoundation(encoder.context) }
    mutating func encode(_ value: Int) throws { box.elements.append(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { box.elements.append(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { box.elements.append(.literal(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.elements.append(try ValueEncoder.box(value, parent: encoder, key: IndexKey(intValue: box.elements.count),
                                                 context: encoder.context))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ValueEncoder(parent: encoder, key: IndexKey(intValue: box.elements.count), context: encoder.context)
        let container = nested.container(keyedBy: keyType)
        if case .object(let inner)? = nested.value { box.elements.append(.object(inner)) }
        return container
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ValueEncoder(parent: encoder, key: IndexKey(intValue: box.elements.count), context: encoder.context)
        let container = nested.unkeyedContainer()
        if case .array(let inner)? = nested.value { box.elements.append(.array(inner)) }
        return container
    }

    mutating func superEncoder() -> any Encoder { FallbackEncoder(codingPath: codingPath, flagging: encoder.context) }
}

private struct SingleWriter: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.value = .literal("null") }
    mutating func encode(_ value: Bool) throws { encoder.value = .literal(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.value = .string(value) }
    mutating func encode(_ value: Double) throws { throw NeedsFoundation(encoder.context) }
    mutating func encode(_ value: Float) throws { throw NeedsFoundation(encoder.context) }
    mutating func encode(_ value: Int) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: Int8) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: Int16) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: Int32) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.value = .literal(String(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.value = .literal(String(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.value = try ValueEncoder.box(value, parent: encoder.parent, key: encoder.key, context: encoder.context)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// Handed out for `superEncoder`: the whole value goes to Foundation's encoder.
private struct FallbackEncoder: Encoder {
    let codingPath: [any CodingKey]
    let context: EncodingContext
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], flagging context: EncodingContext) {
        self.codingPath = codingPath
        self.context = context
        context.needsFoundation = true
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(FailingKeyed<Key>(codingPath: codingPath, context: context))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { FailingUnkeyed(codingPath: codingPath, context: context) }
    func singleValueContainer() -> any SingleValueEncodingContainer { FailingSingle(codingPath: codingPath, context: context) }
}

private struct FailingKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let codingPath: [any CodingKey]
    let context: EncodingContext
    mutating func encodeNil(forKey key: Key) throws { throw NeedsFoundation(context) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw NeedsFoundation(context) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FailingKeyed<NestedKey>(codingPath: codingPath, context: context))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        FailingUnkeyed(codingPath: codingPath, context: context)
    }
    mutating func superEncoder() -> any Encoder { FallbackEncoder(codingPath: codingPath, flagging: context) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { FallbackEncoder(codingPath: codingPath, flagging: context) }
}

private struct FailingUnkeyed: UnkeyedEncodingContainer {
    let codingPath: [any CodingKey]
    let context: EncodingContext
    var count: Int { 0 }
    mutating func encodeNil() throws { throw NeedsFoundation(context) }
    mutating func encode<T: Encodable>(_ value: T) throws { throw NeedsFoundation(context) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FailingKeyed<NestedKey>(codingPath: codingPath, context: context))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { FailingUnkeyed(codingPath: codingPath, context: context) }
    mutating func superEncoder() -> any Encoder { FallbackEncoder(codingPath: codingPath, flagging: context) }
}

private struct FailingSingle: SingleValueEncodingContainer {
    let codingPath: [any CodingKey]
    let context: EncodingContext
    mutating func encodeNil() throws { throw NeedsFoundation(context) }
    mutating func encode<T: Encodable>(_ value: T) throws { throw NeedsFoundation(context) }
}
