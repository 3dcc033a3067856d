import LocalPostgres
import Migrations
import PostgresClient
import SlipwayConfig

/// Slipway's documented process exit codes (see `docs/exit-codes.md`).
public enum SlipwayExitCode: Int32, Sendable, CaseIterable {
    /// Success.
    case success = 0
    /// A failure not covered below (a database error, an I/O error, a failed health check, …).
    case failure = 1
    /// Bad command-line usage (unknown flag, missing argument).
    case usage = 2
    /// Invalid input: a malformed migration file or configuration file.
    case invalidInput = 3
    /// A lock could not be acquired within the configured attempts and deadline.
    case lockTimeout = 4
    /// A gate found problems: lint or plan findings at or above `--fail-on`, a failing health gate.
    case findings = 5
    /// Nothing to do: no releasable commits, no pending migrations where some were required.
    case nothingToDo = 6
    /// Another Slipway runner holds the migration lock.
    case busy = 7
    /// Could not connect to the database.
    case connectionFailed = 8
    /// The feature is not available in this build.
    case notImplemented = 9
    /// Interrupted by SIGINT (Ctrl-C) after a clean stop.
    case interrupted = 130
    /// Stopped by SIGTERM after a clean stop (the migration commands).
    case terminated = 143
}

/// An error Slipway reports to its user: what failed, where, and what to do next.
public struct SlipwayError: Error, Sendable, CustomStringConvertible {
    /// The exit code this error leads to.
    public var exitCode: SlipwayExitCode
    /// One line: what failed and where.
    public var message: String
    /// What to do next, if there is something to say.
    public var hint: String?
    /// Longer details for `--verbose` (server fields, logs).
    public var details: String?

    public init(_ exitCode: SlipwayExitCode, _ message: String, hint: String? = nil, details: String? = nil) {
        self.exitCode = exitCode
        self.message = message
        self.hint = hint
        self.details = details
    }

    public var description: String { message }

    /// Maps any error to a ``SlipwayError`` with the right exit code.
    public static func from(_ error: any Error) -> SlipwayError {
        switch error {
        case let error as SlipwayError:
            return error
        case let error as PostgresError:
            if error.code == .connectionFailed {
                return SlipwayError(
                    .connectionFailed, error.description,
                    hint: "check --url / DATABASE_URL / the PG* variables, and that the server is running",
                    details: error.detailedDescription)
            }
            if error.isLockTimeout {
                return SlipwayError(.lockTimeout, error.description, details: error.detailedDescription)
            }
            return SlipwayError(.failure, error.description, details: error.detailedDescription)
        case let error as MigrationError:
            let code: SlipwayExitCode
            switch error.kind {
            case .invalidMigration, .history: code = .invalidInput
            case .busy: code = .busy
            case .lockTimeout: code = .lockTimeout
            case .nothingToDo: code = .nothingToDo
            case .wrongPhase, .execution: code = .failure
            }
            return SlipwayError(code, error.description, hint: error.hint, details: error.underlying)
        case let error as ConfigurationErrors:
            return SlipwayError(.invalidInput, error.description, hint: "see docs/configuration.md")
        case let error as LocalPostgresError:
            return SlipwayError(.failure, error.message, details: error.log)
        default:
            return SlipwayError(.failure, String(describing: error))
        }
    }
}
