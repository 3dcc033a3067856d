import Foundation
import LocalPostgres
import PostgresClient

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
    public func run(report: @Sendable (Event) -> Void) async throws {
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
        cluster: LocalPostgres, report: @Sendable (Event) -> Void, elapsed: () -> Double
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

        let status = try await ServerStatus.read(appConfiguration)
        report(Event(
            step: "status",
            message: "connected as \(status.user) (superuser: \(status.isSuperuser ? "yes" : "no")); "
                + "state schema \(status.stateSchema) \(status.stateSchemaExists ? "exists" : "not created yet")",
            durationMs: elapsed(),
            figures: ["user": status.user, "state_schema_exists": String(status.stateSchemaExists)]))

        if options.keepRunning {
            report(Event(
                step: "waiting",
                message: "server kept running: psql \"\(appConfiguration.connectionString)\" — press Ctrl-C to stop"))
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(200)) }
        }
        await app.close()
    }
}
