/// A TOML value with the position where it starts in the document.
public struct TOMLValue: Sendable, Equatable, CustomStringConvertible {
    /// The value itself.
    public enum Kind: Sendable, Equatable {
        /// A string of any of the four string forms, escapes resolved.
        case string(String)
        /// A 64-bit signed integer (decimal, hexadecimal, octal or binary in the source).
        case integer(Int64)
        /// A 64-bit float, including `inf` and `nan`.
        case float(Double)
        /// `true` or `false`.
        case boolean(Bool)
        /// A date, time or date-time.
        case dateTime(TOMLDateTime)
        /// An array (a value array, or an array of tables from `[[…]]` headers).
        case array([TOMLValue])
        /// A table (from a header, dotted keys or an inline table).
        case table(TOMLTable)
    }

    /// The value itself.
    public var kind: Kind
    /// Where the value starts: its first character, or for a table defined by a header or dotted keys, its key.
    public var position: SourcePosition

    /// Creates a value.
    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The TOML type name: `string`, `integer`, `float`, `boolean`, `date-time`, `array` or `table`.
    public var typeName: String {
        switch kind {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .dateTime: "date-time"
        case .array: "array"
        case .table: "table"
        }
    }

    /// The string, if this is a string.
    public var stringValue: String? { if case .string(let value) = kind { value } else { nil } }
    /// The integer, if this is an integer.
    public var integerValue: Int64? { if case .integer(let value) = kind { value } else { nil } }
    /// The float, if this is a float.
    public var floatValue: Double? { if case .float(let value) = kind { value } else { nil } }
    /// The boolean, if this is a boolean.
    public var booleanValue: Bool? { if case .boolean(let value) = kind { value } else { nil } }
    /// The date/time, if this is one.
    public var dateTimeValue: TOMLDateTime? { if case .dateTime(let value) = kind { value } else { nil } }
    /// The elements, if this is an array.
    public var arrayValue: [TOMLValue]? { if case .array(let value) = kind { value } else { nil } }
    /// The table, if this is a table.
    public var tableValue: TOMLTable? { if case .table(let value) = kind { value } else { nil } }

    /// A short TOML-like rendering for messages (strings quoted, long values shortened).
    public var description: String {
        let text: String
        switch kind {
        case .string(let value): text = "\"" + value + "\""
        case .integer(let value): text = String(value)
        case .float(let value): text = value.isNaN ? "nan" : value.isInfinite ? (value < 0 ? "-inf" : "inf") : String(value)
        case .boolean(let value): text = String(value)
        case .dateTime(let value): text = value.text
        case .array(let values): text = "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .table(let table):
            text = "{ " + table.entries.map { "\($0.key) = \($0.value.description)" }.joined(separator: ", ") + " }"
        }
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
