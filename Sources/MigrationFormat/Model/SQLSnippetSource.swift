/// Where a SQL snippet (such as `sql.up`) was written, to map positions inside it back to the file.
///
/// How to map: for ``Style-swift.enum/literal`` and ``Style-swift.enum/sqlFile`` snippets, line `k`
/// (0-based) of the snippet is file line `contentStart.line + k`, and column `c` (1-based) of it is file
/// column `c + indentation`. For single-line plain and quoted scalars, column `c` of the snippet is file
/// column `contentStart.column + c - 1` (quoted scalars with escapes may be off by the escapes' length).
/// Folded and multi-line flow scalars join lines, so positions in them are approximate.
public struct SQLSnippetSource: Sendable, Equatable, Hashable {
    /// How the scalar was written.
    public enum Style: String, Sendable, Hashable, Codable {
        /// A plain (unquoted) scalar.
        case plain
        /// `'…'`.
        case singleQuoted
        /// `"…"`.
        case doubleQuoted
        /// A `|` block scalar.
        case literal
        /// A `>` block scalar.
        case folded
        /// The body of a plain `.sql` file.
        case sqlFile
    }

    /// The position of the scalar's first character in the file (for block scalars, the `|`/`>`
    /// indicator; for quoted scalars, the opening quote).
    public var location: SourceLocation
    /// The position of the first character of the snippet's text.
    public var contentStart: SourceLocation
    /// The scalar's style.
    public var style: Style
    /// For block scalars, the number of indentation columns stripped from each line; 0 otherwise.
    public var indentation: Int

    /// Whether the snippet was written as a `|` or `>` block scalar.
    public var isBlockScalar: Bool { style == .literal || style == .folded }

    /// Creates a snippet source.
    public init(location: SourceLocation, contentStart: SourceLocation, style: Style, indentation: Int = 0) {
        self.location = location
        self.contentStart = contentStart
        self.style = style
        self.indentation = indentation
    }
}
