/// `sql`: the raw-SQL escape hatch. File keys: `up`\*, `down`, `onComplete`.
///
/// Runs `up` at start (or at complete with `onComplete`), `down` on rollback. `onComplete` cannot be
/// combined with `down`, and an operation without `onComplete` must be the only one of its migration.
/// A plain `.sql` file decodes to one operation of this kind.
public struct RawSQLOperation: Sendable, Equatable, Hashable {
    /// The SQL to run, exactly as written.
    public var up: String
    /// The SQL undoing it on rollback.
    public var down: String?
    /// Run at complete instead of at start (default `false`).
    public var onComplete: Bool

    /// Creates the operation.
    public init(up: String, down: String? = nil, onComplete: Bool = false) {
        self.up = up
        self.down = down
        self.onComplete = onComplete
    }
}
