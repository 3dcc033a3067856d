import Foundation
import Migrations
import SQLLint

/// `slipway plan`: every step of start, complete and rollback for the pending migrations, with the lock each
/// takes and on what, rewrites and scans, row estimates from the catalog, estimated durations, and findings
/// with their safe alternative.
public struct MigrationPlanReport: Sendable, Codable {
    /// One step as the DBA sees it.
    public struct Step: Sendable, Codable {
        public var summary: String
        public var origin: String?
        /// `transaction`, `concurrent`, `user-sql`, `version-schema`, `trigger`, `backfill`.
        public var kind: String
        /// The SQL as Slipway sends it (steps built from the catalog at run time say so).
        public var statements: [String]
        public var impact: StepImpact
        /// Estimated rows of the table the step works on (`pg_class.reltuples`).
        public var estimatedRows: Int?
        /// Total size of that table with its indexes, in bytes.
        public var tableBytes: Int?
        /// A rough duration estimate in seconds (once the lock is granted).
        public var estimatedSeconds: Double?
    }

    /// One phase (`start`, `complete`, `rollback`).
    public struct Phase: Sendable, Codable {
        public var name: String
        public var steps: [Step]
    }

    /// A risk or note, with what to do instead.
    public struct Finding: Sendable, Codable {
        /// `error`, `warning` or `info`.
        public var severity: String
        /// A lint rule id, or a plan check id (`plan-large-backfill`, …).
        public var rule: String
        public var message: String
        public var suggestion: String?
        public var origin: String?
    }

    public var schema: String
    public var version: String
    /// The schema applications switch to.
    public var versionSchema: String
    public var previousVersionSchema: String?
    public var migrations: [String]
    public var phases: [Phase]
    public var findings: [Finding]
    /// `live` (read from the database's catalog) or `offline` (from the migration files alone: sizes and row
    /// counts unknown).
    public var source: String = "live"
    /// Offline: the files taken as applied (they build the catalog).
    public var appliedOffline: [String]? = nil
    /// Offline: tables, columns and constraints no earlier file creates (`orders`, `orders.status`); their
    /// types, keys and sizes only the live catalog knows.
    public var unknown: [String]? = nil
    /// Per backfilled table (`schema.table`), the other row triggers that fire for every backfilled row (nil when
    /// not read: offline plans).
    public var backfillRowTriggers: [String: [BackfillSideEffects.RowTrigger]]? = nil
    /// What `--rehearse` observed on a schema-only copy (nil without `--rehearse`).
    public var rehearsal: RehearsalReport? = nil

