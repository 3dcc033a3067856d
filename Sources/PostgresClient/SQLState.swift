/// A five-character SQLSTATE error code (`55P03`, `23505`, …) with names for the ones Slipway acts on.
public struct SQLState: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The five-character code.
    public let code: String

    public init(_ code: String) { self.code = code }
    public init(stringLiteral value: String) { self.code = value }

    public var description: String { code }

    /// The error class: the first two characters (`23` integrity constraint violation, …).
    public var errorClass: String { String(code.prefix(2)) }

    public static let successfulCompletion: SQLState = "00000"
    public static let uniqueViolation: SQLState = "23505"
    public static let foreignKeyViolation: SQLState = "23503"
    public static let notNullViolation: SQLState = "23502"
    public static let checkViolation: SQLState = "23514"
    public static let exclusionViolation: SQLState = "23P01"
    public static let invalidTextRepresentation: SQLState = "22P02"
    public static let syntaxError: SQLState = "42601"
    public static let undefinedTable: SQLState = "42P01"
    public static let undefinedColumn: SQLState = "42703"
    public static let undefinedFunction: SQLState = "42883"
    public static let undefinedObject: SQLState = "42704"
    public static let duplicateTable: SQLState = "42P07"
    public static let duplicateColumn: SQLState = "42701"
    public static let duplicateObject: SQLState = "42710"
    public static let duplicateSchema: SQLState = "42P06"
    public static let duplicateDatabase: SQLState = "42P04"
    public static let insufficientPrivilege: SQLState = "42501"
    public static let lockNotAvailable: SQLState = "55P03"
    public static let objectInUse: SQLState = "55006"
    public static let queryCanceled: SQLState = "57014"
    public static let adminShutdown: SQLState = "57P01"
    public static let crashShutdown: SQLState = "57P02"
    public static let cannotConnectNow: SQLState = "57P03"
    public static let deadlockDetected: SQLState = "40P01"
    public static let serializationFailure: SQLState = "40001"
    public static let idleInTransactionSessionTimeout: SQLState = "25P03"
    public static let activeSQLTransaction: SQLState = "25001"
    public static let inFailedSQLTransaction: SQLState = "25P02"
    public static let connectionFailure: SQLState = "08006"
    public static let invalidPassword: SQLState = "28P01"
    public static let invalidAuthorization: SQLState = "28000"
    public static let invalidCatalogName: SQLState = "3D000"
}
