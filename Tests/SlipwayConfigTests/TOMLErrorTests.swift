import Testing
@testable import SlipwayConfig

/// One invalid document and the error it must give.
struct InvalidTOML: Sendable, CustomTestStringConvertible {
    var text: String
    var code: TOMLError.Code
    var line: Int
    var column: Int
    var message: String

    init(_ text: String, _ code: TOMLError.Code, _ line: Int, _ column: Int, _ message: String) {
        self.text = text
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { text.debugDescription }
}

@Suite("TOML errors")
struct TOMLErrorTests {
    static let cases: [InvalidTOML] = [
        // Duplicates and redefinitions.
        InvalidTOML("a = 1\na = 2", .duplicateKey, 2, 1, "duplicate key 'a' (first defined at 1:1)"),
        InvalidTOML("[t]\nx = 1\n  x = 2", .duplicateKey, 3, 3, "duplicate key 't.x' (first defined at 2:1)"),
        InvalidTOML("a.b = 1\na.b = 2", .duplicateKey, 2, 3, "duplicate key 'a.b' (first defined at 1:3)"),
        InvalidTOML("a = 1\na.b = 2", .duplicateKey, 2, 1, "cannot add keys to 'a' with a dotted key: it is already a integer (defined at 1:1)"),
        InvalidTOML("p = { x = 1, x = 2 }", .duplicateKey, 1, 14, "duplicate key 'x' (first defined at 1:7)"),
        InvalidTOML("[a]\nb = 1\n[a]\nc = 2", .tableRedefined, 3, 2, "table 'a' is defined twice (first defined as a table at 1:2)"),
        InvalidTOML("[a.b]\n[a]\n[a]", .tableRedefined, 3, 2, "table 'a' is defined twice (first defined as a table at 1:2)"),
        InvalidTOML("[fruit]\napple.color = \"red\"\n[fruit.apple]", .tableRedefined, 3, 8, "table 'fruit.apple' is defined twice (first defined by dotted keys at 2:1)"),
        InvalidTOML("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", .duplicateKey, 4, 1, "cannot add keys to 'a.b' with a dotted key: it is already a table defined by a header (defined at 1:4)"),
        InvalidTOML("a = 1\n[a]", .tableRedefined, 2, 2, "cannot define table 'a': it is already a integer (defined at 1:1)"),
        InvalidTOML("a = {}\n[a.b]", .tableRedefined, 2, 2, "cannot define table 'a.b': 'a' is already a table (defined at 1:1)"),
        InvalidTOML("[[a]]\n[a]", .tableRedefined, 2, 2, "cannot define table 'a': it is already an array of tables (defined at 1:3); use [[a]] to add an element"),
        InvalidTOML("[a]\n[[a]]", .tableRedefined, 2, 3, "cannot define array of tables 'a': it is already defined as a table at 1:2"),
        InvalidTOML("a = [1]\n[[a]]", .tableRedefined, 2, 3, "cannot define array of tables 'a': it is already a array (defined at 1:1)"),
        InvalidTOML("a = { b = 1 }\na.c = 2", .duplicateKey, 2, 1, "cannot add keys to 'a' with a dotted key: it is already a table (defined at 1:1)"),
        // Syntax.
        InvalidTOML("a", .invalidSyntax, 1, 2, "expected '=' after the key 'a', found the end of the file"),
        InvalidTOML("a = ", .invalidSyntax, 1, 5, "expected a value, found the end of the file"),
        InvalidTOML("a = \n", .invalidSyntax, 1, 5, "expected a value (a string, number, boolean, date, array or inline table), found the end of the line"),
        InvalidTOML("a = 1 b = 2", .invalidSyntax, 1, 7, "expected a newline or a comment, found 'b'"),
        InvalidTOML("= 1", .invalidSyntax, 1, 1, "expected a key, found '='"),
        InvalidTOML("a = hello", .invalidSyntax, 1, 5, "expected a value (a string, number, boolean, date, array or inline table), found 'h'"),
        InvalidTOML("a = nothing", .invalidSyntax, 1, 5, "expected a value, found 'nothing' (strings need quotes)"),
        InvalidTOML("a = True", .invalidSyntax, 1, 5, "expected a value (a string, number, boolean, date, array or inline table), found 'T'"),
        InvalidTOML("a = truely", .invalidSyntax, 1, 5, "expected a value; strings need quotes"),
        InvalidTOML("[a\nb = 1", .invalidSyntax, 1, 3, "expected ']' to close the table header, found the end of the line"),
        InvalidTOML("[[a]\n", .invalidSyntax, 1, 5, "expected ']]' to close the array-of-tables header, found the end of the line"),
        InvalidTOML("[]", .invalidSyntax, 1, 2, "expected a key, found ']'"),
        InvalidTOML("a = [1 2]", .invalidSyntax, 1, 8, "expected ',' or ']' in the array opened at 1:5, found '2'"),
        InvalidTOML("a = [1,\n2,\n", .invalidSyntax, 3, 1, "unterminated array (opened at 1:5): expected ']'"),
        InvalidTOML("a = [,]", .invalidSyntax, 1, 6, "expected a value (a string, number, boolean, date, array or inline table), found ','"),
        InvalidTOML("a = { b = 1, }", .invalidSyntax, 1, 14, "a trailing comma is not allowed in an inline table"),
        InvalidTOML("a = { b = 1\n}", .invalidSyntax, 1, 12, "an inline table must be on one line (opened at 1:5): expected ',' or '}'"),
        InvalidTOML("a = { b = 1", .invalidSyntax, 1, 12, "unterminated inline table (opened at 1:5): expected '}'"),
        InvalidTOML("\"\"\"k\"\"\" = 1", .invalidSyntax, 1, 1, "a multi-line string cannot be a key"),
        InvalidTOML("a = 1 # bell \u{7}", .invalidSyntax, 1, 14, "control character U+0007 is not allowed in a comment"),
        InvalidTOML("a = 1\rb = 2", .invalidSyntax, 1, 6, "expected a newline or a comment, found U+000D"),
        // Strings and escapes.
        InvalidTOML("a = \"abc", .invalidString, 1, 9, "unterminated string (opened at 1:5): expected '\"'"),
        InvalidTOML("a = \"abc\nd\"", .invalidString, 1, 9, "unterminated string (opened at 1:5): a single-line string cannot contain a newline; use \"\"\"…\"\"\" for multi-line text"),
        InvalidTOML("a = 'abc", .invalidString, 1, 9, "unterminated literal string (opened at 1:5): expected \"'\""),
        InvalidTOML("a = \"\"\"abc", .invalidString, 1, 11, "unterminated multi-line string (opened at 1:5): expected '\"\"\"'"),
        InvalidTOML("a = '''abc\n", .invalidString, 2, 1, "unterminated multi-line literal string (opened at 1:5): expected \"'''\""),
        InvalidTOML("a = \"\"\"x\"\"\"\"\"\"", .invalidString, 1, 9, "too many quotes: at most two quote characters may come right before the closing delimiter"),
        InvalidTOML("a = \"tab\u{1}\"", .invalidString, 1, 9, "control character U+0001 must be escaped in a string"),
        InvalidTOML("a = \"\\q\"", .invalidEscape, 1, 6, "invalid escape sequence '\\q'; valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX"),
        InvalidTOML("a = \"\\e\"", .invalidEscape, 1, 6, "invalid escape sequence '\\e'; valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX"),
        InvalidTOML("a = \"\\u12\"", .invalidEscape, 1, 6, "\\u needs exactly 4 hexadecimal digits"),
        InvalidTOML("a = \"\\uD800\"", .invalidEscape, 1, 6, "escape \\uD800 is not a Unicode scalar value"),
        InvalidTOML("a = \"\\U00110000\"", .invalidEscape, 1, 6, "escape \\U110000 is not a Unicode scalar value"),
        InvalidTOML("a = \"\"\"x \\ y\"\"\"", .invalidEscape, 1, 10, "invalid escape sequence '\\ '; valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX"),
        // Numbers.
        InvalidTOML("a = 01", .invalidNumber, 1, 5, "invalid number '01': leading zeros are not allowed"),
        InvalidTOML("a = 1__0", .invalidNumber, 1, 5, "invalid number '1__0': an underscore must be between two digits"),
        InvalidTOML("a = _1", .invalidSyntax, 1, 5, "expected a value (a string, number, boolean, date, array or inline table), found '_'"),
        InvalidTOML("a = 1_", .invalidNumber, 1, 5, "invalid number '1_': an underscore must be between two digits"),
        InvalidTOML("a = 1.", .invalidNumber, 1, 5, "invalid number '1.': a '.' must be followed by digits"),
        InvalidTOML("a = 1e", .invalidNumber, 1, 5, "invalid number '1e': an exponent needs digits"),
        InvalidTOML("a = .5", .invalidSyntax, 1, 5, "expected a value (a string, number, boolean, date, array or inline table), found '.'"),
        InvalidTOML("a = +0x1", .invalidNumber, 1, 5, "invalid number '+0x1': a hexadecimal integer cannot have a sign"),
        InvalidTOML("a = 0b102", .invalidNumber, 1, 5, "invalid number '0b102': not a binary digit"),
        InvalidTOML("a = 9223372036854775808", .invalidNumber, 1, 5, "invalid number '9223372036854775808': out of range for a 64-bit integer"),
        InvalidTOML("a = 1e999", .invalidNumber, 1, 5, "invalid number '1e999': out of range for a 64-bit float"),
        InvalidTOML("a = 12abc", .invalidNumber, 1, 5, "invalid number '12abc': unexpected 'abc'"),
        // Dates and times.
        InvalidTOML("a = 1979-13-01", .invalidDateTime, 1, 5, "invalid date '1979-13-01': no such day"),
        InvalidTOML("a = 2023-02-29", .invalidDateTime, 1, 5, "invalid date '2023-02-29': no such day"),
        InvalidTOML("a = 1979-05-27T25:00:00", .invalidDateTime, 1, 16, "invalid time '25:00:00': out of range"),
        InvalidTOML("a = 07:32", .invalidDateTime, 1, 5, "invalid time '07:32': expected HH:MM:SS"),
        InvalidTOML("a = 1979-05-27T07:32:00+7", .invalidDateTime, 1, 5, "invalid date-time '1979-05-27T07:32:00+': the offset must be Z or ±HH:MM"),
        InvalidTOML("a = 1979-5-27", .invalidDateTime, 1, 5, "invalid date '1979-5-27': expected YYYY-MM-DD"),
        // Nesting.
        InvalidTOML("a = " + String(repeating: "[", count: 101), .nestingTooDeep, 1, 105, "arrays and inline tables are nested more than 100 deep"),
    ]

    @Test(arguments: cases)
    func invalidDocument(_ invalid: InvalidTOML) {
        #expect {
            _ = try TOMLParser.parse(invalid.text)
        } throws: { error in
            guard let error = error as? TOMLError else { return false }
            #expect(error.code == invalid.code)
            #expect(error.message == invalid.message)
            #expect(error.position == SourcePosition(line: invalid.line, column: invalid.column))
            return true
        }
    }

    @Test func invalidUTF8() {
        #expect(throws: TOMLError(.invalidEncoding, "the file is not valid UTF-8", at: SourcePosition(line: 2, column: 6))) {
            _ = try TOMLParser.parse(bytes: Array("a = 1\nb = \"".utf8) + [0xFF, 0x22])
        }
    }

    @Test func errorDescriptionHasLineAndColumn() {
        #expect(TOMLError(.duplicateKey, "duplicate key 'a'", at: SourcePosition(line: 3, column: 7)).description == "3:7: duplicate key 'a'")
    }
}
