import ArgumentParser
import AsyncHTTPClient
import Foundation
import NazorgContracts
import NIOCore

/// `nazorg-hub erase`: erases a person (art. 17 AVG) through the filter's erasure API, with a
/// desk's or coordinator's token, so the request is authenticated, scoped and logged like
/// any other. Give the BSN on standard input (`--bsn-stdin`) to keep it out of the shell
/// history and process list; give the token in a file.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person: their data keys (every sealed copy on every topic), and every service's rows about them.")

    @OptionGroup var person: BSNInput
    @Option(help: "The reference of the person's signed request (form or letter id), never its content.")
    var evidence: String
    @Option(help: "The filter's base URL.")
    var filter = "http://127.0.0.1:8083"
    @Option(name: .customLong("token-file"), help: "File holding the desk's or coordinator's API token. Default: $NAZORG_API_TOKEN.")
    var tokenFile: String?

    func run() async throws {
        let candidate = try person.read()
        let token = try tokenFile.map { try String(contentsOfFile: $0, encoding: .utf8) }
            ?? ProcessInfo.processInfo.environment["NAZORG_API_TOKEN"]
        guard let token = token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw ValidationError("Give the API token in --token-file or NAZORG_API_TOKEN.")
        }
        var request = HTTPClientRequest(url: filter.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                                        + "/v1/subjects/\(candidate)/erasure")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["evidenceRef": evidence])))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 * 1024)
        let text = String(buffer: body)
        guard response.status == .accepted else {
            // The problem never repeats the BSN (the filter does not echo it).
            throw ValidationError("The filter answered \(response.status.code): \(text)")
        }
        print(text)
    }
}
