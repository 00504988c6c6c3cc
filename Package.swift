// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "nazorg-hub",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "nazorg-hub", targets: ["nazorg-hub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Traces: the OTLP/HTTP exporter only; its default traits add gRPC, minutes of build
        // time for a transport the hub does not use.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
    ],
    targets: [
        // librdkafka 2.0.2 from the system (Debian: librdkafka-dev), plus a C shim for variadic calls.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // The C baseline of `bench filter`: a consume→produce pipe straight on librdkafka.
        .target(name: "CRawPipe", dependencies: ["CRdKafka"]),
        .target(
            name: "NazorgKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // The API only: the process that runs the layer picks the backend.
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "NazorgContracts",
            swiftSettings: strict
        ),
        .target(
            name: "NazorgRuntime",
            dependencies: [
                "NazorgKafka",
                "NazorgContracts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "NazorgIntake",
            dependencies: ["NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "NazorgPlanning",
            dependencies: ["NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           // The coordinator's API and page.
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "NazorgFilter",
            dependencies: ["NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "NazorgAdapters",
            dependencies: ["NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "NazorgMonitoring",
            dependencies: ["NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "nazorg-hub",
            dependencies: [
                "NazorgKafka", "NazorgContracts", "NazorgRuntime",
                "NazorgIntake", "NazorgPlanning", "NazorgFilter", "NazorgAdapters", "NazorgMonitoring",
                "CRdKafka", "CRawPipe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgKafkaTests",
            dependencies: ["NazorgTestSupport", "NazorgKafka"],
            swiftSettings: strict
        ),
        // Helpers every test target shares (waiting on conditions, reading topics).
        .target(
            name: "NazorgTestSupport",
            dependencies: ["NazorgKafka", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/NazorgTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgRuntimeTests",
            dependencies: ["NazorgTestSupport", "NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgContractsTests",
            dependencies: ["NazorgContracts", "NazorgTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgIntakeTests",
            dependencies: ["NazorgTestSupport", "NazorgIntake", "NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           // Reads the request examples of Contracts/openapi/intake.yaml.
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgPlanningTests",
            dependencies: ["NazorgTestSupport", "NazorgPlanning", "NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           // The migration test writes a database in the old schema.
                           .product(name: "GRDB", package: "GRDB.swift"),
                           // The coordinator API and page tests.
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgFilterTests",
            dependencies: ["NazorgTestSupport", "NazorgFilter", "NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["NazorgTestSupport", "NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgAdaptersTests",
            dependencies: ["NazorgTestSupport", "NazorgAdapters", "NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NazorgMonitoringTests",
            dependencies: ["NazorgTestSupport", "NazorgMonitoring", "NazorgRuntime", "NazorgKafka", "NazorgContracts",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: strict
        ),
    ]
)
