import Backups
import Foundation
import LocalPostgres
import Migrations
import PostgresClient

/// Where `slipway plan --rehearse` applies the plan.
public enum RehearsalTarget: Sendable {
    /// A throwaway local PostgreSQL cluster (LocalPostgres), started and removed by the rehearsal.
    case throwaway
    /// A database kept for rehearsals (`[plan] shadow_url`, `--shadow-url`): its copy of the target schema,
    /// the state schema and the version schemas is dropped and rebuilt each time. The role must be allowed to
    /// create event triggers (a superuser).
    case shadow(ConnectionConfiguration)
}

/// Makes the schema-only copy a rehearsal runs on, then runs ``PlanRehearsal`` there.
public enum PlanRehearsalSetup {
    /// Rehearses `plan`.
    /// - Parameters:
    ///   - runner: the runner the plan was made with (schema, state schema, migrations, lock settings).
    ///   - live: the live database, copied with `pg_dump --schema-only` (its state schema with data, so the
    ///     same files are pending); nil for an offline plan, whose `applied` files are run from empty instead.
    /// - Throws: ``SlipwayError`` when the copy cannot be made; ``MigrationError`` when a phase fails there.
    public static func rehearse(
        plan: VersionPlan, context: StepImpact.Context, runner: MigrationRunner, live: ConnectionConfiguration?,
        applied: [String], target: RehearsalTarget
    ) async throws -> RehearsalReport {
        var cluster: LocalPostgres?
        let admin: ConnectionConfiguration
        var server: String
        switch target {
        case .throwaway:
            let started = try await LocalPostgres.start()
            cluster = started
            do {
                let postgres = try await PostgresConnection.connect(started.connection())
                try await postgres.unsafeExecuteRaw("CREATE DATABASE slipway_rehearsal")
                await postgres.close()
            } catch {
                await started.stop()
                throw error
            }
            admin = started.connection(database: "slipway_rehearsal")
            server = "throwaway local cluster (PostgreSQL \(started.serverVersion / 10000))"
        case .shadow(let configuration):
            admin = configuration
            server = "shadow database"
        }
        do {
            let session = try await PostgresConnection.connect(admin.with("application_name", "slipway rehearsal setup"))
            defer { Task { await session.close() } }
            if cluster == nil {
                server += " (PostgreSQL \(session.serverVersion / 10000))"
                try await reset(session, runner: runner)
            }
            var rehearsalRunner = runner
            rehearsalRunner.connection = admin
            rehearsalRunner.events = { _ in }
            let copy: String
            if let live {
                try await restore(from: live, into: admin, runner: runner)
                copy = "pg_dump --schema-only of the live database (and its \(runner.stateSchema) state rows)"
            } else {
                for name in applied {
                    _ = try await rehearsalRunner.start(files: [name])
                    _ = try await rehearsalRunner.complete()
                }
                copy = applied.isEmpty
                    ? "an empty database (offline plan)"
                    : "an empty database with the \(applied.count) earlier migration file(s) applied (offline plan)"
            }
            let report = try await PlanRehearsal(admin: admin, runner: rehearsalRunner, server: server, copy: copy)
                .run(plan: plan, context: context)
            await cluster?.stop()
            return report
        } catch {
            await cluster?.stop()
            if let error = error as? MigrationError, live == nil, error.kind == .invalidMigration {
                throw MigrationError(
                    error.kind, error.message, origin: error.origin,
                    hint: "an offline rehearsal runs the migration files from an empty database; rehearse against the live database (without --offline) or a shadow database whose schema has what the files expect",
                    underlying: error.underlying)
            }
            throw error
        }
    }

    /// Drops the shadow database's copy of the schemas a rehearsal rebuilds.
    static func reset(_ session: PostgresConnection, runner: MigrationRunner) async throws {
        let rows = try await session.query(
            "SELECT nspname FROM pg_namespace WHERE nspname IN (\(runner.schema), \(runner.stateSchema)) OR nspname LIKE \(runner.schema + "\\_%") ORDER BY 1")
        for row in rows {
            let name: String = try row.decode("nspname")
            try await session.unsafeExecuteRaw("DROP SCHEMA \(PostgresIdentifier.quote(name)) CASCADE")
        }
        try await session.unsafeExecuteRaw("CREATE SCHEMA IF NOT EXISTS \(PostgresIdentifier.quote(runner.schema))")
    }

    /// `pg_dump --schema-only` of the target, state and version schemas, plus the state schema's rows,
    /// restored with `psql`. Passwords travel in `PGPASSWORD` only, never on a command line.
    static func restore(from live: ConnectionConfiguration, into admin: ConnectionConfiguration, runner: MigrationRunner) async throws {
        let binaries = try PostgresBinaries.locate()
        let source = try ConnectionParameters(live)
        let target = try ConnectionParameters(admin)
        func environment(_ parameters: ConnectionParameters) -> [String: String] {
            var environment = ProcessInfo.processInfo.environment
            if let password = parameters.password { environment["PGPASSWORD"] = password }
            return environment
        }
        let secrets = BackupSecrets([source, target])
        let schemas = ["-n", runner.schema, "-n", runner.stateSchema, "-n", runner.schema + "_*"]
        var dumps: [(String, [String])] = [("schema", ["--schema-only", "--no-owner", "--no-privileges"] + schemas)]
        // The state rows, when Slipway ran there before (so the same files are pending in the copy).
        let session = try await PostgresConnection.connect(live.with("application_name", "slipway rehearsal"))
        let stateExists = try await session.query(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = \(runner.stateSchema)) AS e")[0].decode("e", as: Bool.self)
        await session.close()
        if stateExists { dumps.append(("state rows", ["--data-only", "--no-owner", "--no-privileges", "-n", runner.stateSchema])) }
        for (what, arguments) in dumps {
            let dump = try await ChildProcess.capture(
                [binaries.path("pg_dump"), "--dbname=" + source.withoutPassword.keywordString] + arguments, environment: environment(source))
            guard dump.status == 0 else {
                throw SlipwayError(
                    .failure, "pg_dump of the live database's \(what) failed: \(secrets.scrub(dump.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
            }
            let restore = try await ChildProcess.capture(
                [binaries.path("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=0", "--dbname=" + target.withoutPassword.keywordString],
                environment: environment(target), stdinText: dump.stdout)
            let errors = restore.stderr.split(separator: "\n").filter { $0.contains("ERROR") && !$0.contains("already exists") }
            guard restore.status == 0, errors.isEmpty else {
                throw SlipwayError(
                    .failure,
                    "restoring the live database's \(what) into the rehearsal database failed: \(secrets.scrub(errors.prefix(3).joined(separator: "; ")))")
            }
        }
    }
}
