import Crypto
import Foundation
import NazorgContracts

/// Seals the personal members of an event's JSON body under the person's data key before
/// it goes on a topic, and opens them again when a service reads it.
///
/// Sealed are, wherever they occur in the body, the members that identify or describe the
/// person: `person` (BSN, names, birth date), an object `subject` (a partner's copy of
/// those), `details` (a basisvoorwaarde's D&R content, health data included) and `remark`
/// (the casemanager's free text). They leave the body and travel, in the order of their
/// JSON Pointers, as one AES-256-GCM box in a member `sealed`:
///
/// ```json
/// "sealed": {"alg": "A256GCM", "kid": "…", "paths": ["/person", "/needs/0/remark"], "box": "…"}
/// ```
///
/// The box is bound to the event's id and type (additional data), so it cannot be moved to
/// another event. What stays readable are ids, pseudonyms, codes and dates: what services
/// route and count by. Sealed are the hub's topics that carry a person's fields: intake's
/// notices, planning's case events and every partner's task topic. Keys are per person and
/// scope (``SubjectKeyStore``): the hub's topics share one, each partner's topic has its
/// own, so a key id on one partner's topic cannot be matched with another's.
public struct SubjectSealing: Sendable {
    public let keys: SubjectKeyStore

    public init(keys: SubjectKeyStore) { self.keys = keys }

    /// The members sealed wherever they occur.
    public static let sealedMembers: Set<String> = ["person", "subject", "details", "remark"]
    /// The member that carries the sealed box.
    public static let member = "sealed"
    static let algorithm = "A256GCM"
    static let hubScope = "hub"

    /// Whether records on `topic` are sealed.
    public static func seals(_ topic: String) -> Bool {
        topic == Topics.intakeNotices || topic == Topics.planningCaseEvents || partnerScope(topic) != nil
    }

    /// The partner whose task topic `topic` is.
    static func partnerScope(_ topic: String) -> String? {
        let prefix = "partner.", suffix = ".tasks.v1"
        guard topic.hasPrefix(prefix), topic.hasSuffix(suffix), topic.count > prefix.count + suffix.count else { return nil }
        return String(topic.dropFirst(prefix.count).dropLast(suffix.count))
    }

    /// Seals `body`'s personal members for a record on `topic` about `subjectId`. A body
    /// without such members, or a topic that is not sealed, is returned as it is.
    public func seal(_ body: Data, topic: String, subjectId: String?, type: EventType, id: String) throws -> Data {
        guard Self.seals(topic) else { return body }
        guard var object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw SealingError("the event body is not a JSON object")
        }
        guard object[Self.member] == nil else { throw SealingError("the event body already has a sealed member") }
        var taken: [(pointer: String, value: Any)] = []
        object = Self.take(from: object, at: "", into: &taken) as? [String: Any] ?? object
        guard !taken.isEmpty else { return body }
        guard let subjectId, !subjectId.isEmpty else {
            throw SealingError("a \(type.rawValue) with personal members names no subject to seal them for")
        }
        let (kid, key) = try keys.sealingKey(subjectId: subjectId, scope: Self.partnerScope(topic) ?? Self.hubScope)
        let plain = try JSONSerialization.data(withJSONObject: taken.map(\.value), options: [.fragmentsAllowed])
        let box = try AES.GCM.seal(plain, using: key, authenticating: Self.boundData(type: type, id: id))
        guard let combined = box.combined else { throw SealingError("the sealed box could not be formed") }
        object[Self.member] = ["alg": Self.algorithm, "kid": kid, "paths": taken.map(\.pointer),
                               "box": combined.base64EncodedString()]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// A body read from a topic: sealed (with the key it needs) or as it came.
    public enum Reading: @unchecked Sendable {
        case plain
        case sealed(kid: String, object: [String: Any])
    }

