/// A `slipway-lint:` comment directive.
///
/// Syntax (in a `--` or `/* */` comment; case-insensitive; ids separated by commas and/or spaces; text
/// after ` -- ` is a free-form reason):
///
/// - `slipway-lint: ignore rule-a, rule-b` — suppresses those rules for the statement the comment is in,
///   directly precedes, or ends the line of. `ignore` with no ids suppresses every rule for it.
/// - `slipway-lint: ignore-file rule-a` — suppresses those rules (no ids: every rule) in the whole text.
public struct SuppressionDirective: Sendable, Hashable {
    /// What the directive covers.
    public enum Scope: String, Sendable, Hashable {
        /// One statement.
        case statement
        /// The whole file or snippet.
        case file
    }

    /// What the directive covers.
    public var scope: Scope
    /// The rule ids named (empty: every rule).
    public var ruleIDs: [String]
    /// Position of the comment.
    public var position: SourcePosition

    /// Creates a directive.
    public init(scope: Scope, ruleIDs: [String], position: SourcePosition) {
        self.scope = scope
        self.ruleIDs = ruleIDs
        self.position = position
    }

    /// Whether the directive suppresses `ruleID`.
    public func suppresses(_ ruleID: String) -> Bool {
        ruleIDs.isEmpty || ruleIDs.contains(ruleID)
    }

    /// The directive in a comment token, if it holds one.
    public static func parse(_ comment: SQLToken) -> SuppressionDirective? {
        guard comment.isComment else { return nil }
        let text = comment.value[...]
        guard let marker = text.firstRange(ofCaseInsensitive: "slipway-lint:") else { return nil }
        var rest = text[marker.upperBound...]
        if let reason = rest.firstRange(ofCaseInsensitive: "--") { rest = rest[..<reason.lowerBound] }
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .map { $0.lowercased() }
        guard let verb = words.first else { return nil }
        let scope: Scope
        switch verb {
        case "ignore": scope = .statement
        case "ignore-file", "disable-file": scope = .file
        default: return nil
        }
        let ids = words.dropFirst().filter { !$0.isEmpty }
        return SuppressionDirective(scope: scope, ruleIDs: Array(ids), position: comment.start)
    }
}

extension Substring {
    /// Case-insensitive (ASCII) search, so the library needs no Foundation.
    fileprivate func firstRange(ofCaseInsensitive needle: String) -> Range<Index>? {
        let needle = Array(needle.lowercased().utf8)
        let haystack = Array(self.utf8)
        guard needle.count <= haystack.count else { return nil }
        var offset = 0
        while offset + needle.count <= haystack.count {
            var match = true
            for k in 0..<needle.count {
                var byte = haystack[offset + k]
                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                if byte != needle[k] { match = false; break }
            }
            if match {
                let lower = utf8.index(utf8.startIndex, offsetBy: offset)
                let upper = utf8.index(lower, offsetBy: needle.count)
                return lower..<upper
            }
            offset += 1
        }
        return nil
    }
}
