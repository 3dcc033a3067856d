import Foundation
import PostgresClient

extension BackupManager {
    /// Restores the newest `ok` backup of a release into `target`.
    ///
    /// Same as ``restore(_:to:force:noPrivileges:)`` with `.release(release, environment:)`.
    public func restore(
        release: String, environment: String? = nil, to target: ConnectionConfiguration, force: Bool = false,
        noPrivileges: Bool = false
    ) async throws -> RestoreResult {
        try await restore(.release(release, environment: environment), to: target, force: force, noPrivileges: noPrivileges)
    }

    /// Restores a `pg_dump` backup into `target` with
    /// `pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error`: the target ends up
    /// with the archive's objects and data, or — if anything fails — unchanged.
    ///
    /// The file's SHA-256 is checked first (a modified archive is refused). **The target must not be the
    /// database the backup was taken from** — compared by the cluster's system identifier and database name
    /// when the role may read `pg_control_system()`, else by server start time, port and database name —
    /// unless `force` is true. After a forced restore onto the source, backup records newer than the
    /// archive are put back.
    ///
    /// `--clean` drops only objects the archive contains: restore into a new, empty database and switch
    /// the application over, rather than onto a database with objects created after the backup.
    ///
    /// - Parameters:
    ///   - selector: a backup id, or a release (its newest `ok` backup).
    ///   - target: the database to restore into.
    ///   - force: allow the target to be the backup's source database.
    ///   - noPrivileges: skip GRANTs (`--no-privileges`), for a target server without the source's roles.
    /// - Throws: ``BackupError``: `.notFound`, `.notRestorable`, `.fileMissing`, `.checksumMismatch`,
    ///   `.sameDatabase` (without `force`), `.connectionFailed` (source or target), `.toolMissing`,
    ///   `.restoreFailed` (nothing was changed), `.stateUnavailable`.
    public func restore(
        _ selector: BackupSelector, to target: ConnectionConfiguration, force: Bool = false, noPrivileges: Bool = false
    ) async throws -> RestoreResult {
        let targetParameters = try ConnectionParameters(target)
        let secrets = BackupSecrets([try ConnectionParameters(database)]).adding(targetParameters)
        do {
            return try await withSource { connection in
                let record = try await resolve(selector, connection)
                let (path, expected) = try Self.archive(of: record, purpose: "restore")
                _ = try await Self.checkChecksum(record, path: path, expected: expected)

                let sourceIdentity = try await DatabaseIdentity.read(connection)
                let targetConnection = try await Self.connect(target, role: "target")
                let targetIdentity: DatabaseIdentity
                do {
                    targetIdentity = try await DatabaseIdentity.read(targetConnection)
                    await targetConnection.close()
                } catch {
                    await targetConnection.close()
                    throw error
                }
                let (same, basis) = sourceIdentity.sameDatabase(as: targetIdentity)
                if same && !force {
                    throw BackupError(
                        .sameDatabase,
                        "refusing to restore backup \(record.id) (release \(record.release ?? "none")) onto \(target): "
                            + "it is the database the backup was taken from (\(sourceIdentity.database); compared by \(basis))",
                        hint: "restore into a new database and switch the application over, or pass --force to overwrite the live database",
                        backupID: record.id)
                }
                let saved = same ? try await store.list(connection) : []

                let tools = try await DumpTools.select(
                    atLeast: max(Self.versionNumber(record.pgDumpVersion), 0))
                var arguments = [tools.pgRestorePath, "--clean", "--if-exists", "--no-owner"]
                if noPrivileges { arguments.append("--no-privileges") }
                arguments += [
                    "--single-transaction", "--exit-on-error", "--no-password",
                    "--dbname=\(targetParameters.keywordString)", path,
                ]
                note("pg_restore \(tools.version) (\(tools.pgRestorePath)): backup \(record.id) → \(target)")
                let restored = try await ToolRun.run(
                    arguments, password: targetParameters.password, timeout: .seconds(24 * 3600), secrets: secrets,
                    failureCode: .restoreFailed)
                guard restored.succeeded else {
                    throw BackupError(
                        .restoreFailed,
                        "pg_restore of backup \(record.id) into \(target) failed (exit \(restored.status)): "
                            + Self.firstLine(restored.diagnostics),
                        hint: Self.restoreHint(restored.diagnostics), command: restored.commandLine,
                        standardError: restored.diagnosticsTail, path: path, backupID: record.id)
                }
                var preserved = 0
                if same {
                    try await store.prepare(connection)
                    preserved = try await store.restoreRecords(saved, connection)
                }
                return RestoreResult(
                    record: record, target: target.description, tools: tools, command: restored.commandLine,
                    seconds: restored.seconds, sameDatabase: same, identityBasis: basis, preservedRecords: preserved)
            }
        } catch {
            throw Self.backupError(error, secrets: secrets)
        }
    }

    static func restoreHint(_ output: String) -> String {
        let lower = output.lowercased()
        var hint = "nothing was changed (single transaction)"
        if lower.contains("role") && lower.contains("does not exist") {
            hint += "; the target lacks a role the archive grants to: create it, or restore without privileges (--no-privileges)"
        } else if lower.contains("extension") {
            hint += "; install the extension on the target server"
        } else if lower.contains("cannot drop") || lower.contains("depend") {
            hint += "; the target has objects the archive does not know: restore into a new, empty database"
        } else if lower.contains("permission denied") || lower.contains("must be owner") {
            hint += "; the target role lacks privileges: use the database owner or a superuser"
        }
        return hint
    }
}
