import Migrations
import PostgresClient
import Testing

@Suite("PostgresLockMode conflict table")
struct LockModeTests {
    /// The PostgreSQL documentation's table "Conflicting Lock Modes", row by row, in the order
    /// ACCESS SHARE … ACCESS EXCLUSIVE ("X" = conflicts).
    static let documentedTable: [(PostgresLockMode, String)] = [
        (.accessShare, ".......X"),
        (.rowShare, "......XX"),
        (.rowExclusive, "....XXXX"),
        (.shareUpdateExclusive, "...XXXXX"),
        (.share, "..XX.XXX"),
        (.shareRowExclusive, "..XXXXXX"),
        (.exclusive, ".XXXXXXX"),
        (.accessExclusive, "XXXXXXXX"),
    ]

    @Test(arguments: documentedTable)
    func conflictsMatchTheDocumentation(mode: PostgresLockMode, row: String) {
        let expected = row.map { $0 == "X" }
        let actual = PostgresLockMode.allCases.map { mode.conflicts(with: $0) }
        #expect(actual == expected, "\(mode)")
        for other in PostgresLockMode.allCases {
            #expect(mode.conflicts(with: other) == other.conflicts(with: mode), "symmetric: \(mode) / \(other)")
        }
    }

    @Test func namesAndOrder() {
        #expect(PostgresLockMode.allCases.map(\.rawValue) == [
            "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
            "EXCLUSIVE", "ACCESS EXCLUSIVE",
        ])
        #expect(PostgresLockMode.allCases.sorted() == PostgresLockMode.allCases)
        for mode in PostgresLockMode.allCases { #expect(PostgresLockMode(pgLocksName: mode.pgLocksName) == mode) }
        #expect(PostgresLockMode(pgLocksName: "ExclusiveLock") == .exclusive)
        #expect(PostgresLockMode(pgLocksName: "SIReadLock") == nil)
        #expect(PostgresLockMode.accessExclusive.blocksReads)
        #expect(!PostgresLockMode.exclusive.blocksReads)
        #expect(PostgresLockMode.share.blocksWrites)
        #expect(!PostgresLockMode.shareUpdateExclusive.blocksWrites)
    }

    /// The real server's answer: hold `held`, then try every mode with NOWAIT from another session.
    @Test(arguments: PostgresLockMode.allCases)
    func serverAgreesWithTheTable(held: PostgresLockMode) async throws {
        let db = try await LockFixtures.scratch("modes")
        let holder = try await LockFixtures.connectApp(db)
        let requester = try await LockFixtures.connectApp(db)
        try await holder.unsafeExecuteRaw("CREATE TABLE t (id int)")
        try await holder.unsafeExecuteRaw("BEGIN; LOCK TABLE t IN \(held.rawValue) MODE")
        for requested in PostgresLockMode.allCases {
            var conflicted = false
            do {
                try await requester.unsafeExecuteRaw("BEGIN; LOCK TABLE t IN \(requested.rawValue) MODE NOWAIT")
            } catch let error as PostgresError where error.isLockTimeout {
                conflicted = true
            }
            try await requester.unsafeExecuteRaw("ROLLBACK")
            #expect(conflicted == held.conflicts(with: requested), "held \(held), requested \(requested)")
        }
        try await holder.unsafeExecuteRaw("ROLLBACK")
        await holder.close()
        await requester.close()
    }
}
