import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Releases
import SQLLint
import SlipwayConfig

/// `slipway deploy`: plan gate → backup → start the release's pending migrations as one version → health gate
/// → complete (unless told to stop after start). A rerun after a failure continues from where it stopped.
public struct Deployer: Sendable {
    /// What the deploy did, step by step.
    public struct Report: Sendable, Codable {
        public var environment: String?
        public var release: String?
        public var version: String?
        public var versionSchema: String?
        /// Steps in order: `allowed-role`, `manifest`, `plan-gate`, `backup`, `start`, `resume`, `health-gate`,
        /// `complete`, with `ok`, `skipped` or `failed` and a message.
        public var steps: [Step]
        /// What is left to do, if the deploy stopped early.
        public var remaining: [String]
    }

    public struct Step: Sendable, Codable {
        public var name: String
        public var outcome: String
        public var message: String
    }

    /// Makes a backup before any DDL; returns a one-line description (location, size, checksum).
    public typealias BackupAction = @Sendable (_ release: String?, _ environment: String?) async throws -> String

    public var runner: MigrationRunner
    public var policy: DeployPolicy
    public var environment: String?
    public var release: String?
    /// Where release manifests live: a path template (`migrations/releases/{version}.json`; `{version}` and
    /// `{tag}` are replaced) or a directory. With a release, its manifest decides the files.
    public var manifestPath: String
    public var complete: Bool
    public var backup: BackupAction?
    public var lint: LintConfiguration
    public var events: @Sendable (RunnerEvent) -> Void
    /// Where each step is recorded (`deploy:<step>`, against the release and environment); nil: nowhere.
    public var audit: AuditLog?
    /// The command line, for the audit entries.
    public var arguments: [String] = []
    /// The Slipway version, for the audit entries.
    public var slipwayVersion: String = "?"

    public init(
        runner: MigrationRunner, policy: DeployPolicy, environment: String?, release: String?, manifestPath: String,
        complete: Bool, backup: BackupAction?, lint: LintConfiguration = LintConfiguration(), audit: AuditLog? = nil,
        arguments: [String] = [], events: @escaping @Sendable (RunnerEvent) -> Void
    ) {
        var runner = runner
        if runner.release == nil { runner.release = release }
        self.runner = runner
        self.policy = policy
        self.environment = environment
        self.release = release
        self.manifestPath = manifestPath
        self.complete = complete
        self.backup = backup
        self.lint = lint
        self.audit = audit
        self.arguments = arguments
        self.events = events
    }

    /// The command that continues this deploy.
    var rerunCommand: String {
        "slipway deploy" + (environment.map { " --env \($0)" } ?? "") + (release.map { " --release \($0)" } ?? "")
            + (complete ? "" : " --no-complete")
    }

    private var environmentFlag: String { environment.map { " --env \($0)" } ?? "" }

