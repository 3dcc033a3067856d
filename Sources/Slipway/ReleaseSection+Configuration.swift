import Releases
import SlipwayConfig

extension ReleaseSection {
    /// The `[release]` section of slipway.toml as the Releases module's configuration.
    /// - Throws: ``SlipwayError`` (invalid input) when `first_version` is not a semantic version.
    public func releaseConfiguration() throws -> ReleaseConfiguration {
        var configuration = ReleaseConfiguration()
        configuration.releaseBranch = branch
        configuration.requireReleaseBranch = requireBranch
        configuration.requireCleanWorkingTree = requireClean
        configuration.tagPrefix = tagPrefix
        do {
            configuration.firstVersion = try SemanticVersion(parsing: firstVersion)
        } catch {
            throw SlipwayError(.invalidInput, "slipway.toml: [release] first_version \"\(firstVersion)\" is not a semantic version")
        }
        configuration.breakingBumpsMajorOnZero = zeroMajorBreaking == .major
        configuration.nonConventional = nonConventional == .ignore ? .ignore : .other
        configuration.otherSection = otherSection
        configuration.breakingSection = breakingSection
        configuration.includeMergeCommits = includeMergeCommits
        configuration.remote = remote
        configuration.changelogEnabled = changelogEnabled
        configuration.changelogPath = changelogPath
        configuration.changelogTemplate = changelogTemplate
        if let changelogHeader { configuration.changelogHeader = changelogHeader }
        if let migrationsDirectory { configuration.migrationsDirectory = migrationsDirectory }
        configuration.manifestEnabled = manifestEnabled
        configuration.manifestPath = manifestPath
        configuration.commitMessage = commitMessage
        configuration.signTag = sign
        configuration.push = push
        configuration.beforeHooks = hooks.before
        configuration.afterHooks = hooks.after
        configuration.maxHeaderLength = maxHeaderLength
        configuration.rejectUnknownTypes = strictTypes
        configuration.gitExecutable = git
        if let types {
            configuration.types = types.map { rule in
                let bump: BumpLevel
                switch rule.bump {
                case .none: bump = .none
                case .patch: bump = .patch
                case .minor: bump = .minor
                case .major: bump = .major
                }
                let fallback = CommitTypeRule.defaults.first { $0.type == rule.type }?.section ?? rule.type.capitalized
                return CommitTypeRule(type: rule.type, section: rule.section ?? fallback, bump: bump, hidden: rule.hidden)
            }
        }
        configuration.versionFiles = versionFiles.map(Self.versionFile)
        configuration.components = components.map { entry in
            ReleaseComponent(
                name: entry.name, path: entry.path, tagPrefix: entry.tagPrefix, changelogPath: entry.changelogPath,
                versionFiles: entry.versionFiles.map(Self.versionFile))
        }
        return configuration
    }

    static func versionFile(_ entry: VersionFileEntry) -> VersionFile {
        switch entry.kind {
        case .file: return VersionFile(path: entry.path, kind: .wholeFile)
        case .json: return VersionFile(path: entry.path, kind: .json(keyPath: entry.key ?? "version"))
        case .toml: return VersionFile(path: entry.path, kind: .toml(key: entry.key ?? "version"))
        case .regex: return VersionFile(path: entry.path, kind: .regex(pattern: entry.pattern ?? ""))
        }
    }
}
