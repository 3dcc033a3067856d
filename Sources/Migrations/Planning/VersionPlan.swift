/// Everything Slipway will do for one version (one or more migration files started together).
public struct VersionPlan: Sendable, Codable, Hashable {
    /// The target schema (`public`).
    public var schema: String
    /// The version's name (the last file's name, or its `version_schema`).
    public var version: String
    /// The version schema applications switch to (`public_0001_add_status`).
    public var versionSchema: String
    /// The previous version's schema, dropped at complete (nil for the first version).
    public var previousVersionSchema: String?
    /// The migration files in this version, in order.
    public var migrations: [String]
    /// Expand + backfill + validate.
    public var start: [MigrationStep]
    /// Contract.
    public var complete: [MigrationStep]
    /// Non-fatal findings (a `down` that does not compile, …).
    public var warnings: [String]

    /// Rollback steps for a start that reached `cursor` (steps before it completed; the step at `cursor`
    /// may be partly done): the undo steps of each, last first.
    public func rollbackSteps(startCursor: Int) -> [MigrationStep] {
        var steps: [MigrationStep] = []
        let reached = min(startCursor, start.count - 1)
        guard reached >= 0 else { return [] }
        for index in stride(from: reached, through: 0, by: -1) {
            let step = start[index]
            let completed = index < startCursor
            for undo in step.undo.reversed() where completed || !undo.undoOnlyIfCompleted {
                steps.append(undo)
            }
        }
        return steps
    }
}

/// An error found while planning or running a migration: what, where, and what to do.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable, Codable {
        /// The migration does not fit the database (missing table, name clash, bad expression): nothing changed.
        case invalidMigration
        /// A checksum mismatch, out-of-order file or other history problem.
        case history
        /// Another runner holds the lock.
        case busy
        /// Wrong phase for the command (nothing active to complete, …).
        case wrongPhase
        /// A statement failed while running.
        case execution
        /// Lock attempts exhausted.
        case lockTimeout
        /// Nothing to do.
        case nothingToDo
    }

    public var kind: Kind
    public var message: String
    /// file:line and key path, or the table/statement.
    public var origin: String?
    public var hint: String?
    /// The underlying error (for --verbose).
    public var underlying: String?

    public init(_ kind: Kind, _ message: String, origin: String? = nil, hint: String? = nil, underlying: String? = nil) {
        self.kind = kind
        self.message = message
        self.origin = origin
        self.hint = hint
        self.underlying = underlying
    }

    public var description: String {
        if let origin { return "\(origin): \(message)" }
        return message
    }
}
