/// The output formats of `slipway lint --format`.
public enum LintOutputFormat: String, Sendable, Hashable, CaseIterable {
    /// `file:line:col: severity[rule-id]: message`, the safe alternative indented below, and a summary line.
    case text
    /// A JSON document: `{"version":1,"findings":[…],"summary":{…}}` (see docs/lint-rules.md#json-output).
    case json
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`).
    case github

    /// Renders `results` in this format. Pure: returns the whole output, ending with a newline.
    public func render(_ results: [LintResult]) -> String {
        switch self {
        case .text: LintRenderer.text(results)
        case .json: LintRenderer.json(results)
        case .github: LintRenderer.github(results)
        }
    }
}
