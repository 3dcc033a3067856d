import Foundation

extension ReleaseManager {
    /// `slipway release cut`: checks → version → changelog → version files → manifest → hooks → commit
    /// `chore(release): X.Y.Z` → annotated tag (notes + migrations) → optional push → after hooks →
    /// `GITHUB_OUTPUT`.
    ///
    /// Atomic: every file is computed and validated before any is written; if writing, committing, tagging
    /// or pushing fails, the tag is deleted, the release commit is reset and every file restored.
    /// With ``ReleaseOptions/dryRun`` nothing is written and no hook runs.
    /// - Throws: ``ReleaseError`` — `nothing_to_release` (exit 6), `shallow_clone`, `dirty_working_tree`,
    ///   `wrong_branch`, `tag_exists`, `version_file_*`, `malformed_changelog`, `hook_failed`, `tag_failed`,
    ///   `push_failed`, `commit_failed`, `git_failed`.
    public func cut(_ options: ReleaseOptions = ReleaseOptions()) async throws -> CutResult {
        let plan = try await plan(options, cutChecks: true)
        let repository = plan.repository
        if try await repository.tagExists(plan.tag) {
            throw ReleaseError(
                code: .tagExists, message: "tag \(plan.tag) already exists (not reachable from HEAD)",
                hint: "delete it (git tag -d \(plan.tag)) if it is stale, or choose another version with --as")
        }
        let date = options.date ?? Self.today()
        let renderer = try ChangelogRenderer(configuration: configuration)
        let releaseNotes = notes(for: plan, date: date)
        let section = renderer.section(releaseNotes)
        let plainNotes = renderer.plainNotes(releaseNotes)
        let version = plan.outcome.version.description

        // 1. Compute every file's new contents; any error here means nothing is written.
        var changes: [FileChange] = []
        if configuration.changelogEnabled {
            let path = plan.scope.changelogPath
            let existing = try readIfPresent(path, root: plan.root, role: "changelog")
            let updated = try ChangelogDocument.insert(
                section: section, version: version, into: existing, header: configuration.changelogHeader, path: path)
            changes.append(FileChange(path: path, role: "changelog", originalContents: existing, newContents: updated))
        }
        for file in plan.scope.versionFiles {
            guard let existing = try readIfPresent(file.path, root: plan.root, role: "version file") else {
                throw ReleaseError(
                    code: .versionFileUnreadable, message: "version file \(file.path) does not exist",
                    hint: "create it or remove it from [[release.version_files]]; nothing was written", path: file.path)
            }
            let updated = try VersionFileUpdater.update(existing, file: file, version: version)
            changes.append(FileChange(path: file.path, role: "version_file", originalContents: existing, newContents: updated))
        }
        var manifest: ReleaseManifest?
        if configuration.manifestEnabled {
            let built = try await buildManifest(plan: plan, date: date)
            let path = substitute(configuration.manifestPath, plan: plan)
            let existing = try readIfPresent(path, root: plan.root, role: "manifest")
            changes.append(FileChange(path: path, role: "manifest", originalContents: existing, newContents: try built.jsonText()))
            manifest = built
        }
        let tagMessage = Self.tagMessage(tag: plan.tag, notes: plainNotes, manifest: manifest)
        let sign = options.sign ?? configuration.signTag
        let push = options.push ?? configuration.push
        var result = CutResult(
            version: plan.outcome.version, tag: plan.tag, previousVersion: plan.outcome.previous?.version,
            previousTag: plan.outcome.previous?.tag.name, bump: plan.outcome.bump, source: plan.outcome.source,
            component: plan.scope.component, dryRun: options.dryRun, commits: plan.analysis.commits.map(CommitSummary.init),
            cancelledReverts: plan.analysis.cancelled.flatMap { [$0.revert.hash, $0.reverted.hash] },
            releaseNotes: releaseNotes, notes: plainNotes, changelogSection: section, files: changes, manifest: manifest,
            commitHash: nil, tagMessage: tagMessage, signed: sign, pushed: push, hooks: [], warnings: plan.warnings)
        if options.dryRun { return result }

        // 2. Before hooks (may veto; nothing written yet).
        let hookEnvironment = hookEnvironment(plan: plan, notes: plainNotes, changes: changes)
        result.hooks += try await ReleaseHooks.run(
            configuration.beforeHooks, stage: "before", environment: hookEnvironment, directory: plan.root)

        // 3. Write, commit, tag, push — undone on failure.
        var written: [FileChange] = []
        var committed = false
        var tagged = false
        do {
            for change in changes where change.action != .unchanged {
                try write(change, root: plan.root)
                written.append(change)
            }
            let paths = changes.map(\.path)
            if !paths.isEmpty {
                try await repository.git.run(["add", "--"] + paths)
            }
            let message = substitute(configuration.commitMessage, plan: plan)
            do {
                try await repository.git.run(["commit", "-q", "--allow-empty", "-m", message])
            } catch let error as ReleaseError {
                throw ReleaseError(
                    code: .commitFailed, message: "creating the release commit failed: \(error.message)",
                    hint: "the files were restored; fix the cause (e.g. a commit hook) and cut again",
                    command: error.command, standardError: error.standardError)
            }
            committed = true
            result.commitHash = try await repository.head()
            do {
                let arguments =
                    sign
                    ? ["tag", "-s", "--cleanup=verbatim", "-F", "-", plan.tag]
                    : ["-c", "tag.gpgSign=false", "tag", "-a", "--cleanup=verbatim", "-F", "-", plan.tag]
                try await repository.git.run(arguments, input: tagMessage)
            } catch let error as ReleaseError {
                throw ReleaseError(
                    code: .tagFailed, message: "creating tag \(plan.tag) failed: \(error.message)",
                    hint: "the release commit was undone and the files restored; fix the cause and cut again",
                    command: error.command, standardError: error.standardError)
            }
            tagged = true
            if push {
                var refs = ["refs/tags/\(plan.tag)"]
                if let branch = plan.branch { refs.insert("HEAD:refs/heads/\(branch)", at: 0) }
                do {
                    try await repository.git.run(["push", "--atomic", configuration.remote] + refs)
                } catch let error as ReleaseError {
                    throw ReleaseError(
                        code: .pushFailed, message: "pushing to \(configuration.remote) failed: \(error.message)",
                        hint: "the tag and the release commit were undone; pull, then cut again",
                        command: error.command, standardError: error.standardError)
                }
            }
        } catch {
            if tagged { _ = try? await repository.git.runAllowingFailure(["tag", "-d", plan.tag]) }
            if committed {
                _ = try? await repository.git.runAllowingFailure(["reset", "-q", "--mixed", plan.head])
            } else {
                _ = try? await repository.git.runAllowingFailure(["reset", "-q", "--"] + changes.map(\.path))
            }
            for change in written { restore(change, root: plan.root) }
            throw error
        }

        // 4. After hooks, then GitHub Actions output.
        result.hooks += try await ReleaseHooks.run(
            configuration.afterHooks, stage: "after", environment: hookEnvironment, directory: plan.root)
        if let output = environment["GITHUB_OUTPUT"], !output.isEmpty {
            try GitHubActionsOutput.append(
                GitHubActionsOutput.render(
                    version: version, tag: plan.tag, previousVersion: plan.outcome.previous?.version.description,
                    notes: plainNotes),
                toFile: output)
        }
        return result
    }

