import Foundation
import PostgresClient

/// Live traffic for the demo: a writer inserting and updating orders in a loop on its own session, measuring
/// every statement's latency, so the demo can show what a migration costs the application.
actor TrafficGenerator {
    private var latencies: [Double] = []
    private var errors = 0
    private var statements = 0
    private var running = true
    private var tasks: [Task<Void, Never>] = []

    /// Latency figures of a window.
    struct Window: Sendable, Codable {
        var statements: Int
        var errors: Int
        var p50Ms: Double
        var p99Ms: Double
        var maxMs: Double
    }

    /// Starts one writer per configuration (each speaking the version its search_path selects).
    /// - Parameter writers: connection, search_path (nil: the base tables, an old client), and whether the
    ///   writer knows the new `fulfillment_status` column (a new-version client sets it itself).
    func start(_ writers: [(ConnectionConfiguration, String?, Bool)]) async throws {
        for (configuration, searchPath, newVersion) in writers {
            let connection = try await PostgresConnection.connect(
                configuration.with("application_name", newVersion ? "demo app v2" : "demo app v1"))
            if let searchPath { try await connection.unsafeExecuteRaw("SET search_path = \(searchPath)") }
            tasks.append(Task { await self.loop(connection, newVersion: newVersion) })
        }
    }

    private func loop(_ connection: PostgresConnection, newVersion: Bool) async {
        var counter = 0
        while running {
            counter += 1
            let started = ContinuousClock.now
            do {
                if counter % 2 == 0 && newVersion {
                    let delivered = counter % 3 == 0
                    try await connection.query(
                        "INSERT INTO orders (customer_id, status, total_cents, fulfillment_status) VALUES (\(counter % 5000), \(delivered ? "delivered" : "paid"), \(counter), \(delivered ? "completed" : "pending"))")
                } else if counter % 2 == 0 {
                    try await connection.query(
                        "INSERT INTO orders (customer_id, status, total_cents) VALUES (\(counter % 5000), \(counter % 3 == 0 ? "delivered" : "paid"), \(counter))")
                } else {
                    let set = newVersion ? "status = 'delivered', fulfillment_status = 'completed'" : "status = 'delivered'"
                    try await connection.query(
                        "UPDATE orders SET \(unsafeRaw: set), updated_at = now() WHERE id = (SELECT max(id) FROM orders) - \(counter % 1000)")
                }
                record(ContinuousClock.now - started, failed: false)
            } catch {
                record(ContinuousClock.now - started, failed: true)
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
        await connection.close()
    }

    private func record(_ duration: Duration, failed: Bool) {
        statements += 1
        if failed { errors += 1 }
        latencies.append(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }

    /// Figures since the last call, then starts a new window.
    func takeWindow() -> Window {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
        let window = Window(
            statements: statements, errors: errors, p50Ms: percentile(0.5), p99Ms: percentile(0.99), maxMs: sorted.last ?? 0)
        latencies = []
        statements = 0
        errors = 0
        return window
    }

    func stop() async {
        running = false
        for task in tasks { await task.value }
        tasks = []
    }
}
