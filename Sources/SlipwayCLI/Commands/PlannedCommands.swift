import ArgumentParser
import Slipway

/// A command of the designed command tree that this build does not provide yet. It says so clearly and
/// exits with code 9 instead of pretending to work.
protocol PlannedCommand: AsyncParsableCommand {}

extension PlannedCommand {
    func run() async throws {
        let name = Self.configuration.commandName ?? "this command"
        printError("error: `slipway \(name)` is not available in this build yet (see docs/cli.md for the roadmap)")
        throw ExitCode(SlipwayExitCode.notImplemented.rawValue)
    }
}

private func planned(_ name: String, _ abstract: String) -> CommandConfiguration {
    CommandConfiguration(commandName: name, abstract: "\(abstract) [planned]")
}

struct BaselineCommand: PlannedCommand {
    static let configuration = planned("baseline", "Record an existing database's schema as the starting point.")
}
struct ImportCommand: PlannedCommand {
    static let configuration = planned("import", "Import history from pgroll, Flyway, sqitch, golang-migrate or Alembic.")
}
struct DriftCommand: PlannedCommand {
    static let configuration = planned("drift", "Compare the live schema with the recorded one.")
}