    /// Runs the deploy.
    /// - Throws: ``SlipwayError`` with the exit code of the failing gate (5 for plan and health gates), or the
    ///   underlying error's code; its hint says what is left and how to continue, its details list the steps.
    public func run() async throws -> Report {
        var report = Report(environment: environment, release: release, version: nil, versionSchema: nil, steps: [], remaining: [])
        var stepStarted = Date()
        func step(_ name: String, _ outcome: String, _ message: String) async {
            report.steps.append(Step(name: name, outcome: outcome, message: message))
            events(RunnerEvent("deploy-\(name)", "\(name): \(outcome) — \(message)"))
            if let audit {
                var entry = AuditLog.Entry(
                    command: "deploy:\(name)", arguments: arguments, schema: runner.schema, environment: environment,
                    release: release, version: report.version, exitCode: outcome == "failed" ? 1 : 0,
                    error: outcome == "failed" ? message : nil, startedAt: stepStarted, slipwayVersion: slipwayVersion)
                if outcome == "skipped" { entry.outcome = "skipped" }
                for warning in await audit.record(entry) { events(RunnerEvent("warning", warning)) }
            }
            stepStarted = Date()
        }
        func stop(_ error: SlipwayError, remaining: [String], next: String) -> SlipwayError {
            report.remaining = remaining
            var error = error
            let done = report.steps.map { "\($0.name): \($0.outcome)" }.joined(separator: ", ")
            error.hint = [error.hint, "left: \(remaining.joined(separator: ", ")); next: \(next)"].compactMap { $0 }.joined(separator: "; ")
            error.details = "steps: \(done.isEmpty ? "none" : done)"
            return error
        }
        func failed(_ name: String, _ error: any Error, remaining: [String], next: String) async -> SlipwayError {
            let mapped = SlipwayError.from(error)
            await step(name, "failed", mapped.message)
            return stop(mapped, remaining: remaining, next: next)
        }

        // Who may deploy.
        if !policy.allowedRoles.isEmpty {
            let session = try await PostgresConnection.connect(runner.connection.with("application_name", "slipway deploy"))
            let role = try await session.query("SELECT current_user AS u")[0].decode("u", as: String.self)
            await session.close()
            guard policy.allowedRoles.contains(role) else {
                let message = "role \(role) may not deploy to \(environment ?? "this environment")"
                await step("allowed-role", "failed", message)
                throw stop(
                    SlipwayError(.failure, message, hint: "allowed roles: \(policy.allowedRoles.joined(separator: ", "))"),
                    remaining: ["everything"], next: "deploy as one of the allowed roles")
            }
            await step("allowed-role", "ok", "\(role) is allowed")
        }

        // Which files: the release manifest's (checksums verified, already applied ones skipped), or every
        // pending file.
        let status = try await runner.status()
        var files: [String] = []
        if let release {
            let listed: [String]
            do {
                listed = try manifestFiles(release)
            } catch {
                throw await failed("manifest", error, remaining: ["everything"], next: "deploy the files of the release as cut")
            }
            let applied = Set(status.applied)
            files = listed.filter { !applied.contains($0) }
            let skipped = listed.count - files.count
            if let first = files.first, let position = status.pending.firstIndex(of: first) {
                let earlier = status.pending[..<position].filter { !listed.contains($0) }
                if !earlier.isEmpty {
                    let owners = releasesListing(Array(earlier), besideManifestOf: release)
                    let message = "migrations of an earlier release are not deployed yet: \(earlier.joined(separator: ", "))"
                        + (owners.isEmpty ? "" : " (release \(owners.joined(separator: ", ")))")
                    await step("manifest", "failed", message)
                    let next = owners.first.map { "slipway deploy\(environmentFlag) --release \($0)" } ?? "deploy the earlier release first"
                    throw stop(SlipwayError(.invalidInput, message), remaining: ["everything"], next: next)
                }
            }
            await step(
                "manifest", "ok",
                "release \(release): \(listed.count) migration file(s), checksums match"
                    + (skipped > 0 ? ", \(skipped) already applied (skipped)" : ""))
        }

        // An interrupted or active version from an earlier run continues instead of starting anew.
        var record: StateStore.VersionRecord?
        if let current = status.current, ["starting", "completing", "rolling_back"].contains(current.phase) {
            report.version = current.version
            report.versionSchema = current.versionSchema
            await step("resume", "ok", "continuing the interrupted \(current.phase) of \(current.version)")
            do {
                record = try await runner.resume()
            } catch {
                throw await failed(
                    "resume", error, remaining: ["resume", "health-gate", "complete"],
                    next: "fix the cause and rerun `\(rerunCommand)` (it resumes), or `slipway rollback\(environmentFlag)`")
            }
        } else if let current = status.current, current.phase == "active" {
            await step("start", "skipped", "version \(current.version) is already active")
            report.version = current.version
            report.versionSchema = current.versionSchema
        } else if status.pending.isEmpty || (release != nil && files.isEmpty) {
            await step("start", "skipped", release.map { "release \($0) is already deployed" } ?? "no pending migrations")
            return report
        } else {
            // Plan gate.
            if policy.planGate != .none {
                let (plan, tables, sizes) = try await runner.plan(files: files)
                let planReport = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: lint)
                if planReport.fails(at: policy.planGate.rawValue) {
                    let worst = planReport.findings.map { "\($0.severity) [\($0.rule)] \($0.message)" }.joined(separator: "; ")
                    await step("plan-gate", "failed", worst)
                    throw stop(
                        SlipwayError(.findings, "the plan gate (\(policy.planGate.rawValue)) failed, nothing was changed: \(worst)"),
                        remaining: ["plan-gate", "backup", "start", "health-gate", "complete"],
                        next: "change the migrations (see `slipway plan\(environmentFlag)`), then rerun `\(rerunCommand)`")
                }
                await step("plan-gate", "ok", "\(planReport.findings.count) finding(s) below \(policy.planGate.rawValue)")
            }
            // Backup before any DDL.
            if let backup {
                do {
                    let description = try await backup(release, environment)
                    await step("backup", "ok", description)
                } catch {
                    let mapped = SlipwayError.from(error)
                    await step("backup", "failed", mapped.message)
                    throw stop(
                        SlipwayError(.failure, "the backup failed, nothing was changed: \(mapped.message)", hint: mapped.hint),
                        remaining: ["backup", "start", "health-gate", "complete"], next: "fix the backup, then rerun `\(rerunCommand)`")
                }
            } else if policy.backupRequired {
                let message = "\(environment ?? "this environment") requires a backup but none is configured"
                await step("backup", "failed", message)
                throw stop(
                    SlipwayError(.failure, message, hint: "set [backup] mode in slipway.toml"),
                    remaining: ["backup", "start", "health-gate", "complete"], next: "configure a backup, then rerun `\(rerunCommand)`")
            } else {
                await step("backup", "skipped", "not required for \(environment ?? "this environment")")
            }
            do {
                record = try await runner.start(files: files)
            } catch {
                let after = try? await runner.status()
                let next: String
                if let current = after?.current, current.phase != "completed" {
                    next = "version \(current.version) is \(current.phase) at step \(current.step)/\(current.steps); fix the cause and rerun "
                        + "`\(rerunCommand)` (it resumes), or `slipway rollback\(environmentFlag)` to undo it"
                } else {
                    next = "nothing was applied; fix the migration and rerun `\(rerunCommand)`"
                }
                throw await failed("start", error, remaining: ["start", "health-gate", "complete"], next: next)
            }
            await step("start", "ok", "version \(record?.name ?? "?") is active (search_path \(record?.versionSchema ?? "?"))")
        }
        if let record {
            report.version = record.name
            report.versionSchema = record.versionSchema
            if record.phase == "completed" { return report }
        }

