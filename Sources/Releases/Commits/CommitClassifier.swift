/// Classifies raw commits for a release: parses messages, drops merges and autosquash commits, cancels
/// reverts whose reverted commit is in the same range, and computes the bump.
public struct CommitClassifier: Sendable {
    /// The configuration supplying type rules and policies.
    public var configuration: ReleaseConfiguration

    /// Creates a classifier.
    public init(configuration: ReleaseConfiguration) { self.configuration = configuration }

    /// Classifies `commits` (newest first, as `git log` prints them).
    public func analyze(_ commits: [GitCommit]) -> CommitAnalysis {
        var ignored: [GitCommit] = []
        var candidates: [(GitCommit, ConventionalCommit?)] = []
        candidates.reserveCapacity(commits.count)
        for commit in commits {
            if commit.isMerge && !configuration.includeMergeCommits {
                ignored.append(commit)
                continue
            }
            if CommitMessageParser.isAutosquash(Substring(commit.message)) {
                ignored.append(commit)
                continue
            }
            candidates.append((commit, ConventionalCommit.parse(commit.message)))
        }

        // Revert cancellation, newest first, so that a revert of a revert restores the original.
        var cancelledIndexes = Set<Int>()
        var cancelled: [CommitAnalysis.CancelledPair] = []
        var indexByHash: [String: Int] = [:]
        var indexesBySubject: [String: [Int]] = [:]
        for (index, (commit, _)) in candidates.enumerated() {
            indexByHash[commit.hash] = index
            indexesBySubject[commit.subject, default: []].append(index)
        }
        for (index, (commit, parsed)) in candidates.enumerated() where !cancelledIndexes.contains(index) {
            guard let parsed, parsed.isRevert else { continue }
            var target: Int?
            if let hash = parsed.revertedHash {
                if let exact = indexByHash[hash] {
                    target = exact
                } else if hash.count < 40 {
                    target = candidates.indices.first(where: { $0 > index && candidates[$0].0.hash.hasPrefix(hash) })
                }
            } else if let header = parsed.revertedHeader {
                target = indexesBySubject[header]?.first(where: { $0 > index && !cancelledIndexes.contains($0) })
            }
            if let target, target > index, !cancelledIndexes.contains(target) {
                cancelledIndexes.insert(index)
                cancelledIndexes.insert(target)
                cancelled.append(.init(revert: commit, reverted: candidates[target].0))
            }
        }

        var result: [ReleaseCommit] = []
        var bump = BumpLevel.none
        var releaseAs: String?
        for (index, (commit, parsed)) in candidates.enumerated() where !cancelledIndexes.contains(index) {
            if releaseAs == nil, let value = parsed?.releaseAs { releaseAs = value }
            let classified: ReleaseCommit
            if let parsed {
                let rule = configuration.rule(for: parsed.type)
                let level: BumpLevel = parsed.isBreaking ? .major : (rule?.bump ?? .none)
                let section: String?
                if let rule {
                    section = rule.hidden ? nil : rule.section
                } else {
                    section = configuration.nonConventional == .ignore ? nil : configuration.otherSection
                }
                classified = ReleaseCommit(commit: commit, conventional: parsed, kind: .conventional, bump: level, section: section)
            } else {
                if configuration.nonConventional == .ignore {
                    ignored.append(commit)
                    continue
                }
                classified = ReleaseCommit(commit: commit, conventional: nil, kind: .other, bump: .none, section: configuration.otherSection)
            }
            bump = max(bump, classified.bump)
            result.append(classified)
        }
        return CommitAnalysis(commits: result, cancelled: cancelled, ignored: ignored, bump: bump, releaseAs: releaseAs)
    }
}
