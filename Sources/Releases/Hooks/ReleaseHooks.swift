import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the configured before/after hooks with `/bin/sh -c`, in the repository root.
///
/// Environment given to every hook: `SLIPWAY_RELEASE_VERSION`, `SLIPWAY_RELEASE_TAG`,
/// `SLIPWAY_RELEASE_PREVIOUS_VERSION`, `SLIPWAY_RELEASE_PREVIOUS_TAG` (empty for a first release),
/// `SLIPWAY_RELEASE_NOTES`, `SLIPWAY_RELEASE_CHANGELOG`, `SLIPWAY_RELEASE_MANIFEST` (paths, empty when
/// disabled), `SLIPWAY_RELEASE_COMPONENT`, `SLIPWAY_RELEASE_PRERELEASE` (`true`/`false`), and
/// `SLIPWAY_RELEASE_STAGE` (`before` or `after`).
public enum ReleaseHooks {
    /// The result of one hook run.
    public struct Run: Sendable, Hashable, Codable {
        /// The command.
        public var command: String
        /// Its exit status.
        public var exitCode: Int32
        /// Combined output, trimmed.
        public var output: String
    }

    /// Runs `commands` in order, stopping at the first failure.
    /// - Throws: ``ReleaseError/Code/hookFailed`` with the command and its output.
    public static func run(_ commands: [String], stage: String, environment: [String: String], directory: String) async throws -> [Run] {
        var runs: [Run] = []
        var overrides: [Environment.Key: String?] = ["SLIPWAY_RELEASE_STAGE": stage]
        for (key, value) in environment { overrides[Environment.Key(stringLiteral: key)] = value }
        for command in commands {
            var code: Int32 = -1
            var output = ""
            do {
                let result = try await Subprocess.run(
                    .path(FilePath("/bin/sh")), arguments: ["-c", command], environment: .inherit.updating(overrides),
                    workingDirectory: FilePath(directory), output: .string(limit: .max), error: .combinedWithOutput)
                if case .exited(let value) = result.terminationStatus { code = Int32(value) }
                output = result.standardOutput.trimmingWhitespace()
            } catch {
                throw ReleaseError(
                    code: .hookFailed, message: "the \(stage) hook `\(command)` could not be started: \(error)",
                    hint: "check release.hooks.\(stage)", command: command, underlying: error)
            }
            let run = Run(command: command, exitCode: code, output: output)
            runs.append(run)
            guard code == 0 else {
                throw ReleaseError(
                    code: .hookFailed, message: "the \(stage) hook `\(command)` exited with status \(code)",
                    hint: stage == "before"
                        ? "nothing was written; fix the hook or the condition it checks, then cut again"
                        : "the release was created (commit and tag exist); run the remaining steps by hand",
                    command: command, standardError: run.output)
            }
        }
        return runs
    }
}
