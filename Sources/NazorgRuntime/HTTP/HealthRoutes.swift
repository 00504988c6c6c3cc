import Hummingbird

/// `/health/live` answers while the process runs; `/health/ready` answers 200 only while
/// `isReady` says the service can do its work (for every service: Kafka reachable).
public enum HealthRoutes {
    public static func add<Context: RequestContext>(to router: Router<Context>, isReady: @escaping @Sendable () async -> Bool) {
        router.get("/health/live") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/health/ready") { _, _ in
            guard await isReady() else {
                throw ProblemDetails(type: "urn:nazorg-hub:problem:not-ready", title: "Not ready", status: .serviceUnavailable,
                                     detail: "The service cannot reach Kafka.")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
    }
}
