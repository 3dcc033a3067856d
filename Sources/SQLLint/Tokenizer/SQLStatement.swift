/// One SQL statement of a multi-statement text, with its comments and transaction context.
public struct SQLStatement: Sendable, Hashable {
    /// 0-based index among the statements of the text.
    public var index: Int
    /// The statement's code tokens (no comments, no terminating `;`).
    public var tokens: [SQLToken]
    /// Comments between the statement's first token and its terminating `;`.
    public var comments: [SQLToken]
    /// Comments between the previous statement's `;` and this statement's first token.
    public var leadingComments: [SQLToken]
    /// Position of the first code token.
    public var start: SourcePosition
    /// Position just past the last code token (or the terminating `;`, when there is one).
    public var end: SourcePosition
    /// Whether a `;` terminates the statement (the last statement of a text may lack one).
    public var isTerminated: Bool
    /// Whether the statement runs inside an explicit `BEGIN`/`START TRANSACTION` … `COMMIT` block.
    /// A `COMMIT`/`ROLLBACK` closing a block counts as inside it; the opening `BEGIN` does not.
    public var isInTransactionBlock: Bool
    /// Set when the statement opens or closes a transaction block.
    public var transactionControl: TransactionControl?

    /// Creates a statement.
    public init(
        index: Int, tokens: [SQLToken], comments: [SQLToken], leadingComments: [SQLToken],
        start: SourcePosition, end: SourcePosition, isTerminated: Bool,
        isInTransactionBlock: Bool, transactionControl: TransactionControl?
    ) {
        self.index = index
        self.tokens = tokens
        self.comments = comments
        self.leadingComments = leadingComments
        self.start = start
        self.end = end
        self.isTerminated = isTerminated
        self.isInTransactionBlock = isInTransactionBlock
        self.transactionControl = transactionControl
    }

    /// The statement's source text (from its first token to its end), sliced out of the text it was split from.
    public func text(in source: String) -> Substring {
        let utf8 = source.utf8
        guard start.offset <= end.offset, end.offset <= utf8.count else { return "" }
        let lower = utf8.index(utf8.startIndex, offsetBy: start.offset)
        let upper = utf8.index(lower, offsetBy: end.offset - start.offset)
        return source[lower..<upper]
    }
}