    /// The annotated tag's message: the tag, the notes, and the migrations of the release.
    public static func tagMessage(tag: String, notes: String, manifest: ReleaseManifest?) -> String {
        var text = "\(tag)\n\n\(notes)\n"
        if let manifest {
            text += "\n### Migrations\n\n"
            if manifest.migrations.isEmpty {
                text += "No new migrations.\n"
            } else {
                for migration in manifest.migrations { text += "- \(migration.path) (sha256:\(migration.sha256))\n" }
            }
        }
        return text
    }

    func substitute(_ template: String, plan: Plan) -> String {
        template.replacingOccurrences(of: "{version}", with: plan.outcome.version.description)
            .replacingOccurrences(of: "{tag}", with: plan.tag)
            .replacingOccurrences(of: "{component}", with: plan.scope.component ?? "")
            .trimmingWhitespace()
    }

    func buildManifest(plan: Plan, date: String) async throws -> ReleaseManifest {
        let directory = plan.scope.path.map { "\($0)/\(configuration.migrationsDirectory)" } ?? configuration.migrationsDirectory
        let manifestDirectory = (substitute(configuration.manifestPath, plan: plan) as NSString).deletingLastPathComponent
        let base = plan.outcome.previous?.tag.commit
        let files = try await plan.repository.addedFiles(since: base, under: directory)
            .filter { manifestDirectory.isEmpty || !$0.hasPrefix(manifestDirectory + "/") }
            .sorted()
        var migrations: [ReleaseManifest.Migration] = []
        for file in files {
            let url = URL(fileURLWithPath: plan.root).appendingPathComponent(file)
            guard let data = try? Data(contentsOf: url) else { continue }
            migrations.append(.init(path: file, sha256: ReleaseManifest.sha256Hex(data), size: data.count))
        }
        return ReleaseManifest(
            version: plan.outcome.version.description, tag: plan.tag,
            previousVersion: plan.outcome.previous?.version.description, previousTag: plan.outcome.previous?.tag.name,
            component: plan.scope.component, date: date, migrationsDirectory: directory, migrations: migrations)
    }

