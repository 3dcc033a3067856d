import Foundation
import LocalPostgres

/// Runs a program for a backup operation: a clean signal mask (``LocalPostgres/ChildProcess``), the
/// password only in `PGPASSWORD`, every output scrubbed, the command line kept for messages.
struct ToolRun: Sendable {
    /// Exit status (128 + signal when killed).
    var status: Int32
    /// Standard output, scrubbed.
    var stdout: String
    /// Standard error, scrubbed.
    var stderr: String
    /// Wall-clock seconds.
    var seconds: Double
    /// The command line as printable text (no password in it by construction; scrubbed anyway).
    var commandLine: String

    var succeeded: Bool { status == 0 }

    /// Both outputs, trimmed, for an error message.
    var diagnostics: String {
        [stderr, stdout].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    /// The last lines of ``diagnostics`` (long outputs are cut from the top).
    var diagnosticsTail: String {
        let lines = diagnostics.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 40 ? (["…"] + lines.suffix(40)).joined(separator: "\n") : diagnostics
    }

    /// Runs `arguments`; `password` (when given) goes to the child's `PGPASSWORD` only.
    ///
    /// - Throws: ``BackupError`` with `failureCode` when the program cannot be started or times out.
    static func run(
        _ arguments: [String], password: String?, extraEnvironment: [String: String] = [:], timeout: Duration,
        secrets: BackupSecrets, failureCode: BackupError.Code
    ) async throws -> ToolRun {
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        for (key, value) in extraEnvironment { environment[key] = value }
        let commandLine = secrets.scrub(arguments.map(shellQuote).joined(separator: " "))
        let start = ContinuousClock.now
        let output: ChildProcess.Output
        do {
            output = try await ChildProcess.capture(arguments, environment: environment, timeout: timeout)
        } catch {
            throw BackupError(
                failureCode, secrets.scrub("\(arguments.first ?? "program") did not run: \(error)"),
                hint: "check that the program exists and the timeout is long enough", command: commandLine)
        }
        let elapsed = ContinuousClock.now - start
        return ToolRun(
            status: output.status, stdout: secrets.scrub(output.stdout), stderr: secrets.scrub(output.stderr),
            seconds: elapsed.seconds,
            commandLine: commandLine)
    }

    /// Quotes a word for display as a shell command line.
    static func shellQuote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole milliseconds (for `--lock-wait-timeout`).
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
