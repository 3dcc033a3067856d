// Dual-write trigger cost: a bulk UPDATE of every row of a table, with and without the trigger a migration
// installs, in one run on the same table (the trigger disabled for the "without" runs, so the table's shape is
// the same), alternating, median of N runs each. For reference, the same UPDATE with the cheapest possible
// PL/pgSQL row trigger (`RETURN NEW`).
//
//   swift run -c release trigger-bench [rows] [runs]
import Foundation
import LocalPostgres
import Migrations
import PostgresClient

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = CommandLine.arguments
let rows = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// The table, a realistic width (8 columns).
let setupSQL = """
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL,
        status text NOT NULL,
        total_cents integer NOT NULL DEFAULT 0,
        currency char(3) NOT NULL DEFAULT 'EUR',
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz
    );
    INSERT INTO orders (customer_id, status, total_cents, note)
    SELECT g % 1000, (ARRAY['pending','paid','delivered'])[1 + g % 3], g, 'order ' || g FROM generate_series(1, \(rows)) g;
    CREATE FUNCTION noop_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    """

/// Each case: a migration whose trigger is measured, and the UPDATE an old client runs.
let cases: [(name: String, migration: String)] = [
    ("add_column with `up`", """
        operations:
          - add_column:
              table: orders
              column:
                name: fulfillment_status
                type: text
                nullable: true
              up: CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
        """),
    ("drop_column with `down` (a new-version client writes)", """
        operations:
          - drop_column:
              table: orders
              column: note
              down: "'n/a'"
        """),
    ("rename_column", """
        operations:
          - rename_column:
              table: orders
              from: note
              to: remark
        """),
]

let cluster = try await LocalPostgres.start()
let admin = try await PostgresConnection.connect(cluster.connection())
let version = try await admin.unsafeExecuteRaw("SHOW server_version").last?.first?.values.first.flatMap { $0 } ?? "?"
say("trigger-bench: PostgreSQL \(version), \(rows) rows, \(runs) runs each, UPDATE of every row (SET total_cents = total_cents + 1)")
var table = ["| migration | without trigger (median ms) | with Slipway's trigger | ratio | cheapest PL/pgSQL trigger | its ratio |", "|---|---:|---:|---:|---:|---:|"]

for (index, testCase) in cases.enumerated() {
    let database = "trigger_bench_\(index)"
    try await admin.unsafeExecuteRaw("CREATE DATABASE \(database)")
    let configuration = cluster.connection(database: database)
    let session = try await PostgresConnection.connect(configuration)
    try await session.unsafeExecuteRaw(setupSQL)
    try await session.unsafeExecuteRaw("VACUUM ANALYZE orders")
    let directory = NSTemporaryDirectory() + "trigger-bench-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try testCase.migration.write(toFile: directory + "/0001_change.yaml", atomically: true, encoding: .utf8)
    let runner = MigrationRunner(connection: configuration, migrationsDirectory: directory, batchSize: 5000)
    let record = try await runner.start()
    // A drop_column trigger works for new-version writers; the others for old ones.
    let newVersion = index == 1
    if newVersion { try await session.unsafeExecuteRaw("SET search_path = \(PostgresIdentifier.quote(record.versionSchema)), public") }
    let trigger = try await session.unsafeExecuteRaw(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.orders'::regclass AND NOT tgisinternal").last?.first?.values.first.flatMap { $0 } ?? ""
    guard !trigger.isEmpty else {
        table.append("| \(testCase.name) | — | no trigger: the version schema's view does the renaming | 1.00× | — | — |")
        _ = try await runner.rollback()
        await session.close()
        continue
    }
    let update = "UPDATE orders SET total_cents = total_cents + 1"
    func timed() async throws -> Double {
        try await session.unsafeExecuteRaw("VACUUM public.orders")
        let started = ContinuousClock.now
        try await session.unsafeExecuteRaw(update)
        return milliseconds(ContinuousClock.now - started)
    }
    var without: [Double] = []
    var with: [Double] = []
    var noop: [Double] = []
    _ = try await timed()  // warm-up
    for _ in 0..<runs {
        try await session.unsafeExecuteRaw("ALTER TABLE public.orders DISABLE TRIGGER \(PostgresIdentifier.quote(trigger))")
        without.append(try await timed())
        try await session.unsafeExecuteRaw("CREATE TRIGGER noop BEFORE INSERT OR UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.noop_trigger()")
        noop.append(try await timed())
        try await session.unsafeExecuteRaw("DROP TRIGGER noop ON public.orders")
        try await session.unsafeExecuteRaw("ALTER TABLE public.orders ENABLE TRIGGER \(PostgresIdentifier.quote(trigger))")
        with.append(try await timed())
    }
    let base = median(without)
    table.append(
        "| \(testCase.name) | \(String(format: "%.0f", base)) | \(String(format: "%.0f", median(with))) | \(String(format: "%.2f", median(with) / base))× | \(String(format: "%.0f", median(noop))) | \(String(format: "%.2f", median(noop) / base))× |"
    )
    say("  \(testCase.name): without \(without.map { String(format: "%.0f", $0) }), with \(with.map { String(format: "%.0f", $0) }), noop \(noop.map { String(format: "%.0f", $0) })")
    _ = try await runner.rollback()
    await session.close()
    try? FileManager.default.removeItem(atPath: directory)
}
await admin.close()
await cluster.stop()
say("")
for line in table { say(line) }
