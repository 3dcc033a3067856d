import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("slipway baseline and drift")
struct DriftCommandTests {
    @Test func baselineThenDriftFindsAHandMadeChange() async throws {
        let db = try await ScratchDatabases.shared.make(label: "cli_drift")
        let app = try await PostgresConnection.connect(db.app)
        try await app.unsafeExecuteRaw("CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL)")
        let url = ["--url", db.appConnectionString]

        let before = try await CLI.run(["drift"] + url)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("baseline"))

        let baseline = try await CLI.run(["baseline", "prod-2026-11"] + url)
        #expect(baseline.status == 0, "\(baseline.stderr)")
        let clean = try await CLI.run(["drift"] + url)
        #expect(clean.status == 0, "\(clean.stdout)")

        try await app.unsafeExecuteRaw("ALTER TABLE accounts ADD COLUMN nickname text")
        let drifted = try await CLI.run(["drift"] + url)
        #expect(drifted.status == 5)
        #expect(drifted.stdout.contains("ADD COLUMN nickname text"))
        let status = try await CLI.run(["status", "--migrations-dir", "/nonexistent"] + url)
        #expect(status.stdout.contains("drift: 1 difference"), "\(status.stdout)\n\(status.stderr)")

        // The baseline is in the audit log with its outcome and arguments.
        let audited = try await app.unsafeExecuteRaw(
            "SELECT command || ':' || exit_code::text || ':' || arguments FROM slipway.audit_log WHERE command = 'baseline' ORDER BY id")
        #expect(audited.last?.map { $0.values.first.flatMap { $0 } ?? "" }.first?.hasPrefix("baseline:0:baseline prod-2026-11") == true)
    }
}
