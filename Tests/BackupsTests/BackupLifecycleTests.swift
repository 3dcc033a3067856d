import Foundation
import LocalPostgres
import PostgresClient
import Testing

@testable import Backups

@Suite("pg_dump backups: create, verify, restore")
struct BackupLifecycleTests {
    @Test func createWritesVerifiedOwnerOnlyArchiveRecordedAgainstRelease() async throws {
        let fixture = try await BackupFixture.make()
        let result = try await fixture.manager().create(fixture.request(release: "v1.0.0", environment: "staging"))
        let record = result.record
        let path = try #require(record.location)

        #expect(FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        #expect(path.hasPrefix(fixture.directory + "/"))
        #expect(path.hasSuffix("-\(record.id).dump"))
        #expect(path.contains("-v1.0.0-"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try await BackupFixture.sha256sum(path) == record.sha256)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber
        #expect(size?.int64Value == record.sizeBytes)

        #expect(record.status == .ok)
        #expect(record.kind == .pgDump)
        #expect(record.verified)
        #expect(record.verifiedAt != nil)
        #expect(record.release == "v1.0.0")
        #expect(record.environment == "staging")
        #expect(record.database == fixture.db.name)
        #expect(record.actor == fixture.db.role)
        #expect(record.finishedAt != nil)
        #expect(record.pgDumpPath == result.tools?.pgDumpPath)

        // The pg_dump used is at least as new as the server, and the commands say which one it was.
        let serverMajor = try await BackupFixture.scalar(
            "SELECT current_setting('server_version_num')::int / 10000", on: fixture.db.app, as: Int.self)
        let tools = try #require(result.tools)
        #expect(tools.majorVersion >= serverMajor)
        #expect(result.commands.first?.hasPrefix(tools.pgDumpPath + " --format=custom") == true)
        #expect(result.commands.contains { $0.contains("pg_restore --file=/dev/null") })

        // The record is in the table, with the release.
        let stored = try await fixture.manager().list(release: "v1.0.0")
        #expect(stored.map(\.id) == [record.id])
        #expect(stored.first == record)
        let rows = try await BackupFixture.scalar(
            "SELECT count(*)::int8 FROM slipway.backups WHERE release = 'v1.0.0' AND status = 'ok'", on: fixture.db.admin,
            as: Int64.self)
        #expect(rows == 1)

        // Verify by id and by release.
        let verified = try await fixture.manager().verify(.id(record.id))
        #expect(verified.sha256 == record.sha256)
        #expect(verified.record.verified)
        let byRelease = try await fixture.manager().verify(.release("v1.0.0"))
        #expect(byRelease.record.id == record.id)
    }

