/// Where an SQL snippet sits inside a containing file, so that findings point into that file.
///
/// Use it for `sql` operations embedded in YAML or JSON migrations: pass the line and column of the
/// snippet's first character in the containing file. For a YAML block scalar (`sql: |`), whose
/// continuation lines were indented in the file and had that indentation stripped, pass the number of
/// stripped characters as `continuationIndent`. For a JSON string with escaped newlines, positions on
/// the snippet's later lines can only be approximate (JSON has one physical line); pass the string's
/// position and leave `continuationIndent` at 0.
public struct SnippetOrigin: Sendable, Hashable {
    /// 1-based line of the snippet's first character in the containing file.
    public var line: Int
    /// 1-based column (in characters) of the snippet's first character in the containing file.
    public var column: Int
    /// Characters of indentation stripped from each continuation line (line 2 onwards) of the snippet.
    public var continuationIndent: Int
    /// Byte offset of the snippet's first byte in the containing file (exact only when nothing was stripped).
    public var offset: Int

    /// Creates an origin.
    public init(line: Int, column: Int, continuationIndent: Int = 0, offset: Int = 0) {
        self.line = line
        self.column = column
        self.continuationIndent = continuationIndent
        self.offset = offset
    }

    /// A standalone file: positions are unchanged.
    public static let fileStart = SnippetOrigin(line: 1, column: 1)

    /// Maps a position inside the snippet to the containing file.
    public func map(_ position: SourcePosition) -> SourcePosition {
        if position.line == 1 {
            return SourcePosition(offset: offset + position.offset, line: line, column: column + position.column - 1)
        }
        return SourcePosition(
            offset: offset + position.offset,
            line: line + position.line - 1,
            column: continuationIndent + position.column
        )
    }
}
