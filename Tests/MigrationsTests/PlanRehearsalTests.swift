import Foundation
import LocalPostgres
@testable import Migrations
import PostgresClient
import Testing

/// One operation kind rehearsed on a real server.
struct RehearsalCase: Sendable, CustomTestStringConvertible {
    var name: String
    var migration: String
    var testDescription: String { name }
}

/// The tables every rehearsal case starts from: customers ← orders (foreign key), an index, checks, a
/// nullable column, a unique index fit for a replica identity, and a table that references customers.
func createRehearsalSchema(_ connection: PostgresConnection) async throws {
    try await connection.unsafeExecuteRaw(
        "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL); INSERT INTO customers SELECT g, 'c' || g FROM generate_series(0, 96) g")
    try await createOrders(connection, rows: 200)
    try await connection.unsafeExecuteRaw(
        """
        ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
        ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total_cents >= 0);
        ALTER TABLE orders ADD CONSTRAINT orders_status_lower CHECK (status = lower(status));
        ALTER TABLE orders ADD COLUMN note text DEFAULT '';
        CREATE INDEX idx_orders_status ON orders (status);
        CREATE UNIQUE INDEX orders_id_status_key ON orders (id, status);
        CREATE TABLE archive (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        ANALYZE;
        """)
}

/// Every operation kind the engine supports (see MIGRATION-FORMAT.md), each in a migration of its own.
let rehearsalCases: [RehearsalCase] = [
    RehearsalCase(name: "create_table", migration: """
        operations:
          - create_table:
              name: shipments
              columns:
                - name: id
                  type: bigint
                  pk: true
                - name: order_id
                  type: bigint
                  references:
                    name: shipments_order_fk
                    table: orders
                    column: id
                - name: code
                  type: text
                  unique: true
                  comment: carrier code
        """),
    RehearsalCase(name: "add_column", migration: """
        operations:
          - add_column:
              table: orders
              up: "0"
              column:
                name: priority
                type: integer
                nullable: false
                default: "0"
                check:
                  name: orders_priority_range
                  constraint: priority BETWEEN 0 AND 9
          - add_column:
              table: orders
              column:
                name: referrer_id
                type: bigint
                nullable: true
                unique: true
                references:
                  name: orders_referrer_fk
                  table: customers
                  column: id
        """),
    RehearsalCase(name: "drop_column", migration: """
        operations:
          - drop_column:
              table: orders
              column: note
              down: "''"
        """),
    RehearsalCase(name: "rename_column", migration: """
        operations:
          - rename_column:
              table: orders
              from: status
              to: state
        """),
    RehearsalCase(name: "rename_table", migration: """
        operations:
          - rename_table:
              from: orders
              to: purchases
        """),
    RehearsalCase(name: "drop_table", migration: """
        operations:
          - drop_table:
              name: archive
        """),
    RehearsalCase(name: "alter_column default and comment", migration: """
        operations:
          - alter_column:
              table: orders
              column: status
              default: "'pending'"
              comment: where the order is
        """),
    RehearsalCase(name: "alter_column nullable", migration: """
        operations:
          - alter_column:
              table: orders
              column: status
              nullable: true
          - alter_column:
              table: orders
              column: note
              nullable: false
        """),
    RehearsalCase(name: "create_index", migration: """
        operations:
          - create_index:
              name: idx_orders_customer_status
              table: orders
              columns: [customer_id, status]
              predicate: total_cents > 0
        """),
    RehearsalCase(name: "drop_index", migration: """
        operations:
          - drop_index:
              name: idx_orders_status
        """),
    RehearsalCase(name: "create_constraint check", migration: """
        operations:
          - create_constraint:
              table: orders
              name: orders_total_small
              type: check
              columns: [total_cents]
              check: total_cents < 1000000
              up:
                total_cents: total_cents
              down:
                total_cents: total_cents
        """),
    RehearsalCase(name: "create_constraint foreign_key", migration: """
        operations:
          - create_constraint:
              table: orders
              name: orders_customer_fk2
              type: foreign_key
              columns: [customer_id]
              references:
                table: customers
                columns: [id]
              up:
                customer_id: customer_id
              down:
                customer_id: customer_id
        """),
    RehearsalCase(name: "create_constraint unique", migration: """
        operations:
          - create_constraint:
              table: orders
              name: orders_customer_total_key
              type: unique
              columns: [customer_id, total_cents]
              up:
                customer_id: customer_id
                total_cents: total_cents
              down:
                customer_id: customer_id
                total_cents: total_cents
        """),
    RehearsalCase(name: "drop_constraint", migration: """
        operations:
          - drop_constraint:
              table: orders
              column: status
              name: orders_status_lower
              up: status
              down: lower(status)
          - drop_constraint:
              table: orders
              column: customer_id
              name: orders_customer_fk
              up: customer_id
              down: customer_id
        """),
    RehearsalCase(name: "drop_multicolumn_constraint", migration: """
        operations:
          - drop_multicolumn_constraint:
              table: orders
              name: orders_total_nonnegative
              up:
                total_cents: total_cents
              down:
                total_cents: total_cents
        """),
    RehearsalCase(name: "rename_constraint", migration: """
        operations:
          - rename_constraint:
              table: orders
              from: orders_total_nonnegative
              to: orders_total_check
          - rename_constraint:
              table: orders
              from: orders_pkey
              to: orders_pk
        """),
    RehearsalCase(name: "set_replica_identity", migration: """
        operations:
          - set_replica_identity:
              table: orders
              identity:
                type: INDEX
                index: orders_id_status_key
        """),
    RehearsalCase(name: "alter_column type", migration: """
        operations:
          - alter_column:
              table: orders
              column: status
              type: varchar(40)
        """),
    RehearsalCase(name: "alter_column unique and check", migration: """
        operations:
          - alter_column:
              table: orders
              column: note
              up: coalesce(note, '') || id
              unique:
                name: orders_note_key
              check:
                name: orders_note_short
                constraint: length(note) < 100
        """),
    RehearsalCase(name: "alter_column references", migration: """
        operations:
          - alter_column:
              table: orders
              column: total_cents
              type: bigint
              up: CASE WHEN total_cents < 97 THEN total_cents ELSE 0 END
              references:
                name: orders_total_customer_fk
                table: customers
                column: id
                on_delete: SET NULL
                on_update: CASCADE
        """),
    RehearsalCase(name: "alter_column nullable with up", migration: """
        operations:
          - alter_column:
              table: archive
              column: customer_id
              nullable: false
              up: coalesce(customer_id, 0)
        """),
    RehearsalCase(name: "alter_column widening", migration: """
        operations:
          - alter_column:
              table: customers
              column: name
              type: varchar
        """),
    RehearsalCase(name: "sql", migration: """
        operations:
          - sql:
              up: CREATE INDEX orders_total_idx ON orders (total_cents)
              down: DROP INDEX IF EXISTS orders_total_idx
        """),
]

