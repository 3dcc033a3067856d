import Foundation
import LocalPostgres
import PostgresClient

/// Takes, lists, verifies, restores and prunes backups of one database, recording each in
/// `<state schema>.backups` of that database.
///
/// Every operation is one call that returns a `Codable` result or throws a ``BackupError``; nothing is
/// printed. A password in the connection string reaches child programs only through `PGPASSWORD`, and no
/// record, result, command line or error contains it.
///
/// ```swift
/// let backups = BackupManager(database: ConnectionConfiguration(url))
/// let taken = try await backups.create(BackupRequest(release: "v1.4.0", environment: "production", drill: .localPostgres))
/// print(taken.record.location ?? "", taken.record.sha256 ?? "", taken.drill?.restoreSeconds ?? 0)
/// ```
public struct BackupManager: Sendable {
    /// The database backed up (and holding the backup records).
    public var database: ConnectionConfiguration
    /// Where the records live.
    public var store: BackupStore
    /// Called with one line per step (`pg_dump 15.18 (/usr/lib/postgresql/15/bin/pg_dump) → backups/…`), for a
    /// CLI's progress output. Never contains a password.
    public var progress: (@Sendable (String) -> Void)?

    /// - Parameters:
    ///   - database: the database to back up; its state schema holds the records.
    ///   - stateSchema: Slipway's state schema; default `slipway`.
    ///   - progress: optional step-by-step notes.
    public init(
        database: ConnectionConfiguration, stateSchema: String = "slipway", progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.database = database
        self.store = BackupStore(stateSchema: stateSchema)
        self.progress = progress
    }

    // MARK: Shared plumbing

    func note(_ text: String) {
        progress?(text)
    }

    /// Opens a connection, wrapping failures as `.connectionFailed`.
    static func connect(_ configuration: ConnectionConfiguration, role: String) async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(configuration)
        } catch let error as PostgresError {
            throw BackupError(
                .connectionFailed, "could not connect to the \(role) database: \(error.message)",
                hint: "check the connection string / DATABASE_URL / PG* variables and that the server is running",
                underlying: error)
        }
    }

    /// Connects to the source, makes sure the records table exists, runs `body`, closes.
    func withSource<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await Self.connect(database, role: "source")
        do {
            try await store.prepare(connection)
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Any error as a ``BackupError``, scrubbed.
    static func backupError(_ error: any Error, secrets: BackupSecrets, backupID: Int64? = nil) -> BackupError {
        var result: BackupError
        switch error {
        case let error as BackupError:
            result = error
        case let error as PostgresError:
            result = BackupError(
                error.code == .connectionFailed ? .connectionFailed : .stateUnavailable,
                "a database statement failed: \(error.message)", underlying: error)
        case let error as LocalPostgresError:
            result = BackupError(.drillFailed, "the throwaway PostgreSQL server failed: \(error.message)")
        default:
            result = BackupError(.dumpFailed, "\(error)")
        }
        if result.backupID == nil { result.backupID = backupID }
        return result.scrubbed(secrets)
    }

    /// The backup a selector names.
    func resolve(_ selector: BackupSelector, _ connection: PostgresConnection) async throws -> BackupRecord {
        switch selector {
        case .id(let id):
            guard let record = try await store.record(id: id, connection) else {
                throw BackupError(.notFound, "there is no backup \(id)", hint: "list backups with `slipway backup list`")
            }
            return record
        case .release(let release, let environment):
            if let record = try await store.newestOK(release: release, environment: environment, connection) {
                return record
            }
            let others = try await store.list(environment: environment, status: .ok, limit: 200, connection)
            let releases = Array(Set(others.compactMap(\.release))).sorted()
            let scope = environment.map { " in environment \($0)" } ?? ""
            throw BackupError(
                .notFound, "there is no successful backup of release \(release)\(scope)",
                hint: releases.isEmpty
                    ? "no successful backups are recorded\(scope)"
                    : "releases with backups\(scope): \(releases.joined(separator: ", "))")
        }
    }

    /// The operating-system user running Slipway.
    static var osUser: String? {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return nil
    }

    /// `20261123T101500Z`.
    static func timestamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Keeps letters, digits, `.`, `_` and `-`; anything else becomes `_`.
    static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") ? $0 : "_" })
    }

    /// The archive's file name: `<database>-<release>-<UTC timestamp>-<id>.dump`.
    static func archiveName(database: String, release: String?, date: Date, id: Int64) -> String {
        "\(fileSafe(database))-\(fileSafe(release ?? "adhoc"))-\(timestamp(date))-\(id).dump"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
