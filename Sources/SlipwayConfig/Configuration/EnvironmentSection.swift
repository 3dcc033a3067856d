/// `[environments.NAME]`: a deploy target with its own connection and policy.
///
/// `lock`, `backfill` and `backup` are the effective settings for this environment: the top-level sections
/// with this environment's `[environments.NAME.lock]` (etc.) keys applied over them.
public struct EnvironmentSection: Sendable, Hashable {
    /// The keys `[environments.NAME]` accepts.
    public static let keys = [
        "url_env", "service", "url", "schema", "backup_required", "auto_complete", "plan_gate", "health_check",
        "health_query", "health_timeout", "allowed_roles", "lock", "backfill", "backup",
    ]

    /// The environments that require a backup before a deploy unless they say otherwise.
    public static let productionNames: Set<String> = ["production", "prod"]

    /// How plan findings gate a deploy to this environment.
    public enum PlanGate: String, Sendable, Hashable, CaseIterable {
        /// The plan is shown, never blocks.
        case none
        /// Warnings and errors block the deploy.
        case warning
        /// Errors block the deploy.
        case error
    }

    /// The environment's name (the `NAME` in `[environments.NAME]`).
    public var name: String
    /// Where the table is defined in the file.
    public var position: SourcePosition?
    /// The variable holding this environment's connection URL (`url_env`).
    public var urlEnvironmentVariable: String?
    /// A libpq service name (`service`).
    public var service: String?
    /// A connection URL or keyword string without a password (`url`).
    public var url: String?
    /// The target schema for this environment (`schema`; default: the top-level `schema`).
    public var schema: String?
    /// Refuse to deploy without a verified backup (`backup_required`; default true for `production`/`prod`).
    public var backupRequired: Bool
    /// Whether `deploy` completes migrations after the health gate (`auto_complete`, default true).
    public var autoComplete: Bool = true
    /// Which plan findings block a deploy (`plan_gate`, default `none`).
    public var planGate: PlanGate = .none
    /// A shell command that must exit 0 after start and before complete (`health_check`).
    public var healthCheck: String?
    /// A SQL query run against the new version's schema after start and before complete (`health_query`); it
    /// passes when it returns a row whose first column is true (or a non-zero number).
    public var healthQuery: String?
    /// How long the health check and the health query may each take (`health_timeout`, default 60s).
    public var healthTimeout: Duration = .seconds(60)
    /// Database roles allowed to deploy here; empty = any (`allowed_roles`).
    public var allowedRoles: [String] = []
    /// Effective lock settings (top-level `[lock]` + `[environments.NAME.lock]`).
    public var lock: LockSection
    /// Effective backfill settings (top-level `[backfill]` + `[environments.NAME.backfill]`).
    public var backfill: BackfillSection
    /// Effective backup settings (top-level `[backup]` + `[environments.NAME.backup]`).
    public var backup: BackupSection

    /// Creates an environment with the defaults, inheriting the given top-level sections.
    public init(name: String, lock: LockSection = LockSection(), backfill: BackfillSection = BackfillSection(), backup: BackupSection = BackupSection()) {
        self.name = name
        self.backupRequired = Self.productionNames.contains(name)
        self.lock = lock
        self.backfill = backfill
        self.backup = backup
    }

    /// Whether the section says anything about the connection.
    public var hasConnection: Bool { urlEnvironmentVariable != nil || service != nil || url != nil }
}
