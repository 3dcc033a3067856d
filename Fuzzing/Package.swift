// swift-tools-version: 6.2
// libFuzzer harnesses for Slipway's parsers of untrusted text: the migration file decoder (YAML, JSON and .sql),
// the SQL tokenizer and splitter, the Conventional Commits parser and the SemVer parser.
// Build and run with Fuzzing/run.sh (docs/reliability.md); not part of `swift test`.
import PackageDescription

// run.sh passes `-Xswiftc -sanitize=fuzzer,address` so that Slipway's modules are instrumented too (coverage
// guidance needs it); each harness's `main` hands control to libFuzzer (FuzzDriver).
let package = Package(
    name: "SlipwayFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Slipway", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "fuzz-migration-decoder", dependencies: ["FuzzDriver", .product(name: "MigrationFormat", package: "Slipway")]),
        .executableTarget(
            name: "fuzz-sql-tokenizer", dependencies: ["FuzzDriver", .product(name: "SQLLint", package: "Slipway")]),
        .executableTarget(
            name: "fuzz-commit-parser", dependencies: ["FuzzDriver", .product(name: "Releases", package: "Slipway")]),
        .executableTarget(
            name: "fuzz-semver", dependencies: ["FuzzDriver", .product(name: "Releases", package: "Slipway")]),
    ]
)
