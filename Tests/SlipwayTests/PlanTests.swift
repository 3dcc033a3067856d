import Foundation
import LocalPostgres
import Slipway
import Testing

@Suite("slipway plan")
struct PlanTests {
    private func setUp(_ label: String, migration: String) async throws -> (ScratchDatabase, MigrationRunner, PostgresConnection) {
        let db = try await ScratchDatabases.shared.make(label: label)
        let app = try await PostgresConnection.connect(db.app)
        try await app.unsafeExecuteRaw(
            "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL); INSERT INTO orders (status) SELECT 'paid' FROM generate_series(1, 5000); ANALYZE orders")
        let directory = NSTemporaryDirectory() + "slipway-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try migration.write(toFile: directory + "/0001_change.yaml", atomically: true, encoding: .utf8)
        return (db, MigrationRunner(connection: db.app, migrationsDirectory: directory), app)
    }

    @Test func theBackfillsSideEffectsAreInThePlan() async throws {
        let (_, runner, app) = try await setUp("plan_side_effects", migration: Demo.sampleMigration)
        try await app.unsafeExecuteRaw(
            """
            CREATE TABLE audit (at timestamptz DEFAULT now(), what text);
            CREATE FUNCTION orders_audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO audit (what) VALUES ('order ' || NEW.id); PERFORM pg_notify('orders', NEW.id::text); RETURN NEW; END $$;
            CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_audit();
            CREATE TRIGGER orders_status_only AFTER UPDATE OF status ON orders FOR EACH ROW EXECUTE FUNCTION orders_audit();
            """)
        let (plan, tables, sizes) = try await runner.plan()
        let report = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: LintConfiguration())
            .adding(backfillRowTriggers: try await runner.backfillRowTriggers(of: plan))
        // The trigger on every update fires per backfilled row; the one on `status` only does not.
        #expect(report.backfillRowTriggers?["public.orders"]?.map(\.name) == ["orders_audit"])
        let backfill = try #require(report.phases.first { $0.name == "start" }?.steps.first { $0.kind == "backfill" })
        #expect(backfill.impact.notes.contains { $0.contains("fires for every backfilled row: orders_audit (after, public.orders_audit, sends NOTIFY)") })
        #expect(backfill.impact.notes.contains { $0.contains("of WAL") })
        let finding = try #require(report.findings.first { $0.rule == "plan-backfill-triggers" })
        #expect(finding.severity == "warning" && finding.message.contains("including NOTIFY"))
        #expect(report.fails(at: "warning"))
        #expect(report.renderText().contains("orders_audit"))
        #expect(report.renderMarkdown().contains("orders_audit"))
    }

    @Test func thePlanShowsEveryStepWithItsLockAndEstimates() async throws {
        let (_, runner, _) = try await setUp("plan_steps", migration: Demo.sampleMigration)
        let (plan, tables, sizes) = try await runner.plan()
        let report = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: LintConfiguration())
        let start = try #require(report.phases.first { $0.name == "start" })
        #expect(start.steps.map(\.kind) == ["transaction", "trigger", "transaction", "version-schema", "backfill", "transaction", "transaction", "concurrent"])
        #expect(start.steps[0].impact.locks.map(\.mode) == ["ACCESS EXCLUSIVE"])
        #expect(start.steps[0].impact.catalogOnly)
        // The CHECK / NOT NULL constraints (NOT VALID) come after the dual-write trigger.
        #expect(start.steps[2].impact.locks.map(\.mode) == ["ACCESS EXCLUSIVE"])
        #expect(start.steps[4].impact.updatesRows)
        #expect(start.steps[4].estimatedRows == 5000)
        #expect(start.steps[5].impact.locks.map(\.mode) == ["SHARE UPDATE EXCLUSIVE"])
        #expect(start.steps[7].impact.locks.map(\.mode) == ["SHARE UPDATE EXCLUSIVE"])
        #expect(start.steps[7].statements[0].hasPrefix("CREATE INDEX CONCURRENTLY"))
        #expect(report.phases.map(\.name) == ["start", "complete", "rollback"])
        #expect(report.findings.isEmpty)
        #expect(!report.fails(at: "warning"))
        #expect(report.renderText().contains("lock: ACCESS EXCLUSIVE on public.orders"))
        #expect(report.renderText().split(separator: "\n").allSatisfy { $0.count <= 80 || !$0.hasPrefix("   sql:") })
        #expect(report.renderMarkdown().contains("| 5 | backfill orders"))
    }

    @Test func planTakesNoLockAboveAccessShareAndChangesNothing() async throws {
        let (db, runner, _) = try await setUp("plan_readonly", migration: Demo.sampleMigration)
        // A session holds EXCLUSIVE on orders: it conflicts with every lock but ACCESS SHARE.
        let holder = try await PostgresConnection.connect(db.app)
        try await holder.unsafeExecuteRaw("BEGIN; LOCK TABLE orders IN EXCLUSIVE MODE")
        let planned = try await withDeadline(.seconds(20)) { try await runner.plan() }
        #expect(planned.plan.start.count == 8)
        try await holder.unsafeExecuteRaw("ROLLBACK")
        let check = try await PostgresConnection.connect(db.app)
        let state = try await check.query("SELECT count(*)::int8 AS n FROM pg_namespace WHERE nspname IN ('slipway', 'public_0001_change')")
        #expect(try state[0].decode("n", as: Int.self) == 0)
        let columns = try await check.query("SELECT count(*)::int8 AS n FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname LIKE '%fulfillment%'")
        #expect(try columns[0].decode("n", as: Int.self) == 0)
    }

    @Test func rawSQLIsLintedAndGatesTheRun() async throws {
        let (_, runner, _) = try await setUp(
            "plan_lint",
            migration: "operations:\n  - sql:\n      up: CREATE INDEX orders_status_idx ON orders (status)\n      down: DROP INDEX orders_status_idx\n")
        let (plan, tables, sizes) = try await runner.plan()
        let report = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: LintConfiguration())
        #expect(report.findings.contains { $0.rule == "require-concurrent-index" && $0.severity == "error" })
        #expect(report.fails(at: "error"))
    }
}
