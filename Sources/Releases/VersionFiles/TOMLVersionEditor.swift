/// Replaces one string value in a TOML file line-wise, keeping formatting and comments.
///
/// Understands `[table]` headers (array tables `[[…]]` are never matched), bare and quoted keys, dotted keys,
/// and single-line basic (`"…"`) and literal (`'…'`) strings.
enum TOMLVersionEditor {
    static func replace(in contents: String, key: String, with version: String, path: String) throws -> String {
        let target = key.split(separator: ".").map { unquote($0.trimmingWhitespace()) }
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var table: [String]? = []
        var inMultiline = false
        for (number, line) in lines.enumerated() {
            let trimmed = line.trimmingWhitespace()
            if inMultiline {
                if trimmed.contains("\"\"\"") || trimmed.contains("'''") { inMultiline = false }
                continue
            }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("[[") {
                table = nil
                continue
            }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else { continue }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
                table = splitKey(Substring(name))
                continue
            }
            guard let equals = keyEnd(line) else { continue }
            let valuePart = line[line.index(after: equals)...]
            let valueTrimmed = valuePart.drop(while: { $0 == " " || $0 == "\t" })
            if valueTrimmed.hasPrefix("\"\"\"") || valueTrimmed.hasPrefix("'''") {
                let rest = valueTrimmed.dropFirst(3)
                if !(rest.contains("\"\"\"") || rest.contains("'''")) { inMultiline = true }
                continue
            }
            guard let table else { continue }
            let lineKey = splitKey(line[..<equals])
            guard table + lineKey == target else { continue }
            guard let quote = valueTrimmed.first, quote == "\"" || quote == "'" else {
                throw ReleaseError(
                    code: .versionFileInvalid,
                    message: "'\(key)' in \(path) (line \(number + 1)) is not a single-line string",
                    hint: "store the version as a quoted string, e.g. version = \"1.2.3\"", path: path)
            }
            let open = valueTrimmed.startIndex
            var cursor = line.index(after: open)
            var close: String.Index?
            while cursor < line.endIndex {
                if quote == "\"" && line[cursor] == "\\" {
                    cursor = line.index(after: cursor)
                    if cursor < line.endIndex { cursor = line.index(after: cursor) }
                    continue
                }
                if line[cursor] == quote {
                    close = cursor
                    break
                }
                cursor = line.index(after: cursor)
            }
            guard let close else {
                throw ReleaseError(
                    code: .versionFileInvalid, message: "unterminated string for '\(key)' in \(path) (line \(number + 1))",
                    hint: "fix the quoting in \(path)", path: path)
            }
            var updated = line
            updated.replaceSubrange(line.index(after: open)..<close, with: version)
            lines[number] = updated
            return lines.joined(separator: "\n")
        }
        throw ReleaseError(
            code: .versionFileNoMatch, message: "\(path) has no key '\(key)'",
            hint: "use a dotted path including the table, e.g. package.version for [package] version = …", path: path)
    }

    /// The index of the `=` ending the key, skipping quoted key parts.
    static func keyEnd(_ line: String) -> String.Index? {
        var quote: Character?
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "=" {
                return index
            } else if character == "#" {
                return nil
            }
        }
        return nil
    }

    static func splitKey(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current.trimmingWhitespace())
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingWhitespace())
        return parts
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
