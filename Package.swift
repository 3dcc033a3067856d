// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every Slipway library and executable target: Swift 6 language mode comes from the
/// tools version; warnings are errors for our own code (dependencies are not affected). Test targets are
/// left out: Swift Testing's macro expansions emit warnings of their own on this toolchain.
let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Slipway",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Slipway", targets: ["Slipway"]),
        .library(name: "PostgresClient", targets: ["PostgresClient"]),
        .library(name: "LocalPostgres", targets: ["LocalPostgres"]),
        .library(name: "Backups", targets: ["Backups"]),
        .library(name: "MigrationFormat", targets: ["MigrationFormat"]),
        .library(name: "SQLLint", targets: ["SQLLint"]),
        .library(name: "Releases", targets: ["Releases"]),
        .executable(name: "slipway", targets: ["SlipwayCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "PostgresClient",
            dependencies: ["CLibPQ"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "LocalPostgres",
            dependencies: ["PostgresClient"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "MigrationFormat",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Migrations",
            dependencies: ["PostgresClient", "MigrationFormat", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Releases",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SQLLint",
            swiftSettings: strictSettings
        ),
        .target(
            name: "SlipwayConfig",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Backups",
            dependencies: ["PostgresClient", "LocalPostgres", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Slipway",
            dependencies: [
                "PostgresClient",
                "LocalPostgres",
                "MigrationFormat",
                "Migrations",
                "Releases",
                "SlipwayConfig",
                "SQLLint",
                "Backups",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SlipwayCLI",
            dependencies: [
                "Slipway",
                "PostgresClient",
                "LocalPostgres",
                "MigrationFormat",
                "Migrations",
                "Releases",
                "SlipwayConfig",
                "SQLLint",
                "Backups",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "LocalPostgres"]
        ),
        .testTarget(
            name: "MigrationFormatTests",
            dependencies: ["MigrationFormat"]
        ),
        .testTarget(
            name: "MigrationsTests",
            dependencies: ["Migrations", "MigrationFormat", "PostgresClient", "LocalPostgres"],
            // The conformance suite's migrations and plain DDL, read from the source tree (#filePath).
            exclude: ["Conformance"]
        ),
        .testTarget(
            name: "ReleasesTests",
            dependencies: ["Releases"]
        ),
        .testTarget(
            name: "SlipwayConfigTests",
            dependencies: ["SlipwayConfig"]
        ),
        .testTarget(
            name: "SQLLintTests",
            dependencies: ["SQLLint"]
        ),
        .testTarget(
            name: "BackupsTests",
            dependencies: ["Backups", "PostgresClient", "LocalPostgres"]
        ),
        .testTarget(
            name: "SlipwayTests",
            dependencies: ["Slipway", "LocalPostgres"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["LocalPostgres", "PostgresClient"]
        ),
        .executableTarget(
            name: "sqllint-bench",
            dependencies: ["SQLLint"],
            path: "Benchmarks/lint/Sources/sqllint-bench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "backfill-bench",
            dependencies: ["Migrations", "PostgresClient", "LocalPostgres"],
            path: "Benchmarks/backfill/Sources/backfill-bench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "lock-bench",
            dependencies: ["Migrations", "PostgresClient", "LocalPostgres"],
            path: "Benchmarks/locks/Sources/lock-bench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "trigger-bench",
            dependencies: ["Migrations", "PostgresClient", "LocalPostgres"],
            path: "Benchmarks/triggers/Sources/trigger-bench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "release-bench",
            dependencies: ["Releases"],
            path: "Benchmarks/release/Sources/release-bench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "plan-bench",
            dependencies: ["Migrations", "MigrationFormat", "PostgresClient"],
            path: "Benchmarks/plan/Sources/plan-bench",
            swiftSettings: strictSettings
        ),
    ]
)