    func hookEnvironment(plan: Plan, notes: String, changes: [FileChange]) -> [String: String] {
        [
            "SLIPWAY_RELEASE_VERSION": plan.outcome.version.description,
            "SLIPWAY_RELEASE_TAG": plan.tag,
            "SLIPWAY_RELEASE_PREVIOUS_VERSION": plan.outcome.previous?.version.description ?? "",
            "SLIPWAY_RELEASE_PREVIOUS_TAG": plan.outcome.previous?.tag.name ?? "",
            "SLIPWAY_RELEASE_NOTES": notes,
            "SLIPWAY_RELEASE_CHANGELOG": changes.first(where: { $0.role == "changelog" })?.path ?? "",
            "SLIPWAY_RELEASE_MANIFEST": changes.first(where: { $0.role == "manifest" })?.path ?? "",
            "SLIPWAY_RELEASE_COMPONENT": plan.scope.component ?? "",
            "SLIPWAY_RELEASE_PRERELEASE": plan.outcome.version.isPrerelease ? "true" : "false",
            "SLIPWAY_RELEASE_BUMP": plan.outcome.bump.description,
        ]
    }

    func readIfPresent(_ path: String, root: String, role: String) throws -> String? {
        let url = URL(fileURLWithPath: root).appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        do {
            guard !isDirectory.boolValue else { throw CocoaError(.fileReadUnknown) }
            let data = try Data(contentsOf: url)
            guard let text = String(data: data, encoding: .utf8) else { throw CocoaError(.fileReadInapplicableStringEncoding) }
            return text
        } catch {
            throw ReleaseError(
                code: .versionFileUnreadable, message: "cannot read the \(role) \(path): \(error.localizedDescription)",
                hint: "check the file's permissions and that it is UTF-8 text; nothing was written", path: path,
                underlying: error)
        }
    }

    func write(_ change: FileChange, root: String) throws {
        let url = URL(fileURLWithPath: root).appendingPathComponent(change.path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(change.newContents.utf8).write(to: url, options: .atomic)
        } catch {
            throw ReleaseError(
                code: .fileWriteFailed, message: "cannot write \(change.path): \(error.localizedDescription)",
                hint: "check permissions; files already written were restored", path: change.path, underlying: error)
        }
    }

    func restore(_ change: FileChange, root: String) {
        let url = URL(fileURLWithPath: root).appendingPathComponent(change.path)
        if let original = change.originalContents {
            try? Data(original.utf8).write(to: url, options: .atomic)
        } else {
            try? FileManager.default.removeItem(at: url)
        }
    }
}
