import Yams

/// Reads the fields of one mapping node strictly: every key must be in `allowed`; typed accessors
/// report wrong types and missing required fields to the context and return `nil`.
struct MappingReader {
    struct Entry {
        let key: String
        let keyNode: Node
        let value: Node
    }

    let context: DecodingContext
    /// Key path of the mapping itself.
    let path: String
    /// Where to report missing fields: the key that introduced the mapping, or the element's position.
    let anchor: SourceLocation
    /// What the mapping is, for messages (`add_column`, `column`, `references`).
    let what: String
    private(set) var entries: [String: Entry] = [:]
    private(set) var order: [String] = []

    /// Reads `node` as a mapping with the given keys. Reports (and returns `nil` for) a node that is not a
    /// mapping; reports unknown and duplicate keys and leaves them out.
    init?(
        _ node: Node, path: String, anchor: SourceLocation, what: String, allowed: [String],
        context: DecodingContext, special: (String, Node) -> Bool = { _, _ in false }
    ) {
        self.context = context
        self.path = path
        self.anchor = anchor
        self.what = what
        guard case let .mapping(mapping) = node else {
            context.report(
                .wrongType, at: node, keyPath: path,
                "\(what) must be a mapping (key: value pairs), not \(DecodingContext.describe(node))")
            return nil
        }
        for (keyNode, value) in mapping {
            guard case let .scalar(keyScalar) = keyNode else {
                context.report(
                    .wrongType, at: keyNode, keyPath: path,
                    "keys in \(what) must be strings, not \(DecodingContext.describe(keyNode))")
                continue
            }
            let key = keyScalar.string
            if let site = context.duplicateSites[DuplicateKeyRecovery.Position(keyNode.mark)] {
                context.report(
                    .duplicateKey, at: keyNode, keyPath: DecodingContext.join(path, site.key),
                    "duplicate key `\(site.key)` in \(what) (first given at line \(site.first.line), "
                        + "column \(site.first.column))",
                    hint: "each key may appear once in a mapping; remove one of them")
                continue
            }
            if special(key, keyNode) { continue }
            guard allowed.contains(key) else {
                context.report(
                    .unknownKey, at: keyNode, keyPath: DecodingContext.join(path, key),
                    "unknown key `\(key)` in \(what)",
                    hint: Suggestion.hint(for: key, candidates: allowed, noun: "keys"))
                continue
            }
            entries[key] = Entry(key: key, keyNode: keyNode, value: value)
            order.append(key)
        }
    }

    // MARK: - Presence

    func has(_ key: String) -> Bool { entries[key] != nil }

    /// Present and not null.
    func hasValue(_ key: String) -> Bool {
        guard let entry = entries[key] else { return false }
        return !Self.isNull(entry.value)
    }

    func entry(_ key: String) -> Entry? { entries[key] }

    func keyPath(_ key: String) -> String { DecodingContext.join(path, key) }

    func keyLocation(_ key: String) -> SourceLocation {
        guard let entry = entries[key] else { return anchor }
        return context.location(of: entry.keyNode)
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar = node, node.tagName == .null { return true }
        return false
    }

    func reportMissing(_ key: String) {
        context.report(
            .missingField, at: anchor, keyPath: keyPath(key), "missing required field `\(key)` in \(what)")
    }

    /// The value node of a present, non-null key; reports a missing required key.
    private func value(_ key: String, required: Bool) -> Node? {
        guard let entry = entries[key], !Self.isNull(entry.value) else {
            if required { reportMissing(key) }
            return nil
        }
        return entry.value
    }

    // MARK: - Scalars

    /// A string or SQL snippet. Any scalar is taken as its source text (`0`, `true`); mappings and lists
    /// are wrong types.
    func string(_ key: String, required: Bool = false, sql: Bool = false) -> String? {
        guard let node = value(key, required: required) else { return nil }
        return Self.text(node, path: keyPath(key), key: key, sql: sql, context: context)
    }

    static func text(_ node: Node, path: String, key: String, sql: Bool, context: DecodingContext) -> String? {
        guard case let .scalar(scalar) = node else {
            let expected = sql ? "SQL text (a string)" : "a string"
            context.report(
                .wrongType, at: node, keyPath: path,
                "`\(key)` must be \(expected), not \(DecodingContext.describe(node))",
                hint: node.mapping != nil && !sql
                    ? "if the value contains `: `, quote it" : nil)
            return nil
        }
        return scalar.string
    }

    func sql(_ key: String, required: Bool = false) -> String? {
        string(key, required: required, sql: true)
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let node = value(key, required: required) else { return nil }
        if case let .scalar(scalar) = node, node.tagName == .bool, let value = Bool.construct(from: scalar) {
            return value
        }
        context.report(
            .wrongType, at: node, keyPath: keyPath(key),
            "`\(key)` must be a boolean (true or false), not \(DecodingContext.describe(node))")
        return nil
    }

