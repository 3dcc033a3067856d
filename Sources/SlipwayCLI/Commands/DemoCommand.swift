import ArgumentParser
import Dispatch
import Foundation
import Slipway

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Slipway's main job on a throwaway local PostgreSQL (no configuration needed).",
        discussion: """
            Starts a private PostgreSQL server (initdb + postgres on a unix socket in a temporary directory),
            creates a least-privilege application role and a realistic `orders` table, and reports each step
            with its duration. The server and its directory are removed at the end, on Ctrl-C, and even if
            the process is killed.

            Needs the PostgreSQL server programs: `apt-get install -y postgresql` (Debian/Ubuntu).

            Examples:
              swift run slipway demo
              slipway demo --rows 50000 --format json
            """)

    @Option(help: "Rows to load into the orders table.")
    var rows: Int = 300_000

    @Flag(help: "Keep the server running at the end until Ctrl-C (to explore it with psql).")
    var keepRunning = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard rows >= 1 && rows <= 50_000_000 else {
            throw ValidationError("--rows must be between 1 and 50000000")
        }
    }

    func run() async throws {
        let terminal = output.terminal
        var options = Demo.Options()
        options.rows = rows
        options.keepRunning = keepRunning
        let demo = Demo(options: options)
        if output.format == .text {
            terminal.line(terminal.bold("Slipway demo") + " — a throwaway PostgreSQL, a realistic table, every step timed")
        }
        let interrupted = InterruptFlag()
        let task = Task {
            try await demo.run { event in
                if output.format == .json {
                    terminal.jsonLine(event)
                } else if event.step.hasPrefix("backfill-") {
                    // The backfill's progress bar (redrawn in place on a terminal) and its summary.
                    terminal.render(RunnerEvent(event.step, event.message.trimmingCharacters(in: .whitespaces), figures: event.figures))
                } else {
                    let timing = event.durationMs.map { terminal.dim(String(format: " (%.0f ms)", $0)) } ?? ""
                    terminal.line("  \(terminal.green("✓")) \(event.message)\(timing)")
                }
            }
        }
        let signals = SignalWatcher { _ in interrupted.set(); task.cancel() }
        defer { signals.stop() }
        try await terminal.reporting {
            do {
                try await task.value
            } catch {
                if interrupted.isSet {
                    printError("interrupted: the throwaway server was stopped and removed")
                    throw ExitCode(SlipwayExitCode.interrupted.rawValue)
                }
                throw error
            }
            if interrupted.isSet && keepRunning == false {
                throw ExitCode(SlipwayExitCode.interrupted.rawValue)
            }
            if output.format == .text {
                terminal.line(terminal.bold("Done.") + " Next: docs/getting-started.md")
            }
        }
    }
}

/// Set once by a signal handler.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Calls `handler` with the signal number on SIGINT or SIGTERM (instead of dying), so long-running commands
/// can stop cleanly.
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(handler: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { handler(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