@Suite("plan rehearsal: predicted locks against a real server", .serialized)
struct PlanRehearsalTests {
    /// For every operation kind: the lock the plan predicts for each statement of start, complete and
    /// rollback equals the strongest lock the server reports in `pg_locks` for the runner's own session at
    /// the end of that statement (and for CREATE INDEX CONCURRENTLY, sampled from another session while the
    /// build holds its lock); predicted rewrites equal `relfilenode` changes.
    @Test(arguments: rehearsalCases)
    func predictedLocksEqualObservedLocks(_ rehearsalCase: RehearsalCase) async throws {
        let fixture = try await EngineFixture.make("rehearse_" + rehearsalCase.name.replacingOccurrences(of: " ", with: "_"))
        let app = try await fixture.app()
        try await createRehearsalSchema(app)
        try fixture.write("0001_change.yaml", rehearsalCase.migration)
        let (plan, tables, _) = try await fixture.runner().plan()
        var runner = fixture.runner()
        runner.connection = fixture.db.admin
        let report = try await PlanRehearsal(admin: fixture.db.admin, runner: runner, server: "scratch database", copy: "in place")
            .run(plan: plan, context: StepImpact.Context.make(plan: plan, catalog: tables))
        #expect(report.differences.isEmpty, "differences:\n\(report.differences.joined(separator: "\n"))")
        #expect(!report.checks.isEmpty)
        for phase in ["start", "complete", "rollback"] where phase != "complete" || !plan.complete.isEmpty {
            #expect(report.checks.contains { $0.phase == phase }, "no check for \(phase)")
        }
        // Everything but a backfill (no event: it only updates rows) is seen on the server.
        for check in report.checks where check.status == "not-observed" {
            #expect(check.summary.hasPrefix("backfill"), "not observed: \(check.phase) \(check.step) \(check.summary) — \(check.note ?? "")")
        }
        // Every table lock the plan predicts was compared with one the server reported.
        let compared = report.checks.filter { $0.status == "match" }
        #expect(compared.contains { !$0.predictedLocks.isEmpty }, "no lock was compared")
        if rehearsalCase.name == "create_index" {
            let build = try #require(report.checks.first { $0.statement?.contains("INDEX CONCURRENTLY") == true && $0.phase == "start" })
            #expect(build.status == "match")
            #expect(build.observedLocks == ["public.orders": "SHARE UPDATE EXCLUSIVE"])
        }
        if rehearsalCase.name == "sql" {
            let raw = try #require(report.checks.first { $0.status == "observed" })
            #expect(raw.observedLocks == ["public.orders": "SHARE"])
        }
        // The rehearsal leaves the database as complete leaves it, without its observer.
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_event_trigger WHERE evtname LIKE '_slipway_rehearsal%'", as: Int.self) == 0)
        #expect(try await runner.status().current?.phase == "completed")
    }

