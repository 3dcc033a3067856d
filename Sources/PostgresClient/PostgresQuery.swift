/// A parameterised statement. String interpolation of a value becomes a bound parameter (`$1`, `$2`, …);
/// interpolating an identifier quotes it; nothing else ever reaches the SQL text.
///
/// ```swift
/// let rows = try await connection.query("SELECT id FROM \(identifier: table) WHERE status = \(status)")
/// ```
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text with `$n` placeholders.
    public var sql: String
    /// The parameter values, in text format (`nil` is SQL NULL).
    public var parameters: [String?]
    /// The parameter type OIDs (0 lets the server infer the type).
    public var parameterTypes: [UInt32]

    /// A statement with explicit parameters.
    public init(_ sql: String, parameters: [any PostgresEncodable] = []) {
        self.sql = sql
        self.parameters = parameters.map { $0.postgresText }
        self.parameterTypes = parameters.map { type(of: $0).postgresTypeOID }
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.parameters = stringInterpolation.parameters
        self.parameterTypes = stringInterpolation.parameterTypes
    }

    public var description: String { sql }

    /// Builds the SQL text and its bound parameters.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var parameters: [String?] = []
        var parameterTypes: [UInt32] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            parameters.append(value.postgresText)
            parameterTypes.append(Value.postgresTypeOID)
            sql += "$\(parameters.count)"
        }

        /// Binds an optional value as the next parameter (`nil` is SQL NULL).
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parameters.append(value?.postgresText ?? nil)
            parameterTypes.append(Value.postgresTypeOID)
            sql += "$\(parameters.count)"
        }

        /// Binds a value as the next parameter with an explicit cast, e.g. `\(names, as: "text[]")`.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value, as castType: String) {
            parameters.append(value.postgresText)
            parameterTypes.append(0)
            sql += "$\(parameters.count)::\(castType)"
        }

        /// Inserts a quoted identifier (`"my ""table"""`).
        public mutating func appendInterpolation(identifier: String) {
            sql += PostgresIdentifier.quote(identifier)
        }

        /// Inserts a schema-qualified, quoted name (`"schema"."table"`).
        public mutating func appendInterpolation(qualified schema: String, _ name: String) {
            sql += PostgresIdentifier.qualified(schema, name)
        }

        /// Inserts a quoted string literal, for the few places where the grammar takes no parameter
        /// (`SET lock_timeout = '5s'`, `COMMENT ON … IS '…'`).
        public mutating func appendInterpolation(literal: String) {
            sql += PostgresIdentifier.quoteLiteral(literal)
        }

        /// Inserts SQL text as written. Use only for SQL that Slipway generated itself or that a user
        /// wrote in a migration file; never for values.
        public mutating func appendInterpolation(unsafeRaw text: String) {
            sql += text
        }
    }
}

/// The one audited place where names and literals are quoted for SQL text.
public enum PostgresIdentifier {
    /// Quotes an identifier: wraps it in double quotes and doubles embedded double quotes.
    /// A NUL character, which PostgreSQL cannot store, is removed.
    public static func quote(_ identifier: String) -> String {
        var result = "\""
        result.reserveCapacity(identifier.utf8.count + 2)
        for scalar in identifier.unicodeScalars where scalar != "\0" {
            if scalar == "\"" { result += "\"\"" } else { result.unicodeScalars.append(scalar) }
        }
        result += "\""
        return result
    }

    /// `"schema"."name"`.
    public static func qualified(_ schema: String, _ name: String) -> String {
        quote(schema) + "." + quote(name)
    }

    /// Quotes a string literal. Uses the standard form (`'it''s'`); when the text contains a backslash the
    /// escape-string form (`E'a\\b'`) keeps its meaning independent of `standard_conforming_strings`.
    public static func quoteLiteral(_ text: String) -> String {
        var body = ""
        var hasBackslash = false
        for scalar in text.unicodeScalars where scalar != "\0" {
            switch scalar {
            case "'": body += "''"
            case "\\":
                hasBackslash = true
                body += "\\\\"
            default: body.unicodeScalars.append(scalar)
            }
        }
        return (hasBackslash ? "E'" : "'") + body + "'"
    }
}
