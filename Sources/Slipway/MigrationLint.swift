import Foundation
import MigrationFormat
import SQLLint

/// Lints the raw SQL of migration files: plain `.sql` files whole, and the `up`/`down` of `sql` operations
/// inside YAML/JSON migrations, with positions pointing into the migration file.
public struct MigrationLint: Sendable {
    /// The configuration for SQL that runs during start (expand).
    public var configuration: LintConfiguration

    public init(configuration: LintConfiguration) { self.configuration = configuration }

    /// The lint results and any migration-file diagnostics (files that could not be decoded).
    public struct Report: Sendable {
        public var results: [LintResult]
        public var diagnostics: [Diagnostic]
    }

    /// Lints `paths` (files or directories; directories are read like a migrations directory).
    public func lint(paths: [String]) -> Report {
        var results: [LintResult] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(code: .unreadable, file: path, line: nil, column: nil, message: "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                let (files, problems) = MigrationDirectory.load(path)
                diagnostics += problems
                for file in files { results += lint(file) }
            } else if path.hasSuffix(".sql") {
                // Plain SQL is linted even when it is not a migration file name.
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    diagnostics.append(Diagnostic(code: .unreadable, file: path, line: nil, column: nil, message: "cannot read the file as UTF-8"))
                    continue
                }
                results.append(SQLLinter(configuration: configuration).lint(text, file: path))
            } else {
                let (file, problems) = MigrationDecoder.decodeFile(atPath: path)
                diagnostics += problems
                if let file { results += lint(file) }
            }
        }
        return Report(results: results, diagnostics: diagnostics)
    }

    /// Lints the raw SQL of one decoded migration file.
    public func lint(_ file: MigrationFile) -> [LintResult] {
        if file.format == .sql {
            // A plain .sql migration: lint the file text itself so positions are exact.
            return [SQLLinter(configuration: configuration).lint(file.contents, file: file.path)]
        }
        var results: [LintResult] = []
        for located in file.operations {
            guard case .sql(let op) = located.operation else { continue }
            var upConfiguration = configuration
            upConfiguration.phase = op.onComplete ? .complete : .expand
            for (key, sql, config) in [("up", op.up, upConfiguration), ("down", op.down, configuration)] {
                guard let sql else { continue }
                let origin: SnippetOrigin
                if let source = located.snippets[key] {
                    origin = SnippetOrigin(
                        line: source.contentStart.line, column: source.contentStart.column,
                        continuationIndent: source.isBlockScalar ? source.indentation : 0)
                } else {
                    origin = SnippetOrigin(line: located.location.line, column: located.location.column)
                }
                results.append(SQLLinter(configuration: config).lint(sql, file: file.path, origin: origin))
            }
        }
        return results
    }
}
