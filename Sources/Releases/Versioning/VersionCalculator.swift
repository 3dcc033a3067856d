/// Computes the next version from the release tags and the analysed commits. Pure: no git, no I/O.
public struct VersionCalculator: Sendable {
    /// Where the computed version came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// From the commits (bump policy).
        case commits
        /// From `--as`.
        case explicit
        /// From a `Release-As:` footer.
        case releaseAsFooter = "release_as_footer"
    }

    /// The result of a computation.
    public struct Outcome: Sendable, Hashable, Codable {
        /// The next version.
        public var version: SemanticVersion
        /// The latest final release before it, if any.
        public var previous: VersionedTag?
        /// The bump from the commits.
        public var bump: BumpLevel
        /// Why this version.
        public var source: Source
        /// Non-fatal remarks (ignored `Release-As:` values, odd pre-release ordering).
        public var warnings: [String]
    }

    /// The configuration (first version, 0.x policy).
    public var configuration: ReleaseConfiguration

    /// Creates a calculator.
    public init(configuration: ReleaseConfiguration) { self.configuration = configuration }

    /// Computes the next version.
    /// - Parameters:
    ///   - tags: release tags reachable from HEAD (``VersionedTag/select(from:prefix:)``).
    ///   - analysis: the commits since the latest final release.
    ///   - prerelease: `rc` for `--pre rc` → `X.Y.Z-rc.N`, N continuing from the highest existing `rc` of X.Y.Z.
    ///   - explicit: `--as X.Y.Z`.
    /// - Throws: ``ReleaseError/Code/nothingToRelease`` when no commit asks for a bump and no version is
    ///   forced; ``ReleaseError/Code/versionNotGreater`` when a forced version is not above the latest tag;
    ///   ``ReleaseError/Code/invalidVersion`` for a bad pre-release identifier.
    public func nextVersion(
        tags: [VersionedTag], analysis: CommitAnalysis, prerelease: String? = nil, explicit: SemanticVersion? = nil
    ) throws -> Outcome {
        let previous = tags.last(where: { !$0.version.isPrerelease })
        let latestAny = tags.last
        var warnings: [String] = []
        if let prerelease {
            guard SemanticVersion("0.0.0-\(prerelease).1") != nil, !prerelease.contains(".") else {
                throw ReleaseError(
                    code: .invalidVersion, message: "'\(prerelease)' is not a valid pre-release identifier",
                    hint: "use letters, digits and '-', e.g. --pre rc or --pre beta")
            }
        }

        if let explicit {
            try ensureGreater(explicit, than: latestAny, what: "--as \(explicit)", tags: tags)
            return Outcome(version: explicit, previous: previous, bump: analysis.bump, source: .explicit, warnings: warnings)
        }

        var target: SemanticVersion
        var source = Source.commits
        if let value = analysis.releaseAs, let forced = SemanticVersion(value),
            previous.map({ $0.version < forced }) ?? true
        {
            target = forced.finalVersion
            source = .releaseAsFooter
        } else {
            if let value = analysis.releaseAs {
                warnings.append("ignored 'Release-As: \(value)': not a Semantic Version above the latest release")
            }
            guard analysis.bump > .none else {
                throw ReleaseError(
                    code: .nothingToRelease,
                    message: previous.map { "no releasable commits since \($0.tag.name)" } ?? "no releasable commits",
                    hint: "only commits of types that bump the version (feat, fix, perf, ... or breaking changes) "
                        + "make a release; use --as X.Y.Z or a 'Release-As: X.Y.Z' footer to force one")
            }
            if let previous {
                target = previous.version.bumped(analysis.bump, majorOnZero: configuration.breakingBumpsMajorOnZero)
            } else {
                target = configuration.firstVersion.finalVersion
            }
        }

        if let prerelease {
            var highest: UInt64 = 0
            for tag in tags where tag.version.finalVersion == target && tag.version.prerelease.count == 2
                && tag.version.prerelease[0] == prerelease
            {
                // A counter too large to increment (beyond 2^64 − 2) is not one Slipway could have written.
                if let number = UInt64(tag.version.prerelease[1]), number < .max { highest = max(highest, number) }
            }
            target = SemanticVersion(target.major, target.minor, target.patch, prerelease: [prerelease, String(highest + 1)])
        }
        if let latestAny, !(latestAny.version < target) {
            if latestAny.version.hasSamePrecedence(as: target) {
                throw ReleaseError(
                    code: .tagExists, message: "version \(target) is already tagged as \(latestAny.tag.name)",
                    hint: "commit something releasable first, or choose a version with --as")
            }
            warnings.append("\(target) sorts below the existing tag \(latestAny.tag.name)")
        }
        return Outcome(version: target, previous: previous, bump: analysis.bump, source: source, warnings: warnings)
    }

    private func ensureGreater(_ version: SemanticVersion, than latest: VersionedTag?, what: String, tags: [VersionedTag]) throws {
        if let same = tags.first(where: { $0.version.hasSamePrecedence(as: version) }) {
            throw ReleaseError(
                code: .tagExists, message: "\(what): version \(version) already exists as tag \(same.tag.name)",
                hint: "choose a version above \(latest.map { $0.version.description } ?? "the latest release")")
        }
        if let latest, version < latest.version {
            throw ReleaseError(
                code: .versionNotGreater,
                message: "\(what) is not greater than the latest release \(latest.version) (\(latest.tag.name))",
                hint: "choose a version above \(latest.version)")
        }
    }
}
