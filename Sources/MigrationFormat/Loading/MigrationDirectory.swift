import Foundation

/// Loads every migration file of a directory.
///
/// Migration files are the regular files whose extension is `.yaml`, `.yml`, `.json` or `.sql`
/// (case-insensitive). Everything else — other files, hidden files, and subdirectories such as
/// `releases/` — is ignored. Files are returned in lexical order of migration name.
public enum MigrationDirectory {
    /// Reads and decodes every migration file in `path`.
    ///
    /// Nothing is thrown: an unreadable directory or file, a syntax error, any decoding error and two
    /// files with the same migration name (`0001_x.yaml` and `0001_x.json`) all become diagnostics, and
    /// every file is decoded so that all problems of the directory are reported together.
    ///
    /// - Returns: The files that decoded without errors, sorted by name, and the diagnostics of all
    ///   files (by file name, then position).
    public static func load(_ path: String) -> (files: [MigrationFile], diagnostics: [Diagnostic]) {
        let manager = FileManager.default
        let entries: [String]
        do {
            entries = try manager.contentsOfDirectory(atPath: path)
        } catch {
            return (
                [],
                [
                    Diagnostic(
                        code: .unreadable, file: path, line: nil, column: nil,
                        message: "cannot read the migrations directory: \(error.localizedDescription)")
                ]
            )
        }
        let candidates = entries.filter { entry in
            guard !entry.hasPrefix("."),
                MigrationFile.Format(fileExtension: MigrationDecoder.fileExtension(of: entry)) != nil
            else { return false }
            var isDirectory: ObjCBool = false
            let exists = manager.fileExists(atPath: join(path, entry), isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        }
        .sorted { lhs, rhs in
            (MigrationDecoder.migrationName(of: lhs), lhs) < (MigrationDecoder.migrationName(of: rhs), rhs)
        }

        var files: [MigrationFile] = []
        var diagnostics: [Diagnostic] = []
        var byName: [String: [String]] = [:]
        for entry in candidates {
            byName[MigrationDecoder.migrationName(of: entry), default: []].append(entry)
        }
        for entry in candidates {
            let filePath = join(path, entry)
            let name = MigrationDecoder.migrationName(of: entry)
            let clashing = byName[name] ?? []
            if clashing.count > 1 {
                if clashing.first == entry {
                    diagnostics.append(
                        Diagnostic(
                            code: .duplicateMigrationName, file: filePath, line: nil, column: nil,
                            message: "\(clashing.count) files give the migration name `\(name)`: "
                                + clashing.joined(separator: ", "),
                            hint: "keep exactly one file per migration name"))
                }
            }
            let result = MigrationDecoder.decodeFile(atPath: filePath)
            diagnostics += result.diagnostics
            if let file = result.file, clashing.count <= 1 {
                files.append(file)
            }
        }
        return (files, diagnostics)
    }

    /// Reads and decodes every migration file in `path`, throwing if there is any error.
    ///
    /// - Throws: ``MigrationFormatError`` with every diagnostic of the directory.
    public static func loadFiles(_ path: String) throws(MigrationFormatError) -> [MigrationFile] {
        let result = load(path)
        if result.diagnostics.contains(where: { $0.severity == .error }) {
            throw MigrationFormatError(diagnostics: result.diagnostics)
        }
        return result.files
    }

    private static func join(_ directory: String, _ entry: String) -> String {
        directory.hasSuffix("/") ? directory + entry : directory + "/" + entry
    }
}
