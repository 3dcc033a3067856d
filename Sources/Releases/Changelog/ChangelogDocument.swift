/// Inserts a release section into an existing Markdown changelog, idempotently.
///
/// Structure recognised: an optional `# ` title and preamble, then `## ` release headings
/// (`## [1.2.0](…) - date`, `## [1.2.0] - date`, `## 1.2.0`, `## [Unreleased]`). Headings inside fenced code
/// blocks are ignored.
public enum ChangelogDocument {
    /// The header written when a changelog is created.
    public static let defaultHeader = """
        # Changelog

        All notable changes to this project are documented in this file.
        The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and this project adheres
        to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).
        """

    /// A whole changelog: the header then the sections, newest first.
    public static func render(header: String, sections: [String]) -> String {
        var text = header.trimmingWhitespace() + "\n"
        for section in sections { text += "\n" + section.trimmingWhitespace() + "\n" }
        return text
    }

    /// The version a `## ` heading names (`## [1.2.0](url) - date` → `1.2.0`), or `nil`.
    public static func headingVersion(_ line: Substring) -> String? {
        guard line.hasPrefix("## ") else { return nil }
        var rest = line.dropFirst(3).drop(while: { $0 == " " })
        if rest.hasPrefix("[") {
            rest = rest.dropFirst()
            return String(rest.prefix(while: { $0 != "]" })).trimmingWhitespace()
        }
        return String(rest.prefix(while: { $0 != " " }))
    }

    /// Returns `existing` with `section` for `version` inserted above the newest release (below an
    /// `## [Unreleased]` section), or replacing the section already present for `version`, so re-running
    /// never duplicates. `existing == nil` (or empty) creates the file from `header`.
    /// - Throws: ``ReleaseError/Code/malformedChangelog`` when the file holds merge-conflict markers or has
    ///   neither a `# ` title nor any `## ` heading.
    public static func insert(section: String, version: String, into existing: String?, header: String, path: String) throws -> String {
        let trimmedSection = section.trimmingWhitespace()
        guard let existing, !existing.allSatisfy(\.isWhitespace) else {
            return render(header: header, sections: [trimmedSection])
        }
        var lines = existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var titleIndex: Int?
        var headings: [(index: Int, version: String)] = []
        var inFence = false
        for (index, line) in lines.enumerated() {
            let sub = Substring(line)
            if sub.hasPrefix("```") || sub.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence { continue }
            if sub.hasPrefix("<<<<<<< ") || sub.hasPrefix(">>>>>>> ") || line == "=======" || line == "<<<<<<<" {
                throw ReleaseError(
                    code: .malformedChangelog,
                    message: "\(path) contains merge-conflict markers (line \(index + 1))",
                    hint: "resolve the conflict in \(path) and commit, then cut again", path: path)
            }
            if titleIndex == nil, sub.hasPrefix("# ") { titleIndex = index }
            if let heading = headingVersion(sub) { headings.append((index, heading)) }
        }
        if inFence {
            throw ReleaseError(
                code: .malformedChangelog, message: "\(path) has an unterminated ``` code block",
                hint: "close the code block in \(path)", path: path)
        }
        let block = trimmedSection.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let existingIndex = headings.firstIndex(where: { $0.version == version }) {
            let start = headings[existingIndex].index
            var end = existingIndex + 1 < headings.count ? headings[existingIndex + 1].index : lines.count
            while end > start + 1 && lines[end - 1].allSatisfy(\.isWhitespace) { end -= 1 }
            lines.replaceSubrange(start..<end, with: block)
            return normalizedEnding(lines)
        }
        let releaseHeadings = headings.filter { $0.version.lowercased() != "unreleased" }
        if let first = releaseHeadings.first {
            lines.replaceSubrange(first.index..<first.index, with: block + [""])
            return normalizedEnding(lines)
        }
        if titleIndex != nil || !headings.isEmpty {
            while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
            lines.append("")
            lines.append(contentsOf: block)
            return normalizedEnding(lines)
        }
        throw ReleaseError(
            code: .malformedChangelog,
            message: "\(path) has no '# ' title and no '## ' release headings, so there is no place to insert the release",
            hint: "add a '# Changelog' title line at the top of \(path), or move it away and run "
                + "`slipway release changelog` to regenerate it from history",
            path: path)
    }

    private static func normalizedEnding(_ lines: [String]) -> String {
        var result = lines
        while let last = result.last, last.allSatisfy(\.isWhitespace) { result.removeLast() }
        return result.joined(separator: "\n") + "\n"
    }
}
