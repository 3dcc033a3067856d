import Foundation
import LocalPostgres

/// Runs the built `slipway` binary, as a user would.
enum CLI {
    /// The path of the built executable: next to the test bundle, or `$SLIPWAY_BIN`.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["SLIPWAY_BIN"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("slipway").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        // Fallback: the package's default build directory.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/slipway").path
    }

    /// Runs `slipway ARGS` with a clean environment (no DATABASE_URL/SLIPWAY_* from the caller) plus `env`.
    static func run(
        _ arguments: [String], env: [String: String] = [:], directory: String? = nil, timeout: Duration = .seconds(300)
    ) async throws -> ChildProcess.Output {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("SLIPWAY_") && $0.key != "DATABASE_URL" && !$0.key.hasPrefix("PG")
        }
        environment["NO_COLOR"] = "1"
        for (key, value) in env { environment[key] = value }
        if let directory {
            return try await ChildProcess.capture(
                ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, binary] + arguments, environment: environment,
                timeout: timeout)
        }
        return try await ChildProcess.capture([binary] + arguments, environment: environment, timeout: timeout)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "slipway-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
