import Yams

/// Mutable state of decoding one file: its path and the diagnostics found so far.
final class DecodingContext {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Keys renamed to sentinels so that a file with duplicate keys can still be composed; keyed by the
    /// position of the renamed (second) occurrence.
    let duplicateSites: [DuplicateKeyRecovery.Position: DuplicateKeyRecovery.Site]

    init(file: String, duplicateSites: [DuplicateKeyRecovery.Position: DuplicateKeyRecovery.Site] = [:]) {
        self.file = file
        self.duplicateSites = duplicateSites
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func location(of node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func report(
        _ code: Diagnostic.Code, at location: SourceLocation, keyPath: String, _ message: String,
        hint: String? = nil, severity: Diagnostic.Severity = .error
    ) {
        diagnostics.append(
            Diagnostic(
                severity: severity, code: code, at: location, keyPath: keyPath, message: message, hint: hint))
    }

    func report(
        _ code: Diagnostic.Code, at node: Node, keyPath: String, _ message: String, hint: String? = nil,
        severity: Diagnostic.Severity = .error
    ) {
        report(code, at: location(of: node), keyPath: keyPath, message, hint: hint, severity: severity)
    }

    /// Appends an already built diagnostic.
    func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// A short description of a node's type for "wrong type" messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            switch node.tagName {
            case .null: return "null"
            case .bool: return "the boolean `\(scalar.string)`"
            case .int: return "the integer `\(scalar.string)`"
            case .float: return "the number `\(scalar.string)`"
            default:
                let text = scalar.string.count > 40 ? String(scalar.string.prefix(37)) + "..." : scalar.string
                return "the string \"\(text)\""
            }
        }
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    static func index(_ path: String, _ index: Int) -> String {
        "\(path)[\(index)]"
    }
}

extension Node {
    /// The resolved tag name (`tag.name` is internal to Yams; `rawValue` is the resolved name).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
