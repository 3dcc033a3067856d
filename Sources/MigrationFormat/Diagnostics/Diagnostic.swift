/// A problem found while reading migration files, with the file, line, column and key path it concerns.
///
/// ``description`` is one line: `file:line:column: error: message (at key path)`; ``detailedDescription``
/// adds the hint. The type is `Codable` (snake_case keys) for `--format json` output.
public struct Diagnostic: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// The file cannot be used.
        case error
        /// The file can be used, but something is probably wrong.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// What kind of problem this is.
    public var code: Code
    /// The file's path.
    public var file: String
    /// 1-based line; `nil` when the problem concerns the file as a whole (e.g. it cannot be read).
    public var line: Int?
    /// 1-based column (Unicode scalars); `nil` with ``line``.
    public var column: Int?
    /// The key path, e.g. `operations[2].alter_column.references.on_delete`; empty at file level.
    public var keyPath: String
    /// What is wrong.
    public var message: String
    /// What to do about it, if there is something useful to say.
    public var hint: String?

    /// Creates a diagnostic.
    public init(
        severity: Severity = .error, code: Code, file: String, line: Int?, column: Int?, keyPath: String = "",
        message: String, hint: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    /// Creates a diagnostic at a location.
    public init(
        severity: Severity = .error, code: Code, at location: SourceLocation, keyPath: String = "",
        message: String, hint: String? = nil
    ) {
        self.init(
            severity: severity, code: code, file: location.file, line: location.line, column: location.column,
            keyPath: keyPath, message: message, hint: hint)
    }

    /// `file:line:column: error: message (at key path)`.
    public var description: String {
        var position = file
        if let line {
            position += ":\(line)"
            if let column { position += ":\(column)" }
        }
        let suffix = keyPath.isEmpty ? "" : " (at \(keyPath))"
        return "\(position): \(severity.rawValue): \(message)\(suffix)"
    }

    /// ``description`` followed by the hint on its own indented line, if there is one.
    public var detailedDescription: String {
        guard let hint else { return description }
        return description + "\n    hint: " + hint
    }

    enum CodingKeys: String, CodingKey {
        case severity, code, file, line, column
        case keyPath = "key_path"
        case message, hint
    }
}
