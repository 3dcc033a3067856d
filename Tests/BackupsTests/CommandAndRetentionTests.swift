import Foundation
import LocalPostgres
import PostgresClient
import Testing

@testable import Backups

@Suite("custom backup commands and retention")
struct CommandAndRetentionTests {
    @Test func customCommandRunsWithTheDocumentedEnvironment() async throws {
        let fixture = try await BackupFixture.make()
        // The command records its environment, takes a real backup with pg_dump through the URL it was
        // given, and names the file on its last output line.
        let tools = try await DumpTools.select(atLeast: 0)
        let command = """
            env | grep '^SLIPWAY_BACKUP_' | sort > "$SLIPWAY_BACKUP_DIR/env-$SLIPWAY_BACKUP_ID.txt"
            echo "PGPASSWORD=${PGPASSWORD:-unset}" >> "$SLIPWAY_BACKUP_DIR/env-$SLIPWAY_BACKUP_ID.txt"
            echo "taking the backup"
            '\(tools.pgDumpPath)' -Fc -f "$SLIPWAY_BACKUP_DIR/custom-$SLIPWAY_BACKUP_ID.dump" "$SLIPWAY_BACKUP_DATABASE_URL"
            echo "custom-$SLIPWAY_BACKUP_ID.dump"
            """
        let result = try await fixture.manager().create(
            BackupRequest(release: "v4.0.0", environment: "production", method: .command(command, directory: fixture.directory)))
        let record = result.record
        #expect(record.kind == .command)
        #expect(record.status == .ok)
        #expect(record.location == "\(fixture.directory)/custom-\(record.id).dump")
        #expect(record.sizeBytes ?? 0 > 0)
        #expect(try await BackupFixture.sha256sum(try #require(record.location)) == record.sha256)
        #expect(result.commandOutput?.contains("taking the backup") == true)

        let text = try String(contentsOfFile: "\(fixture.directory)/env-\(record.id).txt", encoding: .utf8)
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            variables[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        #expect(variables["SLIPWAY_BACKUP_RELEASE"] == "v4.0.0")
        #expect(variables["SLIPWAY_BACKUP_ENVIRONMENT"] == "production")
        #expect(variables["SLIPWAY_BACKUP_ID"] == String(record.id))
        #expect(variables["SLIPWAY_BACKUP_DIR"] == fixture.directory)
        #expect(variables["SLIPWAY_BACKUP_DATABASE"] == fixture.db.name)
        let url = try #require(variables["SLIPWAY_BACKUP_DATABASE_URL"])
        #expect(url.hasPrefix("postgresql://"))
        #expect(url.contains(fixture.db.name))
        #expect(variables["PGPASSWORD"] == (fixture.db.app.overrides["password"] ?? "unset"))

        // The dump the command took restores like any other.
        let target = try await ScratchDatabases.shared.make(label: "command_restore")
        let restore = try await ChildProcess.capture([
            tools.pgRestorePath, "--no-owner", "--exit-on-error", "--dbname=\(target.app.connectionStringWithOverrides)",
            try #require(record.location),
        ])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try await BackupFixture.contentDigest(target.app) == BackupFixture.contentDigest(fixture.db.app))

        // Slipway cannot verify or restore what another tool took, and says so.
        let error = await #expect(throws: BackupError.self) { try await fixture.manager().verify(.id(record.id)) }
        #expect(error?.code == .notRestorable)
    }

