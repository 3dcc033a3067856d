import Foundation
import LocalPostgres
import PostgresClient

extension BackupManager {
    /// Takes a backup, records it against the request's release and environment, and returns the record.
    ///
    /// Built-in mode: `pg_dump --format=custom` (the newest `pg_dump` at least as new as the server) into
    /// `<directory>/<database>-<release>-<UTC timestamp>-<id>.dump`, mode 0600, written under a `.partial`
    /// name and renamed only once verified; the data of the records table itself is left out. Verified by
    /// reading the **whole** archive back (`pg_restore -f /dev/null`), then hashed (SHA-256) and measured.
    /// With ``BackupRequest/drill``, the archive is restored into a throwaway database and every table's row
    /// count is compared with the source's, counted in the very snapshot `pg_dump` read.
    ///
    /// Command mode: see ``BackupRequest/Method/command(_:directory:)`` and `docs/backups.md` for the
    /// `SLIPWAY_BACKUP_*` variables.
    ///
    /// Last, when asked, a restore point `slipway-<release>-<timestamp>-<id>` is created
    /// (`pg_create_restore_point`) for point-in-time recovery.
    ///
    /// A row is inserted in status `running` before anything else; it ends `ok`, or `failed` with the error.
    ///
    /// - Throws: ``BackupError`` (the record, when one could be written, says `failed`): `.connectionFailed`,
    ///   `.stateUnavailable`, `.toolMissing`, `.toolTooOld`, `.directoryUnusable`, `.dumpFailed`,
    ///   `.archiveUnreadable`, `.drillFailed`, `.commandFailed`, `.restorePointFailed` (only when the restore
    ///   point is `.required`), `.invalidArgument`. A restore point that fails in `.optional` mode is not an
    ///   error: it is in ``BackupResult/warnings``.
    public func create(_ request: BackupRequest) async throws -> BackupResult {
        let parameters = try ConnectionParameters(database)
        let secrets = BackupSecrets([parameters])
        if case .command = request.method, request.drill != nil {
            throw BackupError(
                .invalidArgument, "a restore drill needs a pg_dump archive; it cannot follow a custom backup command",
                hint: "drop the drill, or rehearse restores with your backup tool")
        }
        if case .command(let command, _) = request.method,
            command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            throw BackupError(.invalidArgument, "the backup command is empty", hint: "configure a shell command")
        }
        do {
            return try await withSource { connection in
                let identity = try await DatabaseIdentity.read(connection)
                let kind: BackupRecord.Kind
                if case .command = request.method { kind = .command } else { kind = .pgDump }
                var record = try await store.insertRunning(
                    release: request.release, environment: request.environment, kind: kind,
                    serverVersion: identity.serverVersion, osUser: Self.osUser, host: ProcessInfo.processInfo.hostName,
                    connection)
                do {
                    var result: BackupResult
                    switch request.method {
                    case .pgDump(let directory):
                        result = try await dump(
                            request, directory: directory, identity: identity, parameters: parameters,
                            secrets: secrets, record: &record, connection)
                    case .command(let command, let directory):
                        result = try await runCommand(
                            command, request, directory: directory, identity: identity, parameters: parameters,
                            secrets: secrets, record: &record)
                    }
                    if request.restorePoint != .none {
                        let report = try await createRestorePoint(
                            request, record: record, secrets: secrets, connection)
                        result.restorePoint = report
                        if report.created {
                            record.restorePoint = report.name
                            record.restorePointLSN = report.lsn
                        } else {
                            result.warnings.append(
                                "restore point \(report.name) was not created: \(report.error ?? "unknown error")")
                        }
                    }
                    record.status = .ok
                    record.finishedAt = Date()
                    record.error = nil
                    result.record = try await store.update(record, connection)
                    note("backup \(record.id) ok: \(record.location ?? "(no location)")")
                    return result
                } catch {
                    let failure = Self.backupError(error, secrets: secrets, backupID: record.id)
                    record.status = .failed
                    record.finishedAt = Date()
                    record.error = failure.description
                    _ = try? await store.update(record, connection)
                    note("backup \(record.id) failed: \(failure.message)")
                    throw failure
                }
            }
        } catch {
            throw Self.backupError(error, secrets: secrets)
        }
    }

    // MARK: pg_dump

    private func dump(
        _ request: BackupRequest, directory: String, identity: DatabaseIdentity, parameters: ConnectionParameters,
        secrets: BackupSecrets, record: inout BackupRecord, _ connection: PostgresConnection
    ) async throws -> BackupResult {
        let tools = try await DumpTools.select(atLeast: identity.serverVersionNumber, explicitPath: request.pgDumpPath)
        record.pgDumpPath = tools.pgDumpPath
        record.pgDumpVersion = tools.version

        let folder = ArchiveFiles.absolute(directory)
        try ArchiveFiles.prepareDirectory(folder)
        let finalPath =
            folder + "/"
            + Self.archiveName(database: identity.database, release: request.release, date: record.startedAt, id: record.id)
        let partialPath = finalPath + ".partial"
        try ArchiveFiles.createPrivateFile(partialPath)
        record.location = finalPath
        var keepPartial = false
        defer { if !keepPartial { try? FileManager.default.removeItem(atPath: partialPath) } }

        // With a drill, pin a snapshot: pg_dump reads it, and the source row counts are taken in it too.
        var snapshotConnection: PostgresConnection?
        var snapshot: String?
        if request.drill != nil {
            let pinned = try await Self.connect(database, role: "source")
            snapshotConnection = pinned
            try await pinned.unsafeExecuteRaw("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = try await pinned.query("SELECT pg_export_snapshot() AS s")[0].decode("s", as: String.self)
        }
        func releaseSnapshot() async {
            if let snapshotConnection {
                _ = try? await snapshotConnection.unsafeExecuteRaw("COMMIT")
                await snapshotConnection.close()
            }
            snapshotConnection = nil
        }

        var arguments = [
            tools.pgDumpPath, "--format=custom", "--file=\(partialPath)", "--no-password",
            "--exclude-table-data=\(store.qualifiedTable)",
        ]
        if let timeout = request.lockWaitTimeout { arguments.append("--lock-wait-timeout=\(max(timeout.milliseconds, 1))") }
        if let snapshot { arguments.append("--snapshot=\(snapshot)") }
        let conninfo = parameters.keywordString
        if !conninfo.isEmpty { arguments.append("--dbname=\(conninfo)") }

        note("pg_dump \(tools.version) (\(tools.pgDumpPath)) → \(finalPath)")
        let dumped: ToolRun
        do {
            dumped = try await ToolRun.run(
                arguments, password: parameters.password, timeout: request.timeout, secrets: secrets,
                failureCode: .dumpFailed)
        } catch {
            await releaseSnapshot()
            throw error
        }
        guard dumped.succeeded else {
            await releaseSnapshot()
            throw BackupError(
                .dumpFailed, "pg_dump failed (exit \(dumped.status)): \(Self.firstLine(dumped.diagnostics))",
                hint: Self.dumpHint(
                    dumped.status == 128 + SIGXFSZ ? "File too large (killed by SIGXFSZ)\n" + dumped.diagnostics : dumped.diagnostics,
                    directory: folder),
                command: dumped.commandLine,
                standardError: dumped.diagnosticsTail, path: finalPath)
        }
        var sourceCounts: [String: Int64] = [:]
        if let snapshotConnection {
            do {
                sourceCounts = try await RestoreDrill.tableCounts(snapshotConnection, skipping: store)
            } catch {
                await releaseSnapshot()
                throw error
            }
            await releaseSnapshot()
        }
        ArchiveFiles.makePrivate(partialPath)

        // Verify: read every byte of the archive back through pg_restore, then hash it.
        note("verifying: pg_restore -f /dev/null (reads the whole archive)")
        let verifyStart = ContinuousClock.now
        let readBack = try await Self.readBack(partialPath, tools: tools, secrets: secrets, timeout: request.timeout)
        guard readBack.succeeded else {
            throw BackupError(
                .archiveUnreadable,
                "the new archive could not be read back (pg_restore exit \(readBack.status)): \(Self.firstLine(readBack.diagnostics))",
                hint: "the file system may be full or failing; check free space and retry",
                command: readBack.commandLine, standardError: readBack.diagnosticsTail, path: finalPath)
        }
        let (sha256, size) = try await ArchiveFiles.sha256(of: partialPath)
        let verifySeconds = (ContinuousClock.now - verifyStart).seconds
        guard rename(partialPath, finalPath) == 0 else {
            throw BackupError(
                .directoryUnusable, "could not rename \(partialPath) to \(finalPath): \(String(cString: strerror(errno)))",
                path: finalPath)
        }
        keepPartial = true  // renamed: nothing left to remove
        record.sizeBytes = size
        record.sha256 = sha256
        record.verified = true
        record.verifiedAt = Date()

        var result = BackupResult(
            record: record, tools: tools, commands: [dumped.commandLine, readBack.commandLine],
            backupSeconds: dumped.seconds, verifySeconds: verifySeconds, drill: nil, restorePoint: nil,
            commandOutput: nil, warnings: [])

        if let drill = request.drill {
            note("restore drill into \(drill.label)")
            let report = try await RestoreDrill.run(
                archive: finalPath, target: drill, tools: tools, sourceCounts: sourceCounts, secrets: secrets,
                store: store, timeout: request.timeout)
            result.drill = report
            record.restoreDrill = report.passed
            record.drillSeconds = report.restoreSeconds
            if !report.passed {
                let differing = report.mismatches.prefix(5).map {
                    "\($0.table): source \($0.source), restored \($0.restored.map(String.init) ?? "missing")"
                }
                throw BackupError(
                    .drillFailed, "the restore drill's row counts differ from the source: \(differing.joined(separator: "; "))",
                    hint: "the archive is kept at \(finalPath) for inspection; do not rely on it", path: finalPath)
            }
        }
        return result
    }

    /// `pg_restore -f /dev/null <archive>`: decompresses and reads every entry, table data included.
    static func readBack(_ archive: String, tools: DumpTools, secrets: BackupSecrets, timeout: Duration) async throws
        -> ToolRun
    {
        try await ToolRun.run(
            [tools.pgRestorePath, "--file=/dev/null", archive], password: nil, timeout: timeout, secrets: secrets,
            failureCode: .archiveUnreadable)
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "no output" : line
    }

    static func dumpHint(_ output: String, directory: String) -> String {
        let lower = output.lowercased()
        if lower.contains("no space left") || lower.contains("disk quota") {
            return "the backup directory \(directory) is full (disk full); free space or choose another directory"
        }
        if lower.contains("file too large") || lower.contains("file size limit") {
            return "the archive hit a file size limit (disk full or ulimit -f / RLIMIT_FSIZE) in \(directory); "
                + "free space, lift the limit or choose another directory"
        }
        if lower.contains("lock") && (lower.contains("timeout") || lower.contains("could not obtain")) {
            return "another session holds a conflicting lock; retry, or raise the lock wait timeout"
        }
        if lower.contains("permission denied") {
            return "the role cannot read every table; back up with a role that can (e.g. a member of pg_read_all_data)"
        }
        if lower.contains("server version") && lower.contains("mismatch") {
            return "install a pg_dump at least as new as the server"
        }
        if lower.contains("could not connect") || lower.contains("connection to server") {
            return "pg_dump could not connect with the same settings; check the connection string"
        }
        return "see the pg_dump output above"
    }
}

extension BackupRequest.DrillTarget {
    var label: String {
        switch self {
        case .localPostgres: return "a throwaway local PostgreSQL"
        case .database(let configuration): return configuration.description
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
