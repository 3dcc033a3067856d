import ArgumentParser
import Slipway

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Connect and show the server version, the target schema and Slipway's state.",
        discussion: """
            Examples:
              slipway status --url postgresql://app@localhost/shop
              DATABASE_URL=postgresql://app@db/shop slipway status --format json
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection)
            let status = try await ServerStatus.read(
                settings.connection, schema: settings.schema, stateSchema: settings.stateSchema)
            if output.format == .json {
                terminal.json(status)
                return
            }
            terminal.line("\(terminal.bold("server"))        PostgreSQL \(status.serverVersion)")
            terminal.line("\(terminal.bold("connection"))    \(status.connection) (\(settings.connectionSource))")
            terminal.line("\(terminal.bold("database"))      \(status.database) as \(status.user)\(status.isSuperuser ? " (superuser)" : "")")
            terminal.line(
                "\(terminal.bold("schema"))        \(status.schema) \(status.schemaExists ? terminal.green("exists") : terminal.yellow("does not exist"))")
            terminal.line(
                "\(terminal.bold("state schema"))  \(status.stateSchema) "
                    + (status.stateSchemaExists
                        ? terminal.green("exists")
                        : terminal.yellow("not created yet (the first `slipway start` creates it)")))
        }
    }
}
