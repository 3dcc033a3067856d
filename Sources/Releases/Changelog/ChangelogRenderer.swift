import Mustache

/// Renders ``ReleaseNotes`` as a Keep-a-Changelog style Markdown section, or with a custom Mustache template.
public struct ChangelogRenderer: Sendable {
    /// The configuration (breaking section title, template).
    public var configuration: ReleaseConfiguration
    private let template: MustacheTemplate?

    /// Creates a renderer; parses ``ReleaseConfiguration/changelogTemplate`` when set.
    /// - Throws: ``ReleaseError/Code/templateInvalid`` when the template does not parse.
    public init(configuration: ReleaseConfiguration) throws {
        self.configuration = configuration
        if let text = configuration.changelogTemplate {
            let source = text.contains("CONTENT_TYPE") ? text : "{{% CONTENT_TYPE: TEXT}}" + text
            do {
                template = try MustacheTemplate(string: source)
            } catch {
                throw ReleaseError(
                    code: .templateInvalid, message: "the changelog template does not parse: \(error)",
                    hint: "check the Mustache syntax of release.changelog_template", underlying: error)
            }
        } else {
            template = nil
        }
    }

    /// The `## [version](compare) - date` section with `###` subsections, ending in one newline.
    public func section(_ notes: ReleaseNotes) -> String {
        if let template {
            var text = template.render(Self.context(notes, breakingTitle: configuration.breakingSection))
            while text.hasSuffix("\n\n") { text.removeLast() }
            if !text.hasSuffix("\n") { text += "\n" }
            return text
        }
        var lines: [String] = []
        if let url = notes.compareURL {
            lines.append("## [\(notes.version)](\(url)) - \(notes.date)")
        } else {
            lines.append("## [\(notes.version)] - \(notes.date)")
        }
        lines.append("")
        lines.append(contentsOf: body(notes))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The section body without its heading (used in tag messages and `notes`).
    public func body(_ notes: ReleaseNotes) -> [String] {
        var lines: [String] = []
        if !notes.breaking.isEmpty {
            lines.append("### \(configuration.breakingSection)")
            lines.append("")
            for entry in notes.breaking { lines.append(line(entry, text: entry.breakingNote ?? entry.description)) }
            lines.append("")
        }
        for section in notes.sections where !section.entries.isEmpty {
            lines.append("### \(section.title)")
            lines.append("")
            for entry in section.entries { lines.append(line(entry, text: entry.description)) }
            lines.append("")
        }
        if lines.isEmpty { lines = ["No notable changes.", ""] }
        return lines
    }

    /// Plain notes for `notes`, tag messages and `GITHUB_OUTPUT` (the body, trimmed).
    public func plainNotes(_ notes: ReleaseNotes) -> String {
        body(notes).joined(separator: "\n").trimmingWhitespace()
    }

    private func line(_ entry: ReleaseNotes.Entry, text: String) -> String {
        var result = "- "
        if let scope = entry.scope { result += "**\(scope):** " }
        let textLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        result += textLines.first.map(String.init) ?? ""
        if let url = entry.url {
            result += " ([\(entry.shortHash)](\(url)))"
        } else {
            result += " (\(entry.shortHash))"
        }
        for extra in textLines.dropFirst() { result += extra.isEmpty ? "\n" : "\n  \(extra)" }
        return result
    }

    /// The Mustache context: `version`, `tag`, `previousTag`, `date`, `compareURL`, `hasBreaking`,
    /// `breakingTitle`, `breaking[]`, `sections[] { title, entries[] }`; each entry has `scope`, `description`,
    /// `breakingNote`, `hash`, `shortHash`, `url`, `author`.
    public static func context(_ notes: ReleaseNotes, breakingTitle: String) -> [String: Any] {
        func entry(_ value: ReleaseNotes.Entry) -> [String: Any] {
            var dictionary: [String: Any] = [
                "description": value.description, "hash": value.hash, "shortHash": value.shortHash,
                "author": value.author, "breaking": value.breaking,
            ]
            if let scope = value.scope { dictionary["scope"] = scope }
            if let url = value.url { dictionary["url"] = url }
            if let note = value.breakingNote { dictionary["breakingNote"] = note }
            return dictionary
        }
        var context: [String: Any] = [
            "version": notes.version, "date": notes.date, "hasBreaking": !notes.breaking.isEmpty,
            "breakingTitle": breakingTitle, "breaking": notes.breaking.map(entry),
            "sections": notes.sections.map { ["title": $0.title, "entries": $0.entries.map(entry)] as [String: Any] },
        ]
        if let tag = notes.tag { context["tag"] = tag }
        if let previous = notes.previousTag { context["previousTag"] = previous }
        if let url = notes.compareURL { context["compareURL"] = url }
        return context
    }
}
