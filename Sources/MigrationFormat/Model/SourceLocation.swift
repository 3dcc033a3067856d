/// A position in a migration file: the file's path and a 1-based line and column.
///
/// Columns count Unicode scalars, as the YAML parser does.
public struct SourceLocation: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The file's path as it was given to the decoder or loader.
    public var file: String
    /// Line number starting from 1.
    public var line: Int
    /// Column number starting from 1 (in Unicode scalars).
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}
