import CLibPQ
import Foundation

/// How to reach a PostgreSQL server.
///
/// Anything libpq accepts works: a URL (`postgresql://user@host:5432/db?sslmode=require`), a key=value
/// string (`host=/tmp dbname=app`), or nothing at all, in which case libpq's own defaults apply — the
/// `PG*` environment variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, `PGSERVICE`,
/// `PGSSLMODE`, …), the service file and `~/.pgpass`. Extra keywords (for example `application_name`)
/// override what the string says.
///
/// The configuration never prints a password: ``description`` and ``redacted`` replace it with `***`.
public struct ConnectionConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The connection string as given (URL or key=value). May contain a password: never print it.
    public var connectionString: String
    /// Extra libpq keywords that take precedence over the connection string.
    public var overrides: [String: String]

    /// - Parameters:
    ///   - connectionString: a URL or key=value string; empty means libpq's defaults (PG* variables).
    ///   - overrides: extra keywords such as `application_name` or `connect_timeout`.
    public init(_ connectionString: String = "", overrides: [String: String] = [:]) {
        self.connectionString = connectionString
        self.overrides = overrides
    }

    /// The configuration from `DATABASE_URL`, or libpq's defaults (`PG*` variables) when it is unset.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> ConnectionConfiguration
    {
        ConnectionConfiguration(environment["DATABASE_URL"] ?? "")
    }

    /// Returns a copy with one more override keyword.
    public func with(_ keyword: String, _ value: String) -> ConnectionConfiguration {
        var copy = self
        copy.overrides[keyword] = value
        return copy
    }

    /// The connection string with any password replaced by `***`.
    public var redacted: String { Redaction.redactConnectionString(connectionString) }

    public var description: String {
        var text = redacted.isEmpty ? "(libpq defaults)" : redacted
        let extra = overrides.keys.sorted().filter { $0 != "password" }.map { "\($0)=\(overrides[$0] ?? "")" }
        if !extra.isEmpty { text += " [" + extra.joined(separator: " ") + "]" }
        return text
    }

    /// Every secret this configuration could reveal (password in the string, in the overrides, or in
    /// `PGPASSWORD`), so messages from libpq can be scrubbed before they are shown.
    var secrets: [String] {
        var result: [String] = []
        if let password = Redaction.parsedPassword(connectionString) { result.append(password) }
        if let password = overrides["password"] { result.append(password) }
        if let password = ProcessInfo.processInfo.environment["PGPASSWORD"] { result.append(password) }
        return result.filter { $0.count >= 1 }
    }
}

/// Removes passwords from connection strings and messages.
public enum Redaction {
    /// Replaces the password of a URL (`postgresql://user:secret@host`), of a key=value string
    /// (`password=secret`, quoted or not) or of a URL query (`?password=secret`) with `***`.
    public static func redactConnectionString(_ text: String) -> String {
        var result = text
        // URL userinfo: scheme://user:password@host
        if let schemeRange = result.range(of: "://") {
            let afterScheme = result[schemeRange.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            let authority = result[schemeRange.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"),
                let colon = authority[authority.startIndex..<at].firstIndex(of: ":")
            {
                let passwordRange = authority.index(after: colon)..<at
                result.replaceSubrange(passwordRange, with: "***")
            }
        }
        // URL query parameter password=...
        result = replaceQueryPassword(in: result)
        // key=value: password = 'quoted \' value' or password=plain
        result = replaceKeywordPassword(in: result)
        return result
    }

    /// Replaces every occurrence of each secret in `message` with `***`.
    public static func scrub(_ message: String, secrets: [String]) -> String {
        var result = message
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// The password a libpq connection string carries, if any (parsed by `PQconninfoParse`).
    static func parsedPassword(_ connectionString: String) -> String? {
        guard !connectionString.isEmpty else { return nil }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if String(cString: keyword) == "password", let value = cursor.pointee.val {
                return String(cString: value)
            }
            cursor = cursor.advanced(by: 1)
        }
        return nil
    }

    private static func replaceQueryPassword(in text: String) -> String {
        guard let question = text.firstIndex(of: "?"), text.contains("://") else { return text }
        let query = text[text.index(after: question)...]
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            if part.lowercased().hasPrefix("password=") { return "password=***" }
            return String(part)
        }
        return String(text[...question]) + parts.joined(separator: "&")
    }

    private static func replaceKeywordPassword(in text: String) -> String {
        guard !text.contains("://") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            // Find "password" followed by optional spaces and "=".
            if text[index...].lowercased().hasPrefix("password"),
                index == text.startIndex || text[text.index(before: index)].isWhitespace
            {
                var cursor = text.index(index, offsetBy: 8)
                while cursor < text.endIndex && text[cursor] == " " { cursor = text.index(after: cursor) }
                if cursor < text.endIndex && text[cursor] == "=" {
                    cursor = text.index(after: cursor)
                    while cursor < text.endIndex && text[cursor] == " " { cursor = text.index(after: cursor) }
                    // Skip the value: quoted with backslash escapes, or up to whitespace.
                    if cursor < text.endIndex && text[cursor] == "'" {
                        cursor = text.index(after: cursor)
                        while cursor < text.endIndex && text[cursor] != "'" {
                            if text[cursor] == "\\" { cursor = text.index(after: cursor) }
                            if cursor < text.endIndex { cursor = text.index(after: cursor) }
                        }
                        if cursor < text.endIndex { cursor = text.index(after: cursor) }
                    } else {
                        while cursor < text.endIndex && !text[cursor].isWhitespace {
                            cursor = text.index(after: cursor)
                        }
                    }
                    output += "password=***"
                    index = cursor
                    continue
                }
            }
            output.append(text[index])
            index = text.index(after: index)
        }
        return output
    }
}