    /// Builds the report from a plan and the catalog it was made from.
    /// - Parameters:
    ///   - offline: the plan was made from the files alone (``MigrationRunner/planOffline(files:)``): no sizes,
    ///     no row counts, and the placeholders the catalog needed listed as unknown.
    public static func make(
        plan: VersionPlan, tables: [String: TableInfo], sizes: [String: Int], lint: LintConfiguration,
        offline: OfflinePlanResult? = nil
    ) -> MigrationPlanReport {
        var findings = plan.warnings.map { Finding(severity: "warning", rule: "plan-warning", message: $0, suggestion: nil, origin: nil) }
        let context = StepImpact.Context.make(plan: plan, catalog: tables)
        let unknownTables = Set((offline?.unknown ?? []).filter { !$0.contains(".") })
        func step(_ step: MigrationStep) -> Step {
            var impact = StepImpact.of(step, schema: plan.schema, context: context)
            for lock in impact.locks {
                let name = lock.relation.split(separator: ".", maxSplits: 1).last.map(String.init) ?? lock.relation
                if unknownTables.contains(name) || (offline != nil && lock.relation.hasPrefix("table of ")) {
                    impact.notes.append("offline: \(name) is not created by the migration files; its columns, key and size are unknown here")
                }
            }
            var kind = "transaction"
            var statements: [String] = []
            var table: String?
            switch step.action {
            case .transaction(let sql, _): statements = sql
            case .concurrent(let sql, _):
                kind = "concurrent"
                statements = [sql]
            case .userSQL(let sql):
                kind = "user-sql"
                statements = [sql]
            case .createVersionSchema(let spec):
                kind = "version-schema"
                statements = ["CREATE SCHEMA \"\(spec.versionSchema)\"; CREATE VIEW … per table (built from the catalog at run time)"]
            case .installTrigger(let spec):
                kind = "trigger"
                table = spec.table
                statements = ["CREATE OR REPLACE FUNCTION \"\(spec.schema)\".\"\(spec.functionName)\"() …; CREATE TRIGGER \"\(spec.triggerName)\" BEFORE INSERT OR UPDATE ON \"\(spec.schema)\".\"\(spec.table)\" FOR EACH ROW …"]
            case .backfill(let spec):
                kind = "backfill"
                table = spec.table
                statements = ["UPDATE \"\(spec.schema)\".\"\(spec.table)\" SET \"_slipway_needs_backfill\" = false … in batches of \(spec.batchSize) by (\(spec.key.joined(separator: ", ")))"]
            }
            if table == nil, let relation = impact.locks.first?.relation {
                let name = relation.split(separator: ".").last.map(String.init) ?? relation
                if tables[name] != nil { table = name }
            }
            let rows = offline != nil ? nil : table.flatMap { tables[$0]?.estimatedRows }.map { max($0, 0) }
            var seconds: Double?
            if let rows {
                if impact.updatesRows {
                    seconds = Double(rows) / 20_000
                } else if impact.scans && kind == "concurrent" {
                    seconds = Double(rows) / 500_000 + 0.05
                } else if impact.scans {
                    seconds = Double(rows) / 2_000_000 + 0.01
                } else {
                    seconds = 0.01
                }
            }
            return Step(
                summary: step.summary, origin: step.origin, kind: kind, statements: statements, impact: impact,
                estimatedRows: rows, tableBytes: table.flatMap { sizes[$0] }, estimatedSeconds: seconds)
        }
        var start = plan.start.map(step)
        let complete = plan.complete.map(step)
        let rollback = plan.rollbackSteps(startCursor: plan.start.count).map(step)

        // Lint the raw SQL the migration runs.
        for migrationStep in plan.start + plan.complete {
            guard case .userSQL(let sql) = migrationStep.action else { continue }
            var configuration = lint
            configuration.lockTimeoutManagedByRunner = true
            let result = SQLLinter(configuration: configuration).lint(sql, file: migrationStep.origin ?? "sql")
            for finding in result.findings {
                findings.append(Finding(
                    severity: finding.severity.rawValue, rule: finding.ruleID, message: finding.message,
                    suggestion: finding.suggestion, origin: migrationStep.origin))
            }
        }
        for index in start.indices where start[index].kind == "backfill" {
            // Every row gets a new version: WAL of about the table's size (more with full-page writes after a
            // checkpoint), and as much dead space for VACUUM.
            if let bytes = start[index].tableBytes {
                start[index].impact.notes.append(
                    "writes about \(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .binary)) of WAL (a new version of every row; more with full-page writes) and leaves as many dead tuples for VACUUM")
            }
        }
        for planned in start where planned.kind == "backfill" {
            if let rows = planned.estimatedRows, rows > 1_000_000 {
                findings.append(Finding(
                    severity: "warning", rule: "plan-large-backfill",
                    message: "\(planned.summary): about \(rows) rows, roughly \(Int((planned.estimatedSeconds ?? 0) / 60)) min of batched updates (WAL, dead tuples, other row triggers fire)",
                    suggestion: "throttle with --batch-pause, run it off-peak, and watch replication lag", origin: planned.origin))
            }
        }
        for planned in start + complete where planned.impact.locks.contains(where: { $0.mode == "ACCESS EXCLUSIVE" }) && planned.impact.rewrites {
            findings.append(Finding(
                severity: "error", rule: "plan-rewrite", message: "\(planned.summary) rewrites the table under ACCESS EXCLUSIVE",
                suggestion: "add a new column and backfill it instead", origin: planned.origin))
        }
        if let offline, !offline.unknown.isEmpty {
            findings.append(Finding(
                severity: "info", rule: "plan-offline-unknown",
                message: "planned offline: \(offline.unknown.joined(separator: ", ")) \(offline.unknown.count == 1 ? "is" : "are") not created by the migration files, so types, keys and sizes are unknown",
                suggestion: "run `slipway plan` against the database for the real catalog", origin: nil))
        }
        var report = MigrationPlanReport(
            schema: plan.schema, version: plan.version, versionSchema: plan.versionSchema,
            previousVersionSchema: plan.previousVersionSchema, migrations: plan.migrations,
            phases: [Phase(name: "start", steps: start), Phase(name: "complete", steps: complete), Phase(name: "rollback", steps: rollback)],
            findings: findings)
        if let offline {
            report.source = "offline"
            report.appliedOffline = offline.applied
            report.unknown = offline.unknown
        }
        return report
    }