        // Health gate.
        let gate = HealthGate(policy: policy, connection: runner.connection, schema: runner.schema)
        if gate.isConfigured {
            do {
                let passed = try await gate.check(versionSchema: report.versionSchema, release: release, environment: environment)
                await step("health-gate", "ok", passed.joined(separator: "; "))
            } catch {
                var mapped = SlipwayError.from(error)
                mapped.message += "; version \(report.version ?? "?") stays active"
                await step("health-gate", "failed", mapped.message)
                throw stop(
                    mapped, remaining: ["health-gate", "complete"],
                    next: "fix and rerun `\(rerunCommand)` (it continues with the health gate), or `slipway rollback\(environmentFlag)`")
            }
        }

        // Complete, or leave it for after the application rollout.
        if complete && policy.autoComplete {
            do {
                _ = try await runner.complete()
            } catch {
                throw await failed(
                    "complete", error, remaining: ["complete"],
                    next: "fix the cause and rerun `\(rerunCommand)` or `slipway complete\(environmentFlag)` (an interrupted complete resumes)")
            }
            await step("complete", "ok", "version \(report.version ?? "?") is complete")
        } else {
            await step("complete", "skipped", "roll the application out to \(report.versionSchema ?? "the new version"), then `slipway complete\(environmentFlag)`")
            report.remaining = ["complete"]
        }
        return report
    }

    /// The manifest file of a release.
    func manifestFile(_ release: String) -> String {
        let version = release.hasPrefix("v") ? String(release.dropFirst()) : release
        if manifestPath.contains("{version}") || manifestPath.contains("{tag}") {
            return manifestPath.replacingOccurrences(of: "{version}", with: version).replacingOccurrences(of: "{tag}", with: "v" + version)
        }
        return (manifestPath as NSString).appendingPathComponent("\(version).json")
    }

    /// Releases whose manifests (next to `release`'s) list any of `names` (sorted), for "deploy that release first".
    func releasesListing(_ names: [String], besideManifestOf release: String) -> [String] {
        guard let manifest = locateManifest(release).path else { return [] }
        let manifestDirectory = (manifest as NSString).deletingLastPathComponent
        let wanted = Set(names)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: manifestDirectory)) ?? []
        var found: [String] = []
        for entry in entries.sorted() where entry.hasSuffix(".json") {
            let path = (manifestDirectory as NSString).appendingPathComponent(entry)
            guard let data = FileManager.default.contents(atPath: path),
                  let manifest = try? JSONDecoder().decode(ReleaseManifest.self, from: data) else { continue }
            if manifest.migrations.contains(where: { wanted.contains(Self.migrationName($0.path)) }) { found.append(manifest.version) }
        }
        return found
    }

    static func migrationName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// Where a manifest entry's file is: manifest paths are relative to the repository root and start with the
    /// manifest's migrations directory, which maps onto the runner's migrations directory (wherever the deploy
    /// runs from); absolute paths are used as they are.
    func resolve(_ path: String, in manifest: ReleaseManifest) -> String {
        if path.hasPrefix("/") { return path }
        let prefix = manifest.migrationsDirectory.hasSuffix("/") ? manifest.migrationsDirectory : manifest.migrationsDirectory + "/"
        if !manifest.migrationsDirectory.isEmpty, path.hasPrefix(prefix) {
            return (runner.migrationsDirectory as NSString).appendingPathComponent(String(path.dropFirst(prefix.count)))
        }
        return (runner.migrationsDirectory as NSString).appendingPathComponent((path as NSString).lastPathComponent)
    }

    /// The migration files a release manifest lists, after checking each file's SHA-256.
    /// Where a release's manifest is: the configured path (relative to the current directory, like the
    /// migrations directory), else the `releases` folder of the migrations directory (a deploy started
    /// elsewhere with --migrations-dir). The first candidate when none exists.
    func locateManifest(_ release: String) -> (path: String?, candidates: [String]) {
        var candidates = [manifestFile(release)]
        let beside = ((runner.migrationsDirectory as NSString).appendingPathComponent("releases") as NSString)
            .appendingPathComponent((candidates[0] as NSString).lastPathComponent)
        if !candidates[0].hasPrefix("/") && beside != candidates[0] { candidates.append(beside) }
        return (candidates.first(where: { FileManager.default.fileExists(atPath: $0) }), candidates)
    }

    func manifestFiles(_ release: String) throws -> [String] {
        let (found, candidates) = locateManifest(release)
        guard let path = found, let data = FileManager.default.contents(atPath: path) else {
            throw SlipwayError(
                .invalidInput, "no release manifest for \(release) at \(candidates.joined(separator: " or "))",
                hint: "cut the release with `slipway release cut`, or set [release] manifest_path")
        }
        let manifest: ReleaseManifest
        do {
            manifest = try JSONDecoder().decode(ReleaseManifest.self, from: data)
        } catch {
            throw SlipwayError(.invalidInput, "\(path) is not a valid release manifest: \(error)")
        }
        var names: [String] = []
        for migration in manifest.migrations {
            let filePath = resolve(migration.path, in: manifest)
            guard let contents = FileManager.default.contents(atPath: filePath) else {
                throw SlipwayError(.invalidInput, "\(migration.path), listed in the \(release) manifest, is missing (looked at \(filePath))")
            }
            let checksum = MigrationRunner.checksum(String(decoding: contents, as: UTF8.self))
            guard checksum == migration.sha256 else {
                throw SlipwayError(
                    .invalidInput, "\(migration.path) differs from the \(release) manifest (sha256 \(checksum.prefix(12))… ≠ \(migration.sha256.prefix(12))…)",
                    hint: "deploy the files of the release as cut")
            }
            names.append(Self.migrationName(migration.path))
        }
        return names
    }
}