    func int(_ key: String, required: Bool = false, minimum: Int? = nil) -> Int? {
        guard let node = value(key, required: required) else { return nil }
        guard case let .scalar(scalar) = node, node.tagName == .int, let value = Int.construct(from: scalar)
        else {
            context.report(
                .wrongType, at: node, keyPath: keyPath(key),
                "`\(key)` must be an integer, not \(DecodingContext.describe(node))")
            return nil
        }
        if let minimum, value < minimum {
            context.report(
                .invalidValue, at: node, keyPath: keyPath(key), "`\(key)` must be at least \(minimum), not \(value)")
            return nil
        }
        return value
    }

    /// A value of a closed set, matched case-insensitively.
    func enumValue<E: ExternalSpelling>(_ key: String, _ type: E.Type, required: Bool = false) -> E? {
        guard let node = value(key, required: required),
            let text = Self.text(node, path: keyPath(key), key: key, sql: false, context: context)
        else { return nil }
        if let value = E(spelling: text) { return value }
        context.report(
            .invalidValue, at: node, keyPath: keyPath(key), "invalid `\(key)` value `\(text)`",
            hint: Suggestion.hint(for: text, candidates: E.validSpellings, noun: "values"))
        return nil
    }

    /// A tri-state field: absent → `nil`, null → `.remove`, scalar → `.set(text)`.
    func fieldChange(_ key: String) -> FieldChange<String>?? {
        guard let entry = entries[key] else { return .some(nil) }
        if Self.isNull(entry.value) { return .some(.remove) }
        guard let text = Self.text(entry.value, path: keyPath(key), key: key, sql: true, context: context) else {
            return nil
        }
        return .some(.set(text))
    }

    // MARK: - Collections

    /// A list of strings (empty list when absent or null).
    func stringList(_ key: String, required: Bool = false) -> [String]? {
        guard let node = value(key, required: required) else { return required ? nil : [] }
        guard case let .sequence(sequence) = node else {
            context.report(
                .wrongType, at: node, keyPath: keyPath(key),
                "`\(key)` must be a list, not \(DecodingContext.describe(node))")
            return nil
        }
        var result: [String] = []
        var failed = false
        for (index, element) in sequence.enumerated() {
            let path = DecodingContext.index(keyPath(key), index)
            if Self.isNull(element) {
                context.report(.wrongType, at: element, keyPath: path, "`\(key)` elements must be strings, not null")
                failed = true
            } else if let text = Self.text(element, path: path, key: "\(key)[\(index)]", sql: false, context: context) {
                result.append(text)
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    /// A mapping from column name to SQL (`create_constraint.up`, …).
    func sqlMap(_ key: String, required: Bool = false) -> [String: String]? {
        guard let node = value(key, required: required) else { return required ? nil : [:] }
        guard case let .mapping(mapping) = node else {
            context.report(
                .wrongType, at: node, keyPath: keyPath(key),
                "`\(key)` must be a mapping from column name to SQL, not \(DecodingContext.describe(node))")
            return nil
        }
        var result: [String: String] = [:]
        var failed = false
        for (columnNode, sqlNode) in mapping {
            guard case let .scalar(columnScalar) = columnNode else {
                context.report(
                    .wrongType, at: columnNode, keyPath: keyPath(key),
                    "keys in `\(key)` must be column names, not \(DecodingContext.describe(columnNode))")
                failed = true
                continue
            }
            let column = columnScalar.string
            let path = DecodingContext.join(keyPath(key), column)
            if let site = context.duplicateSites[DuplicateKeyRecovery.Position(columnNode.mark)] {
                context.report(
                    .duplicateKey, at: columnNode, keyPath: DecodingContext.join(keyPath(key), site.key),
                    "duplicate key `\(site.key)` in `\(key)` (first given at line \(site.first.line), "
                        + "column \(site.first.column))",
                    hint: "each key may appear once in a mapping; remove one of them")
                failed = true
                continue
            }
            if Self.isNull(sqlNode) {
                context.report(.missingField, at: sqlNode, keyPath: path, "`\(key).\(column)` needs SQL, not null")
                failed = true
            } else if let sql = Self.text(sqlNode, path: path, key: "\(key).\(column)", sql: true, context: context) {
                result[column] = sql
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    /// A nested mapping, read strictly with `allowed` keys.
    func mapping(
        _ key: String, allowed: [String], required: Bool = false, what: String? = nil
    ) -> MappingReader? {
        guard let node = value(key, required: required) else { return nil }
        return MappingReader(
            node, path: keyPath(key), anchor: keyLocation(key), what: what ?? "`\(key)`", allowed: allowed,
            context: context)
    }

    /// A list node's elements with their key paths (`nil` when absent, null or not a list).
    func sequence(_ key: String, required: Bool = false) -> [(node: Node, path: String)]? {
        guard let node = value(key, required: required) else { return nil }
        guard case let .sequence(sequence) = node else {
            context.report(
                .wrongType, at: node, keyPath: keyPath(key),
                "`\(key)` must be a list, not \(DecodingContext.describe(node))")
            return nil
        }
        return sequence.enumerated().map { (node: $0.element, path: DecodingContext.index(keyPath(key), $0.offset)) }
    }
}
