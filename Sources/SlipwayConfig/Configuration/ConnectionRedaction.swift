/// Finds and hides passwords in PostgreSQL connection strings (URLs and libpq keyword strings).
public enum ConnectionRedaction {
    /// Whether `connection` is a `postgres://`/`postgresql://` URL (otherwise it is read as a keyword string).
    public static func isURL(_ connection: String) -> Bool {
        let lower = connection.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// Whether the connection string carries a password: `user:password@` or `?password=` in a URL,
    /// `password=` in a keyword string.
    public static func containsPassword(_ connection: String) -> Bool {
        redacted(connection, replacement: "\u{1}") != connection
    }

    /// The connection string with every password replaced by `***`
    /// (`postgresql://u:***@h/db`, `host=h password=***`).
    public static func redacted(_ connection: String) -> String {
        redacted(connection, replacement: "***")
    }

    private static func redacted(_ connection: String, replacement: String) -> String {
        isURL(connection) ? redactedURL(connection, replacement: replacement) : redactedKeywords(connection, replacement: replacement)
    }

    private static func redactedURL(_ url: String, replacement: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        // The user information ends at the last '@' before the query: a password with an unescaped '/' must
        // still be hidden (over-redacting an '@' in a path is the safe mistake).
        let queryStart = afterScheme.firstIndex { $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let lastAt = afterScheme[..<queryStart].lastIndex(of: "@")
        let authorityEnd = afterScheme[(lastAt ?? afterScheme.startIndex)...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        var authority = String(afterScheme[..<authorityEnd])
        var rest = String(afterScheme[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                authority = String(userInfo[..<colon]) + ":" + replacement + String(authority[at...])
            }
        }
        if let question = rest.firstIndex(of: "?") {
            let path = rest[..<question]
            let queryAndFragment = rest[rest.index(after: question)...]
            let fragmentStart = queryAndFragment.firstIndex(of: "#") ?? queryAndFragment.endIndex
            let query = queryAndFragment[..<fragmentStart]
            let parameters = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter -> String in
                let name = parameter.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return name.lowercased() == "password" ? name + "=" + replacement : String(parameter)
            }
            rest = String(path) + "?" + parameters.joined(separator: "&") + String(queryAndFragment[fragmentStart...])
        }
        return String(url[..<schemeEnd.upperBound]) + authority + rest
    }

    /// Rewrites `key = value` pairs, replacing the value of `password` (quoted values with `\` escapes honoured).
    private static func redactedKeywords(_ text: String, replacement: String) -> String {
        let characters = Array(text)
        var out = ""
        var index = 0
        while index < characters.count {
            while index < characters.count, characters[index].isWhitespace {
                out.append(characters[index])
                index += 1
            }
            let keyStart = index
            while index < characters.count, characters[index] != "=", !characters[index].isWhitespace { index += 1 }
            let key = String(characters[keyStart..<index])
            var separator = ""
            while index < characters.count, characters[index].isWhitespace {
                separator.append(characters[index])
                index += 1
            }
            guard index < characters.count, characters[index] == "=" else {
                out += key + separator
                continue
            }
            separator.append("=")
            index += 1
            while index < characters.count, characters[index].isWhitespace {
                separator.append(characters[index])
                index += 1
            }
            let valueStart = index
            if index < characters.count, characters[index] == "'" {
                index += 1
                while index < characters.count, characters[index] != "'" {
                    index += characters[index] == "\\" ? 2 : 1
                }
                index = min(index + 1, characters.count)
            } else {
                while index < characters.count, !characters[index].isWhitespace {
                    index += characters[index] == "\\" ? 2 : 1
                }
                index = min(index, characters.count)
            }
            let value = String(characters[valueStart..<index])
            out += key + separator + (key.lowercased() == "password" ? replacement : value)
        }
        return out
    }
}
