import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway backfill pause|resume|set")
struct BackfillCommandTests {
    /// Every control command is audited, also when there is nothing to control (exit 6).
    @Test func controlCommandsAreAuditedWithTheirOutcome() async throws {
        let db = try await ScratchDatabases.shared.make(label: "cli_backfill_control")
        let url = ["--url", db.appConnectionString]
        let pause = try await CLI.run(["backfill", "pause"] + url)
        #expect(pause.status == 6, "\(pause.stdout)\n\(pause.stderr)")
        let set = try await CLI.run(["backfill", "set", "--batch-size", "500", "--table", "orders"] + url)
        #expect(set.status == 6, "\(set.stdout)\n\(set.stderr)")
        let app = try await PostgresConnection.connect(db.app)
        defer { Task { await app.close() } }
        let rows = try await app.unsafeExecuteRaw(
            "SELECT command || ':' || exit_code::text || ':' || arguments FROM slipway.audit_log WHERE command LIKE 'backfill%' ORDER BY id")
        let entries = rows.last?.map { $0.values.first.flatMap { $0 } ?? "" } ?? []
        #expect(entries == ["backfill pause:6:backfill pause --url \(db.appConnectionString)",
                            "backfill set:6:backfill set --batch-size 500 --table orders --url \(db.appConnectionString)"],
                "\(entries)")
    }
}
