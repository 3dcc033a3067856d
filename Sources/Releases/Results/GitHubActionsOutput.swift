import Foundation

/// Writes step outputs for GitHub Actions (`$GITHUB_OUTPUT`): `version=`, `tag=`, `previous_version=` and a
/// multi-line `notes<<EOF` block.
public enum GitHubActionsOutput {
    /// The text appended to `$GITHUB_OUTPUT`. The heredoc delimiter is `EOF`, or `EOF_<n>` when the notes
    /// contain a line `EOF`.
    public static func render(version: String, tag: String, previousVersion: String?, notes: String) -> String {
        var delimiter = "EOF"
        var counter = 0
        let noteLines = Set(notes.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        while noteLines.contains(delimiter) {
            counter += 1
            delimiter = "EOF_\(counter)"
        }
        var text = "version=\(version)\ntag=\(tag)\nprevious_version=\(previousVersion ?? "")\n"
        text += "notes<<\(delimiter)\n\(notes)\n\(delimiter)\n"
        return text
    }

    /// Appends ``render(version:tag:previousVersion:notes:)`` to the file at `path`.
    /// - Throws: ``ReleaseError/Code/fileWriteFailed``.
    public static func append(_ text: String, toFile path: String) throws {
        do {
            if !FileManager.default.fileExists(atPath: path) {
                try Data().write(to: URL(fileURLWithPath: path))
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw ReleaseError(
                code: .fileWriteFailed, message: "could not append to GITHUB_OUTPUT (\(path)): \(error)",
                hint: "check that the runner's GITHUB_OUTPUT file is writable", path: path, underlying: error)
        }
    }
}