    @Test func corruptedArchiveFailsVerification() async throws {
        let fixture = try await BackupFixture.make(rows: 20_000)
        let manager = fixture.manager()
        let record = try await manager.create(fixture.request()).record
        let path = try #require(record.location)
        try BackupFixture.corrupt(path)

        let error = await #expect(throws: BackupError.self) { try await manager.verify(.id(record.id)) }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.contains("was modified") == true)
        #expect(error?.message.contains(record.sha256 ?? "?") == true)
        let after = try #require(try await manager.list().first { $0.id == record.id })
        #expect(after.verified == false)
        #expect(after.verifiedAt != nil)

        // The read-back alone (without the checksum) also catches the damage: it decompresses every block.
        let tools = try await DumpTools.select(atLeast: 0)
        let readBack = try await BackupManager.readBack(
            path, tools: tools, secrets: BackupSecrets([]), timeout: .seconds(120))
        #expect(!readBack.succeeded)

        // And restore refuses the modified file.
        let target = try await ScratchDatabases.shared.make(label: "corrupt_target")
        let refused = await #expect(throws: BackupError.self) {
            try await manager.restore(release: "v1.0.0", to: target.app)
        }
        #expect(refused?.code == .checksumMismatch)
    }

    @Test func restoreIntoAnotherDatabaseBringsBackTheRows() async throws {
        let fixture = try await BackupFixture.make()
        let manager = fixture.manager()
        let before = try await BackupFixture.contentDigest(fixture.db.app)
        _ = try await manager.create(fixture.request(release: "v1.0.0"))
        // The release goes wrong afterwards.
        try await fixture.execute("DELETE FROM audit; DELETE FROM accounts WHERE id > 10; ALTER TABLE accounts DROP COLUMN note")
        _ = try await manager.create(fixture.request(release: "v1.1.0"))

        let target = try await ScratchDatabases.shared.make(label: "restore_target")
        let restored = try await manager.restore(release: "v1.0.0", to: target.app)
        #expect(restored.record.release == "v1.0.0")
        #expect(!restored.sameDatabase)
        #expect(restored.command.contains("--clean --if-exists --no-owner"))
        #expect(try await BackupFixture.contentDigest(target.app) == before)

        // Restoring again over the restored copy works (--clean --if-exists), and the newer release too.
        _ = try await manager.restore(release: "v1.0.0", to: target.app)
        #expect(try await BackupFixture.contentDigest(target.app) == before)
        _ = try await manager.restore(release: "v1.1.0", to: target.app)
        let rows = try await BackupFixture.scalar("SELECT count(*)::int8 FROM accounts", on: target.app, as: Int64.self)
        #expect(rows == 10)

        let missing = await #expect(throws: BackupError.self) {
            try await manager.restore(release: "v9.9.9", to: target.app)
        }
        #expect(missing?.code == .notFound)
        #expect(missing?.hint.contains("v1.0.0") == true)
    }

    @Test func restoreOntoTheSourceIsRefusedWithoutForce() async throws {
        let fixture = try await BackupFixture.make()
        let before = try await BackupFixture.contentDigest(fixture.db.app)
        let taken = try await fixture.manager().create(fixture.request(release: "v1.0.0")).record

        // As the application role (no pg_control_system()) and as a superuser (system identifier).
        for (manager, target) in [
            (fixture.manager(), fixture.db.app), (fixture.manager(fixture.db.admin), fixture.db.admin),
            (fixture.manager(), fixture.db.admin),
        ] {
            let error = await #expect(throws: BackupError.self) {
                try await manager.restore(release: "v1.0.0", to: target)
            }
            #expect(error?.code == .sameDatabase)
            #expect(error?.message.contains("taken from") == true)
            #expect(error?.hint.contains("--force") == true)
        }

        // Nothing changed; then a forced restore goes through and keeps the backup history.
        try await fixture.execute("DELETE FROM audit")
        let later = try await fixture.manager().create(fixture.request(release: "v1.1.0")).record
        let forced = try await fixture.manager().restore(release: "v1.0.0", to: fixture.db.app, force: true)
        #expect(forced.sameDatabase)
        #expect(forced.preservedRecords >= 2)
        #expect(try await BackupFixture.contentDigest(fixture.db.app) == before)
        let ids = try await fixture.manager().list().map(\.id)
        #expect(ids.contains(taken.id) && ids.contains(later.id))
    }

    @Test func restoreDrillComparesRowCountsInAThrowawayServer() async throws {
        let fixture = try await BackupFixture.make()
        let result = try await fixture.manager().create(fixture.request(drill: .localPostgres))
        let drill = try #require(result.drill)
        #expect(drill.passed)
        #expect(drill.mismatches.isEmpty)
        #expect(drill.restoreSeconds > 0)
        #expect(drill.target.contains("throwaway local PostgreSQL"))
        let accounts = try #require(drill.tables.first { $0.table == "public.accounts" })
        #expect(accounts.source == 500 && accounts.restored == 500)
        let audit = try #require(drill.tables.first { $0.table == "public.audit" })
        #expect(audit.source == 37 && audit.restored == 37)
        #expect(!drill.tables.contains { $0.table == "slipway.backups" })
        #expect(result.record.restoreDrill == true)
        #expect(result.record.drillSeconds == drill.restoreSeconds)

        // Into a given disposable database as well.
        let scratch = try await ScratchDatabases.shared.make(label: "drill_target")
        let second = try await fixture.manager().create(fixture.request(release: "v1.0.1", drill: .database(scratch.app)))
        #expect(second.drill?.passed == true)
        #expect(try await BackupFixture.contentDigest(scratch.app) == BackupFixture.contentDigest(fixture.db.app))
    }

    @Test func restorePointsAreOptionalUnlessRequired() async throws {
        let fixture = try await BackupFixture.make()

        // The application role has no EXECUTE on pg_create_restore_point: reported, backup still ok.
        let optional = try await fixture.manager().create(fixture.request(release: "v2.0.0", restorePoint: .optional))
        #expect(optional.record.status == .ok)
        #expect(optional.record.restorePoint == nil)
        let report = try #require(optional.restorePoint)
        #expect(!report.created)
        #expect(report.error?.contains("permission denied") == true)
        #expect(report.error?.contains("GRANT EXECUTE") == true)
        #expect(optional.warnings.contains { $0.contains(report.name) })

        // Required: the backup fails and is recorded as failed.
        let error = await #expect(throws: BackupError.self) {
            try await fixture.manager().create(fixture.request(release: "v2.0.1", restorePoint: .required))
        }
        #expect(error?.code == .restorePointFailed)
        let failed = try #require(try await fixture.manager().list(release: "v2.0.1").first)
        #expect(failed.status == .failed)
        #expect(failed.error?.contains("restore point") == true)

        // A superuser (wal_level = replica by default) gets one, with a unique name and its LSN.
        let first = try await fixture.manager(fixture.db.admin).create(fixture.request(release: "v2.0.2", restorePoint: .required))
        let second = try await fixture.manager(fixture.db.admin).create(fixture.request(release: "v2.0.2", restorePoint: .required))
        let name = try #require(first.record.restorePoint)
        #expect(name.hasPrefix("slipway-v2.0.2-"))
        #expect(first.record.restorePointLSN?.contains("/") == true)
        #expect(second.record.restorePoint != name)
        #expect(BackupManager.restorePointName(release: String(repeating: "r", count: 200), date: Date(), id: 123).utf8.count <= 63)
    }

    @Test func unusableDirectoryFailsClearlyAndIsRecorded() async throws {
        let fixture = try await BackupFixture.make()
        let request = BackupRequest(release: "v3.0.0", method: .pgDump(directory: "/dev/null/backups"))
        let error = await #expect(throws: BackupError.self) { try await fixture.manager().create(request) }
        #expect(error?.code == .directoryUnusable)
        #expect(error?.message.contains("/dev/null/backups") == true)
        let record = try #require(try await fixture.manager().list(release: "v3.0.0").first)
        #expect(record.status == .failed)
        #expect(record.error?.contains("/dev/null/backups") == true)
    }
}
