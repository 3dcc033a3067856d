/// How one commit type affects the version and the changelog (`[[release.types]]` in `slipway.toml`).
public struct CommitTypeRule: Sendable, Hashable, Codable {
    /// The type, matched case-insensitively (`feat`).
    public var type: String
    /// The changelog section title (`Features`).
    public var section: String
    /// The bump for a non-breaking commit of this type. Breaking commits always bump major.
    public var bump: BumpLevel
    /// When true the type never appears in the changelog (it may still bump).
    public var hidden: Bool

    /// Creates a rule.
    public init(type: String, section: String, bump: BumpLevel, hidden: Bool = false) {
        self.type = type.lowercased()
        self.section = section
        self.bump = bump
        self.hidden = hidden
    }

    /// The default table: feat → minor, fix/perf/revert → patch, refactor/docs shown, the rest hidden.
    public static let defaults: [CommitTypeRule] = [
        CommitTypeRule(type: "feat", section: "Features", bump: .minor),
        CommitTypeRule(type: "fix", section: "Bug Fixes", bump: .patch),
        CommitTypeRule(type: "perf", section: "Performance", bump: .patch),
        CommitTypeRule(type: "revert", section: "Reverts", bump: .patch),
        CommitTypeRule(type: "refactor", section: "Refactoring", bump: .none),
        CommitTypeRule(type: "docs", section: "Documentation", bump: .none),
        CommitTypeRule(type: "deprecate", section: "Deprecations", bump: .none),
        CommitTypeRule(type: "security", section: "Security", bump: .patch),
        CommitTypeRule(type: "build", section: "Build System", bump: .none, hidden: true),
        CommitTypeRule(type: "ci", section: "Continuous Integration", bump: .none, hidden: true),
        CommitTypeRule(type: "test", section: "Tests", bump: .none, hidden: true),
        CommitTypeRule(type: "style", section: "Style", bump: .none, hidden: true),
        CommitTypeRule(type: "chore", section: "Chores", bump: .none, hidden: true),
    ]
}
