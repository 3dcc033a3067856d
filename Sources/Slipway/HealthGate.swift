import Foundation
import LocalPostgres
import PostgresClient
import SlipwayConfig

/// The health gate between start and complete: the environment's `health_check` command and `health_query`
/// SQL must pass, each within `health_timeout`, or `complete` is refused (exit 5) and the version stays active.
///
/// The command runs with `/bin/sh -c` and the variables `SLIPWAY_VERSION_SCHEMA`, `SLIPWAY_RELEASE`,
/// `SLIPWAY_ENVIRONMENT`; it passes when it exits 0. A command still running at the timeout is killed with its
/// whole process group (background jobs included). The query runs with `search_path` set to the new version's
/// schema (then the target schema) and `statement_timeout` set to the timeout; it passes when it returns at
/// least one row and the first column of the first row is true (`t`, `true`) or a non-zero number.
public struct HealthGate: Sendable {
    public var policy: DeployPolicy
    public var connection: ConnectionConfiguration
    /// The target schema (second on the query's `search_path`).
    public var schema: String

    public init(policy: DeployPolicy, connection: ConnectionConfiguration, schema: String) {
        self.policy = policy
        self.connection = connection
        self.schema = schema
    }

    /// Whether there is anything to check.
    public var isConfigured: Bool { policy.healthCheck != nil || policy.healthQuery != nil }

    /// Runs the command and the query. Returns one line per passed check.
    /// - Throws: ``SlipwayError`` with exit code 5 (`findings`) saying which check failed and why.
    public func check(versionSchema: String?, release: String?, environment: String?) async throws -> [String] {
        var passed: [String] = []
        let timeout = policy.healthTimeout
        if let command = policy.healthCheck {
            var variables = ProcessInfo.processInfo.environment
            variables["SLIPWAY_VERSION_SCHEMA"] = versionSchema ?? ""
            variables["SLIPWAY_RELEASE"] = release ?? ""
            variables["SLIPWAY_ENVIRONMENT"] = environment ?? ""
            let output: ChildProcess.Output
            do {
                output = try await ChildProcess.capture(["/bin/sh", "-c", command], environment: variables, timeout: timeout)
            } catch {
                throw SlipwayError(
                    .findings, "the health check `\(command)` did not finish within \(Self.text(timeout)) and was killed",
                    hint: "raise health_timeout or fix the check")
            }
            guard output.status == 0 else {
                let last = (output.stderr + "\n" + output.stdout).split(separator: "\n").last.map(String.init) ?? ""
                throw SlipwayError(
                    .findings, "the health check `\(command)` failed (exit \(output.status))\(last.isEmpty ? "" : ": \(last)")")
            }
            passed.append("health check `\(command)` passed")
        }
        if let query = policy.healthQuery {
            let value = try await run(query, versionSchema: versionSchema, timeout: timeout)
            guard Self.passes(value) else {
                throw SlipwayError(
                    .findings,
                    "the health query returned \(value.map { "'\($0)'" } ?? "no true value") (it must return true): \(Redaction.redactConnectionString(query))")
            }
            passed.append("health query returned \(value ?? "")")
        }
        return passed
    }

    /// Whether a query's first value counts as healthy.
    static func passes(_ value: String?) -> Bool {
        guard let value = value?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        if ["t", "true", "yes", "on"].contains(value) { return true }
        if let number = Double(value) { return number != 0 }
        return false
    }

    /// Runs the query; returns the first column of the first row (nil: no rows or NULL).
    private func run(_ query: String, versionSchema: String?, timeout: Duration) async throws -> String? {
        let milliseconds = max(1, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        let path = ([versionSchema, schema].compactMap { $0 }.filter { !$0.isEmpty }).map(PostgresIdentifier.quote)
            .joined(separator: ", ")
        let connection = self.connection.with("application_name", "slipway health gate")
        do {
            // statement_timeout stops the query on the server; the deadline also covers a hanging connect.
            return try await withDeadline(timeout + .seconds(2)) {
                let session = try await PostgresConnection.connect(connection)
                defer { Task { await session.close() } }
                try await session.unsafeExecuteRaw("SET statement_timeout = \(milliseconds); SET search_path TO \(path)")
                let result = try await session.unsafeExecuteRaw(query).last
                guard let result, result.count > 0, let first = result[0].values.first else { return nil }
                return first
            }
        } catch let error as PostgresError {
            if error.sqlState == SQLState("57014") || error.code == .timedOut {
                throw SlipwayError(
                    .findings, "the health query did not finish within \(Self.text(timeout)) and was cancelled",
                    hint: "raise health_timeout or make the query cheaper")
            }
            throw SlipwayError(.findings, "the health query failed: \(error.message)")
        }
    }

    static func text(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
    }
}
