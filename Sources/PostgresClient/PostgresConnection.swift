import CLibPQ
import Foundation

/// One PostgreSQL session over libpq.
///
/// **Threading model.** libpq calls block. A `PostgresConnection` is an actor whose executor is a
/// ``DedicatedThreadExecutor``: every isolated method — and so every libpq call — runs on the
/// connection's own operating-system thread, never on Swift's cooperative thread pool. A connection that
/// waits for a lock blocks only its own thread; other tasks and other connections keep running.
///
/// **Cancellation.** Cancelling the task that awaits a statement sends `PQcancel` from the cancelling
/// thread; the statement then fails with ``PostgresError/Code/cancelled``. ``cancel()`` does the same
/// from anywhere, and ``withDeadline(_:operation:)`` cancels when a deadline passes (code
/// ``PostgresError/Code/timedOut``).
///
/// A connection is one session: run one statement at a time on it (one task per connection). Session
/// state — settings, advisory locks, the open transaction — belongs to it until ``close()``.
public actor PostgresConnection {
    private let executor: DedicatedThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// The configuration this connection was opened with (safe to print: its description is redacted).
    public nonisolated let configuration: ConnectionConfiguration

    private var handle: OpaquePointer?
    private let canceller = Canceller()
    private let notices = NoticeCollector()
    private let secrets: [String]

    private nonisolated let info = SessionInfo()

    /// The server's version number (`150018` for 15.18). Set once at connect; readable from any thread
    /// without waiting for a running statement.
    public nonisolated var serverVersion: Int { info.serverVersion }
    /// The backend process id of this session (`pg_backend_pid()`). Set once at connect; readable from any
    /// thread without waiting for a running statement.
    public nonisolated var backendPID: Int32 { info.backendPID }

    private init(configuration: ConnectionConfiguration, executor: DedicatedThreadExecutor) {
        self.configuration = configuration
        self.executor = executor
        self.secrets = configuration.secrets
    }

    isolated deinit {
        if let handle { PQfinish(handle) }
        canceller.replace(with: nil)
        executor.shutdown()
    }

    /// Opens a connection (wraps `PQconnectdbParams`, on the connection's own thread).
    ///
    /// - Throws: ``PostgresError`` with code `.connectionFailed` and libpq's message (passwords removed).
    public static func connect(_ configuration: ConnectionConfiguration) async throws -> PostgresConnection {
        let executor = DedicatedThreadExecutor(name: "slipway-pg")
        let connection = PostgresConnection(configuration: configuration, executor: executor)
        try await connection.open()
        return connection
    }

    /// Opens a connection from a URL or key=value string.
    public static func connect(_ connectionString: String) async throws -> PostgresConnection {
        try await connect(ConnectionConfiguration(connectionString))
    }

    private func open() throws {
        var keywords: [String] = []
        var values: [String] = []
        if ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil, configuration.overrides["connect_timeout"] == nil {
            keywords.append("connect_timeout")
            values.append("10")
        }
        // TCP keepalives and a limit on unacknowledged data, so a connection whose peer vanished (network
        // partition, a dropped NAT or firewall entry) fails within about a minute instead of hanging. The
        // connection string and overrides win (they come later).
        for (keyword, value) in Self.networkDefaults {
            keywords.append(keyword)
            values.append(value)
        }
        if !configuration.connectionString.isEmpty {
            keywords.append("dbname")
            values.append(configuration.connectionString)
        }
        for key in configuration.overrides.keys.sorted() {
            keywords.append(key)
            values.append(configuration.overrides[key] ?? "")
        }
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = scrub(Self.firstLines(PQerrorMessage(connection)))
            PQfinish(connection)
            throw PostgresError(
                code: .connectionFailed,
                message: "could not connect to \(configuration): \(message)")
        }
        handle = connection
        info.set(serverVersion: Int(PQserverVersion(connection)), backendPID: PQbackendPID(connection))
        canceller.replace(with: PQgetCancel(connection))
        let context = Unmanaged.passUnretained(notices).toOpaque()
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            let collector = Unmanaged<NoticeCollector>.fromOpaque(context).takeUnretainedValue()
            collector.receive(PostgresNotice(fields: PostgresConnection.fields(of: result)))
        }, context)
    }

    /// libpq keywords set on every connection unless the connection string or overrides say otherwise:
    /// keepalive probes after 30 s idle, every 10 s, 3 lost probes end the connection; data unacknowledged for
    /// 60 s ends it too (TCP only; ignored on unix sockets).
    public static let networkDefaults: [(String, String)] = [
        ("keepalives", "1"), ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
        ("tcp_user_timeout", "60000"),
    ]

    /// How long a statement may go without any reply from the server before the connection is considered
    /// lost (nil: wait as long as it takes). For statements with a known bound (a backfill batch runs under
    /// `statement_timeout`): a server or network that stops answering — while the TCP connection itself
    /// looks alive, so keepalives do not help — then fails the statement with `.connectionClosed` instead of
    /// hanging the client forever.
    public private(set) var replyTimeout: Duration?

    /// Sets ``replyTimeout``.
    public func setReplyTimeout(_ timeout: Duration?) { replyTimeout = timeout }

    /// Whether the session is still usable (`PQstatus` is OK).
    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Whether a transaction block is open (`PQtransactionStatus`).
    public var inTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// A server parameter reported to the client (`server_version`, `application_name`, …).
    public func parameterStatus(_ name: String) -> String? {
        guard let handle, let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    /// Closes the session (`PQfinish`). Further statements fail with `.connectionClosed`.
    public func close() {
        canceller.replace(with: nil)
        if let handle { PQfinish(handle) }
        handle = nil
        executor.shutdown()
    }

    // MARK: Statements

    /// Runs one parameterised statement (wraps `PQexecParams`; parameters are always bound).
    ///
    /// - Parameter origin: where the statement came from, recorded in any error.
    /// - Throws: ``PostgresError``: `.server` with every server field, `.cancelled` when the task was
    ///   cancelled, `.connectionClosed` when the session is gone.
    @discardableResult
    public func query(_ query: PostgresQuery, origin: String? = nil) async throws -> PostgresResult {
        try checkNotCancelled()
        let canceller = self.canceller
        // The operation must hop back onto this actor explicitly (`await self.…`): the operation closure of
        // withTaskCancellationHandler runs on the global concurrent executor, which would put the blocking
        // libpq call on the cooperative pool.
        return try await withTaskCancellationHandler {
            try await self.runParameterised(query, origin: origin)
        } onCancel: {
            canceller.cancel()
        }
    }

    /// Runs SQL text as written, which may hold several statements (wraps `PQsendQuery`, the simple query
    /// protocol). For SQL written by users in migration files and for statements Slipway generated;
    /// values must go through ``query(_:origin:)`` instead. Returns one result per statement.
    @discardableResult
    public func unsafeExecuteRaw(_ sql: String, origin: String? = nil) async throws -> [PostgresResult] {
        try checkNotCancelled()
        let canceller = self.canceller
        return try await withTaskCancellationHandler {
            try await self.runSimple(sql, origin: origin)
        } onCancel: {
            canceller.cancel()
        }
    }

    /// Runs `body` inside `BEGIN` … `COMMIT`; rolls back and rethrows if it throws.
    @discardableResult
    public func transaction<T: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> T {
        try await unsafeExecuteRaw("BEGIN")
        do {
            let result = try await body(self)
            let commit = try await unsafeExecuteRaw("COMMIT")
            // COMMIT of a transaction that already failed (the body caught the error itself) answers ROLLBACK.
            if commit.last?.commandTag == "ROLLBACK" {
                throw PostgresError(
                    code: .server, message: "the transaction was rolled back because a statement in it failed",
                    statement: "COMMIT")
            }
            return result
        } catch {
            if isOpen { _ = try? await runSimple("ROLLBACK", origin: nil) }
            throw error
        }
    }

    /// Asks the server to cancel the statement this session is running (wraps `PQcancel`). Safe from any
    /// thread; does nothing when no statement is running.
    public nonisolated func cancel() {
        canceller.cancel()
    }

    /// Notices received since the last call, oldest first (`RAISE NOTICE`, warnings, …).
    public func takeNotices() -> [PostgresNotice] {
        notices.take()
    }

    /// Calls `handler` for every notice as it arrives (on the connection's thread), instead of keeping it.
    public nonisolated func setNoticeHandler(_ handler: (@Sendable (PostgresNotice) -> Void)?) {
        notices.setHandler(handler)
    }

    // MARK: Internals

    private func checkNotCancelled() throws {
        if Task.isCancelled {
            throw PostgresError(code: .cancelled, message: "cancelled before the statement was sent")
        }
    }

    private func liveHandle(_ statement: String) throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(code: .connectionClosed, message: "the connection is closed", statement: statement)
        }
        return handle
    }

    // `async` on purpose: an actor-isolated async function always switches to the actor's executor on entry.
    private func runParameterised(_ query: PostgresQuery, origin: String?) async throws -> PostgresResult {
        let handle = try liveHandle(query.sql)
        canceller.beginStatement()
        if query.sql.utf8.contains(0) || query.parameters.contains(where: { $0?.utf8.contains(0) ?? false }) {
            throw PostgresError(
                code: .invalidArgument, message: "a statement or parameter contains a NUL byte", statement: query.sql,
                origin: origin)
        }
        let count = Int32(query.parameters.count)
        let sent: Int32 = query.parameterTypes.withUnsafeBufferPointer { types in
            withOptionalCStringArray(query.parameters) { values in
                PQsendQueryParams(handle, query.sql, count, types.baseAddress, values, nil, nil, 0)
            }
        }
        guard sent == 1 else { throw connectionError(handle, statement: query.sql, origin: origin) }
        let results = try collectResults(handle, statement: query.sql, origin: origin)
        return results.last ?? PostgresResult(columns: [], columnTypes: [], values: [], commandTag: "", affectedRows: nil)
    }

    private func runSimple(_ sql: String, origin: String?) async throws -> [PostgresResult] {
        let handle = try liveHandle(sql)
        canceller.beginStatement()
        if sql.utf8.contains(0) {
            throw PostgresError(
                code: .invalidArgument, message: "the statement contains a NUL byte", statement: sql, origin: origin)
        }
        guard PQsendQuery(handle, sql) == 1 else { throw connectionError(handle, statement: sql, origin: origin) }
        return try collectResults(handle, statement: sql, origin: origin)
    }

    /// Reads every result of the statement just sent, then throws the first error if there was one.
    private func collectResults(_ handle: OpaquePointer, statement: String, origin: String?) throws -> [PostgresResult]
    {
        var results: [PostgresResult] = []
        var firstError: PostgresError?
        while true {
            try awaitReply(handle, statement: statement, origin: origin)
            guard let result = PQgetResult(handle) else { break }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                results.append(Self.read(result))
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                if firstError == nil {
                    firstError = PostgresError(
                        code: .protocolViolation, message: "COPY is not supported through this call",
                        statement: statement, origin: origin)
                }
                if status == PGRES_COPY_IN { PQputCopyEnd(handle, "COPY not supported") }
            default:
                if firstError == nil { firstError = serverError(result, handle: handle, statement: statement, origin: origin) }
            }
        }
        if let firstError { throw firstError }
        if PQstatus(handle) != CONNECTION_OK {
            throw connectionError(handle, statement: statement, origin: origin)
        }
        return results
    }

    /// With a ``replyTimeout``, waits (poll) until a whole result has arrived; when nothing usable arrives in
    /// time, shuts the socket down (libpq then sees a lost connection) and throws `.connectionClosed`.
    private func awaitReply(_ handle: OpaquePointer, statement: String, origin: String?) throws {
        guard let limit = replyTimeout else { return }
        let deadline = ContinuousClock.now + limit
        while PQisBusy(handle) == 1 {
            let remaining = deadline - ContinuousClock.now
            let socket = PQsocket(handle)
            if remaining <= .zero || socket < 0 {
                if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
                throw PostgresError(
                    code: .connectionClosed,
                    message: "no reply from the server for \(limit) (the connection hangs); the connection was closed",
                    statement: statement, origin: origin)
            }
            let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Int32(max(1, min(milliseconds, 1000)))) > 0, PQconsumeInput(handle) == 0 {
                return  // the connection broke: PQgetResult reports it
            }
        }
    }

    private func serverError(_ result: OpaquePointer, handle: OpaquePointer, statement: String, origin: String?)
        -> PostgresError
    {
        var fields = Self.fields(of: result)
        fields.message = scrub(fields.message)
        fields.detail = fields.detail.map(scrub)
        if fields.sqlState.code.isEmpty {
            // No SQLSTATE: libpq's own error (usually the connection was lost). libpq may report a closed server
            // connection before it marks the session bad, so its message counts too.
            let message = scrub(Self.firstLines(PQresultErrorMessage(result)))
            let closed = PQstatus(handle) != CONNECTION_OK || message.contains("server closed the connection")
                || message.contains("no connection to the server")
            return PostgresError(
                code: closed ? .connectionClosed : .protocolViolation,
                message: closed ? "connection lost: \(message)" : message, statement: statement, origin: origin)
        }
        let code: PostgresError.Code =
            fields.sqlState == .queryCanceled && canceller.wasRequestedDuringStatement ? .cancelled : .server
        if [.adminShutdown, .crashShutdown].contains(fields.sqlState) || PQstatus(handle) != CONNECTION_OK {
            return PostgresError(
                code: .connectionClosed, message: fields.message, serverError: fields, statement: statement,
                origin: origin)
        }
        return PostgresError(code: code, message: fields.message, serverError: fields, statement: statement, origin: origin)
    }

    private func connectionError(_ handle: OpaquePointer, statement: String, origin: String?) -> PostgresError {
        let message = scrub(Self.firstLines(PQerrorMessage(handle)))
        return PostgresError(
            code: .connectionClosed, message: "connection lost: \(message.isEmpty ? "no reason given" : message)",
            statement: statement, origin: origin)
    }

    private func scrub(_ text: String) -> String { Redaction.scrub(text, secrets: secrets) }

    static func fields(of result: OpaquePointer) -> ServerErrorFields {
        func field(_ code: Int32) -> String? {
            guard let pointer = PQresultErrorField(result, code) else { return nil }
            return String(cString: pointer)
        }
        var source: String?
        if let file = field(CLIBPQ_DIAG_SOURCE_FILE) {
            source = "\(file):\(field(CLIBPQ_DIAG_SOURCE_LINE) ?? "?") \(field(CLIBPQ_DIAG_SOURCE_FUNCTION) ?? "")"
        }
        return ServerErrorFields(
            severity: field(CLIBPQ_DIAG_SEVERITY_NONLOCALIZED) ?? field(CLIBPQ_DIAG_SEVERITY) ?? "ERROR",
            sqlState: SQLState(field(CLIBPQ_DIAG_SQLSTATE) ?? ""),
            message: field(CLIBPQ_DIAG_MESSAGE_PRIMARY) ?? firstLines(PQresultErrorMessage(result)),
            detail: field(CLIBPQ_DIAG_MESSAGE_DETAIL), hint: field(CLIBPQ_DIAG_MESSAGE_HINT),
            position: field(CLIBPQ_DIAG_STATEMENT_POSITION).flatMap { Int($0) },
            internalPosition: field(CLIBPQ_DIAG_INTERNAL_POSITION).flatMap { Int($0) },
            internalQuery: field(CLIBPQ_DIAG_INTERNAL_QUERY), context: field(CLIBPQ_DIAG_CONTEXT),
            schema: field(CLIBPQ_DIAG_SCHEMA_NAME), table: field(CLIBPQ_DIAG_TABLE_NAME),
            column: field(CLIBPQ_DIAG_COLUMN_NAME), dataType: field(CLIBPQ_DIAG_DATATYPE_NAME),
            constraint: field(CLIBPQ_DIAG_CONSTRAINT_NAME), sourceLocation: source)
    }

    private static func read(_ result: OpaquePointer) -> PostgresResult {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [String] = []
        var types: [UInt32] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(PQfname(result, Int32(column)).map { String(cString: $0) } ?? "?column?")
            types.append(PQftype(result, Int32(column)))
        }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else if let pointer = PQgetvalue(result, Int32(row), Int32(column)) {
                    values.append(String(cString: pointer))
                } else {
                    values.append(nil)
                }
            }
            rows.append(values)
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) }
        return PostgresResult(columns: columns, columnTypes: types, values: rows, commandTag: tag, affectedRows: affected)
    }

    static func firstLines(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    // MARK: Health checks

    /// Whether a server accepts connections (wraps `PQpingParams`, blocking for at most the connect timeout).
    public static func ping(_ configuration: ConnectionConfiguration) -> PingResult {
        var keywords = ["connect_timeout"]
        var values = ["2"]
        if !configuration.connectionString.isEmpty {
            keywords.append("dbname")
            values.append(configuration.connectionString)
        }
        for key in configuration.overrides.keys.sorted() {
            keywords.append(key)
            values.append(configuration.overrides[key] ?? "")
        }
        let status = withCStringArray(keywords) { k in withCStringArray(values) { v in PQpingParams(k, v, 1) } }
        switch status {
        case PQPING_OK: return .accepting
        case PQPING_REJECT: return .rejecting
        case PQPING_NO_RESPONSE: return .noResponse
        default: return .invalidParameters
        }
    }

    /// The libpq version linked in (`PQlibVersion`, e.g. 150018).
    public static var libpqVersion: Int { Int(PQlibVersion()) }
}

