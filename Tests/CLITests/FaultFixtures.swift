import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// An old-version client that keeps writing to `orders` during a fault test and keeps a ledger of every write
/// the server acknowledged: inserted rows (marked by `customer_id = 1_000_000 + n`) with their status, and the
/// last status it set on existing rows. ``verify(_:originalRows:)`` then checks that every acknowledged write is
/// in the table exactly as written.
final class LedgerWriter: @unchecked Sendable {
    static let markerBase = 1_000_000
    private let lock = NSLock()
    private var inserted: [Int: String] = [:]
    private var updated: [Int: String] = [:]
    private var failures: [String] = []
    private let stopFlag = KillTestFlag()
    private var task: Task<Void, Never>?

    /// Starts writing (one insert and one update of an original row every few milliseconds).
    static func start(_ configuration: ConnectionConfiguration, originalRows: Int) async throws -> LedgerWriter {
        let writer = LedgerWriter()
        let connection = try await PostgresConnection.connect(configuration.with("application_name", "ledger writer"))
        writer.task = Task {
            var round = 0
            let statuses = ["pending", "paid", "delivered", "cancelled"]
            while !writer.stopFlag.isSet {
                round += 1
                let status = statuses[round % 4]
                do {
                    try await connection.query(
                        "INSERT INTO orders (customer_id, status) VALUES (\(markerBase + round), \(status))")
                    writer.lock.withLock { writer.inserted[round] = status }
                    let id = 1 + (round * 7919) % originalRows
                    let newStatus = statuses[(round / 3) % 4]
                    try await connection.query("UPDATE orders SET status = \(newStatus) WHERE id = \(id)")
                    writer.lock.withLock { writer.updated[id] = newStatus }
                } catch {
                    writer.lock.withLock { writer.failures.append(String(describing: error)) }
                }
                try? await Task.sleep(for: .milliseconds(3))
            }
            await connection.close()
        }
        return writer
    }

    /// Stops the writer and waits for it.
    func stop() async {
        stopFlag.set()
        await task?.value
    }

    var insertedCount: Int { lock.withLock { inserted.count } }
    var errors: [String] { lock.withLock { failures } }

    /// Every acknowledged insert is present once with its status, every acknowledged update holds, and the
    /// table has exactly the original rows plus the inserted ones. Returns a list of problems (empty: all held).
    func verify(_ app: PostgresConnection, originalRows: Int) async throws -> [String] {
        let (inserts, updates) = lock.withLock { (inserted, updated) }
        var problems: [String] = []
        let markers = inserts.keys.sorted()
        let missing = try await app.query(
            """
            SELECT count(*)::int8 AS n FROM unnest(\(markers.map { String(Self.markerBase + $0) })::text[]::int8[],
                                                   \(markers.map { inserts[$0]! })::text[]) AS l(c, s)
            WHERE (SELECT count(*) FROM orders o WHERE o.customer_id = l.c AND o.status = l.s) <> 1
            """)[0].decode("n", as: Int.self)
        if missing > 0 { problems.append("\(missing) of \(markers.count) inserted rows are missing, duplicated or changed") }
        let ids = updates.keys.sorted()
        let wrong = try await app.query(
            """
            SELECT count(*)::int8 AS n FROM unnest(\(ids.map(String.init))::text[]::int8[], \(ids.map { updates[$0]! })::text[]) AS l(id, s)
            WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.id AND o.status = l.s)
            """)[0].decode("n", as: Int.self)
        if wrong > 0 { problems.append("\(wrong) of \(ids.count) updated rows do not hold the last status written") }
        let total = try await app.query("SELECT count(*)::int8 AS n FROM orders")[0].decode("n", as: Int.self)
        if total != originalRows + markers.count {
            problems.append("orders has \(total) rows, expected \(originalRows) + \(markers.count)")
        }
        if markers.isEmpty { problems.append("the writer wrote nothing") }
        return problems
    }
}

/// Spawns `slipway ARGS` in the background (output to `outputPath`), with the clean test environment, in the
/// directory of `outputPath` (so files a command writes by default, such as deploy's backups, land there).
/// The shell `exec`s slipway: the returned pid is slipway's own.
func spawnSlipway(_ arguments: [String], outputPath: String) throws -> pid_t {
    let directory = (outputPath as NSString).deletingLastPathComponent
    return try ChildProcess.spawn(
        ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, CLI.binary] + arguments, outputPath: outputPath,
        environment: KillResumeTests.environment())
}

/// Waits until `condition` holds on the status JSON (polling every 50 ms, at most `timeout`).
func waitForStatus(
    _ url: String, _ migrations: String, timeout: Duration = .seconds(30),
    _ condition: (KillResumeTests.StatusJSON) -> Bool
) async -> Bool {
    let start = ContinuousClock.now
    while ContinuousClock.now - start < timeout {
        if let status = try? await KillResumeTests.status(url, migrations), condition(status) { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// The text a background run wrote.
func output(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
