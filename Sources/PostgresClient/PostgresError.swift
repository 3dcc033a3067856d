/// An error from PostgreSQL or from talking to it.
///
/// Shaped like NIO's `FileSystemError`: a ``Code`` saying what kind of failure it is, a message, every
/// field the server sent (SQLSTATE, severity, detail, hint, position, schema/table/column/constraint…),
/// the statement that failed and where that statement came from (for example a migration file and line).
/// ``description`` is one line and always includes the server's own message; ``detailedDescription``
/// adds every field for `--verbose`. Passwords never appear in either.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case connectionFailed, connectionClosed, server, cancelled, timedOut, decoding, protocolViolation,
                invalidArgument
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// Could not connect (server down, wrong socket, authentication failed, …).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection was lost or already closed.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server reported an error; see ``PostgresError/serverError``.
        public static let server = Code(.server)
        /// The statement was cancelled by Slipway (task cancellation or ``PostgresConnection/cancel()``).
        public static let cancelled = Code(.cancelled)
        /// A deadline set by Slipway passed.
        public static let timedOut = Code(.timedOut)
        /// A result value could not be decoded to the requested Swift type.
        public static let decoding = Code(.decoding)
        /// libpq returned something unexpected.
        public static let protocolViolation = Code(.protocolViolation)
        /// An argument was invalid (for example a string containing a NUL byte).
        public static let invalidArgument = Code(.invalidArgument)

        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The primary message (already free of passwords).
    public var message: String
    /// Every field the server sent, when the server reported the error.
    public var serverError: ServerErrorFields?
    /// The statement that failed, if any.
    public var statement: String?
    /// Where the statement came from (for example `migrations/0007.yaml:12 operations[0]`).
    public var origin: String?

    public init(
        code: Code, message: String, serverError: ServerErrorFields? = nil, statement: String? = nil,
        origin: String? = nil
    ) {
        self.code = code
        self.message = message
        self.serverError = serverError
        self.statement = statement
        self.origin = origin
    }

    /// The SQLSTATE, when the server sent one.
    public var sqlState: SQLState? { serverError?.sqlState }

    /// True for SQLSTATE 55P03 (`lock_timeout` fired or `NOWAIT` failed).
    public var isLockTimeout: Bool { sqlState == .lockNotAvailable }

    /// Returns a copy that records where the failing statement came from.
    public func withOrigin(_ origin: String) -> PostgresError {
        var copy = self
        copy.origin = origin
        return copy
    }

    public var description: String {
        var text: String
        if let server = serverError {
            text = "\(server.severity) \(server.sqlState.code): \(message)"
        } else {
            text = message
        }
        if let origin { text += " (at \(origin))" }
        if let statement {
            let oneLine = statement.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
            let short = oneLine.count > 160 ? String(oneLine.prefix(157)) + "..." : oneLine
            text += " — statement: \(short)"
        }
        return text
    }

    /// Every field, one per line, for `--verbose`.
    public var detailedDescription: String {
        var lines = ["\(code): \(message)"]
        if let server = serverError {
            lines.append("  severity: \(server.severity)")
            lines.append("  sqlstate: \(server.sqlState)")
            let optional: [(String, String?)] = [
                ("detail", server.detail), ("hint", server.hint), ("position", server.position.map(String.init)),
                ("internal position", server.internalPosition.map(String.init)),
                ("internal query", server.internalQuery), ("context", server.context), ("schema", server.schema),
                ("table", server.table), ("column", server.column), ("data type", server.dataType),
                ("constraint", server.constraint), ("source", server.sourceLocation),
            ]
            for (label, value) in optional { if let value { lines.append("  \(label): \(value)") } }
        }
        if let origin { lines.append("  origin: \(origin)") }
        if let statement { lines.append("  statement: \(statement)") }
        return lines.joined(separator: "\n")
    }
}

/// Every field of a server error or notice (`PQresultErrorField`).
public struct ServerErrorFields: Sendable, Hashable {
    /// Localised severity (`ERROR`, `FATAL`, `WARNING`, `NOTICE`, …).
    public var severity: String
    /// The SQLSTATE code.
    public var sqlState: SQLState
    /// The primary message.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position of the error in the statement.
    public var position: Int?
    public var internalPosition: Int?
    public var internalQuery: String?
    public var context: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    public var dataType: String?
    public var constraint: String?
    /// The server source file, line and function (`lock.c:123 LockAcquire`).
    public var sourceLocation: String?

    public init(
        severity: String, sqlState: SQLState, message: String, detail: String? = nil, hint: String? = nil,
        position: Int? = nil, internalPosition: Int? = nil, internalQuery: String? = nil, context: String? = nil,
        schema: String? = nil, table: String? = nil, column: String? = nil, dataType: String? = nil,
        constraint: String? = nil, sourceLocation: String? = nil
    ) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.internalPosition = internalPosition
        self.internalQuery = internalQuery
        self.context = context
        self.schema = schema
        self.table = table
        self.column = column
        self.dataType = dataType
        self.constraint = constraint
        self.sourceLocation = sourceLocation
    }
}
