import Foundation
import Yams

/// Decodes one migration file (YAML, JSON or plain SQL) into a ``MigrationFile``, collecting every
/// problem as a ``Diagnostic`` with file, line, column and key path.
///
/// YAML and JSON are parsed with `Yams.compose` (JSON parses as YAML) into a node tree that keeps each
/// node's position, and decoded from it by hand — strictly: unknown keys are errors at every level.
public enum MigrationDecoder {
    /// The keys allowed at the top level of a YAML/JSON migration.
    public static let topLevelKeys = ["operations", "version_schema", "backfill"]

    /// Decodes a migration file's text.
    ///
    /// - Parameters:
    ///   - contents: The file's text.
    ///   - path: The file's path; its base name without extension is the migration's name, and it is
    ///     the `file` of every diagnostic.
    ///   - format: The syntax; derived from the path's extension when `nil` (unknown extensions are read
    ///     as YAML).
    /// - Returns: The decoded file — `nil` if there is any error — and all diagnostics, in position order.
    public static func decode(
        contents: String, path: String, format: MigrationFile.Format? = nil
    ) -> (file: MigrationFile?, diagnostics: [Diagnostic]) {
        let format = format ?? MigrationFile.Format(fileExtension: fileExtension(of: path)) ?? .yaml
        let name = migrationName(of: path)
        if format == .sql {
            let result = SQLFileDecoder.decode(contents: contents, path: path, name: name)
            return (result.file, sorted(result.diagnostics))
        }
        let (root, context) = compose(contents, path: path, format: format)
        guard let context else { return (nil, []) }
        guard let root else {
            if !context.hasErrors {
                context.report(
                    .emptyFile, at: SourceLocation(file: path, line: 1, column: 1), keyPath: "",
                    "the file is empty; a migration needs `operations`")
            }
            return (nil, sorted(context.diagnostics))
        }
        let file = decodeDocument(
            root, contents: contents, name: name, path: path, format: format, context: context)
        return (context.hasErrors ? nil : file, sorted(context.diagnostics))
    }

    /// Decodes a migration file's bytes (which must be UTF-8).
    public static func decode(
        data: Data, path: String, format: MigrationFile.Format? = nil
    ) -> (file: MigrationFile?, diagnostics: [Diagnostic]) {
        guard let contents = String(data: data, encoding: .utf8) else {
            return (
                nil,
                [
                    Diagnostic(
                        code: .unreadable, file: path, line: nil, column: nil,
                        message: "the file is not valid UTF-8 text")
                ]
            )
        }
        return decode(contents: contents, path: path, format: format)
    }

    /// Reads and decodes the migration file at `path`.
    public static func decodeFile(atPath path: String) -> (file: MigrationFile?, diagnostics: [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (
                nil,
                [
                    Diagnostic(
                        code: .unreadable, file: path, line: nil, column: nil, message: "cannot read the file")
                ]
            )
        }
        return decode(data: data, path: path)
    }

