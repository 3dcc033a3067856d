import MigrationFormat

/// The result of checking a migrations directory without a database (`slipway validate`).
public struct MigrationValidation: Sendable, Codable {
    /// One valid file.
    public struct FileSummary: Sendable, Codable {
        public var name: String
        public var path: String
        public var format: String
        /// The version schema name this file would create (`version_schema` or the file name).
        public var version: String
        /// Operation kinds in order (`add_column`, …).
        public var operations: [String]
    }

    /// The directory checked.
    public var directory: String
    /// Every file that decoded cleanly, in apply order.
    public var files: [FileSummary]
    /// Every problem found, across all files.
    public var diagnostics: [Diagnostic]

    /// True when there are no error diagnostics.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }

    /// Decodes every migration file of `directory` (YAML, JSON and plain SQL) and collects all diagnostics.
    public static func check(directory: String) -> MigrationValidation {
        let (files, diagnostics) = MigrationDirectory.load(directory)
        let summaries = files.map { file in
            FileSummary(
                name: file.name, path: file.path, format: file.format.rawValue, version: file.versionName,
                operations: file.operations.map { $0.operation.kind.rawValue })
        }
        return MigrationValidation(directory: directory, files: summaries, diagnostics: diagnostics)
    }
}