/// The answer of ``PostgresConnection/ping(_:)``.
public enum PingResult: Sendable, Hashable {
    /// The server accepts connections.
    case accepting
    /// The server is up but refuses connections (starting up, shutting down, in recovery without hot standby).
    case rejecting
    /// No server answered.
    case noResponse
    /// The connection parameters are invalid.
    case invalidParameters
}

/// Runs `operation`; if it has not finished after `duration`, cancels it (statements in flight get
/// `PQcancel`) and throws ``PostgresError`` with code `.timedOut`.
public func withDeadline<T: Sendable>(
    _ duration: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let deadlineFired = Flag()
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try? await Task.sleep(for: duration)
            if !Task.isCancelled { deadlineFired.set() }
            return nil
        }
        defer { group.cancelAll() }
        do {
            while let next = try await group.next() {
                if let value = next { return value }
                // The deadline passed: cancel the operation and wait for it to stop.
                group.cancelAll()
            }
        } catch {
            if deadlineFired.isSet {
                throw PostgresError(code: .timedOut, message: "deadline of \(duration) passed; the statement was cancelled")
            }
            throw error
        }
        throw PostgresError(code: .timedOut, message: "deadline of \(duration) passed")
    }
}

/// Session facts set once at connect, readable from any thread.
final class SessionInfo: @unchecked Sendable {
    private let lock = NSLock()
    private var version = 0
    private var pid: Int32 = 0
    func set(serverVersion: Int, backendPID: Int32) {
        lock.withLock {
            version = serverVersion
            pid = backendPID
        }
    }
    var serverVersion: Int { lock.withLock { version } }
    var backendPID: Int32 { lock.withLock { pid } }
}

