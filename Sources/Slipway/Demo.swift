import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Releases
import SQLLint

/// `slipway demo`: the main job on the embedded default — a throwaway local PostgreSQL with a realistic
/// `orders` table. Each step is reported through ``DemoEvent`` so the CLI can render text or JSON.
public struct Demo: Sendable {
    /// Options for a demo run.
    public struct Options: Sendable {
        /// Rows loaded into `orders`.
        public var rows: Int = 300_000
        /// Keep the server running at the end and wait (for exploring with psql) until interrupted.
        public var keepRunning: Bool = false
        public init() {}
    }

    /// One step of the demo, as it happens.
    public struct Event: Sendable, Codable {
        /// A short machine-readable name (`server-started`, `table-loaded`, …).
        public var step: String
        /// What happened, in one line.
        public var message: String
        /// How long the step took, in milliseconds.
        public var durationMs: Double?
        /// Extra figures (rows, bytes, versions, …).
        public var figures: [String: String]

        public init(step: String, message: String, durationMs: Double? = nil, figures: [String: String] = [:]) {
            self.step = step
            self.message = message
            self.durationMs = durationMs
            self.figures = figures
        }
    }

    public var options: Options
    public init(options: Options = Options()) { self.options = options }

    /// Runs the demo. The cluster is stopped and removed at the end (and if the process dies).
    /// - Parameter report: called for every step, in order.
    /// - Throws: ``LocalPostgresError`` when PostgreSQL is not installed (the message names the package),
    ///   ``PostgresError`` on database failures.
    public func run(report: @escaping @Sendable (Event) -> Void) async throws {
        var clock = ContinuousClock.now
        func elapsed() -> Double {
            let now = ContinuousClock.now
            defer { clock = now }
            let duration = now - clock
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }

        let binaries = try PostgresBinaries.locate()
        report(Event(step: "binaries", message: "using PostgreSQL programs in \(binaries.directory)"))
        _ = elapsed()
        let cluster = try await LocalPostgres.start()
        do {
            try await runSteps(cluster: cluster, report: report, elapsed: elapsed)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
        report(Event(step: "cleanup", message: "stopped the throwaway server and removed \(cluster.baseDirectory)"))
    }

    private func runSteps(
        cluster: LocalPostgres, report: @escaping @Sendable (Event) -> Void, elapsed: () -> Double
    ) async throws {
        let admin = try await PostgresConnection.connect(cluster.connection())
        let version = try await admin.query("SELECT current_setting('server_version') AS v")[0].decode("v", as: String.self)
        report(Event(
            step: "server-started",
            message: "started a throwaway PostgreSQL \(version) on a private socket in \(cluster.socketDirectory)",
            durationMs: elapsed(), figures: ["server_version": version]))

        // A least-privilege application role and its database, as in production.
        try await admin.unsafeExecuteRaw("CREATE ROLE shop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        try await admin.unsafeExecuteRaw("CREATE DATABASE shop")
        try await admin.unsafeExecuteRaw("GRANT CONNECT, CREATE, TEMPORARY ON DATABASE shop TO shop_app")
        await admin.close()
        let shopAdmin = try await PostgresConnection.connect(cluster.connection(database: "shop"))
        try await shopAdmin.unsafeExecuteRaw("GRANT USAGE, CREATE ON SCHEMA public TO shop_app")
        await shopAdmin.close()
        let appConfiguration = cluster.connection(database: "shop", user: "shop_app")
        report(Event(
            step: "database-created",
            message: "created database shop and the non-superuser role shop_app (CONNECT, CREATE on the database)",
            durationMs: elapsed()))

        let app = try await PostgresConnection.connect(appConfiguration.with("application_name", "slipway demo"))
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE orders (
                id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                customer_id bigint      NOT NULL,
                status      text        NOT NULL
                            CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
                total_cents integer     NOT NULL CHECK (total_cents >= 0),
                currency    char(3)     NOT NULL DEFAULT 'EUR',
                created_at  timestamptz NOT NULL DEFAULT now(),
                updated_at  timestamptz NOT NULL DEFAULT now()
            );
            """)
        try await app.query(
            """
            INSERT INTO orders (customer_id, status, total_cents, currency, created_at, updated_at)
            SELECT 1 + (random() * 49999)::int,
                   (ARRAY['pending','paid','shipped','delivered','delivered','delivered','cancelled'])[1 + floor(random() * 7)::int],
                   (random() * 50000)::int,
                   (ARRAY['EUR','EUR','USD','GBP'])[1 + floor(random() * 4)::int],
                   now() - make_interval(mins => g::int),
                   now() - make_interval(mins => g::int) + make_interval(mins => (random() * 600)::int)
            FROM generate_series(1, \(options.rows)::int) AS g
            """)
        try await app.unsafeExecuteRaw(
            "CREATE INDEX orders_customer_id_idx ON orders (customer_id); ANALYZE orders")
        let stats = try await app.query(
            """
            SELECT count(*)::int8 AS n,
                   pg_size_pretty(pg_total_relation_size('orders')) AS size,
                   count(*) FILTER (WHERE status = 'delivered')::int8 AS delivered
            FROM orders
            """)[0]
        let rows: Int = try stats.decode("n")
        let size: String = try stats.decode("size")
        let delivered: Int = try stats.decode("delivered")
        report(Event(
            step: "table-loaded",
            message: "loaded \(rows) orders (\(delivered) delivered), \(size) with indexes",
            durationMs: elapsed(), figures: ["rows": String(rows), "size": size, "delivered": String(delivered)]))

        // The migration, with live traffic from an application that does not know about it yet.
        let directory = NSTemporaryDirectory() + "slipway-demo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/migrations", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.sampleMigration.write(
            toFile: directory + "/migrations/" + Self.sampleMigrationFile, atomically: true, encoding: .utf8)
        let traffic = TrafficGenerator()
        try await traffic.start([(appConfiguration, nil, false), (appConfiguration, nil, false)])
        try await Task.sleep(for: .seconds(1))
        let baseline = await traffic.takeWindow()
        report(Event(
            step: "traffic",
            message: "two application writers running (inserts + updates): p50 \(Self.ms(baseline.p50Ms)), p99 \(Self.ms(baseline.p99Ms)), \(baseline.errors) errors",
            figures: Self.figures(baseline)))

        let runner = MigrationRunner(
            connection: appConfiguration, schema: "public", migrationsDirectory: directory + "/migrations", batchSize: 2000,
            events: { event in
                if ["step-done", "backfill-progress", "backfill-summary", "backfill-side-effects", "warning"].contains(event.kind) {
                    report(Event(step: event.kind, message: "  " + event.message, durationMs: event.durationMs, figures: event.figures))
                }
            })
        // The DBA's preview first: every step, its lock, and the findings.
        let (plan, tables, sizes) = try await runner.plan()
        let planReport = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: LintConfiguration())
        var preview: [String] = []
        for phase in planReport.phases where phase.name != "rollback" {
            for step in phase.steps {
                let locks = step.impact.locks.map { "\($0.mode) on \($0.relation)\(step.impact.catalogOnly ? " (catalog only)" : "")" }
                var facts = [locks.isEmpty ? "no table lock" : locks.joined(separator: ", ")]
                if step.impact.rewrites { facts.append("REWRITES the table") }
                if step.impact.scans { facts.append("scans ~\(step.estimatedRows ?? 0) rows") }
                if step.impact.updatesRows { facts.append("updates ~\(step.estimatedRows ?? 0) rows") }
                preview.append("\(phase.name): \(step.summary) — \(facts.joined(separator: "; "))")
            }
        }
        report(Event(
            step: "plan",
            message: "plan (`slipway plan`): \(planReport.findings.count) findings\n    " + preview.joined(separator: "\n    "),
            figures: ["findings": String(planReport.findings.count), "steps": String(preview.count)]))
        _ = elapsed()
        let record = try await runner.start()
        let duringStart = await traffic.takeWindow()
        report(Event(
            step: "start",
            message: "start (expand + backfill + validate + concurrent index) done; writers meanwhile: p50 \(Self.ms(duringStart.p50Ms)), p99 \(Self.ms(duringStart.p99Ms)), max \(Self.ms(duringStart.maxMs)), \(duringStart.errors) errors",
            durationMs: elapsed(), figures: Self.figures(duringStart)))

        // Every row written by the old application or backfilled must follow the `up` mapping.
        await traffic.stop()
        let check = try await PostgresConnection.connect(appConfiguration)
        try await check.unsafeExecuteRaw("SET search_path = \(record.versionSchema), public")
        let mapping = try await check.query(
            """
            SELECT count(*) FILTER (WHERE fulfillment_status IS DISTINCT FROM
                     CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END)::int8 AS wrong,
                   count(*)::int8 AS total FROM orders
            """)[0]
        let wrong: Int = try mapping.decode("wrong")
        let total: Int = try mapping.decode("total")
        report(Event(
            step: "verified",
            message: "checked all \(total) orders through \(record.versionSchema): \(wrong) with a fulfillment_status that breaks the `up` mapping",
            figures: ["version_schema": record.versionSchema, "wrong_rows": String(wrong), "rows": String(total)]))

        // The application rolls out: the new version writes through its schema, the old one still runs.
        let newTraffic = TrafficGenerator()
        try await newTraffic.start([(appConfiguration, "\(record.versionSchema), public", true), (appConfiguration, nil, false)])
        try await Task.sleep(for: .seconds(1))
        let sideBySide = await newTraffic.takeWindow()
        report(Event(
            step: "both-versions",
            message: "old and new application versions write side by side: p50 \(Self.ms(sideBySide.p50Ms)), p99 \(Self.ms(sideBySide.p99Ms)), \(sideBySide.errors) errors",
            figures: Self.figures(sideBySide)))

        // Everyone is on the new version: contract.
        await newTraffic.stop()
        let finalTraffic = TrafficGenerator()
        try await finalTraffic.start([(appConfiguration, "\(record.versionSchema), public", true)])
        _ = elapsed()
        _ = try await runner.complete()
        let duringComplete = await finalTraffic.takeWindow()
        await finalTraffic.stop()
        report(Event(
            step: "complete",
            message: "complete (contract) done; writers meanwhile: p50 \(Self.ms(duringComplete.p50Ms)), p99 \(Self.ms(duringComplete.p99Ms)), \(duringComplete.errors) errors",
            durationMs: elapsed(), figures: Self.figures(duringComplete)))
        let final = try await check.query(
            """
            SELECT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.orders'::regclass AND attname = 'fulfillment_status') AS not_null,
                   (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.orders'::regclass AND NOT tgisinternal)::int8 AS triggers
            """)[0]
        report(Event(
            step: "result",
            message: "orders.fulfillment_status is NOT NULL: \(try final.decode("not_null", as: Bool.self) ? "yes" : "no"); helper triggers left: \(try final.decode("triggers", as: Int.self))"))
        await check.close()

        // A release cut in a throwaway git repository, carrying the migration.
        try await releaseStep(directory: directory, report: report, elapsed: elapsed)

        if options.keepRunning {
            report(Event(
                step: "waiting",
                message: "server kept running: psql \"\(appConfiguration.connectionString)\" — press Ctrl-C to stop"))
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(200)) }
        }
        await app.close()
    }

    private func releaseStep(directory: String, report: @Sendable (Event) -> Void, elapsed: () -> Double) async throws {
        let repository = directory + "/repo"
        try FileManager.default.createDirectory(atPath: repository + "/migrations", withIntermediateDirectories: true)
        func git(_ arguments: [String]) async throws {
            let output = try await ChildProcess.capture(
                ["git", "-C", repository, "-c", "user.name=Slipway Demo", "-c", "user.email=demo@example.invalid",
                 "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments)
            guard output.status == 0 else {
                throw SlipwayError(.failure, "git \(arguments.joined(separator: " ")) failed: \(output.stderr)")
            }
        }
        guard ChildProcess.which("git") != nil else {
            report(Event(step: "release-skipped", message: "git is not installed: skipped the release cut"))
            return
        }
        _ = elapsed()
        try await git(["init", "-q", "-b", "main"])
        try "# shop\n".write(toFile: repository + "/README.md", atomically: true, encoding: .utf8)
        try await git(["add", "."])
        try await git(["commit", "-q", "-m", "feat: first release of the shop"])
        try await git(["tag", "-a", "v1.3.0", "-m", "v1.3.0"])
        try Self.sampleMigration.write(
            toFile: repository + "/migrations/" + Self.sampleMigrationFile, atomically: true, encoding: .utf8)
        try await git(["add", "."])
        try await git(["commit", "-q", "-m", "feat(orders): track fulfillment status\n\nAdds orders.fulfillment_status without downtime."])
        try "# shop\n\nNow with fulfillment.\n".write(toFile: repository + "/README.md", atomically: true, encoding: .utf8)
        try await git(["commit", "-q", "-am", "fix(docs): describe fulfillment"])
        let manager = ReleaseManager(directory: repository)
        let cut = try await manager.cut(ReleaseOptions())
        let migrations = cut.manifest.map { "\($0.migrations.count)" } ?? "0"
        report(Event(
            step: "release",
            message: "release cut in a throwaway git repository: \(cut.previousTag ?? "none") → \(cut.tag) (\(cut.commits.count) commits, \(migrations) migration(s) in the manifest, annotated tag)",
            durationMs: elapsed(), figures: ["version": "\(cut.version)", "tag": cut.tag]))
        report(Event(step: "release-notes", message: cut.notes.split(separator: "\n").prefix(8).joined(separator: "\n    ")))
        report(Event(
            step: "backup",
            message: "backups tied to releases (`slipway deploy`, `slipway backup`) are not in this build yet"))
    }

    static func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }

    static func figures(_ window: TrafficGenerator.Window) -> [String: String] {
        [
            "statements": String(window.statements), "errors": String(window.errors),
            "p50_ms": String(format: "%.2f", window.p50Ms), "p99_ms": String(format: "%.2f", window.p99Ms),
            "max_ms": String(format: "%.2f", window.maxMs),
        ]
    }

    /// The sample migration (the same text as `migrations/0001_orders_fulfillment_status.yaml`), embedded so
    /// the demo works from any directory.
    public static let sampleMigrationFile = "0001_orders_fulfillment_status.yaml"
    public static let sampleMigration = """
        # The sample application's first Slipway migration, used by `slipway demo` and the docs.
        # Adds a NOT NULL fulfillment status to a live `orders` table without downtime: existing rows are
        # backfilled in batches from `status` (delivered → completed), old clients keep writing through the
        # dual-write trigger, and the index is built concurrently.
        operations:
          - add_column:
              table: orders
              column:
                name: fulfillment_status
                type: varchar(50)
                nullable: false
                default: "'pending'"
                check:
                  name: fulfillment_status_known
                  constraint: fulfillment_status IN ('pending', 'packed', 'shipped', 'completed')
              up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
          - create_index:
              name: idx_orders_fulfillment_status
              table: orders
              columns:
                - column: fulfillment_status

        """
}
