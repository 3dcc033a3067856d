/// `[plan]`: settings of `slipway plan`.
public struct PlanSection: Sendable, Hashable {
    /// The keys `[plan]` accepts.
    public static let keys = ["shadow_url"]

    /// The database `plan --rehearse` rehearses on instead of a throwaway local cluster (`shadow_url`,
    /// default none). Its copy of the target, state and version schemas is dropped and rebuilt on every
    /// rehearsal, and its role must be allowed to create event triggers (a superuser). Like every URL in
    /// the file it must not contain a password.
    public var shadowURL: String?

    public init() {}
}

extension ConfigurationDecoder {
    func decodePlan(_ table: TOMLTable, at prefix: String) -> PlanSection {
        checkKeys(table, at: prefix, allowed: PlanSection.keys)
        var settings = PlanSection()
        if let value = string(table, "shadow_url", prefix) {
            let path = Self.join(prefix, "shadow_url")
            if ConnectionRedaction.containsPassword(value) {
                report(
                    .passwordInFile,
                    "'\(path)' contains a password: never put a password in slipway.toml; use ~/.pgpass, a libpq service file or --shadow-url from a secret",
                    at: table.entry("shadow_url")?.value.position, keyPath: path)
            } else {
                settings.shadowURL = value
            }
        }
        return settings
    }
}
