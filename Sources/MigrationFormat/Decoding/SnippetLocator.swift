import Yams

/// Computes where a scalar's text starts in the file, for ``SQLSnippetSource``.
enum SnippetLocator {
    static func source(of scalar: Node.Scalar, file: String, lines: [Substring]) -> SQLSnippetSource {
        let line = scalar.mark?.line ?? 1
        let column = scalar.mark?.column ?? 1
        let location = SourceLocation(file: file, line: line, column: column)
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            return SQLSnippetSource(
                location: location, contentStart: SourceLocation(file: file, line: line, column: column + 1),
                style: scalar.style == .singleQuoted ? .singleQuoted : .doubleQuoted)
        case .literal, .folded:
            // Content starts on the line after the indicator; its indentation is that of the first
            // non-blank content line.
            var indentation = 0
            var index = line  // 0-based index of the next line
            while index < lines.count {
                let text = lines[index]
                if !text.allSatisfy({ $0 == " " || $0 == "\r" }) {
                    indentation = text.prefix(while: { $0 == " " }).count
                    break
                }
                index += 1
            }
            return SQLSnippetSource(
                location: location,
                contentStart: SourceLocation(file: file, line: line + 1, column: indentation + 1),
                style: scalar.style == .literal ? .literal : .folded, indentation: indentation)
        case .plain, .any:
            return SQLSnippetSource(location: location, contentStart: location, style: .plain)
        }
    }
}