/// A thread-safe boolean.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Holds the `PGcancel` object so any thread can cancel the running statement.
final class Canceller: @unchecked Sendable {
    private let lock = NSLock()
    private var pgCancel: OpaquePointer?
    private var requested = false

    func replace(with newValue: OpaquePointer?) {
        lock.withLock {
            if let pgCancel { PQfreeCancel(pgCancel) }
            pgCancel = newValue
        }
    }

    func cancel() {
        lock.withLock {
            requested = true
            guard let pgCancel else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(pgCancel, &buffer, Int32(buffer.count))
        }
    }

    /// Marks the start of a statement: a cancel requested from now on belongs to it.
    func beginStatement() {
        lock.withLock { requested = false }
    }

    /// Whether Slipway asked for a cancel since the current statement began (tells our cancels from
    /// `statement_timeout`, which uses the same SQLSTATE).
    var wasRequestedDuringStatement: Bool {
        lock.withLock { requested }
    }
}

/// Receives notices on the connection thread.
final class NoticeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [PostgresNotice] = []
    private var handler: (@Sendable (PostgresNotice) -> Void)?

    func receive(_ notice: PostgresNotice) {
        let handler = lock.withLock { self.handler }
        if let handler {
            handler(notice)
        } else {
            lock.withLock {
                pending.append(notice)
                if pending.count > 1000 { pending.removeFirst(pending.count - 1000) }
            }
        }
    }

    func take() -> [PostgresNotice] {
        lock.withLock {
            defer { pending = [] }
            return pending
        }
    }

    func setHandler(_ handler: (@Sendable (PostgresNotice) -> Void)?) {
        lock.withLock { self.handler = handler }
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the duration of the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) }
    pointers.append(nil)
    defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
    return body(pointers)
}

/// Like ``withCStringArray(_:_:)`` for parameter values, where `nil` stays a NULL pointer (SQL NULL).
func withOptionalCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    if strings.isEmpty { return body(nil) }
    let pointers: [UnsafePointer<CChar>?] = strings.map { $0.map { UnsafePointer(strdup($0)) } ?? nil }
    defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
    return body(pointers)
}