    /// The report with the row triggers each backfill fires (from ``MigrationRunner/backfillRowTriggers(of:)``):
    /// a note on the backfill step, and a warning when a trigger sends NOTIFY or any other trigger fires, since
    /// it runs once for every row of the table.
    public func adding(backfillRowTriggers triggers: [String: [BackfillSideEffects.RowTrigger]]) -> MigrationPlanReport {
        var report = self
        report.backfillRowTriggers = triggers
        for phase in report.phases.indices where report.phases[phase].name == "start" {
            for index in report.phases[phase].steps.indices where report.phases[phase].steps[index].kind == "backfill" {
                let step = report.phases[phase].steps[index]
                guard let table = step.impact.locks.first?.relation, let fired = triggers[table] else { continue }
                if fired.isEmpty {
                    report.phases[phase].steps[index].impact.notes.append("no other row trigger fires for the backfilled rows")
                    continue
                }
                let list = fired.map(\.description).joined(separator: "; ")
                report.phases[phase].steps[index].impact.notes.append("fires for every backfilled row: \(list)")
                report.findings.append(Finding(
                    severity: "warning", rule: "plan-backfill-triggers",
                    message: "\(step.summary): every backfilled row fires \(list)\(fired.contains(where: \.notifies) ? " — including NOTIFY, once per row" : "")",
                    suggestion: "make the trigger skip rows where only Slipway's _slipway_needs_backfill column changes (a WHEN condition or UPDATE OF its columns), or accept the extra work",
                    origin: step.origin))
            }
        }
        return report
    }

    /// The report with a rehearsal's observations: every difference from the prediction becomes an error
    /// finding (`rehearsal-difference`), so `--fail-on error` stops CI on it.
    public func adding(rehearsal: RehearsalReport) -> MigrationPlanReport {
        var report = self
        report.rehearsal = rehearsal
        for difference in rehearsal.differences {
            report.findings.append(Finding(
                severity: "error", rule: "rehearsal-difference", message: "rehearsal: \(difference)",
                suggestion: "the plan's prediction is wrong for this server: trust the observed lock, and report it", origin: nil))
        }
        return report
    }

    /// Whether any finding is at or above `level` (`error`, `warning`; `none` never fails).
    public func fails(at level: String) -> Bool {
        switch level {
        case "warning": return findings.contains { $0.severity == "warning" || $0.severity == "error" }
        case "error": return findings.contains { $0.severity == "error" }
        default: return false
        }
    }

