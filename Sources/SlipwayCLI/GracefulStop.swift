import ArgumentParser
import Foundation
import Migrations
import Slipway

/// SIGINT/SIGTERM in the commands that change the database (start, migrate, resume, complete, rollback,
/// deploy): the first signal asks the runner to stop after the step or backfill batch in flight commits; if
/// that statement has not finished after ``grace``, it is cancelled (`PQcancel`, the server rolls its
/// transaction back). The runner releases the migration lock, the command prints where it stopped and what to
/// run next, and exits with 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once with the same codes —
/// the state stays consistent because every step and every batch is its own transaction.
enum GracefulStop {
    /// How long the statement in flight may run after the first signal before it is cancelled.
    static let grace: Duration = .seconds(5)

    /// Runs `body` with `runner` (given a ``RunnerStop``) under the signal handling above.
    static func run<T>(
        _ runner: MigrationRunner, command: String, terminal: Terminal, _ body: (MigrationRunner) async throws -> T
    ) async throws -> T {
        let stop = RunnerStop()
        let received = ReceivedSignal()
        var runner = runner
        runner.stop = stop
        let watcher = SignalWatcher { number in
            guard received.record(number) else {
                // The second signal: leave at once (a batch in flight is rolled back by the server).
                printError("\(Self.name(number)) again: exiting at once; `slipway status` shows where the run stopped")
                _exit(exitCode(number))
            }
            printError(
                "\(Self.name(number)): stopping after the step or batch in flight commits (press Ctrl-C again to exit at once)")
            stop.request(Self.name(number))
            Task {
                // A statement that does not finish within the grace period is cancelled; repeated while the run
                // has not stopped (a cancel that arrives between two statements does nothing).
                try? await Task.sleep(for: grace)
                while !received.finished {
                    stop.cancelRunningStatements()
                    try? await Task.sleep(for: grace)
                }
            }
        }
        defer {
            received.finish()
            watcher.stop()
        }
        do {
            return try await body(runner)
        } catch {
            guard let number = received.first else { throw error }
            received.finish()
            await report(signal: number, error: error, stop: stop, runner: runner, command: command, terminal: terminal)
            throw ExitCode(exitCode(number))
        }
    }

    /// 130 for SIGINT, 143 for SIGTERM (128 + the signal number, as shells report it).
    static func exitCode(_ number: Int32) -> Int32 {
        (number == SIGTERM ? SlipwayExitCode.terminated : SlipwayExitCode.interrupted).rawValue
    }

    static func name(_ number: Int32) -> String { number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)" }

    /// Prints where the run stopped (from the state schema, read on a fresh connection) and the next command.
    static func report(
        signal number: Int32, error: any Error, stop: RunnerStop, runner: MigrationRunner, command: String, terminal: Terminal
    ) async {
        var runner = runner
        runner.events = { _ in }
        let status = try? await runner.status()
        var state = "the state schema could not be read"
        var next = "`slipway status`, then `slipway resume` or `slipway rollback`"
        if let current = status?.current {
            state = "version \(current.version) is \(current.phase), step \(current.step)/\(current.steps)"
            if let backfill = status?.backfills.first(where: { $0.status != "done" }) {
                state += ", backfill of \(backfill.table) at \(backfill.rowsDone)"
                    + (backfill.rowsEstimated.map { "/~\($0)" } ?? "") + " rows"
            }
            switch current.phase {
            case "starting", "completing", "rolling_back":
                next = "`slipway resume` to continue" + (current.phase == "rolling_back" ? " the rollback" : ", or `slipway rollback` to undo")
            case "active": next = "`slipway complete` once every client uses \(current.versionSchema), or `slipway rollback`"
            default: next = "nothing is left of this version; `slipway status` shows what is pending"
            }
        } else if status != nil {
            state = "nothing was changed"
            next = "run `slipway \(command)` again"
        }
        if command == "deploy" { next += " (or rerun the same `slipway deploy` command)" }
        let stoppedAt = stop.stoppedAt
            ?? (stop.cancelledStatements ? "after cancelling the statement in flight" : "on an error while stopping")
            + " (\(SlipwayError.from(error).message))"
        let code = exitCode(number)
        if terminal.format == .json {
            struct Interrupted: Encodable {
                var error: String
                var signal: String
                var exitCode: Int32
                var phase: String?
                var hint: String
            }
            terminal.jsonLine(Interrupted(
                error: "interrupted by \(name(number)) \(stoppedAt); \(state)", signal: name(number), exitCode: code,
                phase: status?.current?.phase, hint: next))
        }
        printError("interrupted by \(name(number)) \(stoppedAt); \(state); the migration lock is released")
        printError("next: \(next)")
    }
}

/// The first signal received, and whether the run is over.
final class ReceivedSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var number: Int32?
    private var done = false

    /// Records a signal; false if one was already received.
    func record(_ signal: Int32) -> Bool {
        lock.withLock {
            if number != nil { return false }
            number = signal
            return true
        }
    }

    var first: Int32? { lock.withLock { number } }
    func finish() { lock.withLock { done = true } }
    var finished: Bool { lock.withLock { done } }
}
