import Foundation
import NazorgContracts
@testable import NazorgIntake

/// The hub's clock in the validation tests: 2026-11-23T10:00:00Z (11:00 in Amsterdam).
let fixedNow = Date(timeIntervalSince1970: 1_795_428_000)

/// A valid notice of `type` as a JSON object, valid at ``fixedNow``; tests change one field.
func noticeObject(_ type: String = "DetentionPlanShared", prisonCode: String = "PI-TEST") -> [String: Any] {
    var object: [String: Any] = [
        "type": type, "noticeId": "pi-test-1", "municipality": "GM0363", "prisonCode": prisonCode,
        "person": ["bsn": "999990019", "givenName": "Tessa", "surname": "Testpersoon", "birthDate": "1990-01-01"],
        "reportedAt": "2026-11-23T09:00:00Z",
    ]
    switch type {
    case "DetentionStarted":
        object["detentionType"] = "sentence"
        object["detentionStartDate"] = "2026-11-01"
        object["expectedReleaseDate"] = "2027-03-15"
    case "DetentionPlanShared":
        object["detentionType"] = "sentence"
        object["expectedReleaseDate"] = "2027-03-15"
        object["needs"] = [["domain": "housing", "status": "needed"], ["domain": "id", "status": "arranged"]]
        object["consents"] = ["housing"]
    case "ReleaseScheduled":
        object["expectedReleaseDate"] = "2027-03-15"
    case "ReleaseDateChanged":
        object["previousReleaseDate"] = "2027-03-15"
        object["expectedReleaseDate"] = "2027-02-22"
        object["reason"] = "conditional-release-granted"
    case "Released":
        object["releasedAt"] = "2026-11-23T09:30:00+01:00"
        object["releaseType"] = "conditional-release"
        object["unannounced"] = false
    case "Transferred":
        object["toPrisonCode"] = "PI-TEST-2"
        object["transferDate"] = "2026-12-10"
    case "NoticeWithdrawn":
        object["withdrawnNoticeId"] = "pi-test-0"
        object["reason"] = "duplicate"
    case "MunicipalityChanged":
        object["previousMunicipality"] = "GM0599"
    default:
        break
    }
    return object
}

/// `object` with the value at `pointer` (RFC 6901, no escapes) replaced by `value`.
func setting(_ pointer: String, to value: Any, in object: [String: Any]) -> [String: Any] {
    func set(_ path: ArraySlice<Substring>, _ container: Any) -> Any {
        guard let key = path.first else { return value }
        if var array = container as? [Any], let index = Int(key), array.indices.contains(index) {
            array[index] = set(path.dropFirst(), array[index])
            return array
        }
        var dictionary = container as? [String: Any] ?? [:]
        dictionary[String(key)] = set(path.dropFirst(), dictionary[String(key)] ?? [String: Any]())
        return dictionary
    }
    return set(ArraySlice(pointer.split(separator: "/")), object) as? [String: Any] ?? object
}

/// The value at `pointer` in `object`, when it is a string.
func string(at pointer: String, in object: [String: Any]) -> String? {
    var current: Any = object
    for key in pointer.split(separator: "/") {
        if let array = current as? [Any], let index = Int(key), array.indices.contains(index) {
            current = array[index]
        } else if let dictionary = current as? [String: Any], let next = dictionary[String(key)] {
            current = next
        } else {
            return nil
        }
    }
    return current as? String
}

func json(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object)
}

/// Parses `object` at ``fixedNow`` and returns its problems (empty when it was accepted).
func problems(_ object: [String: Any]) throws -> [NoticeRequest.FieldProblem] {
    let body = try json(object)
    do {
        _ = try NoticeRequest.parse(body, now: fixedNow)
        return []
    } catch {
        return error.problems
    }
}

/// The contract notice `object` becomes, at ``fixedNow``.
func notice(_ object: [String: Any]) throws -> IntakeNotice {
    try NoticeRequest.parse(try json(object), now: fixedNow).notice(subjectId: String(repeating: "0a", count: 16), reportedAt: fixedNow)
}

/// `object` without the field `key`.
func removing(_ key: String, from object: [String: Any]) -> [String: Any] {
    var copy = object
    copy[key] = nil
    return copy
}
