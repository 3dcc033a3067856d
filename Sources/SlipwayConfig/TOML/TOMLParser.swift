/// A TOML 1.0 parser that keeps the line and column of every key and value.
///
/// It works on UTF-8 bytes, stops at the first error (a ``TOMLError`` with its position) and never traps on
/// any input: nesting is bounded, numbers are range-checked and every index is bounds-checked.
///
/// ```swift
/// let table = try TOMLParser.parse("[lock]\nlock_timeout = \"2s\"\n")
/// table[path: ["lock", "lock_timeout"]]?.position   // 2:16
/// ```
public struct TOMLParser {
    /// The deepest nesting of arrays and inline tables accepted.
    public static let maximumNesting = 100

    var bytes: [UInt8]
    var index = 0
    var line = 1
    var lineStart = 0
    var depth = 0
    let root = TOMLTableBuilder(origin: .header, position: SourcePosition(line: 1, column: 1))
    var current: TOMLTableBuilder
    var currentPath: [String] = []
    let columnCache = ColumnCache()

    /// The last column computed, so that ``position()`` does not rescan a long line from its start.
    final class ColumnCache {
        var lineStart = -1
        var index = 0
        var column = 1
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.current = root
    }

    /// Parses a TOML document.
    ///
    /// - Throws: ``TOMLError`` for the first syntax error, duplicate key or table redefinition.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses a TOML document from UTF-8 bytes (a leading byte-order mark is skipped).
    ///
    /// - Throws: ``TOMLError`` with code ``TOMLError/Code/invalidEncoding`` for bytes that are not UTF-8, and
    ///   every error ``parse(_:)`` throws.
    public static func parse(bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: bytes)
        try parser.validateEncoding()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.lineStart = 3
        }
        try parser.parseDocument()
        return parser.root.build()
    }

    // MARK: - Document structure

    mutating func parseDocument() throws(TOMLError) {
        while index < bytes.count {
            skipWhitespace()
            guard let byte = peek() else { break }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "["):
                try parseTableHeader()
            default:
                try parseKeyValue(into: current, path: currentPath)
            }
            skipWhitespace()
            try skipComment()
            try expectEndOfLine()
        }
    }

    mutating func parseTableHeader() throws(TOMLError) {
        advance()
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        skipWhitespace()
        let keys = try parseKey()
        skipWhitespace()
        guard peek() == UInt8(ascii: "]") else {
            throw unexpected(expected: isArray ? "']]' to close the array-of-tables header" : "']' to close the table header")
        }
        advance()
        if isArray {
            guard peek() == UInt8(ascii: "]") else {
                throw unexpected(expected: "']]' to close the array-of-tables header")
            }
            advance()
        }
        try openTable(keys, isArray: isArray)
    }

    /// Makes the table named by a header the current one, creating parents as needed.
    mutating func openTable(_ keys: [KeySegment], isArray: Bool) throws(TOMLError) {
        var table = root
        var path: [String] = []
        for segment in keys.dropLast() {
            path.append(segment.name)
            if let entry = table[segment.name] {
                switch entry.node {
                case .table(let child):
                    table = child
                case .tableArray(let array):
                    guard let last = array.tables.last else {
                        throw TOMLError(.tableRedefined, "'\(Self.dotted(path))' is an empty array of tables", at: segment.position)
                    }
                    table = last
                case .value(let value):
                    throw TOMLError(
                        .tableRedefined,
                        "cannot define table '\(Self.dotted(keys.map(\.name)))': '\(Self.dotted(path))' is already a \(value.typeName) (defined at \(entry.keyPosition))",
                        at: segment.position)
                }
            } else {
                let child = TOMLTableBuilder(origin: .implicit, position: segment.position)
                table.add(segment.name, at: segment.position, .table(child))
                table = child
            }
        }
        guard let last = keys.last else { return }
        path.append(last.name)
        let name = Self.dotted(path)
        if let entry = table[last.name] {
            switch entry.node {
            case .tableArray(let array) where isArray:
                let element = TOMLTableBuilder(origin: .header, position: last.position)
                array.tables.append(element)
                current = element
            case .table(let child) where !isArray && child.origin == .implicit:
                child.origin = .header
                current = child
            case .table(let child):
                let how = child.origin == .dotted ? "by dotted keys" : "as a table"
                throw TOMLError(
                    .tableRedefined,
                    isArray
                        ? "cannot define array of tables '\(name)': it is already defined \(how) at \(entry.keyPosition)"
                        : "table '\(name)' is defined twice (first defined \(how) at \(entry.keyPosition))",
                    at: last.position)
            case .tableArray:
                throw TOMLError(
                    .tableRedefined,
                    "cannot define table '\(name)': it is already an array of tables (defined at \(entry.keyPosition)); use [[\(name)]] to add an element",
                    at: last.position)
            case .value(let value):
                throw TOMLError(
                    .tableRedefined,
                    "cannot define \(isArray ? "array of tables" : "table") '\(name)': it is already a \(value.typeName) (defined at \(entry.keyPosition))",
                    at: last.position)
            }
        } else if isArray {
            let array = TOMLTableArrayBuilder(position: last.position)
            let element = TOMLTableBuilder(origin: .header, position: last.position)
            array.tables.append(element)
            table.add(last.name, at: last.position, .tableArray(array))
            current = element
        } else {
            let child = TOMLTableBuilder(origin: .header, position: last.position)
            table.add(last.name, at: last.position, .table(child))
            current = child
        }
        currentPath = path
    }

    /// Parses `key = value` and stores it in `table`.
    mutating func parseKeyValue(into table: TOMLTableBuilder, path: [String]) throws(TOMLError) {
        let keys = try parseKey()
        skipWhitespace()
        guard peek() == UInt8(ascii: "=") else {
            throw unexpected(expected: "'=' after the key '\(Self.dotted(keys.map(\.name)))'")
        }
        advance()
        skipWhitespace()
        let value = try parseValue()
        try insert(value, at: keys, into: table, path: path)
    }

    /// Stores a value under a (dotted) key, creating the dotted-key tables on the way.
    mutating func insert(_ value: TOMLValue, at keys: [KeySegment], into table: TOMLTableBuilder, path: [String]) throws(TOMLError) {
        var table = table
        var path = path
        for segment in keys.dropLast() {
            path.append(segment.name)
            if let entry = table[segment.name] {
                guard case .table(let child) = entry.node, child.origin == .dotted else {
                    let what: String
                    switch entry.node {
                    case .value(let value): what = "a \(value.typeName)"
                    case .table: what = "a table defined by a header"
                    case .tableArray: what = "an array of tables"
                    }
                    throw TOMLError(
                        .duplicateKey,
                        "cannot add keys to '\(Self.dotted(path))' with a dotted key: it is already \(what) (defined at \(entry.keyPosition))",
                        at: segment.position)
                }
                table = child
            } else {
                let child = TOMLTableBuilder(origin: .dotted, position: segment.position)
                table.add(segment.name, at: segment.position, .table(child))
                table = child
            }
        }
        guard let last = keys.last else { return }
        path.append(last.name)
        if let entry = table[last.name] {
            throw TOMLError(
                .duplicateKey,
                "duplicate key '\(Self.dotted(path))' (first defined at \(entry.keyPosition))",
                at: last.position)
        }
        table.add(last.name, at: last.position, .value(value))
    }

    // MARK: - Keys

    /// One segment of a (dotted) key.
    struct KeySegment {
        var name: String
        var position: SourcePosition
    }

    mutating func parseKey() throws(TOMLError) -> [KeySegment] {
        var segments: [KeySegment] = []
        while true {
            skipWhitespace()
            segments.append(try parseSimpleKey())
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return segments }
            advance()
        }
    }

    mutating func parseSimpleKey() throws(TOMLError) -> KeySegment {
        let start = position()
        switch peek() {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                throw TOMLError(.invalidSyntax, "a multi-line string cannot be a key", at: start)
            }
            return KeySegment(name: try parseBasicString(), position: start)
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                throw TOMLError(.invalidSyntax, "a multi-line string cannot be a key", at: start)
            }
            return KeySegment(name: try parseLiteralString(), position: start)
        default:
            let begin = index
            while let byte = peek(), Self.isBareKeyByte(byte) { advance() }
            guard index > begin else { throw unexpected(expected: "a key") }
            return KeySegment(name: String(decoding: bytes[begin..<index], as: UTF8.self), position: start)
        }
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// A key path for messages: bare segments as they are, others quoted.
    static func dotted(_ path: [String]) -> String {
        path.map { name in
            !name.isEmpty && name.utf8.allSatisfy(isBareKeyByte) ? name : "\"" + name + "\""
        }.joined(separator: ".")
    }

    // MARK: - Values

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        let start = position()
        guard let byte = peek() else {
            throw TOMLError(.invalidSyntax, "expected a value, found the end of the file", at: start)
        }
        switch byte {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                return TOMLValue(.string(try parseMultilineBasicString()), at: start)
            }
            return TOMLValue(.string(try parseBasicString()), at: start)
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                return TOMLValue(.string(try parseMultilineLiteralString()), at: start)
            }
            return TOMLValue(.string(try parseLiteralString()), at: start)
        case UInt8(ascii: "t"):
            try expectWord("true")
            return TOMLValue(.boolean(true), at: start)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return TOMLValue(.boolean(false), at: start)
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "{"):
            return try parseInlineTable()
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
             UInt8(ascii: "i"), UInt8(ascii: "n"):
            return try parseNumberOrDateTime()
        default:
            throw unexpected(expected: "a value (a string, number, boolean, date, array or inline table)")
        }
    }

    mutating func expectWord(_ word: String) throws(TOMLError) {
        let start = position()
        for expected in word.utf8 {
            guard peek() == expected else {
                throw TOMLError(.invalidSyntax, "expected a value; did you mean '\(word)'? (strings need quotes)", at: start)
            }
            advance()
        }
        if let byte = peek(), Self.isBareKeyByte(byte) {
            throw TOMLError(.invalidSyntax, "expected a value; strings need quotes", at: start)
        }
    }

    mutating func parseArray() throws(TOMLError) -> TOMLValue {
        let start = position()
        try enterNesting(at: start)
        defer { depth -= 1 }
        advance()
        var elements: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            guard let byte = peek() else {
                throw TOMLError(.invalidSyntax, "unterminated array (opened at \(start)): expected ']'", at: position())
            }
            if byte == UInt8(ascii: "]") {
                advance()
                return TOMLValue(.array(elements), at: start)
            }
            elements.append(try parseValue())
            try skipWhitespaceCommentsAndNewlines()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
            case UInt8(ascii: "]"):
                advance()
                return TOMLValue(.array(elements), at: start)
            case nil:
                throw TOMLError(.invalidSyntax, "unterminated array (opened at \(start)): expected ']'", at: position())
            default:
                throw unexpected(expected: "',' or ']' in the array opened at \(start)")
            }
        }
    }

    mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        let start = position()
        try enterNesting(at: start)
        defer { depth -= 1 }
        advance()
        let table = TOMLTableBuilder(origin: .header, position: start)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            advance()
            return TOMLValue(.table(table.build()), at: start)
        }
        while true {
            skipWhitespace()
            try parseKeyValue(into: table, path: [])
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    throw TOMLError(.invalidSyntax, "a trailing comma is not allowed in an inline table", at: position())
                }
            case UInt8(ascii: "}"):
                advance()
                return TOMLValue(.table(table.build()), at: start)
            case nil:
                throw TOMLError(.invalidSyntax, "unterminated inline table (opened at \(start)): expected '}'", at: position())
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw TOMLError(.invalidSyntax, "an inline table must be on one line (opened at \(start)): expected ',' or '}'", at: position())
            default:
                throw unexpected(expected: "',' or '}' in the inline table opened at \(start)")
            }
        }
    }

    mutating func enterNesting(at start: SourcePosition) throws(TOMLError) {
        depth += 1
        if depth > Self.maximumNesting {
            throw TOMLError(.nestingTooDeep, "arrays and inline tables are nested more than \(Self.maximumNesting) deep", at: start)
        }
    }

    // MARK: - Low-level reading

    func peek(_ offset: Int = 0) -> UInt8? {
        let position = index + offset
        return position >= 0 && position < bytes.count ? bytes[position] : nil
    }

    /// Consumes one byte, tracking lines.
    mutating func advance() {
        guard index < bytes.count else { return }
        if bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    /// The position of the next byte.
    ///
    /// Columns are counted incrementally from the last position asked for on the same line, so a document
    /// with one enormous line stays linear.
    func position() -> SourcePosition {
        let end = min(index, bytes.count)
        var column = 1
        var scan = lineStart
        if columnCache.lineStart == lineStart, columnCache.index <= end {
            column = columnCache.column
            scan = columnCache.index
        }
        while scan < end {
            if bytes[scan] & 0xC0 != 0x80 { column += 1 }
            scan += 1
        }
        columnCache.lineStart = lineStart
        columnCache.index = end
        columnCache.column = column
        return SourcePosition(line: line, column: column)
    }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
    }

    /// Skips a `#` comment up to (not including) the end of the line.
    mutating func skipComment() throws(TOMLError) {
        guard peek() == UInt8(ascii: "#") else { return }
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if Self.isForbiddenControl(byte) {
                throw TOMLError(.invalidSyntax, "control character \(Self.describe(byte)) is not allowed in a comment", at: position())
            }
            advance()
        }
    }

    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
        while true {
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: "#"):
                try skipComment()
            case UInt8(ascii: "\n"):
                advance()
            case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"):
                advance()
                advance()
            default:
                return
            }
        }
    }

    /// Requires the end of a line (or of the file) after an expression.
    mutating func expectEndOfLine() throws(TOMLError) {
        switch peek() {
        case nil:
            return
        case UInt8(ascii: "\n"):
            advance()
        case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"):
            advance()
            advance()
        default:
            throw unexpected(expected: "a newline or a comment")
        }
    }

    /// Control characters TOML forbids in comments and strings (everything below U+0020 but tab, and U+007F).
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    static func describe(_ byte: UInt8) -> String {
        if byte < 0x20 || byte == 0x7F {
            let hex = String(byte, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        if byte >= 0x80 { return "a non-ASCII character" }
        return "'" + String(UnicodeScalar(byte)) + "'"
    }

    /// An "expected X, found Y" error at the current position.
    func unexpected(expected: String) -> TOMLError {
        let found: String
        switch peek() {
        case nil: found = "the end of the file"
        case UInt8(ascii: "\n"): found = "the end of the line"
        case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"): found = "the end of the line"
        case let byte?: found = Self.describe(byte)
        }
        return TOMLError(.invalidSyntax, "expected \(expected), found \(found)", at: position())
    }

    /// Rejects bytes that are not UTF-8, reporting the position of the first bad byte.
    mutating func validateEncoding() throws(TOMLError) {
        var offset = 0
        var decoder = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.parseScalar(from: &iterator) {
            case .valid(let scalar):
                offset += scalar.count
            case .emptyInput:
                return
            case .error:
                index = offset
                lineStart = bytes[..<offset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                line = 1 + bytes[..<offset].count(where: { $0 == UInt8(ascii: "\n") })
                throw TOMLError(.invalidEncoding, "the file is not valid UTF-8", at: position())
            }
        }
    }
}
