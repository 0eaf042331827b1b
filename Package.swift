// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Boxoffice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "boxoffice", targets: ["boxoffice"]),
        .library(name: "BoxofficeDomain", targets: ["BoxofficeDomain"]),
        .library(name: "BoxofficeWaitingRoom", targets: ["BoxofficeWaitingRoom"]),
        .library(name: "BoxofficeEngine", targets: ["BoxofficeEngine"]),
        .library(name: "BoxofficeStorage", targets: ["BoxofficeStorage"]),
        .library(name: "BoxofficeMessaging", targets: ["BoxofficeMessaging"]),
        .library(name: "BoxofficeAMQP", targets: ["BoxofficeAMQP"]),
        .library(name: "BoxofficeBroker", targets: ["BoxofficeBroker"]),
        .library(name: "BoxofficePayments", targets: ["BoxofficePayments"]),
        .library(name: "BoxofficeSQLite", targets: ["BoxofficeSQLite"]),
        .library(name: "BoxofficeBaselines", targets: ["BoxofficeBaselines"]),
        .library(name: "BoxofficePostgres", targets: ["BoxofficePostgres"]),
        .library(name: "BoxofficeAuth", targets: ["BoxofficeAuth"]),
        .library(name: "BoxofficeQR", targets: ["BoxofficeQR"]),
        .library(name: "BoxofficeTickets", targets: ["BoxofficeTickets"]),
        .library(name: "BoxofficeBackOffice", targets: ["BoxofficeBackOffice"]),
        .library(name: "BoxofficeWebhooks", targets: ["BoxofficeWebhooks"]),
        .library(name: "BoxofficeHTTP", targets: ["BoxofficeHTTP"]),
        .library(name: "BoxofficeApp", targets: ["BoxofficeApp"]),
        .library(name: "BoxofficeLoad", targets: ["BoxofficeLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3" ..< "5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "BoxofficeDomain",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeWaitingRoom",
            dependencies: ["BoxofficeDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeTickets",
            dependencies: ["BoxofficeDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeBackOffice",
            dependencies: ["BoxofficeDomain", "BoxofficeMessaging", "BoxofficeTickets"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeWebhooks",
            dependencies: ["BoxofficeDomain", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeEngine",
            dependencies: [
                "BoxofficeDomain",
                "BoxofficeMessaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeStorage",
            dependencies: ["BoxofficeDomain", "BoxofficeMessaging"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeMessaging",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeAMQP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeBroker",
            dependencies: [
                "BoxofficeAMQP",
                "BoxofficeDomain",
                "BoxofficeMessaging",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficePayments",
            dependencies: [
                "BoxofficeDomain",
                "BoxofficeMessaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficePostgres",
            dependencies: [
                "BoxofficeWaitingRoom",
                "BoxofficeTickets",
                "BoxofficeBackOffice",
                "BoxofficeWebhooks",
                "BoxofficeDomain",
                "BoxofficeStorage",
                "BoxofficeMessaging",
                "BoxofficePayments",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeSQLite",
            dependencies: [
                "BoxofficeWaitingRoom",
                "BoxofficeTickets",
                "BoxofficeBackOffice",
                "BoxofficeWebhooks",
                "BoxofficeDomain",
                "BoxofficeStorage",
                "BoxofficeMessaging",
                "BoxofficePayments",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeBaselines",
            dependencies: [
                "BoxofficeDomain",
                "BoxofficeEngine",
                "BoxofficeStorage",
                "BoxofficeSQLite",
                "BoxofficePostgres",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeAuth",
            dependencies: [
                "BoxofficeDomain",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeHTTP",
            dependencies: [
                "BoxofficeWaitingRoom",
                "BoxofficeTickets",
                "BoxofficeBackOffice",
                "BoxofficeWebhooks",
                "BoxofficeQR",
                "BoxofficeDomain",
                "BoxofficeEngine",
                "BoxofficePayments",
                "BoxofficeAuth",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeApp",
            dependencies: [
                "BoxofficeWaitingRoom",
                "BoxofficeTickets",
                "BoxofficeBackOffice",
                "BoxofficeWebhooks",
                "BoxofficeAuth",
                "BoxofficeBaselines",
                "BoxofficeBroker",
                "BoxofficeDomain",
                "BoxofficeStorage",
                "BoxofficeEngine",
                "BoxofficeMessaging",
                "BoxofficePayments",
                "BoxofficeSQLite",
                "BoxofficePostgres",
                "BoxofficeHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeLoad",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxofficeTestSupport",
            dependencies: [
                "BoxofficePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "boxoffice",
            dependencies: [
                "BoxofficeApp",
                "BoxofficeLoad",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "BoxofficeQR", swiftSettings: swiftSettings),
        .testTarget(name: "BoxofficeQRTests", dependencies: ["BoxofficeQR", "BoxofficeTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BoxofficeBackOfficeTests",
            dependencies: ["BoxofficeBackOffice", "BoxofficeDomain", "BoxofficeTickets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeWebhooksTests",
            dependencies: ["BoxofficeWebhooks", "BoxofficeDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeTicketsTests",
            dependencies: ["BoxofficeTickets", "BoxofficeDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeWaitingRoomTests",
            dependencies: ["BoxofficeWaitingRoom", "BoxofficeDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeDomainTests",
            dependencies: ["BoxofficeDomain", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeEngineTests",
            dependencies: ["BoxofficeEngine", "BoxofficeDomain", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeSQLiteTests",
            dependencies: [
                "BoxofficeSQLite",
                "BoxofficeStorage",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficePostgresTests",
            dependencies: [
                "BoxofficePostgres", "BoxofficeTestSupport", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeStoreTests",
            dependencies: [
                "BoxofficeDomain",
                "BoxofficeWaitingRoom",
                "BoxofficeSQLite",
                "BoxofficePostgres",
                "BoxofficeStorage",
                "BoxofficeTestSupport",
                "BoxofficeWebhooks",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeFlowTests",
            dependencies: [
                "BoxofficeDomain",
                "BoxofficeEngine",
                "BoxofficeMessaging",
                "BoxofficePayments",
                "BoxofficeSQLite",
                "BoxofficePostgres",
                "BoxofficeTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeAMQPTests",
            dependencies: [
                "BoxofficeAMQP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeBrokerTests",
            dependencies: [
                "BoxofficeAMQP",
                "BoxofficeBroker",
                "BoxofficeDomain",
                "BoxofficeMessaging",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeMessagingTests",
            dependencies: [
                "BoxofficeMessaging",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeLoadTests",
            dependencies: ["BoxofficeLoad"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeAppTests",
            dependencies: [
                "BoxofficeApp",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxofficeHTTPTests",
            dependencies: [
                "BoxofficeApp",
                "BoxofficeAuth",
                "BoxofficeBaselines",
                "BoxofficeHTTP",
                "BoxofficeDomain",
                "BoxofficeTestSupport",
                "BoxofficeWaitingRoom",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
