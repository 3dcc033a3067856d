import Foundation
import PostgresClient

/// The keywords of a libpq connection (URL or key=value string, plus overrides), parsed so that a child
/// program (`pg_dump`, `pg_restore`, a custom backup command) can be given the connection **without its
/// password**: the password travels in the child's `PGPASSWORD` environment variable only.
///
/// Follows libpq's own rules (`conninfo_parse`, `conninfo_uri_parse`): key=value pairs with optional
/// single quotes and backslash escapes; `postgresql://` / `postgres://` URLs with percent-decoding,
/// several hosts, IPv6 literals and query parameters; a `dbname` that is itself a connection string is
/// expanded; later keywords and the configuration's overrides win.
public struct ConnectionParameters: Sendable, Hashable {
    /// Keywords in first-seen order.
    public private(set) var keywords: [String] = []
    /// The value of each keyword.
    public private(set) var values: [String: String] = [:]

    /// Parses a configuration (its connection string, then its overrides).
    ///
    /// - Throws: ``BackupError`` with code `.invalidArgument` when the string is malformed (the message never
    ///   repeats the string, which may hold a password).
    public init(_ configuration: ConnectionConfiguration) throws {
        try merge(Self.parse(configuration.connectionString))
        for key in configuration.overrides.keys.sorted() {
            set(key, configuration.overrides[key] ?? "")
        }
    }

    /// The value of a keyword.
    public subscript(_ keyword: String) -> String? { values[keyword] }

    /// The password, when the connection carries one.
    public var password: String? {
        guard let value = values["password"], !value.isEmpty else { return nil }
        return value
    }

    /// A copy without the `password` keyword.
    public var withoutPassword: ConnectionParameters {
        var copy = self
        copy.keywords.removeAll { $0 == "password" }
        copy.values["password"] = nil
        return copy
    }

