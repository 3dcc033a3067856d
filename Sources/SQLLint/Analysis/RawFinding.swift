/// A finding before configuration, suppression and position mapping are applied.
struct RawFinding {
    var rule: LintRule
    /// The statement it belongs to.
    var statementIndex: Int
    /// Where it points, in snippet coordinates.
    var position: SourcePosition
    var message: String
}