    /// The migration name for a path: its base name without extension.
    public static func migrationName(of path: String) -> String {
        let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    static func fileExtension(of path: String) -> String {
        let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "" }
        return String(base[base.index(after: dot)...])
    }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
            let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
    }

    // MARK: - Composing

    /// Parses the text into a node tree, recovering from duplicate keys (see ``DuplicateKeyRecovery``).
    /// Returns the context holding the duplicate sites and any syntax diagnostic.
    private static func compose(
        _ contents: String, path: String, format: MigrationFile.Format
    ) -> (Node?, DecodingContext?) {
        var scalars = Array(contents.unicodeScalars)
        var sites: [DuplicateKeyRecovery.Position: DuplicateKeyRecovery.Site] = [:]
        let syntaxName = format == .json ? "JSON" : "YAML"
        for serial in 0..<200 {
            var text = String()
            text.unicodeScalars.append(contentsOf: scalars)
            do {
                let root = try Yams.compose(yaml: text)
                return (root, DecodingContext(file: path, duplicateSites: sites))
            } catch let YamlError.duplicatedKeysInMapping(duplicates, yamlContext) {
                let first = DuplicateKeyRecovery.Position(line: yamlContext.mark.line, column: yamlContext.mark.column)
                let key = duplicates.first ?? ""
                if let renamed = DuplicateKeyRecovery.rename(key: key, first: first, in: scalars, serial: serial) {
                    scalars = renamed.scalars
                    sites[renamed.position] = DuplicateKeyRecovery.Site(key: key, first: first)
                    continue
                }
                let context = DecodingContext(file: path, duplicateSites: sites)
                context.report(
                    .duplicateKey, at: SourceLocation(file: path, line: first.line, column: first.column),
                    keyPath: "",
                    "duplicate key `\(key)` in a mapping (this is its first occurrence)",
                    hint: "each key may appear once in a mapping; remove one of them")
                return (nil, context)
            } catch let error as YamlError {
                let context = DecodingContext(file: path, duplicateSites: sites)
                context.append(syntaxDiagnostic(error, path: path, syntaxName: syntaxName, text: text))
                return (nil, context)
            } catch {
                let context = DecodingContext(file: path, duplicateSites: sites)
                context.report(
                    .syntax, at: SourceLocation(file: path, line: 1, column: 1), keyPath: "",
                    "malformed \(syntaxName): \(error)")
                return (nil, context)
            }
        }
        let context = DecodingContext(file: path)
        context.report(
            .duplicateKey, at: SourceLocation(file: path, line: 1, column: 1), keyPath: "",
            "too many duplicate keys")
        return (nil, context)
    }

    static func syntaxDiagnostic(_ error: YamlError, path: String, syntaxName: String, text: String) -> Diagnostic {
        func make(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> Diagnostic {
            var message = "malformed \(syntaxName): \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return Diagnostic(
                code: .syntax, file: path, line: mark.line, column: mark.column, message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            return make(problem, mark, context)
        case let .reader(problem, offset, _, _):
            var line = 1
            var column = 1
            if let offset {
                for character in text.prefix(offset) {
                    if character == "\n" || character == "\r\n" {
                        line += 1
                        column = 1
                    } else {
                        column += character.unicodeScalars.count
                    }
                }
            }
            return Diagnostic(
                code: .syntax, file: path, line: line, column: column,
                message: "malformed \(syntaxName): \(problem)")
        default:
            return Diagnostic(
                code: .syntax, file: path, line: 1, column: 1, message: "malformed \(syntaxName): \(error)")
        }
    }

    // MARK: - Document

    private static func decodeDocument(
        _ root: Node, contents: String, name: String, path: String, format: MigrationFile.Format,
        context: DecodingContext
    ) -> MigrationFile? {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard
            let reader = MappingReader(
                root, path: "", anchor: start, what: "the migration", allowed: topLevelKeys, context: context,
                special: { key, keyNode in
                    guard key == "name" else { return false }
                    context.report(
                        .topLevelName, at: keyNode, keyPath: "name",
                        "a top-level `name` key is not allowed: the migration's name is its file name (`\(name)`)",
                        hint: "remove the `name` key; to change the name, rename the file "
                            + "(use `version_schema` to name the version schema)")
                    return true
                })
        else { return nil }
        let versionSchema = reader.string("version_schema")
        let backfill = ObjectDecoder(context: context).backfill(reader)
        var decoder = OperationDecoder(context: context)
        decoder.lines = contents.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Substring($0) }
        var operations: [LocatedOperation] = []
        var elementCount = 0
        if let elements = reader.sequence("operations", required: true) {
            elementCount = elements.count
            if elements.isEmpty, let entry = reader.entry("operations") {
                context.report(
                    .emptyOperations, at: entry.value, keyPath: "operations",
                    "`operations` is empty; a migration needs at least one operation")
            }
            for element in elements {
                if let operation = decoder.decode(element.node, path: element.path) {
                    operations.append(operation)
                }
            }
        }
        if elementCount > 1 {
            for operation in operations {
                if case let .sql(sql) = operation.operation, !sql.onComplete {
                    context.report(
                        .rawSQLNotAlone, at: operation.location, keyPath: operation.keyPath,
                        "a `sql` operation without `onComplete: true` must be the only operation of its "
                            + "migration (this migration has \(elementCount))",
                        hint: "move the raw SQL into a migration file of its own (a plain `.sql` file works)")
                }
            }
        }
        guard let backfill, !(reader.hasValue("version_schema") && versionSchema == nil) else { return nil }
        return MigrationFile(
            name: name, path: path, format: format, operations: operations, versionSchema: versionSchema,
            backfill: backfill, contents: contents)
    }
}