    /// libpq key=value form (`host=/tmp port=5432 dbname=app`; values with spaces, quotes or backslashes
    /// quoted). Never includes the password.
    public var keywordString: String {
        keywords.compactMap { key in
            guard key != "password", let value = values[key] else { return nil }
            let plain = !value.isEmpty && !value.contains { $0.isWhitespace || $0 == "'" || $0 == "\\" }
            if plain { return "\(key)=\(value)" }
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return "\(key)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// `postgresql://` URL form. User, a single network host, port and database go in their places; a
    /// unix-socket directory, several hosts and every other keyword go in the query string. Never includes
    /// the password.
    public var url: String {
        var text = "postgresql://"
        var handled: Set<String> = ["password"]
        if let user = values["user"] {
            text += Self.percentEncode(user) + "@"
            handled.insert("user")
        }
        if let host = values["host"], !host.isEmpty, !host.hasPrefix("/"), !host.contains(","), !host.hasPrefix("@") {
            text += host.contains(":") ? "[\(host)]" : Self.percentEncode(host)
            handled.insert("host")
            if let port = values["port"], !port.isEmpty, !port.contains(",") {
                text += ":" + Self.percentEncode(port)
                handled.insert("port")
            }
        }
        text += "/"
        if let database = values["dbname"] {
            text += Self.percentEncode(database)
            handled.insert("dbname")
        }
        let rest = keywords.filter { !handled.contains($0) && values[$0] != nil }
        if !rest.isEmpty {
            text += "?" + rest.map { "\(Self.percentEncode($0))=\(Self.percentEncode(values[$0] ?? ""))" }
                .joined(separator: "&")
        }
        return text
    }

    // MARK: Parsing

    private mutating func set(_ key: String, _ value: String) {
        if values[key] == nil { keywords.append(key) }
        values[key] = value
    }

    private mutating func merge(_ pairs: [(String, String)]) throws {
        for (key, value) in pairs {
            if key == "dbname", Self.isConnectionString(value) {
                try merge(Self.parse(value))
            } else {
                set(key, value)
            }
        }
    }

    static func isConnectionString(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") || text.contains("=")
    }

    static func parse(_ text: String) throws -> [(String, String)] {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") { return try parseURL(text) }
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        if !text.contains("=") { return [("dbname", text)] }
        return try parseKeywords(text)
    }

    private static func malformed(_ what: String) -> BackupError {
        BackupError(
            .invalidArgument, "the connection string is malformed: \(what)",
            hint: "use a postgresql:// URL or libpq key=value pairs")
    }

    static func parseKeywords(_ text: String) throws -> [(String, String)] {
        var result: [(String, String)] = []
        let characters = Array(text)
        var index = 0
        func skipSpaces() { while index < characters.count, characters[index].isWhitespace { index += 1 } }
        while true {
            skipSpaces()
            if index >= characters.count { break }
            var key = ""
            while index < characters.count, characters[index] != "=", !characters[index].isWhitespace {
                key.append(characters[index])
                index += 1
            }
            skipSpaces()
            guard index < characters.count, characters[index] == "=" else {
                throw malformed("missing \"=\" after \"\(key)\"")
            }
            index += 1
            skipSpaces()
            var value = ""
            if index < characters.count, characters[index] == "'" {
                index += 1
                var closed = false
                while index < characters.count {
                    let character = characters[index]
                    if character == "\\", index + 1 < characters.count {
                        value.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    if character == "'" {
                        closed = true
                        index += 1
                        break
                    }
                    value.append(character)
                    index += 1
                }
                guard closed else { throw malformed("unterminated quoted value for \"\(key)\"") }
            } else {
                while index < characters.count, !characters[index].isWhitespace {
                    if characters[index] == "\\", index + 1 < characters.count {
                        value.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    value.append(characters[index])
                    index += 1
                }
            }
            result.append((key, value))
        }
        return result
    }

    static func parseURL(_ text: String) throws -> [(String, String)] {
        var result: [(String, String)] = []
        guard let schemeEnd = text.range(of: "://") else { return result }
        var rest = Substring(text[schemeEnd.upperBound...])
        // Query string.
        var query: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        // Path (database name).
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let database = rest[rest.index(after: slash)...]
            if !database.isEmpty { result.append(("dbname", try percentDecode(database))) }
        }
        // User information.
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = userInfo[..<colon]
                if !user.isEmpty { result.append(("user", try percentDecode(user))) }
                result.append(("password", try percentDecode(userInfo[userInfo.index(after: colon)...])))
            } else if !userInfo.isEmpty {
                result.append(("user", try percentDecode(userInfo)))
            }
        }
        // Hosts and ports: host[:port][,host[:port]]…, IPv6 literals in brackets.
        if !authority.isEmpty {
            var hosts: [String] = []
            var ports: [String] = []
            for entry in authority.split(separator: ",", omittingEmptySubsequences: false) {
                var host = Substring("")
                var port = Substring("")
                if entry.hasPrefix("[") {
                    guard let close = entry.firstIndex(of: "]") else { throw malformed("unterminated IPv6 host") }
                    host = entry[entry.index(after: entry.startIndex)..<close]
                    let after = entry[entry.index(after: close)...]
                    if after.hasPrefix(":") { port = after.dropFirst() }
                } else if let colon = entry.firstIndex(of: ":") {
                    host = entry[..<colon]
                    port = entry[entry.index(after: colon)...]
                } else {
                    host = entry
                }
                hosts.append(try percentDecode(host))
                ports.append(try percentDecode(port))
            }
            if hosts.contains(where: { !$0.isEmpty }) { result.append(("host", hosts.joined(separator: ","))) }
            if ports.contains(where: { !$0.isEmpty }) { result.append(("port", ports.joined(separator: ","))) }
        }
        for parameter in query.split(separator: "&") where !parameter.isEmpty {
            guard let equals = parameter.firstIndex(of: "=") else {
                throw malformed("query parameter without \"=\"")
            }
            var key = try percentDecode(parameter[..<equals])
            var value = try percentDecode(parameter[parameter.index(after: equals)...])
            // libpq's JDBC-compatible spelling.
            if key == "ssl", value == "true" {
                key = "sslmode"
                value = "require"
            }
            result.append((key, value))
        }
        return result
    }

    static func percentDecode(_ text: Substring) throws -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
                else { throw malformed("invalid percent-encoding") }
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}

/// The secrets one operation could reveal, and the scrubbing of every text that leaves it.
public struct BackupSecrets: Sendable {
    /// The passwords to hide (the connection's, `PGPASSWORD`'s).
    public private(set) var secrets: [String]

    /// Collects the passwords of the given connections and of this process's `PGPASSWORD`.
    public init(_ parameters: [ConnectionParameters], environment: [String: String] = ProcessInfo.processInfo.environment) {
        var found = parameters.compactMap(\.password)
        if let password = environment["PGPASSWORD"], !password.isEmpty { found.append(password) }
        // Longest first, so a password containing another is replaced whole.
        secrets = Array(Set(found)).sorted { $0.count > $1.count }
    }

    /// A copy that also hides the password of `parameters`.
    public func adding(_ parameters: ConnectionParameters) -> BackupSecrets {
        var copy = self
        if let password = parameters.password, !copy.secrets.contains(password) {
            copy.secrets.append(password)
            copy.secrets.sort { $0.count > $1.count }
        }
        return copy
    }

    /// `text` with every secret replaced by `***`, and any password left in a connection string as well.
    public func scrub(_ text: String) -> String {
        Redaction.scrub(text, secrets: secrets)
    }
}
