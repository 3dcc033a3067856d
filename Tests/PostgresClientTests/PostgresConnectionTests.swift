import Foundation
import LocalPostgres
import PostgresClient
import Testing

@Suite("PostgresConnection on a real server")
struct PostgresConnectionTests {
    @Test func bindsOfCommonTypesRoundTrip() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        let uuid = UUID()
        let date = Date(timeIntervalSince1970: 1_763_888_361.123456)
        let bytes = PostgresBytes([0, 1, 2, 254, 255])
        let row = try #require(
            try await connection.query(
                """
                SELECT \("héllo 'quoted' \"double\" \\ back")::text AS s, \(Int(-9_000_000_000))::int8 AS i8,
                       \(Int32(-7))::int4 AS i4, \(Int16(12))::int2 AS i2, \(3.25)::float8 AS f, \(true)::bool AS b,
                       \(uuid)::uuid AS u, \(date)::timestamptz AS t, \(bytes)::bytea AS y,
                       \(["a", "b,c", "d\"e", "f\\g"])::text[] AS arr, \([1, 2, 3])::int8[] AS ints
                """
            ).first)
        #expect(try row.decode("s", as: String.self) == "héllo 'quoted' \"double\" \\ back")
        #expect(try row.decode("i8", as: Int.self) == -9_000_000_000)
        #expect(try row.decode("i4", as: Int32.self) == -7)
        #expect(try row.decode("i2", as: Int16.self) == 12)
        #expect(try row.decode("f", as: Double.self) == 3.25)
        #expect(try row.decode("b", as: Bool.self) == true)
        #expect(try row.decode("u", as: UUID.self) == uuid)
        let decodedDate = try row.decode("t", as: Date.self)
        #expect(abs(decodedDate.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_002)
        #expect(try row.decode("y", as: PostgresBytes.self) == bytes)
        #expect(try row.decode("arr", as: [String].self) == ["a", "b,c", "d\"e", "f\\g"])
        #expect(try row.decode("ints", as: [Int].self) == [1, 2, 3])
    }

    @Test func nullsAreNilAndNonOptionalDecodingNamesTheColumn() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        let missing: String? = nil
        let row = try #require(try await connection.query("SELECT \(missing)::text AS maybe, 'x' AS word").first)
        #expect(try row.decode("maybe", as: String?.self) == nil)
        #expect(try row.text("maybe") == nil)
        let error = try #require(throws: PostgresError.self) { try row.decode("maybe", as: String.self) }
        #expect(error.code == .decoding)
        #expect(error.message.contains("\"maybe\""))
        let wrongType = try #require(throws: PostgresError.self) { try row.decode("word", as: Int.self) }
        #expect(wrongType.message.contains("\"word\"") && wrongType.message.contains("'x'"))
        let noColumn = try #require(throws: PostgresError.self) { try row.decode("nope", as: Int.self) }
        #expect(noColumn.message.contains("no column \"nope\""))
    }

    @Test func serverErrorsKeepEveryField() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        try await connection.unsafeExecuteRaw(
            "CREATE TABLE items (id int PRIMARY KEY, name text CONSTRAINT name_short CHECK (length(name) < 5))")
        try await connection.query("INSERT INTO items VALUES (\(1), \("a"))")
        let duplicate = try await #require(throws: PostgresError.self) {
            try await connection.query("INSERT INTO items VALUES (\(1), \("b"))", origin: "migrations/0001.yaml:3")
        }
        #expect(duplicate.code == .server)
        #expect(duplicate.sqlState == .uniqueViolation)
        let fields = try #require(duplicate.serverError)
        #expect(fields.severity == "ERROR")
        #expect(fields.table == "items")
        #expect(fields.schema == "public")
        #expect(fields.constraint == "items_pkey")
        #expect(fields.detail == "Key (id)=(1) already exists.")
        #expect(fields.sourceLocation != nil)
        #expect(duplicate.origin == "migrations/0001.yaml:3")
        #expect(duplicate.statement?.hasPrefix("INSERT INTO items") == true)
        #expect(duplicate.description.contains("23505"))
        #expect(duplicate.description.contains("duplicate key value violates unique constraint \"items_pkey\""))
        #expect(duplicate.description.contains("migrations/0001.yaml:3"))
        #expect(duplicate.detailedDescription.contains("detail: Key (id)=(1) already exists."))

        let check = try await #require(throws: PostgresError.self) {
            try await connection.query("INSERT INTO items VALUES (\(2), \("too long"))")
        }
        #expect(check.sqlState == .checkViolation)
        #expect(check.serverError?.constraint == "name_short")

        let syntax = try await #require(throws: PostgresError.self) {
            try await connection.unsafeExecuteRaw("SELECT 1;\nSELEC 2")
        }
        #expect(syntax.sqlState == .syntaxError)
        #expect(syntax.serverError?.position == 11)

        let column = try await #require(throws: PostgresError.self) {
            try await connection.unsafeExecuteRaw("SELECT missing_column FROM items")
        }
        #expect(column.sqlState == .undefinedColumn)
        #expect(column.serverError?.position == 8)
        #expect(column.serverError?.hint == nil || column.serverError?.hint?.isEmpty == false)

        // The session stays usable after errors.
        let one = try await connection.query("SELECT 1 AS one")
        #expect(try one[0].decode("one", as: Int.self) == 1)
    }

    @Test func lockTimeoutGives55P03() async throws {
        let db = try await scratch()
        let holder = try await connectApp(db)
        let waiter = try await connectApp(db)
        try await holder.unsafeExecuteRaw("CREATE TABLE t (id int)")
        try await holder.unsafeExecuteRaw("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
        let error = try await #require(throws: PostgresError.self) {
            try await waiter.unsafeExecuteRaw("SET lock_timeout = '100ms'; SELECT * FROM t")
        }
        #expect(error.isLockTimeout)
        #expect(error.code == .server)
        #expect(error.message.contains("lock timeout"))
        try await holder.unsafeExecuteRaw("ROLLBACK")
    }

    @Test func cancellingTheTaskCancelsTheStatement() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        let start = ContinuousClock.now
        let task = Task { try await connection.unsafeExecuteRaw("SELECT pg_sleep(30)") }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let error = await #expect(throws: PostgresError.self) { try await task.value }
        #expect(error?.code == .cancelled)
        #expect(error?.sqlState == .queryCanceled)
        #expect(ContinuousClock.now - start < .seconds(10))
        // Usable afterwards.
        #expect(try await connection.query("SELECT 2 AS two")[0].decode("two", as: Int.self) == 2)
    }

    @Test func deadlineCancelsAndReportsTimedOut() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) {
            try await withDeadline(.milliseconds(300)) {
                try await connection.unsafeExecuteRaw("SELECT pg_sleep(30)")
            }
        }
        #expect(error?.code == .timedOut)
        #expect(ContinuousClock.now - start < .seconds(10))
        let value = try await withDeadline(.seconds(10)) {
            try await connection.query("SELECT 3 AS three")[0].decode("three", as: Int.self)
        }
        #expect(value == 3)
    }

    /// The threading model: connections blocked inside libpq do not starve Swift's cooperative pool.
    @Test func blockedConnectionsDoNotStarveOtherTasks() async throws {
        let db = try await scratch()
        let holder = try await connectApp(db)
        try await holder.unsafeExecuteRaw("CREATE TABLE hot (id int)")
        try await holder.unsafeExecuteRaw("BEGIN; LOCK TABLE hot IN ACCESS EXCLUSIVE MODE")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let blockedCount = max(4, cores * 2)  // more blocked connections than the cooperative pool has threads
        var waiters: [PostgresConnection] = []
        for _ in 0..<blockedCount { waiters.append(try await connectApp(db)) }

        let blocked = waiters.map { waiter in
            Task { try await waiter.unsafeExecuteRaw("SELECT count(*) FROM hot") }
        }
        // Wait until every waiter really is waiting for the lock.
        let observer = try await connectApp(db)
        var waiting = 0
        for _ in 0..<200 {
            waiting = try await observer.query(
                "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )[0].decode("n", as: Int.self)
            if waiting == blockedCount { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(waiting == blockedCount)

        // Meanwhile a CPU task and another connection keep making progress.
        var ticks = 0
        for _ in 0..<20 {
            await Task.yield()
            ticks += 1
        }
        let other = try await connectApp(db)
        #expect(try await other.query("SELECT 42 AS answer")[0].decode("answer", as: Int.self) == 42)
        #expect(ticks == 20)

        // And a deadline still cancels one of the blocked statements.
        let deadlineError = await #expect(throws: PostgresError.self) {
            try await withDeadline(.milliseconds(200)) {
                try await other.unsafeExecuteRaw("SELECT count(*) FROM hot")
            }
        }
        #expect(deadlineError?.code == .timedOut)

        try await holder.unsafeExecuteRaw("COMMIT")
        for task in blocked {
            let results = try await task.value
            #expect(results.first?.commandTag == "SELECT 1")
        }
    }

    @Test func transactionCommitsOrRollsBack() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        try await connection.unsafeExecuteRaw("CREATE TABLE ledger (v int)")
        try await connection.transaction { tx in
            try await tx.query("INSERT INTO ledger VALUES (\(1))")
        }
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await connection.transaction { tx in
                try await tx.query("INSERT INTO ledger VALUES (\(2))")
                throw Boom()
            }
        }
        let count = try await connection.query("SELECT count(*)::int8 AS n FROM ledger")[0].decode("n", as: Int.self)
        #expect(count == 1)
        #expect(await connection.inTransaction == false)
    }

    @Test func aSwallowedErrorMakesTheTransactionFailInsteadOfReportingACommit() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        try await connection.unsafeExecuteRaw("CREATE TABLE ledger (v int PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.transaction { tx in
                try await tx.query("INSERT INTO ledger VALUES (\(1))")
                _ = try? await tx.query("INSERT INTO ledger VALUES (\(1))")  // duplicate, caught here
            }
        }
        #expect(error?.statement == "COMMIT")
        let count = try await connection.query("SELECT count(*)::int8 AS n FROM ledger")[0].decode("n", as: Int.self)
        #expect(count == 0)
    }

    @Test func statementTimeoutIsAServerErrorNotACancel() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        // A cancel of an earlier statement must not relabel a later statement_timeout.
        let task = Task { try await connection.unsafeExecuteRaw("SELECT pg_sleep(30)") }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        _ = try? await task.value
        let error = await #expect(throws: PostgresError.self) {
            try await connection.unsafeExecuteRaw("SET statement_timeout = '100ms'; SELECT pg_sleep(5)")
        }
        #expect(error?.sqlState == .queryCanceled)
        #expect(error?.code == .server)
        #expect(connection.backendPID > 0)  // readable without waiting for the session
    }

    @Test func noticesAreCollected() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        try await connection.unsafeExecuteRaw("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$")
        let notices = await connection.takeNotices()
        #expect(notices.map(\.fields.message) == ["hello 42", "careful"])
        #expect(notices.map(\.fields.severity) == ["NOTICE", "WARNING"])
        #expect(await connection.takeNotices().isEmpty)
    }

    @Test func identifiersAreQuotedSafely() async throws {
        let db = try await scratch()
        let connection = try await connectApp(db)
        let hostile = "we\"ird; DROP TABLE x; -- ünï"
        try await connection.query("CREATE TABLE \(identifier: hostile) (\(identifier: "select") int)")
        try await connection.query("INSERT INTO \(identifier: hostile) VALUES (\(7))")
        let rows = try await connection.query("SELECT \(identifier: "select") FROM \(identifier: hostile)")
        #expect(try rows[0].decode("select", as: Int.self) == 7)
        let names = try await connection.query("SELECT relname FROM pg_class WHERE relname = \(hostile)")
        #expect(names.count == 1)
        #expect(PostgresIdentifier.quoteLiteral("it's \\ ok") == "E'it''s \\\\ ok'")
        let literal = try await connection.unsafeExecuteRaw("SELECT \(PostgresIdentifier.quoteLiteral("it's \\ ok")) AS v")
        #expect(try literal[0][0].decode("v", as: String.self) == "it's \\ ok")
    }

    @Test func overridesTakePrecedenceOverTheConnectionString() async throws {
        let db = try await scratch()
        let connection = try await PostgresConnection.connect(
            db.app.with("application_name", "slipway-test-app"))
        let row = try await connection.query("SELECT current_database() AS d, current_user AS u, current_setting('application_name') AS a")[0]
        #expect(try row.decode("d", as: String.self) == db.name)
        #expect(try row.decode("u", as: String.self) == ScratchDatabases.appRole)
        #expect(try row.decode("a", as: String.self) == "slipway-test-app")
        #expect(connection.serverVersion >= 140000)
        #expect(connection.backendPID > 0)
    }

    @Test func terminatedBackendGivesConnectionClosed() async throws {
        let db = try await scratch()
        let victim = try await connectApp(db)
        let admin = try await PostgresConnection.connect(db.admin)
        let pid = victim.backendPID
        try await admin.query("SELECT pg_terminate_backend(\(pid))")
        try await Task.sleep(for: .milliseconds(100))
        let error = await #expect(throws: PostgresError.self) { try await victim.unsafeExecuteRaw("SELECT 1") }
        #expect(error?.code == .connectionClosed)
        #expect(await victim.isOpen == false)
    }

    @Test func unreachableServerGivesAClearErrorWithoutThePassword() async throws {
        let configuration = ConnectionConfiguration(
            "postgresql://alice:s3cr3t-pw@/nodb?host=/nonexistent-slipway-socket&port=5999")
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration)
        }
        #expect(error?.code == .connectionFailed)
        let text = "\(String(describing: error)) \(error?.detailedDescription ?? "")"
        #expect(text.contains("could not connect"))
        #expect(text.contains("nonexistent-slipway-socket"))
        #expect(!text.contains("s3cr3t-pw"))
    }
}
