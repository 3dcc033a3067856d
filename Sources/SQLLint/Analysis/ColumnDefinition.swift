/// What the analyzers need to know about one column definition (`name type [constraints]`).
struct ColumnDefinition {
    /// The column's name.
    var name: String
    /// Index of the name token.
    var nameIndex: Int
    /// Index of the first type token, or nil when the definition has no type.
    var typeIndex: Int?
    /// The type's words joined by spaces, modifiers and array brackets left out: `character varying`,
    /// `timestamp without time zone`, `int`.
    var typeName = ""
    /// Whether the type has a `(…)` modifier, as in `varchar(20)`.
    var typeHasModifier = false
    /// Index of the `DEFAULT` keyword, and the default expression's token range.
    var defaultIndex: Int?
    var defaultExpression: Range<Int>?
    var notNullIndex: Int?
    var primaryKeyIndex: Int?
    var uniqueIndex: Int?
    var referencesIndex: Int?
    var checkIndex: Int?
    var identityIndex: Int?
    var storedGeneratedIndex: Int?

    static let constraintKeywords: Set<String> = [
        "constraint", "not", "null", "default", "check", "unique", "primary", "references", "generated",
        "collate", "deferrable", "initially", "compression", "storage",
    ]

    static let serialTypes: Set<String> = ["serial", "serial4", "serial8", "bigserial", "smallserial", "serial2"]
    static let integerKeyTypes: Set<String> = ["int", "integer", "int4", "int2", "smallint", "serial", "serial4", "smallserial", "serial2"]

    var isSerial: Bool { Self.serialTypes.contains(typeName) }
    var isJSON: Bool { typeName == "json" }
    var isBoundedVarchar: Bool {
        typeHasModifier && (typeName == "varchar" || typeName == "character varying" || typeName == "char varying")
    }
    var isTimestampWithoutTimeZone: Bool {
        typeName == "timestamp" || typeName == "timestamp without time zone"
    }
    var isIntegerKeyType: Bool { Self.integerKeyTypes.contains(typeName) }

    /// Parses the definition in `range` of `tokens` (the first token is the column name).
    init?(_ tokens: TokenList, _ range: Range<Int>) {
        guard !range.isEmpty, tokens[range.lowerBound].isIdentifier else { return nil }
        name = tokens[range.lowerBound].value
        nameIndex = range.lowerBound
        var i = range.lowerBound + 1
        let end = range.upperBound
        // Type: words (and dots, modifiers, array brackets) up to the first constraint keyword.
        var words: [String] = []
        while i < end {
            let token = tokens[i]
            if token.kind == .word {
                if Self.constraintKeywords.contains(token.value) { break }
                if typeIndex == nil { typeIndex = i }
                words.append(token.value)
                i += 1
            } else if token.kind == .quotedIdentifier {
                if typeIndex == nil { typeIndex = i }
                words.append(token.value)
                i += 1
            } else if token.kind == .leftParen {
                typeHasModifier = true
                i = min(tokens.matchingClose(i, end: end) + 1, end)
            } else if token.kind == .leftBracket {
                i = min(tokens.matchingClose(i, end: end) + 1, end)
            } else if token.kind == .dot {
                words.removeAll()  // schema-qualified type: keep the last component
                i += 1
            } else {
                i += 1
            }
        }
        typeName = words.joined(separator: " ")
        // Constraints.
        while i < end {
            guard let word = tokens.word(i) else {
                if tokens.isKind(i, .leftParen) { i = tokens.matchingClose(i, end: end) }
                i += 1
                continue
            }
            switch word {
            case "default":
                defaultIndex = i
                var j = i + 1
                while j < end {
                    if tokens.isKind(j, .leftParen) || tokens.isKind(j, .leftBracket) {
                        j = min(tokens.matchingClose(j, end: end) + 1, end)
                        continue
                    }
                    if let w = tokens.word(j), Self.constraintKeywords.contains(w), w != "null" { break }
                    j += 1
                }
                defaultExpression = (i + 1)..<j
                i = j
                continue
            case "not" where tokens.isWord(i + 1, "null"):
                notNullIndex = i
                i += 2
                continue
            case "primary": primaryKeyIndex = i
            case "unique": uniqueIndex = i
            case "references": referencesIndex = i
            case "check": checkIndex = i
            case "generated":
                // GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY | GENERATED ALWAYS AS ( expr ) [ STORED | VIRTUAL ]
                var j = i + 1
                while j < end && !tokens.isWord(j, "as") { j += 1 }
                if tokens.isWord(j + 1, "identity") {
                    identityIndex = i
                } else if tokens.isKind(j + 1, .leftParen) {
                    let close = tokens.matchingClose(j + 1, end: end)
                    if tokens.isWord(close + 1, "stored") { storedGeneratedIndex = i }
                    i = close + 1
                    continue
                }
            default: break
            }
            i += 1
        }
    }

    /// Whether the default expression is absent or the literal NULL.
    func hasNonNullDefault(_ tokens: TokenList) -> Bool {
        guard let expression = defaultExpression, !expression.isEmpty else { return false }
        return !(expression.count == 1 && tokens.isWord(expression.lowerBound, "null"))
    }
}
