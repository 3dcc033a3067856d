import ArgumentParser
import Foundation
import Slipway

struct NewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a new migration file, numbered after the last one.",
        discussion: """
            Examples:
              slipway new add_customer_email           # migrations/0002_add_customer_email.yaml
              slipway new backfill_fix --sql           # a plain .sql migration with a -- slipway:down section
            """)

    @Argument(help: "A short name (letters, digits, underscores).")
    var name: String

    @Flag(help: "Create a plain .sql migration instead of YAML.")
    var sql = false

    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ValidationError("the name may contain only letters, digits, '_' and '-'")
        }
    }

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(config: nil, migrationsDir: migrations.migrationsDir)
            let directory = settings.migrationsDirectory
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let numbers = existing.compactMap { Int($0.prefix { $0.isNumber }) }
            let width = existing.compactMap { name -> Int? in
                let digits = name.prefix { $0.isNumber }.count
                return digits > 0 ? digits : nil
            }.max() ?? 4
            let next = String(format: "%0\(width)d", (numbers.max() ?? 0) + 1)
            let path = (directory as NSString).appendingPathComponent("\(next)_\(name).\(sql ? "sql" : "yaml")")
            guard !FileManager.default.fileExists(atPath: path) else {
                throw SlipwayError(.failure, "\(path) already exists")
            }
            let template = sql ? Self.sqlTemplate : Self.yamlTemplate
            try template.write(toFile: path, atomically: true, encoding: .utf8)
            if output.format == .json {
                terminal.jsonLine(["path": path])
            } else {
                terminal.line("\(terminal.green("✓")) created \(path)")
            }
        }
    }

    static let yamlTemplate = """
        # Operations: docs/file-format.md. Check with `slipway validate`, preview with `slipway lint`.
        operations:
          - add_column:
              table: my_table
              column:
                name: my_column
                type: text
                nullable: true
              up: NULL

        """

    static let sqlTemplate = """
        -- Runs at `slipway start` inside a transaction with lock_timeout; checked by `slipway lint`.
        -- Write what `start` should do here.

        -- slipway:down
        -- Write what `rollback` should do here.

        """
}

struct VersionSchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version-schema",
        abstract: "Print the version schema applications should put first on their search_path.",
        discussion: """
            The active version's schema while a migration is active, else the last completed one's.

            Examples:
              slipway version-schema                           # public_0007_orders_status
              psql "$DATABASE_URL" -c "ALTER ROLE app SET search_path = $(slipway version-schema), public"
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let runner = try makeRunner(connection: connection, migrations: migrations, run: nil, terminal: terminal)
            let status = try await runner.status()
            guard let current = status.current, current.phase != "rolled_back" else {
                throw SlipwayError(.nothingToDo, "no version yet in schema \"\(runner.schema)\": applications use \(runner.schema) directly")
            }
            if output.format == .json {
                terminal.jsonLine(["versionSchema": current.versionSchema, "phase": current.phase, "schema": runner.schema])
            } else {
                terminal.line(current.versionSchema)
            }
        }
    }
}

struct URLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "url",
        abstract: "Print the connection URL with the current version schema first on search_path.",
        discussion: """
            Adds `options=-c search_path=<version schema>,<schema>` to the connection (password redacted unless
            --show-password). For poolers that do not pass startup options, use `ALTER ROLE … SET search_path`.

            Example:
              DATABASE_URL_V2=$(slipway url --show-password)
            """)

    @Flag(name: .customLong("show-password"), help: "Keep the password in the printed URL.")
    var showPassword = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var migrations: MigrationsOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let settings = try ResolvedSettings.resolve(connection: connection, migrations: migrations)
            let runner = makeRunner(settings: settings, run: nil, terminal: terminal)
            let status = try await runner.status()
            guard let current = status.current, current.phase != "rolled_back" else {
                throw SlipwayError(.nothingToDo, "no version yet in schema \"\(runner.schema)\"")
            }
            let searchPath = "\(current.versionSchema),\(runner.schema)"
            var base = settings.connection.connectionString
            if !showPassword { base = Redaction.redactConnectionString(base) }
            let url: String
            if base.contains("://") {
                let options = "options=-c%20search_path%3D\(searchPath.replacingOccurrences(of: ",", with: "%2C"))"
                url = base + (base.contains("?") ? "&" : "?") + options
            } else {
                url = (base.isEmpty ? "" : base + " ") + "options='-c search_path=\(searchPath)'"
            }
            if output.format == .json {
                terminal.jsonLine(["url": url, "searchPath": searchPath])
            } else {
                terminal.line(url)
            }
        }
    }
}
