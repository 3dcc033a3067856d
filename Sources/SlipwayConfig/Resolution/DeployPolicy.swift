/// The per-environment deploy policy in effect (without a selected environment: the permissive defaults).
public struct DeployPolicy: Sendable, Hashable {
    /// Refuse to deploy without a verified backup.
    public var backupRequired: Bool = false
    /// Complete migrations automatically after the health gate.
    public var autoComplete: Bool = true
    /// Which plan findings block the deploy.
    public var planGate: EnvironmentSection.PlanGate = .none
    /// The health-check shell command, if any.
    public var healthCheck: String?
    /// The health SQL query, if any (run with `search_path` set to the new version's schema).
    public var healthQuery: String?
    /// How long the health check and the health query may each take.
    public var healthTimeout: Duration = .seconds(60)
    /// Roles allowed to deploy; empty = any.
    public var allowedRoles: [String] = []

    /// The defaults used when no environment is selected.
    public init() {}

    /// The policy an environment section describes.
    public init(_ environment: EnvironmentSection) {
        backupRequired = environment.backupRequired
        autoComplete = environment.autoComplete
        planGate = environment.planGate
        healthCheck = environment.healthCheck
        healthQuery = environment.healthQuery
        healthTimeout = environment.healthTimeout
        allowedRoles = environment.allowedRoles
    }
}
