import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

/// Fixtures of the lock-safety tests (namespaced: other suites of this module have their own).
enum LockFixtures {
    /// A fresh database on the shared throwaway cluster.
    static func scratch(_ label: String = #function) async throws -> ScratchDatabase {
        try await ScratchDatabases.shared.make(label: label)
    }

    /// Connects as the least-privilege application role, optionally with an `application_name`.
    static func connectApp(_ database: ScratchDatabase, application: String? = nil) async throws -> PostgresConnection {
        var configuration = database.app
        if let application { configuration = configuration.with("application_name", application) }
        return try await PostgresConnection.connect(configuration)
    }

    /// Connects as a superuser, optionally with an `application_name`.
    static func connectAdmin(_ database: ScratchDatabase, application: String? = nil) async throws -> PostgresConnection {
        var configuration = database.admin
        if let application { configuration = configuration.with("application_name", application) }
        return try await PostgresConnection.connect(configuration)
    }

    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// Polls `condition` every 20 ms until it holds; throws after `timeout`.
    static func waitUntil(
        _ what: String, timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TimedOut(what: what)
    }

    /// A single-column text query.
    static func text(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> String? {
        let result = try await connection.query(query)
        guard let row = result.first, let column = row.columns.first else { return nil }
        return try row.text(column)
    }

    /// Whether `table.column` exists in `public`.
    static func columnExists(_ connection: PostgresConnection, table: String, column: String) async throws -> Bool {
        try await text(
            connection,
            "SELECT count(*)::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = \(table) AND column_name = \(column)"
        ) == "1"
    }

    /// The state of `pid` in `pg_stat_activity`, seen by `observer`.
    static func sessionState(_ observer: PostgresConnection, pid: Int32) async throws -> String? {
        try await text(observer, "SELECT state FROM pg_stat_activity WHERE pid = \(pid)")
    }

    static let publicT = RelationName(schema: "public", name: "t")
}

/// Collects the executor's events (thread-safe).
final class LockEventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [LockEvent] = []

    var handler: @Sendable (LockEvent) -> Void { { [self] event in lock.withLock { stored.append(event) } } }
    var events: [LockEvent] { lock.withLock { stored } }
    var kinds: [String] { events.map(\.kind) }
    func count(_ kind: String) -> Int { kinds.filter { $0 == kind }.count }
}

/// Records the longest latency of a stream of queries.
final class LockLatencyProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var maximum: Duration = .zero
    private var count = 0
    private var stopped = false

    func record(_ latency: Duration) { lock.withLock { maximum = Swift.max(maximum, latency); count += 1 } }
    func stop() { lock.withLock { stopped = true } }
    var isStopped: Bool { lock.withLock { stopped } }
    var max: Duration { lock.withLock { maximum } }
    var queries: Int { lock.withLock { count } }
}

