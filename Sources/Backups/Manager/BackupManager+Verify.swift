import Foundation
import PostgresClient

extension BackupManager {
    /// Backups, newest first.
    ///
    /// - Parameters:
    ///   - release: only this release's backups.
    ///   - environment: only this environment's backups.
    ///   - status: only backups in this status.
    ///   - limit: at most this many.
    /// - Throws: ``BackupError`` `.connectionFailed` or `.stateUnavailable`.
    public func list(
        release: String? = nil, environment: String? = nil, status: BackupRecord.Status? = nil, limit: Int? = nil
    ) async throws -> [BackupRecord] {
        let secrets = BackupSecrets([try ConnectionParameters(database)])
        do {
            return try await withSource { connection in
                try await store.list(release: release, environment: environment, status: status, limit: limit, connection)
            }
        } catch {
            throw Self.backupError(error, secrets: secrets)
        }
    }

    /// Re-reads a `pg_dump` backup: recomputes its SHA-256 and compares it with the recorded one, then reads
    /// the whole archive back with `pg_restore -f /dev/null`. Records the outcome (`verified`, `verified_at`).
    ///
    /// - Parameter selector: a backup id, or a release (its newest `ok` backup).
    /// - Throws: ``BackupError``: `.notFound`; `.notRestorable` (a command backup, or one that failed);
    ///   `.fileMissing`; `.checksumMismatch` (the file was modified: both hashes are in the message);
    ///   `.archiveUnreadable`; `.toolMissing`; `.connectionFailed`, `.stateUnavailable`. A failed
    ///   verification is recorded before it is thrown.
    public func verify(_ selector: BackupSelector) async throws -> VerificationResult {
        let secrets = BackupSecrets([try ConnectionParameters(database)])
        do {
            return try await withSource { connection in
                var record = try await resolve(selector, connection)
                let (path, expected) = try Self.archive(of: record, purpose: "verify")
                let start = ContinuousClock.now
                do {
                    let tools = try await DumpTools.select(atLeast: Self.versionNumber(record.pgDumpVersion))
                    let (sha256, size) = try await Self.checkChecksum(record, path: path, expected: expected)
                    let readBack = try await Self.readBack(path, tools: tools, secrets: secrets, timeout: .seconds(6 * 3600))
                    guard readBack.succeeded else {
                        throw BackupError(
                            .archiveUnreadable,
                            "backup \(record.id) could not be read back (pg_restore exit \(readBack.status)): \(Self.firstLine(readBack.diagnostics))",
                            hint: "the archive is damaged; take a new backup", command: readBack.commandLine,
                            standardError: readBack.diagnosticsTail, path: path, backupID: record.id)
                    }
                    record.verified = true
                    record.verifiedAt = Date()
                    record = try await store.update(record, connection)
                    note("backup \(record.id) verified: sha256 \(sha256), \(size) bytes")
                    return VerificationResult(
                        record: record, sha256: sha256, sizeBytes: size, tools: tools,
                        seconds: (ContinuousClock.now - start).seconds)
                } catch let error as BackupError where error.code != .toolMissing && error.code != .toolTooOld {
                    record.verified = false
                    record.verifiedAt = Date()
                    _ = try? await store.update(record, connection)
                    throw error
                }
            }
        } catch {
            throw Self.backupError(error, secrets: secrets)
        }
    }

    /// The archive path and recorded SHA-256 of a `pg_dump` backup that succeeded.
    static func archive(of record: BackupRecord, purpose: String) throws -> (path: String, sha256: String) {
        guard record.kind == .pgDump else {
            throw BackupError(
                .notRestorable,
                "backup \(record.id) was taken by a custom command; Slipway cannot \(purpose) it",
                hint: "use the tool that took it" + (record.location.map { " (location: \($0))" } ?? ""),
                backupID: record.id)
        }
        guard record.status == .ok else {
            throw BackupError(
                .notRestorable, "backup \(record.id) did not succeed (status \(record.status.rawValue))",
                hint: record.error ?? "pick another backup", backupID: record.id)
        }
        guard let path = record.location, let sha256 = record.sha256 else {
            throw BackupError(.notRestorable, "backup \(record.id) has no recorded file or checksum", backupID: record.id)
        }
        return (path, sha256)
    }

    /// Hashes the file and compares with the record.
    static func checkChecksum(_ record: BackupRecord, path: String, expected: String) async throws -> (String, Int64) {
        guard ArchiveFiles.isRegularFile(path) else {
            throw BackupError(
                .fileMissing, "the file of backup \(record.id) is missing: \(path)",
                hint: "it was moved or deleted; restore it from your off-site copy, or take a new backup", path: path,
                backupID: record.id)
        }
        let (sha256, size) = try await ArchiveFiles.sha256(of: path)
        guard sha256 == expected else {
            throw BackupError(
                .checksumMismatch,
                "the file of backup \(record.id) was modified: its SHA-256 is \(sha256), recorded \(expected) "
                    + "(size \(size), recorded \(record.sizeBytes.map(String.init) ?? "unknown"))",
                hint: "do not restore it; use another backup", path: path, backupID: record.id)
        }
        return (sha256, size)
    }

    /// `15.18` → 150018 (0 when unknown).
    static func versionNumber(_ version: String?) -> Int {
        guard let version, let parsed = DumpTools.parseVersion(version) else { return 0 }
        return parsed.1
    }
}
