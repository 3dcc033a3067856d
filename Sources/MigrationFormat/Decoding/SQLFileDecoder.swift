/// Decodes a plain `.sql` migration file (Slipway extension) into one raw-SQL operation.
///
/// The whole file is `up`; a line consisting of `-- slipway:down` (case-insensitive, surrounding
/// whitespace ignored) ends `up`, and everything after that line is `down`.
enum SQLFileDecoder {
    /// The marker line that starts the `down` section.
    static let downMarker = "-- slipway:down"

    static func decode(contents: String, path: String, name: String) -> (file: MigrationFile?, diagnostics: [Diagnostic]) {
        // Split on U+000A scalars (a "\r\n" pair is one Character, so Character-based splitting would
        // miss CRLF line ends).
        let scalars = contents.unicodeScalars
        let lines = scalars.split(separator: "\n", omittingEmptySubsequences: false)
        let markerIndex = lines.firstIndex {
            String(Substring($0)).trimmingCharacters(in: [" ", "\t", "\r"]).lowercased() == downMarker
        }
        let up: String
        var down: String?
        if let markerIndex {
            let marker = lines[markerIndex]
            up = String(scalars[scalars.startIndex..<marker.startIndex])
            let restStart = marker.endIndex < scalars.endIndex ? scalars.index(after: marker.endIndex) : marker.endIndex
            let rest = String(scalars[restStart...])
            down = rest.allSatisfy(\.isWhitespace) ? nil : rest
        } else {
            up = contents
        }
        guard !up.allSatisfy(\.isWhitespace) else {
            return (
                nil,
                [
                    Diagnostic(
                        code: .emptyFile, file: path, line: 1, column: 1,
                        message: markerIndex == nil
                            ? "the SQL migration is empty" : "the SQL migration has no SQL before `\(downMarker)`")
                ]
            )
        }
        let start = SourceLocation(file: path, line: 1, column: 1)
        var snippets = ["up": SQLSnippetSource(location: start, contentStart: start, style: .sqlFile)]
        if let markerIndex, down != nil {
            let downStart = SourceLocation(file: path, line: markerIndex + 2, column: 1)
            snippets["down"] = SQLSnippetSource(location: downStart, contentStart: downStart, style: .sqlFile)
        }
        let operation = LocatedOperation(
            operation: .sql(RawSQLOperation(up: up, down: down, onComplete: false)), location: start, keyPath: "",
            snippets: snippets)
        return (MigrationFile(name: name, path: path, format: .sql, operations: [operation], contents: contents), [])
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> Substring {
        var result = Substring(self)
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}
