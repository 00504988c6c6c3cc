/// One span as an OTLP/HTTP protobuf export carried it, decoded by hand (the wire format is
/// small, and a test decoding it by itself does not trust the exporter's own encoder).
public struct ExportedSpan: Sendable, CustomStringConvertible {
    /// A link to a span of another (or the same) trace.
    public struct Link: Sendable, Equatable {
        public var traceID: String
        public var spanID: String

        public init(traceID: String, spanID: String) {
            self.traceID = traceID
            self.spanID = spanID
        }
    }

    /// The `service.name` of the resource that exported the span.
    public var service = ""
    public var traceID = ""
    public var spanID = ""
    /// Nil for a root span.
    public var parentSpanID: String?
    public var name = ""
    /// OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
    public var kind = 0
    /// Attribute values as text (integers in decimal).
    public var attributes: [String: String] = [:]
    public var links: [Link] = []
    /// OTLP's status code: 0 unset, 1 ok, 2 error.
    public var statusCode = 0

    public var description: String {
        "\(service) \(name) trace=\(traceID) span=\(spanID) parent=\(parentSpanID ?? "-") \(attributes)"
    }

    /// Decodes an `ExportTraceServiceRequest`.
    public static func decode(request bytes: [UInt8]) throws -> [ExportedSpan] {
        var spans: [ExportedSpan] = []
        var request = ProtoReader(bytes[...])
        while let (field, value) = try request.next() {
            guard field == 1 else { continue }
            var resourceSpans = ProtoReader(try value.message())
            var service = ""
            var batch: [ExportedSpan] = []
            while let (field, value) = try resourceSpans.next() {
                switch field {
                case 1:
                    var resource = ProtoReader(try value.message())
                    while let (field, value) = try resource.next() {
                        guard field == 1 else { continue }
                        let (key, text) = try keyValue(value.message())
                        if key == "service.name" { service = text }
                    }
                case 2:
                    var scopeSpans = ProtoReader(try value.message())
                    while let (field, value) = try scopeSpans.next() {
                        guard field == 2 else { continue }
                        batch.append(try span(value.message()))
                    }
                default:
                    continue
                }
            }
            spans += batch.map { span in
                var span = span
                span.service = service
                return span
            }
        }
        return spans
    }

    private static func span(_ bytes: ArraySlice<UInt8>) throws -> ExportedSpan {
        var span = ExportedSpan()
        var reader = ProtoReader(bytes)
        while let (field, value) = try reader.next() {
            switch field {
            case 1: span.traceID = try value.message().hex
            case 2: span.spanID = try value.message().hex
            case 4:
                let parent = try value.message()
                span.parentSpanID = parent.isEmpty ? nil : parent.hex
            case 5: span.name = try value.text()
            case 6: span.kind = Int(try value.number())
            case 9:
                let (key, text) = try keyValue(value.message())
                span.attributes[key] = text
            case 13:
                var link = ProtoReader(try value.message())
                var decoded = Link(traceID: "", spanID: "")
                while let (field, value) = try link.next() {
                    if field == 1 { decoded.traceID = try value.message().hex }
                    if field == 2 { decoded.spanID = try value.message().hex }
                }
                span.links.append(decoded)
            case 15:
                var status = ProtoReader(try value.message())
                while let (field, value) = try status.next() {
                    if field == 3 { span.statusCode = Int(try value.number()) }
                }
            default:
                continue
            }
        }
        return span
    }

    /// A `KeyValue` whose `AnyValue` is a string or an integer.
    private static func keyValue(_ bytes: ArraySlice<UInt8>) throws -> (String, String) {
        var reader = ProtoReader(bytes)
        var key = "", text = ""
        while let (field, value) = try reader.next() {
            if field == 1 { key = try value.text() }
            if field == 2 {
                var any = ProtoReader(try value.message())
                while let (field, value) = try any.next() {
                    switch field {
                    case 1: text = try value.text()
                    case 2: text = try value.number() == 0 ? "false" : "true"
                    case 3: text = String(Int64(bitPattern: try value.number()))
                    default: text = "(unsupported)"
                    }
                }
            }
        }
        return (key, text)
    }
}

/// A protobuf wire-format reader: fields one by one.
struct ProtoReader {
    enum Value {
        case varint(UInt64)
        case fixed(UInt64)
        case bytes(ArraySlice<UInt8>)

        func message() throws -> ArraySlice<UInt8> {
            guard case .bytes(let bytes) = self else { throw ProtoError("expected a length-delimited field") }
            return bytes
        }

        func text() throws -> String { String(decoding: try message(), as: UTF8.self) }

        func number() throws -> UInt64 {
            guard case .varint(let number) = self else { throw ProtoError("expected a varint field") }
            return number
        }
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    mutating func next() throws -> (Int, Value)? {
        guard !bytes.isEmpty else { return nil }
        let tag = try varint()
        let field = Int(tag >> 3)
        switch tag & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed(try fixed(8)))
        case 2:
            let length = Int(try varint())
            guard bytes.count >= length else { throw ProtoError("a field runs past the end") }
            defer { bytes = bytes.dropFirst(length) }
            return (field, .bytes(bytes.prefix(length)))
        case 5: return (field, .fixed(try fixed(4)))
        default: throw ProtoError("unsupported wire type \(tag & 7)")
        }
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { break }
        }
        throw ProtoError("a varint runs past the end")
    }

    private mutating func fixed(_ count: Int) throws -> UInt64 {
        guard bytes.count >= count else { throw ProtoError("a fixed field runs past the end") }
        var result: UInt64 = 0
        for (index, byte) in bytes.prefix(count).enumerated() { result |= UInt64(byte) << (8 * UInt64(index)) }
        bytes = bytes.dropFirst(count)
        return result
    }
}

struct ProtoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ArraySlice<UInt8> {
    var hex: String { map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
}
