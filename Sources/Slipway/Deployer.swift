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
        /// Steps in order: `allowed-role`, `plan-gate`, `backup`, `start`, `resume`, `health-gate`, `complete`,
        /// with `ok`, `skipped` or `failed` and a message.
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
    /// Where release manifests live (`migrations/releases`); with a release, its manifest decides the files.
    public var manifestDirectory: String
    public var complete: Bool
    public var backup: BackupAction?
    public var lint: LintConfiguration
    public var events: @Sendable (RunnerEvent) -> Void

    public init(
        runner: MigrationRunner, policy: DeployPolicy, environment: String?, release: String?, manifestDirectory: String,
        complete: Bool, backup: BackupAction?, lint: LintConfiguration = LintConfiguration(),
        events: @escaping @Sendable (RunnerEvent) -> Void
    ) {
        self.runner = runner
        self.policy = policy
        self.environment = environment
        self.release = release
        self.manifestDirectory = manifestDirectory
        self.complete = complete
        self.backup = backup
        self.lint = lint
        self.events = events
    }

    /// Runs the deploy.
    /// - Throws: ``SlipwayError`` with the exit code of the failing gate (5 for plan and health gates), or the
    ///   underlying migration error; the report of the steps done so far is in the error's details.
    public func run() async throws -> Report {
        var report = Report(environment: environment, release: release, version: nil, versionSchema: nil, steps: [], remaining: [])
        func step(_ name: String, _ outcome: String, _ message: String) {
            report.steps.append(Step(name: name, outcome: outcome, message: message))
            events(RunnerEvent("deploy-\(name)", "\(name): \(outcome) — \(message)"))
        }
        func stop(_ error: SlipwayError, remaining: [String]) -> SlipwayError {
            report.remaining = remaining
            var error = error
            let done = report.steps.map { "\($0.name): \($0.outcome)" }.joined(separator: ", ")
            error.details = "steps: \(done); left: \(remaining.joined(separator: ", "))"
            return error
        }

        // Who may deploy.
        if !policy.allowedRoles.isEmpty {
            let session = try await PostgresConnection.connect(runner.connection.with("application_name", "slipway deploy"))
            let role = try await session.query("SELECT current_user AS u")[0].decode("u", as: String.self)
            await session.close()
            guard policy.allowedRoles.contains(role) else {
                throw stop(SlipwayError(
                    .failure, "role \(role) may not deploy to \(environment ?? "this environment")",
                    hint: "allowed roles: \(policy.allowedRoles.joined(separator: ", "))"), remaining: ["everything"])
            }
            step("allowed-role", "ok", "\(role) is allowed")
        }

        // Which files: the release manifest's (checksums verified), or every pending file.
        var files: [String] = []
        if let release {
            files = try manifestFiles(release)
            step("manifest", "ok", "release \(release): \(files.count) migration file(s), checksums match")
        }

        // An interrupted or active version from an earlier run continues instead of starting anew.
        let status = try await runner.status()
        var record: StateStore.VersionRecord?
        if let current = status.current, ["starting", "completing", "rolling_back"].contains(current.phase) {
            step("resume", "ok", "continuing the interrupted \(current.phase) of \(current.version)")
            record = try await runner.resume()
        } else if let current = status.current, current.phase == "active" {
            step("start", "skipped", "version \(current.version) is already active")
            report.version = current.version
            report.versionSchema = current.versionSchema
        } else if status.pending.isEmpty || (release != nil && files.isEmpty) {
            step("start", "skipped", "no pending migrations")
            return report
        } else {
            // Plan gate.
            if policy.planGate != .none {
                let (plan, tables, sizes) = try await runner.plan(files: files)
                let planReport = MigrationPlanReport.make(plan: plan, tables: tables, sizes: sizes, lint: lint)
                if planReport.fails(at: policy.planGate.rawValue) {
                    let worst = planReport.findings.map { "\($0.severity) [\($0.rule)] \($0.message)" }.joined(separator: "; ")
                    step("plan-gate", "failed", worst)
                    throw stop(SlipwayError(.findings, "the plan gate (\(policy.planGate.rawValue)) failed: \(worst)"), remaining: ["backup", "start", "complete"])
                }
                step("plan-gate", "ok", "\(planReport.findings.count) finding(s) below \(policy.planGate.rawValue)")
            }
            // Backup before any DDL.
            if let backup {
                do {
                    let description = try await backup(release, environment)
                    step("backup", "ok", description)
                } catch {
                    step("backup", "failed", "\(error)")
                    throw stop(SlipwayError(.failure, "the backup failed, nothing was changed: \(error)"), remaining: ["backup", "start", "complete"])
                }
            } else if policy.backupRequired {
                throw stop(SlipwayError(
                    .failure, "\(environment ?? "this environment") requires a backup but none is configured",
                    hint: "set [backup] mode in slipway.toml"), remaining: ["backup", "start", "complete"])
            } else {
                step("backup", "skipped", "not required for \(environment ?? "this environment")")
            }
            record = try await runner.start(files: files)
            step("start", "ok", "version \(record?.name ?? "?") is active (search_path \(record?.versionSchema ?? "?"))")
        }
        if let record {
            report.version = record.name
            report.versionSchema = record.versionSchema
            if record.phase == "completed" { return report }
        }

        // Health gate.
        if let command = policy.healthCheck {
            let output = try await ChildProcess.capture(
                ["/bin/sh", "-c", command],
                environment: ProcessInfo.processInfo.environment.merging(
                    ["SLIPWAY_VERSION_SCHEMA": report.versionSchema ?? "", "SLIPWAY_RELEASE": release ?? "",
                     "SLIPWAY_ENVIRONMENT": environment ?? ""], uniquingKeysWith: { _, new in new }),
                timeout: policy.healthTimeout)
            guard output.status == 0 else {
                let text = (output.stderr + output.stdout).split(separator: "\n").last.map(String.init) ?? ""
                step("health-gate", "failed", "exit \(output.status): \(text)")
                throw stop(SlipwayError(
                    .findings, "the health gate failed (exit \(output.status)); version \(report.version ?? "?") stays active",
                    hint: "fix and rerun `slipway deploy`, or `slipway rollback`"), remaining: ["health-gate", "complete"])
            }
            step("health-gate", "ok", "`\(command)` passed")
        }

        // Complete, or leave it for after the application rollout.
        if complete && policy.autoComplete {
            _ = try await runner.complete()
            step("complete", "ok", "version \(report.version ?? "?") is complete")
        } else {
            step("complete", "skipped", "roll the application out to \(report.versionSchema ?? "the new version"), then `slipway complete`")
            report.remaining = ["complete"]
        }
        return report
    }

    /// The migration files a release manifest lists, after checking each file's SHA-256.
    func manifestFiles(_ release: String) throws -> [String] {
        let trimmed = release.hasPrefix("v") ? String(release.dropFirst()) : release
        let path = (manifestDirectory as NSString).appendingPathComponent("\(trimmed).json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SlipwayError(.invalidInput, "no release manifest for \(release) at \(path)", hint: "cut the release with `slipway release cut`")
        }
        let manifest: ReleaseManifest
        do {
            manifest = try JSONDecoder().decode(ReleaseManifest.self, from: data)
        } catch {
            throw SlipwayError(.invalidInput, "\(path) is not a valid release manifest: \(error)")
        }
        var names: [String] = []
        for migration in manifest.migrations {
            let filePath = migration.path.hasPrefix("/") ? migration.path : migration.path
            guard let contents = FileManager.default.contents(atPath: filePath) else {
                throw SlipwayError(.invalidInput, "\(migration.path), listed in the \(release) manifest, is missing")
            }
            let checksum = MigrationRunner.checksum(String(decoding: contents, as: UTF8.self))
            guard checksum == migration.sha256 else {
                throw SlipwayError(
                    .invalidInput, "\(migration.path) differs from the \(release) manifest (sha256 \(checksum.prefix(12))… ≠ \(migration.sha256.prefix(12))…)",
                    hint: "deploy the files of the release as cut")
            }
            names.append(((migration.path as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
        return names
    }
}
