/// What `pg_index` says about an index, for resume and rollback of concurrent builds.
public enum IndexState: Sendable, Hashable, CustomStringConvertible {
    /// No index of that name exists in the schema.
    case absent
    /// The index exists and is valid (`pg_index.indisvalid`): the planner uses it and constraints may use it.
    case valid
    /// The index exists but is INVALID: a concurrent build failed or was interrupted. It costs writes and
    /// serves no query; drop it (``LockSafeExecutor/dropInvalidIndex(schema:name:)``) and build it again.
    case invalid
    /// The index is INVALID because a concurrent build of it is running right now (it shows in
    /// `pg_stat_progress_create_index`); `pid` is the building session.
    case building(pid: Int32)

    public var description: String {
        switch self {
        case .absent: "absent"
        case .valid: "valid"
        case .invalid: "INVALID"
        case .building(let pid): "being built by pid \(pid)"
        }
    }
}