    /// A difference is reported, not hidden: an observation that disagrees with the prediction is `differs`.
    @Test func aWrongPredictionIsReportedAsADifference() async throws {
        let fixture = try await EngineFixture.make()
        try await createRehearsalSchema(try await fixture.app())
        try fixture.write("0001_change.yaml", rehearsalCases.first { $0.name == "alter_column default and comment" }!.migration)
        let (plan, tables, _) = try await fixture.runner().plan()
        guard case .transaction(let statements, _) = plan.start[0].action else {
            Issue.record("unexpected first step \(plan.start[0])")
            return
        }
        #expect(statements[0].contains("SET DEFAULT"))
        // As if the server had taken SHARE UPDATE EXCLUSIVE for the default change.
        let comparison = PlanRehearsal.compare(
            phase: "start", steps: [plan.start[0]],
            rows: [.init(id: 1, txid: 7, tag: "ALTER TABLE", query: statements[0], locks: ["public.orders": "SHARE UPDATE EXCLUSIVE"], rewritten: [])],
            samples: [], schema: "public", context: StepImpact.Context.make(plan: plan, catalog: tables))
        #expect(comparison.map(\.status) == ["differs"])
        #expect(comparison[0].predictedLocks == ["public.orders": "ACCESS EXCLUSIVE"])
    }

    /// `plan` against a live database while a writer runs: a second session samples `pg_locks` for the plan's
    /// backend the whole time; it never holds more than ACCESS SHARE, and the writer is never blocked.
    @Test func planTakesNoLockAboveAccessShareWhileAWriterRuns() async throws {
        let fixture = try await EngineFixture.make()
        let app = try await fixture.app()
        try await createRehearsalSchema(app)
        try fixture.write("0001_change.yaml", fulfillmentMigration)
        let writer = Task {
            let session = try await PostgresConnection.connect(fixture.db.app)
            var writes = 0
            while !Task.isCancelled {
                do {
                    try await session.unsafeExecuteRaw(
                        "INSERT INTO orders (customer_id, status) VALUES (1, 'paid'); UPDATE orders SET total_cents = total_cents + 1 WHERE id = 1")
                } catch {
                    if Task.isCancelled { break }  // the cancel at the end interrupts the statement in flight
                    throw error
                }
                writes += 1
            }
            await session.close()
            return writes
        }
        let sampling = Task {
            let session = try await PostgresConnection.connect(fixture.db.admin)
            var modes: [String] = []
            while !Task.isCancelled {
                let rows: PostgresResult
                do {
                    rows = try await session.query(
                        "SELECT l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'slipway plan' AND l.locktype = 'relation'")
                } catch {
                    if Task.isCancelled { break }
                    throw error
                }
                modes += try rows.map { try $0.decode("mode", as: String.self) }
            }
            await session.close()
            return modes
        }
        let runner = fixture.runner()
        let clock = ContinuousClock()
        let started = clock.now
        var plans = 0
        // Plan over and over for at least 5 s (and 5 plans) while the writer and the sampler run.
        while clock.now - started < .seconds(5) || plans < 5 {
            let planned = try await withDeadline(.seconds(20)) { try await runner.plan() }
            #expect(planned.plan.start.count == 8)
            plans += 1
            if clock.now - started > .seconds(30) { break }
        }
        sampling.cancel()
        writer.cancel()
        let modes = try await sampling.value
        let writes = try await writer.value
        #expect(!modes.isEmpty, "the sampler never saw the plan's session hold a lock")
        #expect(Set(modes) == ["AccessShareLock"], "modes seen: \(Set(modes))")
        #expect(writes > plans, "the writer made \(writes) writes during \(plans) plans")
        #expect(try await fixture.scalar("SELECT count(*)::int8 FROM pg_namespace WHERE nspname = 'slipway'", as: Int.self) == 0)
    }

