import Foundation
import LocalPostgres
import PostgresClient
import Testing

/// Optional capabilities missing from the application role degrade with a clear message, through the CLI.
/// (Cancelling blockers without pg_signal_backend: `BlockerPolicyTests` "withoutThePrivilegeItSaysSoAndKeepsRetrying";
/// restore points without EXECUTE on pg_create_restore_point: `BackupLifecycleTests` "restorePointsAreOptionalUnlessRequired".)
@Suite("least privilege: what the application role cannot see")
struct PrivilegeDegradationTests {
    /// Without pg_read_all_stats the lock-timeout report still names the blocker's pid, user and application,
    /// and says its query is hidden for lack of that grant — exit 4, not a crash or an empty report.
    @Test func blockerOfAnotherRoleIsNamedWithItsQueryHidden() async throws {
        let (db, app, directory, migrations) = try await KillResumeTests.ordersWithMigration(label: "priv_blocker", rows: 100)
        let url = db.appConnectionString
        let stats = try await app.query(
            "SELECT pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') AS m")[0].decode("m", as: Bool.self)
        #expect(!stats, "the application role should not have pg_read_all_stats")
        let blocker = try await PostgresConnection.connect(db.admin.with("application_name", "reporting job"))
        try await blocker.unsafeExecuteRaw("BEGIN; SELECT count(*) FROM orders")
        let user = try await blocker.query("SELECT current_user::text AS u")[0].decode("u", as: String.self)
        let result = try await CLI.run(
            ["start", "--url", url, "--migrations-dir", migrations, "--lock-timeout", "200", "--max-attempts", "2"])
        try await blocker.unsafeExecuteRaw("ROLLBACK")
        #expect(result.status == 4, "\(result.stdout)\n\(result.stderr)")
        let text = result.stdout + result.stderr
        #expect(text.contains("pid \(blocker.backendPID) (user \(user), application \"reporting job\""), "\(text)")
        #expect(text.contains("(grant pg_read_all_stats to see its query)"), "\(text)")
        #expect(!text.contains("insufficient privilege"), "\(text)")
        await blocker.close()
        await app.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
