import Foundation
import LocalPostgres
import PostgresClient

/// A restore drill: restore a fresh archive somewhere disposable and compare every table's row count with
/// the source, timing the restore (the recovery time you can actually expect).
enum RestoreDrill {
    /// Row counts of every ordinary and partitioned user table (`schema.table` → rows), except the
    /// records table, whose data backups leave out.
    static func tableCounts(_ connection: PostgresConnection, skipping store: BackupStore) async throws -> [String: Int64] {
        let tables = try await connection.query(
            """
            SELECT n.nspname AS schema, c.relname AS name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
              AND NOT (n.nspname = \(store.stateSchema) AND c.relname = 'backups')
            ORDER BY 1, 2
            """)
        var counts: [String: Int64] = [:]
        for row in tables {
            let schema: String = try row.decode("schema")
            let name: String = try row.decode("name")
            let count = try await connection.query(
                "SELECT count(*)::int8 AS n FROM \(qualified: schema, name)")[0].decode("n", as: Int64.self)
            counts["\(schema).\(name)"] = count
        }
        return counts
    }

    /// Restores `archive` into the drill target and compares counts.
    ///
    /// - Throws: ``BackupError`` `.drillFailed` when the throwaway server does not start or `pg_restore` fails;
    ///   differing counts are not thrown here but reported (``DrillReport/passed`` is false).
    static func run(
        archive: String, target: BackupRequest.DrillTarget, tools: DumpTools, sourceCounts: [String: Int64],
        secrets: BackupSecrets, store: BackupStore, timeout: Duration
    ) async throws -> DrillReport {
        switch target {
        case .localPostgres:
            let cluster: LocalPostgres
            do {
                cluster = try await LocalPostgres.start()
            } catch {
                throw BackupError(
                    .drillFailed, "the throwaway PostgreSQL for the restore drill did not start: \(error)",
                    hint: "install the PostgreSQL server programs, or give the drill a disposable database URL")
            }
            do {
                let admin = try await PostgresConnection.connect(cluster.connection())
                try await admin.unsafeExecuteRaw("CREATE DATABASE slipway_drill")
                await admin.close()
                let label = "throwaway local PostgreSQL \(DumpTools.major(of: cluster.serverVersion))"
                let report = try await restoreAndCompare(
                    archive: archive, into: cluster.connection(database: "slipway_drill"), label: label, clean: false,
                    tools: tools, sourceCounts: sourceCounts, secrets: secrets, store: store, timeout: timeout)
                await cluster.stop()
                return report
            } catch {
                await cluster.stop()
                throw error
            }
        case .database(let configuration):
            return try await restoreAndCompare(
                archive: archive, into: configuration, label: configuration.description, clean: true, tools: tools,
                sourceCounts: sourceCounts, secrets: secrets, store: store, timeout: timeout)
        }
    }

    private static func restoreAndCompare(
        archive: String, into target: ConnectionConfiguration, label: String, clean: Bool, tools: DumpTools,
        sourceCounts: [String: Int64], secrets: BackupSecrets, store: BackupStore, timeout: Duration
    ) async throws -> DrillReport {
        let parameters = try ConnectionParameters(target)
        let secrets = secrets.adding(parameters)
        let scrub = { (text: String) in secrets.scrub(text) }
        var arguments = [tools.pgRestorePath, "--no-owner", "--no-privileges", "--exit-on-error", "--no-password"]
        if clean { arguments += ["--clean", "--if-exists"] }
        arguments += ["--dbname=\(parameters.keywordString)", archive]
        let restored = try await ToolRun.run(
            arguments, password: parameters.password, timeout: timeout, secrets: secrets, failureCode: .drillFailed)
        guard restored.succeeded else {
            throw BackupError(
                .drillFailed,
                scrub("the restore drill's pg_restore failed (exit \(restored.status)): \(BackupManager.firstLine(restored.diagnostics))"),
                hint: "the archive was read back fine, but does not restore cleanly into \(label); see the output",
                command: scrub(restored.commandLine), standardError: scrub(restored.diagnosticsTail), path: archive)
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(target)
        } catch {
            throw BackupError(.drillFailed, scrub("could not connect to the drill database: \(error)"))
        }
        let restoredCounts: [String: Int64]
        do {
            restoredCounts = try await tableCounts(connection, skipping: store)
            await connection.close()
        } catch {
            await connection.close()
            throw BackupError(.drillFailed, scrub("counting rows in the drill database failed: \(error)"))
        }
        let tables = sourceCounts.keys.sorted().map {
            TableRowCount(table: $0, source: sourceCounts[$0] ?? 0, restored: restoredCounts[$0])
        }
        return DrillReport(
            target: label, restoreSeconds: restored.seconds, tables: tables, passed: tables.allSatisfy(\.matches))
    }
}
