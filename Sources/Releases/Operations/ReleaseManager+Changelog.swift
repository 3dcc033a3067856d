import Foundation

extension ReleaseManager {
    /// `slipway release changelog`: regenerates the whole changelog from history — one section per release
    /// tag reachable from HEAD (newest first), plus `## [Unreleased]` for commits after the latest tag.
    ///
    /// For the whole repository this is one `git log --topo-order` pass; commits are assigned to the first
    /// release tag that follows them. Path-scoped releases run one `git log` per release.
    /// - Parameters:
    ///   - write: write the file (otherwise only return the text).
    ///   - includePrereleases: give pre-release tags their own sections (by default their commits are
    ///     listed under the following final release).
    ///   - path: `--path` for a component.
    /// - Throws: ``ReleaseError`` (`git_failed`, `template_invalid`, `file_write_failed`, `shallow_clone`).
    public func changelog(write: Bool = false, includePrereleases: Bool = false, path: String? = nil) async throws -> ChangelogResult {
        let root = try await repository.topLevel()
        let repository = GitRepository(git: Git(directory: root, executable: configuration.gitExecutable))
        if try await repository.isShallow() {
            throw ReleaseError(
                code: .shallowClone, message: "the repository is a shallow clone; the changelog would miss releases",
                hint: "run `git fetch --unshallow --tags`")
        }
        let scope = ReleaseScope.resolve(path: path, configuration: configuration)
        // Whole repository: every tag, reachability decided by the log itself (saves a full history walk).
        // Scoped: `for-each-ref --merged HEAD`.
        let (allTags, warnings) = VersionedTag.select(
            from: scope.path == nil ? try await repository.tags() : try await repository.reachableTags(), prefix: scope.tagPrefix)
        var tags = includePrereleases ? allTags : allTags.filter { !$0.version.isPrerelease }
        var history: [GitCommit] = []
        if scope.path == nil, try await repository.head() != nil {
            let output = try await repository.git.run([
                "log", "--no-color", "--no-show-signature", "--topo-order", GitRepository.logFormat, "HEAD",
            ])
            history = GitRepository.parseLog(output.standardOutput)
            let hashes = Set(history.map(\.hash))
            tags = tags.filter { hashes.contains($0.tag.commit) }
        }
        let links = try await repository.remoteURL(configuration.remote).flatMap(RemoteLinks.init(remoteURL:))
        let renderer = try ChangelogRenderer(configuration: configuration)
        let classifier = CommitClassifier(configuration: configuration)

        // Buckets: index 0 = unreleased, then tags newest first.
        let newestFirst = Array(tags.reversed())
        var buckets: [[GitCommit]] = Array(repeating: [], count: newestFirst.count + 1)
        var dates: [String] = Array(repeating: "", count: newestFirst.count)
        if let scopePath = scope.path {
            var upper = "HEAD"
            for (index, tag) in newestFirst.enumerated() {
                buckets[index] = try await repository.log(range: "\(tag.tag.commit)..\(upper)", path: scopePath)
                upper = tag.tag.commit
                dates[index] = try await repository.commitDate(tag.tag.commit)
            }
            buckets[newestFirst.count] = try await repository.log(range: upper, path: scopePath)
        } else {
            var bucketOfCommit: [String: Int] = [:]
            for (index, tag) in newestFirst.enumerated() where bucketOfCommit[tag.tag.commit] == nil {
                bucketOfCommit[tag.tag.commit] = index + 1
            }
            var current = 0
            for commit in history {
                if let bucket = bucketOfCommit[commit.hash] {
                    current = bucket
                    dates[bucket - 1] = String(commit.date.prefix(10))
                }
                buckets[current].append(commit)
            }
        }
        // buckets[0] = unreleased, buckets[i] = newestFirst[i-1] (whole repo); for scoped: buckets[i] = newestFirst[i], last = before oldest.
        var sections: [String] = []
        func previousTagName(after index: Int) -> String? {
            index + 1 < newestFirst.count ? newestFirst[index + 1].tag.name : nil
        }
        if scope.path == nil {
            if !buckets[0].isEmpty {
                let analysis = classifier.analyze(buckets[0])
                let notes = ReleaseNotes.build(
                    version: "Unreleased", tag: nil, previousTag: newestFirst.first?.tag.name, date: "",
                    analysis: analysis, configuration: configuration, links: links)
                sections.append(unreleasedSection(notes, renderer: renderer))
            }
            for (index, tag) in newestFirst.enumerated() {
                let analysis = classifier.analyze(buckets[index + 1])
                let notes = ReleaseNotes.build(
                    version: tag.version.description, tag: tag.tag.name, previousTag: previousTagName(after: index),
                    date: dates[index], analysis: analysis, configuration: configuration, links: links)
                sections.append(renderer.section(notes))
            }
        } else {
            // Scoped: buckets[0] holds HEAD..newest tag (unreleased), bucket i (1...) the range below tag i-1.
            let unreleasedCommits = buckets[0]
            if !unreleasedCommits.isEmpty {
                let notes = ReleaseNotes.build(
                    version: "Unreleased", tag: nil, previousTag: newestFirst.first?.tag.name, date: "",
                    analysis: classifier.analyze(unreleasedCommits), configuration: configuration, links: links)
                sections.append(unreleasedSection(notes, renderer: renderer))
            }
            for (index, tag) in newestFirst.enumerated() {
                let notes = ReleaseNotes.build(
                    version: tag.version.description, tag: tag.tag.name, previousTag: previousTagName(after: index),
                    date: dates[index], analysis: classifier.analyze(buckets[index + 1]), configuration: configuration,
                    links: links)
                sections.append(renderer.section(notes))
            }
        }
        let text = ChangelogDocument.render(header: configuration.changelogHeader, sections: sections)
        if write {
            let url = URL(fileURLWithPath: root).appendingPathComponent(scope.changelogPath)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw ReleaseError(
                    code: .fileWriteFailed, message: "cannot write \(scope.changelogPath): \(error.localizedDescription)",
                    hint: "check permissions", path: scope.changelogPath, underlying: error)
            }
        }
        return ChangelogResult(path: scope.changelogPath, releaseCount: newestFirst.count, written: write, text: text, warnings: warnings)
    }

    private func unreleasedSection(_ notes: ReleaseNotes, renderer: ChangelogRenderer) -> String {
        var lines = [notes.compareURL.map { "## [Unreleased](\($0))" } ?? "## [Unreleased]", ""]
        lines += renderer.body(notes)
        return lines.joined(separator: "\n")
    }
}
