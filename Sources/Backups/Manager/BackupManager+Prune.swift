import Foundation
import PostgresClient

extension BackupManager {
    /// Applies retention, per environment: an `ok` backup is kept when it is among the newest `keepLast`
    /// or younger than `keepDays` days; the newest `ok` backup of each environment is always kept. A
    /// `failed` backup is kept while younger than `keepDays` (without `keepDays`: while newer than the
    /// oldest kept `ok` backup). `running` backups are never touched.
    ///
    /// For a `pg_dump` backup the file (and any `.partial` leftover) and the record are deleted; for a
    /// command backup only the record (its tool's own retention manages the backup itself).
    ///
    /// - Parameters:
    ///   - keepLast: keep the newest N `ok` backups (N ≥ 1).
    ///   - keepDays: keep `ok` backups younger than this many days (≥ 0).
    ///   - environment: prune only this environment.
    ///   - dryRun: report, delete nothing.
    /// - Throws: ``BackupError`` `.invalidArgument` (neither rule given, or a negative/zero value),
    ///   `.directoryUnusable` (a file could not be deleted; its record is kept), `.connectionFailed`,
    ///   `.stateUnavailable`.
    public func prune(
        keepLast: Int? = nil, keepDays: Double? = nil, environment: String? = nil, dryRun: Bool = false,
        now: Date = Date()
    ) async throws -> PruneResult {
        guard keepLast != nil || keepDays != nil else {
            throw BackupError(.invalidArgument, "prune needs a retention rule", hint: "give --keep-last N and/or --keep-days D")
        }
        if let keepLast, keepLast < 1 {
            throw BackupError(.invalidArgument, "keep-last must be at least 1 (the newest backup is always kept)")
        }
        if let keepDays, keepDays < 0 {
            throw BackupError(.invalidArgument, "keep-days must not be negative")
        }
        let secrets = BackupSecrets([try ConnectionParameters(database)])
        do {
            return try await withSource { connection in
                let records = try await store.list(environment: environment, connection)
                let plan = Self.retention(records, keepLast: keepLast, keepDays: keepDays, now: now)
                var pruned: [PrunedBackup] = []
                var bytes: Int64 = 0
                for (record, reason) in plan.delete {
                    var fileDeleted = false
                    if record.kind == .pgDump, let path = record.location {
                        for candidate in [path, path + ".partial"] where ArchiveFiles.isRegularFile(candidate) {
                            if !dryRun {
                                do {
                                    try FileManager.default.removeItem(atPath: candidate)
                                } catch {
                                    throw BackupError(
                                        .directoryUnusable,
                                        "could not delete \(candidate) of backup \(record.id): \(ArchiveFiles.reason(error))",
                                        hint: "fix the permissions and prune again; the record was kept", path: candidate,
                                        backupID: record.id)
                                }
                            }
                            if candidate == path { fileDeleted = true }
                        }
                    }
                    if !dryRun { try await store.delete(id: record.id, connection) }
                    if fileDeleted { bytes += record.sizeBytes ?? 0 }
                    pruned.append(PrunedBackup(record: record, fileDeleted: fileDeleted, reason: reason))
                }
                note("pruned \(pruned.count) backup(s), kept \(plan.keep.count)\(dryRun ? " (dry run)" : "")")
                return PruneResult(pruned: pruned, kept: plan.keep.map(\.id), dryRun: dryRun, bytesFreed: bytes)
            }
        } catch {
            throw Self.backupError(error, secrets: secrets)
        }
    }

    /// Which records to keep and which to delete (with a reason). Pure; `records` newest first.
    static func retention(_ records: [BackupRecord], keepLast: Int?, keepDays: Double?, now: Date)
        -> (keep: [BackupRecord], delete: [(BackupRecord, String)])
    {
        let cutoff = keepDays.map { now.addingTimeInterval(-$0 * 86_400) }
        var keep: [BackupRecord] = []
        var delete: [(BackupRecord, String)] = []
        var groups: [String?: [BackupRecord]] = [:]
        var order: [String?] = []
        for record in records {
            if groups[record.environment] == nil { order.append(record.environment) }
            groups[record.environment, default: []].append(record)
        }
        let rules = [keepLast.map { "keep-last \($0)" }, keepDays.map { "keep-days \($0.formatted())" }]
            .compactMap { $0 }.joined(separator: " and ")
        for key in order {
            let group = (groups[key] ?? []).sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
            var okRank = 0
            var oldestKeptOK: Date?
            for record in group where record.status == .ok {
                let young = cutoff.map { record.startedAt >= $0 } ?? false
                let recent = keepLast.map { okRank < $0 } ?? false
                if okRank == 0 || young || recent {
                    keep.append(record)
                    oldestKeptOK = record.startedAt
                } else {
                    delete.append((record, "beyond \(rules)"))
                }
                okRank += 1
            }
            for record in group where record.status != .ok {
                if record.status == .running {
                    keep.append(record)
                    continue
                }
                let retained: Bool
                if let cutoff {
                    retained = record.startedAt >= cutoff
                } else {
                    retained = oldestKeptOK.map { record.startedAt >= $0 } ?? true
                }
                if retained { keep.append(record) } else { delete.append((record, "failed, beyond \(rules)")) }
            }
        }
        return (keep, delete)
    }
}