    /// Text for people, readable in an 80-column terminal.
    public func renderText() -> String {
        var lines: [String] = []
        lines.append("Plan for version \(version) (\(migrations.joined(separator: ", "))) in schema \(schema)")
        lines.append("New clients: search_path = \(versionSchema), \(schema)")
        if source == "offline" {
            lines.append("Offline: planned from the migration files alone; sizes and row counts unknown")
            if let applied = appliedOffline, let last = applied.last { lines.append("  taken as applied: \(applied.count) earlier file(s), through \(last)") }
        }
        for phase in phases {
            lines.append("")
            lines.append("\(phase.name.uppercased()) (\(phase.steps.count) steps)")
            for (index, step) in phase.steps.enumerated() {
                lines += Self.wrap("\(index + 1). \(step.summary)", first: "", rest: "   ", width: 80)
                if let origin = step.origin { lines.append("   from: \(origin)") }
                for lock in step.impact.locks {
                    let blocking = lock.blocksReads ? "blocks reads and writes" : lock.blocksWrites ? "blocks writes" : "reads and writes continue"
                    lines += Self.wrap(
                        "\(lock.mode) on \(lock.relation) (\(blocking)\(step.impact.catalogOnly ? ", catalog change only" : ""))",
                        first: "   lock: ", rest: "         ", width: 80)
                }
                var facts: [String] = []
                if step.impact.rewrites { facts.append("REWRITES the table") }
                if step.impact.scans { facts.append("scans the table") }
                if step.impact.updatesRows { facts.append("updates every row") }
                if let rows = step.estimatedRows { facts.append("~\(rows) rows") }
                if let bytes = step.tableBytes { facts.append(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .binary)) }
                if let seconds = step.estimatedSeconds { facts.append(String(format: "~%.1f s", seconds)) }
                if !facts.isEmpty { lines.append("   " + facts.joined(separator: ", ")) }
                for note in step.impact.notes { lines += Self.wrap(note, first: "   note: ", rest: "         ", width: 80) }
                for statement in step.statements {
                    let oneLine = statement.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                    lines += Self.wrap(oneLine, first: "   sql: ", rest: "        ", width: 80)
                }
            }
        }
        if let rehearsal {
            lines.append("")
            lines += Self.wrap("REHEARSAL on a \(rehearsal.server); copy: \(rehearsal.copy)", first: "", rest: "  ", width: 80)
            let counts = Dictionary(grouping: rehearsal.checks, by: \.status).mapValues(\.count)
            lines.append(["match", "differs", "observed", "not-observed"].compactMap { status in counts[status].map { "\($0) \(status)" } }.joined(separator: ", "))
            for check in rehearsal.checks where check.status != "match" {
                let what = check.statement.map { PlanRehearsal.abbreviate($0) } ?? check.summary
                lines += Self.wrap("- \(check.status): \(check.phase) step \(check.step): \(what)", first: "", rest: "    ", width: 80)
                if check.status != "not-observed" {
                    lines += Self.wrap("predicted: \(PlanRehearsal.describe(check.predictedLocks))", first: "    ", rest: "      ", width: 80)
                    let rewrites = check.observedRewrites.isEmpty ? "" : ", rewrites \(check.observedRewrites.joined(separator: ", "))"
                    lines += Self.wrap("observed: \(PlanRehearsal.describe(check.observedLocks ?? [:]))\(rewrites)", first: "    ", rest: "      ", width: 80)
                }
                if let note = check.note { lines += Self.wrap("note: \(note)", first: "    ", rest: "      ", width: 80) }
            }
            for note in rehearsal.notes { lines += Self.wrap("note: \(note)", first: "", rest: "  ", width: 80) }
        }
        lines.append("")
        if findings.isEmpty {
            lines.append("Findings: none")
        } else {
            lines.append("Findings:")
            for finding in findings {
                lines.append("- \(finding.severity) [\(finding.rule)] \(finding.origin.map { "\($0): " } ?? "")\(finding.message)")
                if let suggestion = finding.suggestion { lines.append("  safe alternative: \(suggestion)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Wraps `text` at spaces to `width` columns (a longer word stays whole).
    static func wrap(_ text: String, first: String, rest: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = first
        var currentIsEmpty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !currentIsEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = rest + word
            } else {
                current += (currentIsEmpty ? "" : " ") + word
            }
            currentIsEmpty = false
        }
        lines.append(current)
        return lines
    }

    /// Markdown for pull-request comments.
    public func renderMarkdown() -> String {
        var lines = ["### Slipway plan: `\(version)`", "", "New clients use `search_path = \(versionSchema), \(schema)`.", ""]
        if source == "offline" { lines += ["*Planned offline from the migration files alone: sizes and row counts unknown.*", ""] }
        for phase in phases {
            lines.append("#### \(phase.name.capitalized)")
            lines.append("")
            lines.append("| # | step | lock | rows | est. | notes |")
            lines.append("|---:|---|---|---:|---:|---|")
            for (index, step) in phase.steps.enumerated() {
                let locks = step.impact.locks.map { "`\($0.mode)` on `\($0.relation)`" }.joined(separator: "<br>")
                var notes: [String] = []
                if step.impact.rewrites { notes.append("**rewrite**") }
                if step.impact.scans { notes.append("scan") }
                if step.impact.updatesRows { notes.append("updates every row") }
                if step.impact.catalogOnly { notes.append("catalog only") }
                if step.kind == "backfill" {
                    notes += step.impact.notes.map { $0.replacingOccurrences(of: "|", with: "\\|") }
                }
                lines.append(
                    "| \(index + 1) | \(step.summary.replacingOccurrences(of: "|", with: "\\|")) | \(locks.isEmpty ? "—" : locks) | \(step.estimatedRows.map(String.init) ?? "") | \(step.estimatedSeconds.map { String(format: "%.1f s", $0) } ?? "") | \(notes.joined(separator: ", ")) |")
            }
            lines.append("")
        }
        if let rehearsal {
            lines.append("#### Rehearsal")
            lines.append("")
            lines.append("On a \(rehearsal.server); copy: \(rehearsal.copy).")
            lines.append("")
            lines.append("| phase | step | statement | predicted | observed | status |")
            lines.append("|---|---:|---|---|---|---|")
            for check in rehearsal.checks {
                let what = (check.statement.map { PlanRehearsal.abbreviate($0) } ?? check.summary).replacingOccurrences(of: "|", with: "\\|")
                let observed = check.observedLocks.map { PlanRehearsal.describe($0) + (check.observedRewrites.isEmpty ? "" : ", **rewrite**") } ?? "—"
                lines.append("| \(check.phase) | \(check.step) | `\(what)` | \(PlanRehearsal.describe(check.predictedLocks)) | \(observed) | \(check.status == "differs" ? "**differs**" : check.status) |")
            }
            lines.append("")
        }
        lines.append("#### Findings")
        lines.append("")
        if findings.isEmpty { lines.append("None.") }
        for finding in findings {
            lines.append("- **\(finding.severity)** `\(finding.rule)`: \(finding.message)\(finding.suggestion.map { " — *\($0)*" } ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
