import Foundation

/// Turns a TOML tree into a ``SlipwayConfiguration``, collecting every problem instead of stopping at the first.
///
/// Each typed reader returns `nil` for an absent key and for a key with a problem (after recording the problem),
/// so the section decoders keep their defaults and carry on.
final class ConfigurationDecoder {
    let file: String
    private(set) var errors: [ConfigurationError] = []
    var positions: [String: SourcePosition] = [:]

    init(file: String) {
        self.file = file
    }

    // MARK: - Reporting

    func report(_ code: ConfigurationError.Code, _ message: String, at position: SourcePosition?, keyPath: String?) {
        errors.append(ConfigurationError(code, message, file: file, position: position, keyPath: keyPath))
    }

    /// `prefix.key`, with the key quoted if it is not a bare key.
    static func join(_ prefix: String, _ key: String) -> String {
        let segment = !key.isEmpty && key.utf8.allSatisfy(TOMLParser.isBareKeyByte) ? key : "\"" + key + "\""
        return prefix.isEmpty ? segment : prefix + "." + segment
    }

    /// Reports every key of `table` that is not in `allowed`, with the closest allowed key as a suggestion.
    func checkKeys(_ table: TOMLTable, at prefix: String, allowed: [String]) {
        for entry in table.entries where !allowed.contains(entry.key) {
            let path = Self.join(prefix, entry.key)
            var message = "unknown key '\(path)'"
            if entry.key.lowercased().contains("password") {
                message += ": never put a password in slipway.toml; use url_env, a libpq service file or ~/.pgpass"
            } else if let suggestion = KeySuggestion.closest(to: entry.key, in: allowed) {
                message += " (did you mean '\(suggestion)'?)"
            } else {
                message += " (known keys: \(allowed.joined(separator: ", ")))"
            }
            report(.unknownKey, message, at: entry.keyPosition, keyPath: path)
        }
    }

    // MARK: - Typed readers

    /// The entry for `key`, recording its position under its full path.
    func entry(_ table: TOMLTable, _ key: String, _ prefix: String) -> TOMLTable.Entry? {
        guard let entry = table.entry(key) else { return nil }
        positions[Self.join(prefix, key)] = entry.keyPosition
        return entry
    }

    func position(of path: String) -> SourcePosition? { positions[path] }

    /// Reads `key` and converts it, reporting a wrong-type error (without echoing secrets) if `convert` fails.
    func read<Value>(_ table: TOMLTable, _ key: String, _ prefix: String, expected: String, echo: Bool = true, _ convert: (TOMLValue) -> Value?) -> Value? {
        guard let entry = entry(table, key, prefix) else { return nil }
        if let value = convert(entry.value) { return value }
        let type = entry.value.typeName
        let found = Self.article(type) + " " + type + (echo ? " \(entry.value)" : "")
        report(.wrongType, "'\(Self.join(prefix, key))' must be \(expected), found \(found)", at: entry.value.position, keyPath: Self.join(prefix, key))
        return nil
    }

    static func article(_ word: String) -> String {
        ["a", "e", "i", "o", "u"].contains(word.prefix(1)) ? "an" : "a"
    }

    func string(_ table: TOMLTable, _ key: String, _ prefix: String, allowEmpty: Bool = false) -> String? {
        guard let value = read(table, key, prefix, expected: "a string", { $0.stringValue }) else { return nil }
        if !allowEmpty, value.trimmingCharacters(in: .whitespaces).isEmpty {
            report(.invalidValue, "'\(Self.join(prefix, key))' must not be empty", at: table.entry(key)?.value.position, keyPath: Self.join(prefix, key))
            return nil
        }
        return value
    }

    func integer(_ table: TOMLTable, _ key: String, _ prefix: String, minimum: Int) -> Int? {
        guard let value = read(table, key, prefix, expected: "an integer", { $0.integerValue }) else { return nil }
        guard value >= Int64(minimum), let result = Int(exactly: value) else {
            report(.invalidValue, "'\(Self.join(prefix, key))' must be at least \(minimum), found \(value)",
                   at: table.entry(key)?.value.position, keyPath: Self.join(prefix, key))
            return nil
        }
        return result
    }

    func boolean(_ table: TOMLTable, _ key: String, _ prefix: String) -> Bool? {
        read(table, key, prefix, expected: "true or false", { $0.booleanValue })
    }

    func duration(_ table: TOMLTable, _ key: String, _ prefix: String, allowZero: Bool = true) -> Duration? {
        guard let entry = entry(table, key, prefix) else { return nil }
        let path = Self.join(prefix, key)
        guard let text = entry.value.stringValue else {
            var message = "'\(path)' must be a duration string, \(DurationSyntax.expectation); found \(Self.article(entry.value.typeName)) \(entry.value.typeName) \(entry.value)"
            if let number = entry.value.integerValue {
                message += " (bare numbers are not durations: write \"\(number)ms\" or \"\(number)s\")"
            }
            report(.invalidDuration, message, at: entry.value.position, keyPath: path)
            return nil
        }
        guard let duration = DurationSyntax.parse(text) else {
            report(.invalidDuration, "invalid duration \"\(text)\" for '\(path)': expected \(DurationSyntax.expectation)",
                   at: entry.value.position, keyPath: path)
            return nil
        }
        if !allowZero, duration <= .zero {
            report(.invalidValue, "'\(path)' must be longer than 0ms", at: entry.value.position, keyPath: path)
            return nil
        }
        return duration
    }

    func stringArray(_ table: TOMLTable, _ key: String, _ prefix: String) -> [String]? {
        read(table, key, prefix, expected: "an array of strings") { value in
            guard let elements = value.arrayValue else { return nil }
            let strings = elements.compactMap(\.stringValue)
            return strings.count == elements.count ? strings : nil
        }
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ table: TOMLTable, _ key: String, _ prefix: String, as type: Choice.Type) -> Choice? where Choice.RawValue == String {
        guard let text = read(table, key, prefix, expected: "a string", { $0.stringValue }) else { return nil }
        if let value = Choice(rawValue: text) { return value }
        let allowed = Choice.allCases.map(\.rawValue)
        var message = "'\(Self.join(prefix, key))' must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")); found \"\(text)\""
        if let suggestion = KeySuggestion.closest(to: text, in: allowed) { message += " (did you mean \"\(suggestion)\"?)" }
        report(.invalidValue, message, at: table.entry(key)?.value.position, keyPath: Self.join(prefix, key))
        return nil
    }

    /// A sub-table; a value of another type is reported.
    func table(_ table: TOMLTable, _ key: String, _ prefix: String) -> TOMLTable? {
        read(table, key, prefix, expected: "a table", echo: false) { $0.tableValue }
    }

    /// An array of tables (`[[key]]`); each element is returned with its position.
    func tableArray(_ table: TOMLTable, _ key: String, _ prefix: String) -> [(table: TOMLTable, position: SourcePosition)]? {
        guard let elements = read(table, key, prefix, expected: "an array of tables ([[\(Self.join(prefix, key))]])", echo: false, { $0.arrayValue }) else {
            return nil
        }
        var result: [(table: TOMLTable, position: SourcePosition)] = []
        for (index, element) in elements.enumerated() {
            if let table = element.tableValue {
                result.append((table, element.position))
            } else {
                report(.wrongType, "'\(Self.join(prefix, key))[\(index)]' must be a table, found \(Self.article(element.typeName)) \(element.typeName)",
                       at: element.position, keyPath: "\(Self.join(prefix, key))[\(index)]")
            }
        }
        return result
    }
}
