/// The rows and metadata of one statement's result, fully read into memory.
public struct PostgresResult: Sendable, RandomAccessCollection {
    /// Column names in order.
    public let columns: [String]
    /// Column type OIDs in order.
    public let columnTypes: [UInt32]
    /// Values in text format, row-major; `nil` is SQL NULL.
    let values: [[String?]]
    /// The command tag (`INSERT 0 3`, `UPDATE 10`, `CREATE TABLE`…).
    public let commandTag: String
    /// Rows affected according to the command tag (`PQcmdTuples`), when it reports a count.
    public let affectedRows: Int?

    public init(columns: [String], columnTypes: [UInt32], values: [[String?]], commandTag: String, affectedRows: Int?) {
        self.columns = columns
        self.columnTypes = columnTypes
        self.values = values
        self.commandTag = commandTag
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }
    public subscript(position: Int) -> PostgresRow {
        PostgresRow(columns: columns, values: values[position], rowIndex: position)
    }
}

/// One row of a ``PostgresResult``.
public struct PostgresRow: Sendable {
    /// Column names in order.
    public let columns: [String]
    /// Values in text format; `nil` is SQL NULL.
    public let values: [String?]
    let rowIndex: Int

    /// The raw text of a column (nil for NULL).
    /// - Throws: ``PostgresError`` with code `.decoding` if there is no such column.
    public func text(_ column: String) throws -> String? {
        values[try index(of: column)]
    }

    /// Decodes a column that must not be NULL.
    /// - Throws: ``PostgresError`` (`.decoding`) naming the column if it is missing, NULL or not a valid `T`.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        let position = try index(of: column)
        guard let text = values[position] else {
            throw PostgresError(
                code: .decoding, message: "column \"\(column)\" (row \(rowIndex + 1)) is NULL; expected \(T.self)")
        }
        guard let value = T(postgresText: text) else {
            throw PostgresError(
                code: .decoding,
                message: "column \"\(column)\" (row \(rowIndex + 1)) value \(Self.excerpt(text)) is not a valid \(T.self)")
        }
        return value
    }

    /// Decodes a column that may be NULL.
    /// - Throws: ``PostgresError`` (`.decoding`) naming the column if it is missing or not a valid `T`.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T?.Type) throws -> T? {
        let position = try index(of: column)
        guard let text = values[position] else { return nil }
        guard let value = T(postgresText: text) else {
            throw PostgresError(
                code: .decoding,
                message: "column \"\(column)\" (row \(rowIndex + 1)) value \(Self.excerpt(text)) is not a valid \(T.self)")
        }
        return value
    }

    /// Decodes a column by position.
    public func decode<T: PostgresDecodable>(at position: Int, as type: T.Type = T.self) throws -> T {
        guard position >= 0 && position < columns.count else {
            throw PostgresError(code: .decoding, message: "no column at position \(position) (row has \(columns.count))")
        }
        return try decode(columns[position], as: T.self)
    }

    private func index(of column: String) throws -> Int {
        guard let position = columns.firstIndex(of: column) else {
            throw PostgresError(
                code: .decoding,
                message: "no column \"\(column)\" in result (columns: \(columns.joined(separator: ", ")))")
        }
        return position
    }

    private static func excerpt(_ text: String) -> String {
        text.count > 40 ? "'\(text.prefix(37))...'" : "'\(text)'"
    }
}

/// A notice, warning or other non-error message the server sent (`RAISE NOTICE`, …).
public struct PostgresNotice: Sendable, Hashable, CustomStringConvertible {
    public let fields: ServerErrorFields
    public init(fields: ServerErrorFields) { self.fields = fields }
    public var description: String { "\(fields.severity): \(fields.message)" }
}
