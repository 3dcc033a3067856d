/// The `slipway-lint:` directives of one text, resolved to the statements they cover.
struct Suppressions {
    private var fileWide: [SuppressionDirective] = []
    private var byStatement: [Int: [SuppressionDirective]] = [:]
    /// Rule ids named in directives that do not exist: (id, comment position, statement it covers).
    private(set) var unknownRuleIDs: [(String, SourcePosition, Int?)] = []

    init(statements: [SQLStatement], trailingComments: [SQLToken]) {
        for (k, statement) in statements.enumerated() {
            let previousEndLine = k > 0 ? statements[k - 1].end.line : 0
            for comment in statement.leadingComments {
                // A comment on the line where the previous statement ends belongs to that statement.
                let owner = (k > 0 && comment.start.line == previousEndLine) ? k - 1 : k
                add(comment, statement: owner)
            }
            for comment in statement.comments { add(comment, statement: k) }
        }
        let last = statements.last
        for comment in trailingComments {
            let owner = (last != nil && comment.start.line == last?.end.line) ? last?.index : nil
            add(comment, statement: owner)
        }
    }

    private mutating func add(_ comment: SQLToken, statement: Int?) {
        guard let directive = SuppressionDirective.parse(comment) else { return }
        for id in directive.ruleIDs where LintRule.named(id) == nil {
            unknownRuleIDs.append((id, comment.start, statement))
        }
        switch directive.scope {
        case .file:
            fileWide.append(directive)
        case .statement:
            if let statement { byStatement[statement, default: []].append(directive) }
        }
    }

    func suppresses(_ ruleID: String, statement: Int) -> Bool {
        if ruleID == LintRule.syntaxError.id { return false }
        for directive in fileWide where directive.suppresses(ruleID) { return true }
        for directive in byStatement[statement] ?? [] where directive.suppresses(ruleID) { return true }
        return false
    }
}