    /// Reads whether `body` is sealed, and under which key; a malformed box is an error.
    public static func reading(_ body: [UInt8]) throws(SealingError) -> Reading {
        // Cheap test first: most records a service reads are not sealed.
        guard body.count > 9, Self.contains(body, Array("\"sealed\"".utf8)) else { return .plain }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return .plain }
        guard let sealed = object[member] else { return .plain }
        guard let box = sealed as? [String: Any], box["alg"] as? String == algorithm,
              let kid = box["kid"] as? String, !kid.isEmpty, kid.count <= 64,
              box["paths"] is [String], box["box"] is String else {
            throw SealingError("the sealed member is malformed")
        }
        return .sealed(kid: kid, object: object)
    }

    /// Opens a sealed body with its key: the personal members are back where they were.
    public static func open(_ object: [String: Any], key: SymmetricKey, type: EventType, id: String) throws(SealingError) -> [UInt8] {
        guard let box = object[member] as? [String: Any], let paths = box["paths"] as? [String],
              let text = box["box"] as? String, let combined = Data(base64Encoded: text) else {
            throw SealingError("the sealed member is malformed")
        }
        let plain: Data
        do {
            plain = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key,
                                     authenticating: boundData(type: type, id: id))
        } catch {
            throw SealingError("the sealed box does not open with its key (altered, or moved from another event)")
        }
        guard let values = (try? JSONSerialization.jsonObject(with: plain, options: [.fragmentsAllowed])) as? [Any],
              values.count == paths.count else {
            throw SealingError("the sealed box does not hold one value per path")
        }
        var opened: Any = object.filter { $0.key != member }
        for (pointer, value) in zip(paths, values) {
            guard let tokens = JSONPointer.tokens(pointer), !tokens.isEmpty,
                  let placed = JSONPointer.place(value, at: tokens[...], in: opened) else {
                throw SealingError("a sealed path does not fit the body")
            }
            opened = placed
        }
        guard let data = try? JSONSerialization.data(withJSONObject: opened, options: [.withoutEscapingSlashes]) else {
            throw SealingError("the opened body could not be written")
        }
        return Array(data)
    }

    /// Removes the sealed members from `node`, depth first, noting each one's pointer.
    private static func take(from node: Any, at pointer: String, into taken: inout [(pointer: String, value: Any)]) -> Any {
        if var object = node as? [String: Any] {
            for name in object.keys.sorted() {
                let path = pointer + "/" + JSONPointer.escape(name)
                guard let value = object[name] else { continue }
                if sealedMembers.contains(name), name != "subject" || value is [String: Any] {
                    taken.append((path, value))
                    object[name] = nil
                } else {
                    object[name] = take(from: value, at: path, into: &taken)
                }
            }
            return object
        }
        if let array = node as? [Any] {
            return array.enumerated().map { index, value in take(from: value, at: pointer + "/\(index)", into: &taken) }
        }
        return node
    }

    static func boundData(type: EventType, id: String) -> Data {
        Data("nazorg-hub sealed v1\u{1F}\(type.ceType)\u{1F}\(id)".utf8)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

/// Why a body could not be sealed or opened. It never holds a value of the body.
public struct SealingError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// JSON Pointers (RFC 6901) over `JSONSerialization` values.
enum JSONPointer {
    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The reference tokens of `pointer`, or nil when it is not a pointer.
    static func tokens(_ pointer: String) -> [String]? {
        guard pointer.hasPrefix("/") else { return pointer.isEmpty ? [] : nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// `node` with `value` set at `tokens`: the last token names a member (added) of an
    /// object; the ones before it must exist.
    static func place(_ value: Any, at tokens: ArraySlice<String>, in node: Any) -> Any? {
        guard let token = tokens.first else { return nil }
        let rest = tokens.dropFirst()
        if var object = node as? [String: Any] {
            if rest.isEmpty {
                guard object[token] == nil else { return nil }
                object[token] = value
                return object
            }
            guard let child = object[token], let placed = place(value, at: rest, in: child) else { return nil }
            object[token] = placed
            return object
        }
        if var array = node as? [Any], !rest.isEmpty, let index = Int(token), array.indices.contains(index),
           token == String(index) {
            guard let placed = place(value, at: rest, in: array[index]) else { return nil }
            array[index] = placed
            return array
        }
        return nil
    }
}

/// What opening a read event came to.
public enum OpenedEvent: Sendable {
    /// Ready to handle: not sealed, or opened.
    case ready(ReceivedEvent)
    /// Sealed under a key that was erased: the person's data is gone, the record is skipped.
    case erased(ReceivedEvent)
    /// Sealed, but it does not open; it goes to the dead letters as it came.
    case unreadable(ReceivedEvent, EventDecodingError)
}

extension SubjectSealing {
    /// Opens the sealed bodies of a batch with one read of the key store (`keys` nil: a
    /// service without one, which cannot open a sealed record). A failing key store throws,
    /// and the caller retries.
    public static func open(_ events: [ReceivedEvent], with keys: SubjectKeyStore?) throws -> [OpenedEvent] {
        var readings: [SubjectSealing.Reading?] = []
        var failures: [Int: SealingError] = [:]
        var kids = Set<String>()
        for (index, event) in events.enumerated() {
            do {
                let reading = try reading(event.body)
                if case .sealed(let kid, _) = reading { kids.insert(kid) }
                readings.append(reading)
            } catch {
                readings.append(nil)
                failures[index] = error
            }
        }
        let found = kids.isEmpty ? [:] : try keys.map { try $0.lookup(kids) } ?? [:]
        return events.enumerated().map { index, event in
            func unreadable(_ message: String) -> OpenedEvent {
                .unreadable(event, EventDecodingError(.unreadableSealed, message))
            }
            guard let reading = readings[index] else { return unreadable(failures[index]?.description ?? "unreadable") }
            switch reading {
            case .plain:
                return .ready(event)
            case .sealed(let kid, let object):
                guard keys != nil else { return unreadable("the record is sealed and this service has no subject key store") }
                switch found[kid] ?? .unknown {
                case .erased:
                    return .erased(event)
                case .unknown:
                    return unreadable("the record is sealed under a key this service's subject key store does not hold")
                case .key(let key):
                    do throws(SealingError) {
                        return .ready(event.opened(try open(object, key: key, type: event.envelope.type, id: event.envelope.id)))
                    } catch {
                        return unreadable(error.description)
                    }
                }
            }
        }
    }
}
