/// Splits PostgreSQL text into statements the way psql does: at `;` outside parentheses, quotes,
/// comments and `BEGIN ATOMIC … END` function bodies; and tracks explicit transaction blocks.
public struct SQLStatementSplitter: Sendable {
    /// The outcome of splitting leniently.
    public struct Output: Sendable {
        /// Every complete statement before the first malformed construct (all of them when there is none).
        public var statements: [SQLStatement]
        /// Comments that belong to no statement (after the last one).
        public var trailingComments: [SQLToken]
        /// The first malformed construct, if any.
        public var error: SQLLintError?
    }

    /// Creates a splitter.
    public init() {}

    /// Splits `sql` into statements.
    ///
    /// - Throws: ``SQLLintError`` when the text cannot be tokenized (see ``SQLTokenizer/tokenize(_:)``).
    ///   Empty statements (`;;`) and psql meta-commands are skipped, not errors.
    public func split(_ sql: String) throws(SQLLintError) -> [SQLStatement] {
        let output = splitLeniently(sql)
        if let error = output.error { throw error }
        return output.statements
    }

    /// Splits `sql`, keeping the statements before the first malformed construct and reporting it
    /// instead of throwing. The unfinished statement the error interrupts is dropped.
    public func splitLeniently(_ sql: String) -> Output {
        let tokenized = SQLTokenizer().tokenizeLeniently(sql)
        return split(tokens: tokenized.tokens, error: tokenized.error)
    }

    /// Splits an already tokenized text.
    public func split(tokens allTokens: [SQLToken], error: SQLLintError? = nil) -> Output {
        var builder = Builder(tokens: allTokens)
        builder.statements.reserveCapacity(allTokens.count / 8 + 1)
        var index = 0
        for token in allTokens {
            builder.consume(token, at: index)
            index += 1
        }
        if error == nil {
            builder.finish(terminator: nil)
        }
        return Output(statements: builder.statements, trailingComments: builder.leading + builder.comments, error: error)
    }

    /// The splitting state machine. Code tokens are copied into a statement in one slice copy when no
    /// comment interrupts them (the common case), token by token otherwise.
    private struct Builder {
        let tokens: [SQLToken]
        var statements: [SQLStatement] = []
        var comments: [SQLToken] = []
        var leading: [SQLToken] = []
        /// Index of the statement's first and last code token in `tokens`.
        var firstCode = -1
        var lastCode = -1
        /// Code tokens so far, and whether a comment or meta-command sits between them.
        var codeCount = 0
        var interrupted = false
        var depth = 0
        var atomicDepth = 0
        var inBlock = false

        init(tokens: [SQLToken]) { self.tokens = tokens }

        mutating func consume(_ token: SQLToken, at index: Int) {
            switch token.kind {
            case .lineComment, .blockComment:
                if codeCount == 0 { leading.append(token) } else { comments.append(token); interrupted = true }
                return
            case .psqlMetaCommand:
                if codeCount > 0 { interrupted = true }
                return
            case .semicolon where depth == 0 && atomicDepth == 0:
                finish(terminator: token)
                return
            case .leftParen, .leftBracket:
                depth += 1
            case .rightParen, .rightBracket:
                depth = max(0, depth - 1)
            case .word:
                if atomicDepth > 0 {
                    if token.value == "case" || token.value == "begin" {
                        atomicDepth += 1
                    } else if token.value == "end" {
                        atomicDepth -= 1
                    }
                } else if token.value == "atomic", codeCount > 2, tokens[lastCode].isWord("begin"),
                    SQLStatementSplitter.isRoutineDefinition(codeTokens().prefix(4)) {
                    atomicDepth = 1
                }
            default:
                break
            }
            if codeCount == 0 { firstCode = index }
            lastCode = index
            codeCount += 1
        }

        /// The statement's code tokens so far.
        func codeTokens() -> [SQLToken] {
            guard codeCount > 0 else { return [] }
            if !interrupted { return Array(tokens[firstCode...lastCode]) }
            var code: [SQLToken] = []
            code.reserveCapacity(codeCount)
            for token in tokens[firstCode...lastCode] {
                switch token.kind {
                case .lineComment, .blockComment, .psqlMetaCommand: continue
                default: code.append(token)
                }
            }
            return code
        }

        mutating func finish(terminator: SQLToken?) {
            guard codeCount > 0 else {
                // Nothing but comments before this `;`: keep them as leading comments of the next statement.
                leading.append(contentsOf: comments)
                comments.removeAll(keepingCapacity: true)
                return
            }
            let code = codeTokens()
            let control = SQLStatementSplitter.transactionControl(of: code)
            let inside = control == .begin ? false : inBlock
            statements.append(SQLStatement(
                index: statements.count, tokens: code, comments: comments, leadingComments: leading,
                start: tokens[firstCode].start, end: terminator?.end ?? tokens[lastCode].end,
                isTerminated: terminator != nil, isInTransactionBlock: inside, transactionControl: control
            ))
            switch control {
            case .begin: inBlock = true
            case .commit, .rollback: inBlock = false
            case nil: break
            }
            if !comments.isEmpty { comments = [] }
            if !leading.isEmpty { leading = [] }
            codeCount = 0
            interrupted = false
            depth = 0
            atomicDepth = 0
        }
    }

    fileprivate static func isRoutineDefinition(_ code: ArraySlice<SQLToken>) -> Bool {
        guard let first = code.first, first.isWord("create") else { return false }
        var i = code.startIndex + 1
        if i < code.endIndex, code[i].isWord("or"), i + 1 < code.endIndex, code[i + 1].isWord("replace") { i += 2 }
        return i < code.endIndex && (code[i].isWord("function") || code[i].isWord("procedure"))
    }

    static func transactionControl(of code: [SQLToken]) -> TransactionControl? {
        guard let first = code.first, first.kind == .word else { return nil }
        let second = code.count > 1 && code[1].kind == .word ? code[1].value : ""
        switch first.value {
        case "begin":
            return .begin
        case "start":
            return second == "transaction" ? .begin : nil
        case "commit":
            return second == "prepared" ? nil : .commit
        case "end":
            return .commit
        case "prepare":
            return second == "transaction" ? .commit : nil
        case "abort":
            return .rollback
        case "rollback":
            if second == "prepared" { return nil }
            for token in code.dropFirst() where token.isWord("to") { return nil }
            return .rollback
        default:
            return nil
        }
    }
}
