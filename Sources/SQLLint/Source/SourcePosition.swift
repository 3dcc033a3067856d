/// A position in SQL source text.
///
/// `offset` counts UTF-8 bytes from the start of the text (0-based); `line` and `column` are 1-based, and
/// `column` counts characters (Unicode scalar values), not bytes, so it matches what an editor shows.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    // Stored as 32-bit integers (a token carries two positions; this halves the token array of a large file).
    private var storedOffset: Int32
    private var storedLine: Int32
    private var storedColumn: Int32

    /// Byte offset from the start of the text, 0-based.
    public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = Int32(clamping: newValue) }
    }
    /// Line number, 1-based.
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }
    /// Column number in characters, 1-based.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    /// Creates a position. Values are clamped to 32 bits (texts over 2 GiB are not supported).
    public init(offset: Int, line: Int, column: Int) {
        storedOffset = Int32(clamping: offset)
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    /// The start of a text.
    public static let start = SourcePosition(offset: 0, line: 1, column: 1)

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column, lhs.offset) < (rhs.line, rhs.column, rhs.offset)
    }
}
