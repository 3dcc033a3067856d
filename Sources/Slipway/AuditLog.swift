import Foundation
import Migrations
import PostgresClient

/// The audit log: who changed what, when, in which release and environment, and how it ended.
///
/// Every mutating command records one entry in `<state schema>.audit_log` (database role, OS user, host,
/// client address, command and its arguments with passwords removed, target schema, environment, release,
/// version, outcome, exit code, error, start/finish time and duration) and, when a path is given
/// (`--audit-log` or `SLIPWAY_AUDIT_LOG`), appends the same entry as one JSON line to that file; with
/// `--log-format json` (or `SLIPWAY_LOG_FORMAT=json`) it also writes that line to standard error, for log
/// shippers. The JSON line carries the database role the database recorded (`dbRole`).
public struct AuditLog: Sendable {
    /// One entry.
    public struct Entry: Sendable, Codable, Hashable {
        public var command: String
        public var arguments: String
        public var schema: String?
        public var environment: String?
        public var release: String?
        public var version: String?
        /// `success` or `failure` (`skipped` for a deploy step that had nothing to do).
        public var outcome: String
        public var exitCode: Int32
        public var error: String?
        public var osUser: String?
        /// The database role (`current_user`, as the database recorded it; nil when the database was unreachable).
        public var dbRole: String?
        public var host: String
        public var slipwayVersion: String
        public var startedAt: Date
        public var finishedAt: Date
        public var durationMs: Double

        public init(
            command: String, arguments: [String], schema: String?, environment: String?, release: String?,
            version: String?, exitCode: Int32, error: String?, startedAt: Date, finishedAt: Date = Date(),
            slipwayVersion: String
        ) {
            self.command = command
            self.arguments = arguments.map(Redaction.redactConnectionString).joined(separator: " ")
            self.schema = schema
            self.environment = environment
            self.release = release
            self.version = version
            self.outcome = exitCode == 0 ? "success" : "failure"
            self.exitCode = exitCode
            self.error = error.map(Redaction.redactConnectionString)
            self.osUser = AuditLog.currentOSUser
            self.host = ProcessInfo.processInfo.hostName
            self.slipwayVersion = slipwayVersion
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.durationMs = finishedAt.timeIntervalSince(startedAt) * 1000
        }
    }

    public var connection: ConnectionConfiguration?
    public var stateSchema: String
    /// A file to append JSON lines to, if any.
    public var jsonLinesPath: String?
    /// Also write each entry as a JSON line to standard error (`--log-format json`).
    public var jsonLinesToStandardError: Bool

    public init(
        connection: ConnectionConfiguration?, stateSchema: String = "slipway", jsonLinesPath: String? = nil,
        jsonLinesToStandardError: Bool = false
    ) {
        self.connection = connection
        self.stateSchema = stateSchema
        self.jsonLinesPath = jsonLinesPath
        self.jsonLinesToStandardError = jsonLinesToStandardError
    }

    /// The entry as one JSON line (sorted keys, ISO 8601 dates, trailing newline).
    public static func jsonLine(_ entry: Entry) -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(entry)).map { $0 + Data("\n".utf8) }
    }

    /// Records an entry. Best effort: returns a warning instead of throwing when the database or the file
    /// cannot be written (the command's own outcome stays what it was).
    public func record(_ entry: Entry) async -> [String] {
        var entry = entry
        var warnings: [String] = []
        if let connection {
            do {
                let session = try await PostgresConnection.connect(connection.with("application_name", "slipway audit"))
                defer { Task { await session.close() } }
                try await StateStore(stateSchema: stateSchema).prepare(session)
                let rows = try await session.query(
                    """
                    INSERT INTO \(unsafeRaw: PostgresIdentifier.quote(stateSchema)).audit_log
                      (command, arguments, schema, environment, release, version, outcome, exit_code, error, os_user, host,
                       slipway_version, started_at, finished_at, duration_ms)
                    VALUES (\(entry.command), \(entry.arguments), \(entry.schema), \(entry.environment), \(entry.release),
                            \(entry.version), \(entry.outcome), \(entry.exitCode), \(entry.error), \(entry.osUser), \(entry.host),
                            \(entry.slipwayVersion), \(entry.startedAt), \(entry.finishedAt), \(entry.durationMs))
                    RETURNING db_role
                    """)
                entry.dbRole = try rows.first?.decode("db_role", as: String?.self)
            } catch {
                warnings.append("could not write the audit log to the database: \(error)")
            }
        }
        if jsonLinesPath != nil || jsonLinesToStandardError {
            guard let line = Self.jsonLine(entry) else { return warnings + ["could not encode the audit entry"] }
            if let jsonLinesPath {
                if let handle = Self.openForAppend(jsonLinesPath) {
                    handle.write(line)
                    try? handle.close()
                } else {
                    warnings.append("could not append to the audit file \(jsonLinesPath)")
                }
            }
            if jsonLinesToStandardError { FileHandle.standardError.write(line) }
        }
        return warnings
    }

    /// The operating-system user: `$USER`, `$LOGNAME`, else the password database's name for the real uid
    /// (containers often set neither variable).
    public static var currentOSUser: String? {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// The newest entries of the database log, newest first.
    public static func entries(
        _ connection: ConnectionConfiguration, stateSchema: String = "slipway", limit: Int = 100, release: String? = nil,
        environment: String? = nil
    ) async throws -> [Entry] {
        let session = try await PostgresConnection.connect(connection.with("application_name", "slipway audit"))
        defer { Task { await session.close() } }
        let exists = try await session.query(
            "SELECT to_regclass(\(PostgresIdentifier.quote(stateSchema) + ".audit_log")) IS NOT NULL AS e")[0].decode("e", as: Bool.self)
        guard exists else { return [] }
        let rows = try await session.query(
            """
            SELECT command, arguments, schema, environment, release, version, outcome, exit_code, error, db_role, os_user, host,
                   slipway_version, started_at, finished_at
            FROM \(unsafeRaw: PostgresIdentifier.quote(stateSchema)).audit_log
            WHERE (\(release)::text IS NULL OR ltrim(release, 'v') = ltrim(\(release)::text, 'v'))
              AND (\(environment)::text IS NULL OR environment = \(environment)::text)
            ORDER BY id DESC LIMIT \(limit)
            """)
        return try rows.map { row in
            var entry = Entry(
                command: try row.decode("command"), arguments: [try row.decode("arguments")],
                schema: try row.decode("schema", as: String?.self), environment: try row.decode("environment", as: String?.self),
                release: try row.decode("release", as: String?.self), version: try row.decode("version", as: String?.self),
                exitCode: try row.decode("exit_code", as: Int32.self), error: try row.decode("error", as: String?.self),
                startedAt: try row.decode("started_at"), finishedAt: try row.decode("finished_at"),
                slipwayVersion: try row.decode("slipway_version", as: String?.self) ?? "?")
            entry.outcome = try row.decode("outcome")
            entry.osUser = try row.decode("os_user", as: String?.self)
            entry.dbRole = try row.decode("db_role", as: String?.self)
            entry.host = try row.decode("host", as: String?.self) ?? "?"
            return entry
        }
    }

    private static func openForAppend(_ path: String) -> FileHandle? {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        _ = try? handle.seekToEnd()
        return handle
    }
}