    @Test func failingCommandThrowsAndIsRecordedAsFailed() async throws {
        let fixture = try await BackupFixture.make()
        let command = "echo 'starting'; echo 'pgbackrest: ERROR [056]: unable to find primary cluster' >&2; exit 56"
        let error = await #expect(throws: BackupError.self) {
            try await fixture.manager().create(
                BackupRequest(release: "v4.1.0", method: .command(command, directory: fixture.directory)))
        }
        #expect(error?.code == .commandFailed)
        #expect(error?.message.contains("status 56") == true)
        #expect(error?.message.contains("unable to find primary cluster") == true)
        #expect(error?.standardError?.contains("unable to find primary cluster") == true)
        let record = try #require(try await fixture.manager().list(release: "v4.1.0").first)
        #expect(record.status == .failed)
        #expect(record.kind == .command)
        #expect(record.error?.contains("status 56") == true)
        #expect(record.finishedAt != nil)
    }

    @Test func pgBasebackupWorksAsACustomCommand() async throws {
        let fixture = try await BackupFixture.make()
        let binaries = try PostgresBinaries.locate()
        // A physical base backup of the whole cluster (needs a replication-capable role: the superuser).
        let command = """
            '\(binaries.path("pg_basebackup"))' -d "$SLIPWAY_BACKUP_DATABASE_URL" -D "$SLIPWAY_BACKUP_DIR/base-$SLIPWAY_BACKUP_ID" -Ft -X stream --no-sync
            echo "base-$SLIPWAY_BACKUP_ID"
            """
        let result = try await fixture.manager(fixture.db.admin).create(
            BackupRequest(release: "v5.0.0", method: .command(command, directory: fixture.directory), restorePoint: .optional))
        let location = try #require(result.record.location)
        #expect(location == "\(fixture.directory)/base-\(result.record.id)", "output: \(result.commandOutput ?? "")")
        #expect(FileManager.default.fileExists(atPath: location + "/base.tar"))
        #expect(result.record.sizeBytes ?? 0 > 1_000_000)
        #expect(result.record.sha256 == nil)  // a directory: size only
        #expect(result.record.restorePointLSN != nil)
    }

    @Test func pruneDeletesOldBackupsButNeverTheNewest() async throws {
        let fixture = try await BackupFixture.make(rows: 50)
        let manager = fixture.manager()
        var records: [BackupRecord] = []
        for release in ["v1.0.0", "v1.1.0", "v1.2.0"] {
            records.append(try await manager.create(fixture.request(release: release, environment: "production")).record)
        }
        let other = try await manager.create(fixture.request(release: "v1.2.0", environment: "staging")).record

        let dry = try await manager.prune(keepLast: 1, dryRun: true)
        #expect(Set(dry.pruned.map(\.record.id)) == Set(records.prefix(2).map(\.id)))
        #expect(records.allSatisfy { FileManager.default.fileExists(atPath: $0.location ?? "") })

        let pruned = try await manager.prune(keepLast: 1)
        #expect(Set(pruned.pruned.map(\.record.id)) == Set(records.prefix(2).map(\.id)))
        #expect(pruned.pruned.allSatisfy { $0.fileDeleted })
        #expect(pruned.bytesFreed == records.prefix(2).reduce(0) { $0 + ($1.sizeBytes ?? 0) })
        #expect(Set(pruned.kept).isSuperset(of: [records[2].id, other.id]))
        for record in records.prefix(2) { #expect(!FileManager.default.fileExists(atPath: record.location ?? "")) }
        #expect(FileManager.default.fileExists(atPath: records[2].location ?? ""))
        #expect(Set(try await manager.list().map(\.id)) == [records[2].id, other.id])

        // Even "keep nothing older than 0 days" keeps the newest ok backup of each environment.
        let ageOnly = try await manager.prune(keepDays: 0)
        #expect(ageOnly.pruned.isEmpty)
        #expect(try await manager.list().count == 2)

        let invalid = await #expect(throws: BackupError.self) { try await manager.prune() }
        #expect(invalid?.code == .invalidArgument)
    }

    @Test func retentionRulesPerEnvironment() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func record(_ id: Int64, daysAgo: Double, _ status: BackupRecord.Status = .ok, env: String? = "prod") -> BackupRecord {
            BackupRecord(
                id: id, release: "v\(id)", environment: env, kind: .pgDump, status: status, location: nil, sizeBytes: nil,
                sha256: nil, pgDumpPath: nil, pgDumpVersion: nil, serverVersion: nil, database: "app",
                startedAt: now.addingTimeInterval(-daysAgo * 86_400), finishedAt: nil, verifiedAt: nil, verified: true,
                restoreDrill: nil, drillSeconds: nil, restorePoint: nil, restorePointLSN: nil, actor: "app", osUser: nil,
                host: nil, error: nil)
        }
        let records = [
            record(9, daysAgo: 0.5, .running), record(8, daysAgo: 1), record(7, daysAgo: 2, .failed), record(6, daysAgo: 3),
            record(5, daysAgo: 10), record(4, daysAgo: 20, .failed), record(3, daysAgo: 30), record(2, daysAgo: 40, env: "stage"),
        ]
        let byCount = BackupManager.retention(records, keepLast: 2, keepDays: nil, now: now)
        #expect(Set(byCount.keep.map(\.id)) == [9, 8, 7, 6, 2])
        #expect(Set(byCount.delete.map(\.0.id)) == [5, 4, 3])

        let byAge = BackupManager.retention(records, keepLast: nil, keepDays: 15, now: now)
        #expect(Set(byAge.keep.map(\.id)) == [9, 8, 7, 6, 5, 2])
        #expect(Set(byAge.delete.map(\.0.id)) == [4, 3])

        let either = BackupManager.retention(records, keepLast: 4, keepDays: 1.5, now: now)
        #expect(Set(either.delete.map(\.0.id)) == [7, 4])
    }
}
