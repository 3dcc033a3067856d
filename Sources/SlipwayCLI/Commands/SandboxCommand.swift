import ArgumentParser
import Foundation
import LocalPostgres
import PostgresClient
import Slipway

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Start a throwaway local PostgreSQL and print how to connect; stop it with Ctrl-C.",
        discussion: """
            The server listens only on a unix socket in a private temporary directory. It is stopped and its
            directory removed on Ctrl-C/SIGTERM, and also when this process dies for any reason.

            Example:
              slipway sandbox &   # prints a connection string, e.g. host=/tmp/slipway-pg-Ab12Cd port=5432 dbname=postgres user=postgres
            """)

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = output.terminal
        try await terminal.reporting {
            let cluster = try await LocalPostgres.start()
            let url = cluster.connection().connectionString
            if output.format == .json {
                struct Info: Encodable {
                    var connection: String
                    var socketDirectory: String
                    var pid: Int32
                }
                terminal.jsonLine(Info(connection: url, socketDirectory: cluster.socketDirectory, pid: getpid()))
            } else {
                terminal.line(url)
                printError("sandbox running (pid \(getpid())); Ctrl-C stops it and removes \(cluster.baseDirectory)")
            }
            let stop = InterruptFlag()
            let signals = SignalWatcher { _ in stop.set() }
            defer { signals.stop() }
            while !stop.isSet { try? await Task.sleep(for: .milliseconds(100)) }
            await cluster.stop()
        }
    }
}
