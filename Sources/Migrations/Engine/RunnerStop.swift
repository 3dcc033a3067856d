import Foundation
import PostgresClient

/// A request to stop a run cleanly (SIGINT/SIGTERM in the CLI), shared between whoever asks and the runner.
///
/// The runner looks at it between steps, before each backfill batch and while waiting for the migration lock:
/// once it is requested, the run stops at the next of those points with ``RunnerInterrupted`` — every step and
/// every batch is its own transaction, committed with its cursor, so nothing is half-applied and `resume`
/// continues from there. A statement that does not finish in time can be cancelled with
/// ``cancelRunningStatements()`` (`PQcancel` on every connection of the run); the server rolls back its
/// transaction and the run stops with that statement's error.
public final class RunnerStop: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    private var stopPoint: String?
    private var cancelled = false
    private var connections: [ObjectIdentifier: PostgresConnection] = [:]

    public init() {}

    /// Asks the run to stop at its next step or batch boundary. `reason` (e.g. `SIGINT`) appears in the error.
    public func request(_ reason: String) {
        lock.withLock { if self.reason == nil { self.reason = reason } }
    }

    /// Why a stop was requested, or nil.
    public var requestedReason: String? { lock.withLock { reason } }

    public var isRequested: Bool { requestedReason != nil }

    /// Where the run stopped at a safe point (`between two batches of the backfill of orders …`), once it has;
    /// nil if it has not (yet), e.g. because the statement in flight was cancelled instead.
    public var stoppedAt: String? { lock.withLock { stopPoint } }

    /// Whether ``cancelRunningStatements()`` was called.
    public var cancelledStatements: Bool { lock.withLock { cancelled } }

    /// Sends `PQcancel` to every connection the run is using now (the pinned session and backfill workers).
    public func cancelRunningStatements() {
        let open = lock.withLock {
            cancelled = true
            return Array(connections.values)
        }
        for connection in open { connection.cancel() }
    }

    /// Throws ``RunnerInterrupted`` when a stop was requested; `at` says where the run stopped.
    func check(_ at: @autoclosure () -> String) throws {
        guard let reason = requestedReason else { return }
        let point = at()
        lock.withLock { if stopPoint == nil { stopPoint = point } }
        throw RunnerInterrupted(reason: reason, stoppedAt: point)
    }

    func register(_ connection: PostgresConnection) {
        lock.withLock { connections[ObjectIdentifier(connection)] = connection }
    }

    func unregister(_ connection: PostgresConnection) {
        _ = lock.withLock { connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}

/// The run stopped because a ``RunnerStop`` was requested; the state schema records where.
public struct RunnerInterrupted: Error, Sendable, CustomStringConvertible {
    /// What asked for the stop (`SIGINT`, `SIGTERM`).
    public var reason: String
    /// Where the run stopped, e.g. `before step 5/8 (backfill orders)`.
    public var stoppedAt: String

    public var description: String { "stopped on \(reason) \(stoppedAt)" }
}
