/// Computes the new contents of version files. Pure: works on strings, so every file can be validated before
/// any is written.
public enum VersionFileUpdater {
    /// Returns `contents` with the version replaced according to `file.kind`.
    /// - Throws: ``ReleaseError/Code/versionFileNoMatch`` when the key or pattern is not found,
    ///   ``ReleaseError/Code/versionFileInvalid`` for invalid JSON, a bad regex, or a non-string value.
    public static func update(_ contents: String, file: VersionFile, version: String) throws -> String {
        switch file.kind {
        case .wholeFile:
            return version + (contents.hasSuffix("\n") || contents.isEmpty ? "\n" : "")
        case .json(let keyPath):
            return try JSONVersionEditor.replace(in: contents, keyPath: keyPath, with: version, path: file.path)
        case .toml(let key):
            return try TOMLVersionEditor.replace(in: contents, key: key, with: version, path: file.path)
        case .regex(let pattern):
            return try replaceRegex(contents, pattern: pattern, version: version, path: file.path)
        }
    }

    static func replaceRegex(_ contents: String, pattern: String, version: String, path: String) throws -> String {
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern)
        } catch {
            throw ReleaseError(
                code: .versionFileInvalid, message: "the pattern for \(path) is not a valid regular expression: \(error)",
                hint: "fix the pattern in [[release.version_files]]", path: path)
        }
        var ranges: [Range<String.Index>] = []
        for match in contents.matches(of: regex) {
            let output = match.output
            guard output.count >= 2 else {
                throw ReleaseError(
                    code: .versionFileInvalid, message: "the pattern '\(pattern)' for \(path) has no capture group",
                    hint: "wrap the version part in parentheses or a named group (?<version>…)", path: path)
            }
            if let named = output["version"], let range = named.range {
                ranges.append(range)
            } else if let range = output[1].range {
                ranges.append(range)
            }
        }
        guard !ranges.isEmpty else {
            throw ReleaseError(
                code: .versionFileNoMatch, message: "the pattern '\(pattern)' does not match anything in \(path)",
                hint: "check the pattern against the file (use (?m) for ^ and $ at line ends)", path: path)
        }
        var result = contents
        for range in ranges.reversed() { result.replaceSubrange(range, with: version) }
        return result
    }
}
