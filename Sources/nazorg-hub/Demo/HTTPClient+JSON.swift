import AsyncHTTPClient
import Foundation
import NIOCore

extension HTTPClient {
    /// POSTs a JSON object and returns the status code; the answer body is read and dropped.
    func postJSON(_ url: String, _ object: Any) async throws -> UInt {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: object)))
        let response = try await execute(request, timeout: .seconds(15))
        _ = try await response.body.collect(upTo: 64 * 1024)
        return response.status.code
    }
}