    // MARK: Offline

    /// Offline planning from the files alone gives the same statements as the live plan once the earlier
    /// files are applied.
    @Test func offlinePlanMatchesTheLivePlan() async throws {
        let fixture = try await EngineFixture.make()
        try fixture.write("0001_customers.yaml", """
            operations:
              - create_table:
                  name: customers
                  columns:
                    - name: id
                      type: bigint
                      pk: true
                    - name: name
                      type: text
                    - name: email
                      type: text
                      nullable: true
                      unique: true
            """)
        try fixture.write("0002_change.yaml", """
            operations:
              - add_column:
                  table: customers
                  up: "'basic'"
                  column:
                    name: tier
                    type: text
                    nullable: false
                    default: "'basic'"
              - rename_column:
                  table: customers
                  from: name
                  to: full_name
              - create_index:
                  name: idx_customers_email
                  table: customers
                  columns: [email]
              - alter_column:
                  table: customers
                  column: email
                  comment: contact address
            """)
        let runner = fixture.runner()
        _ = try await runner.start(files: ["0001_customers"])
        _ = try await runner.complete()
        let live = try await runner.plan().plan
        let offline = try runner.planOffline(files: ["0002_change"])
        #expect(offline.applied == ["0001_customers"])
        #expect(offline.unknown.isEmpty)
        func statements(_ steps: [MigrationStep]) -> [String] {
            steps.flatMap { step -> [String] in
                switch step.action {
                case .transaction(let sql, _): return sql
                case .concurrent(let sql, _): return [sql]
                case .userSQL(let sql): return [sql]
                default: return [step.summary]
                }
            }
        }
        #expect(statements(offline.plan.start) == statements(live.start))
        #expect(statements(offline.plan.complete) == statements(live.complete))
        #expect(offline.plan.versionSchema == live.versionSchema)
        #expect(offline.plan.previousVersionSchema == live.previousVersionSchema)
    }

    /// A table no earlier file creates is planned with a placeholder and said to be unknown.
    @Test func offlinePlanMarksWhatOnlyTheCatalogKnows() throws {
        let directory = NSTemporaryDirectory() + "slipway-offline-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try fulfillmentMigration.write(toFile: directory + "/0001_fulfillment.yaml", atomically: true, encoding: .utf8)
        let runner = MigrationRunner(connection: ConnectionConfiguration("host=/nonexistent"), migrationsDirectory: directory)
        let result = try runner.planOffline()
        #expect(result.unknown.contains("orders"))
        #expect(result.applied.isEmpty)
        #expect(result.plan.start.contains { $0.summary.hasPrefix("backfill orders") })
        let first = try #require(result.plan.start.first)
        guard case .transaction(let sql, _) = first.action else {
            Issue.record("unexpected first step")
            return
        }
        #expect(sql[0].hasPrefix("ALTER TABLE \"public\".\"orders\" ADD COLUMN \"_slipway_new_fulfillment_status\""))
        // A file that does not exist is a clear error.
        #expect(throws: MigrationError.self) { try runner.planOffline(files: ["0009_nope"]) }
    }
}
