import Testing
@testable import SQLLint

/// A compact, comparable description of a token: `kind:value`.
private func describe(_ token: SQLToken) -> String {
    let kind: String = switch token.kind {
    case .word: "word"
    case .quotedIdentifier: "qident"
    case .string(let style): "string.\(style)"
    case .dollarString: "dollar"
    case .number: "number"
    case .parameter: "param"
    case .operator: "op"
    case .leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .semicolon, .dot, .colon, .doubleColon: "punct"
    case .lineComment: "line-comment"
    case .blockComment: "block-comment"
    case .psqlMetaCommand: "meta"
    }
    return "\(kind):\(token.value)"
}

struct TokenCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var expected: [String]
    var testDescription: String { sql }
}

struct MalformedCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var code: SQLLintError.Code
    var line: Int
    var column: Int
    var offset: Int
    var testDescription: String { sql }
}

@Suite("Tokenizer")
struct TokenizerTests {
    static let cases: [TokenCase] = [
        TokenCase(sql: "SELECT 'it''s'", expected: ["word:select", "string.standard:it's"]),
        TokenCase(sql: "'a\\'", expected: ["string.standard:a\\"]),  // standard strings: backslash is literal
        TokenCase(sql: "E'it\\'s' e'\\\\'", expected: ["string.escape:it\\'s", "string.escape:\\\\"]),
        TokenCase(sql: "E'a''b'", expected: ["string.escape:a'b"]),
        TokenCase(sql: "U&'d\\0061t' UESCAPE '!'", expected: ["string.unicode:d\\0061t", "word:uescape", "string.standard:!"]),
        TokenCase(sql: "B'1010' X'1F' N'nat'", expected: ["string.bit:1010", "string.hex:1F", "string.national:nat"]),
        TokenCase(sql: "$$ it's; -- no $$", expected: ["dollar: it's; -- no "]),
        TokenCase(sql: "$fn$ a $$ b $fn$", expected: ["dollar: a $$ b "]),
        TokenCase(sql: "$a$x$b$y$a$", expected: ["dollar:x$b$y"]),
        TokenCase(sql: "$1 + $23", expected: ["param:$1", "op:+", "param:$23"]),
        TokenCase(sql: "\"a\"\"b\" \"MixedCase\"", expected: ["qident:a\"b", "qident:MixedCase"]),
        TokenCase(sql: "U&\"d\\0061t\"", expected: ["qident:d\\0061t"]),
        TokenCase(sql: "Users.Email", expected: ["word:users", "punct:.", "word:email"]),
        TokenCase(sql: "a$b", expected: ["word:a$b"]),
        TokenCase(sql: "x -- note; here\ny", expected: ["word:x", "line-comment: note; here", "word:y"]),
        TokenCase(sql: "/* a /* nested; */ still */ z", expected: ["block-comment: a /* nested; */ still ", "word:z"]),
        TokenCase(sql: "a::int[]", expected: ["word:a", "punct:::", "word:int", "punct:[", "punct:]"]),
        TokenCase(sql: "1.5e-3 .5 42 0x1F", expected: ["number:1.5e-3", "number:.5", "number:42", "number:0x1F"]),
        TokenCase(sql: "a->>'k' <> b||c", expected: ["word:a", "op:->>", "string.standard:k", "op:<>", "word:b", "op:||", "word:c"]),
        TokenCase(sql: "a-- c\n/b/*c*/", expected: ["word:a", "line-comment: c", "op:/", "word:b", "block-comment:c"]),
        TokenCase(sql: "\\set x 1\nSELECT :x", expected: ["meta:\\set x 1", "word:select", "punct::", "word:x"]),
        TokenCase(sql: "ÉTÉ 'naïve'", expected: ["word:\u{00C9}t\u{00C9}", "string.standard:naïve"]),
        TokenCase(sql: "e 'x'", expected: ["word:e", "string.standard:x"]),
    ]

    @Test(arguments: cases)
    func tokenizes(_ tokenCase: TokenCase) throws {
        let tokens = try SQLTokenizer().tokenize(tokenCase.sql)
        #expect(tokens.map(describe) == tokenCase.expected)
    }

    static let malformed: [MalformedCase] = [
        MalformedCase(sql: "SELECT 'abc", code: .unterminatedQuotedString, line: 1, column: 8, offset: 7),
        MalformedCase(sql: "SELECT 1;\n  SELECT 'it''s", code: .unterminatedQuotedString, line: 2, column: 10, offset: 19),
        MalformedCase(sql: "SELECT E'abc\\'", code: .unterminatedQuotedString, line: 1, column: 8, offset: 7),
        MalformedCase(sql: "SELECT U&'x", code: .unterminatedQuotedString, line: 1, column: 8, offset: 7),
        MalformedCase(sql: "SELECT \"abc", code: .unterminatedQuotedIdentifier, line: 1, column: 8, offset: 7),
        MalformedCase(sql: "SELECT \"\" FROM t", code: .emptyQuotedIdentifier, line: 1, column: 8, offset: 7),
        MalformedCase(sql: "DO $$\nBEGIN\n", code: .unterminatedDollarQuote, line: 1, column: 4, offset: 3),
        MalformedCase(sql: "DO $fn$ x $$ y $fx$", code: .unterminatedDollarQuote, line: 1, column: 4, offset: 3),
        MalformedCase(sql: "SELECT 1; /* a /* b */", code: .unterminatedBlockComment, line: 1, column: 11, offset: 10),
        MalformedCase(sql: "-- é\nSELECT 'é", code: .unterminatedQuotedString, line: 2, column: 8, offset: 13),
        MalformedCase(sql: "ñ 'x", code: .unterminatedQuotedString, line: 1, column: 3, offset: 3),
    ]

    @Test(arguments: malformed)
    func reportsMalformedInputWithPosition(_ malformedCase: MalformedCase) {
        #expect(throws: SQLLintError.self) { try SQLTokenizer().tokenize(malformedCase.sql) }
        let output = SQLTokenizer().tokenizeLeniently(malformedCase.sql)
        let error = output.error
        #expect(error != nil)
        #expect(error?.code == malformedCase.code)
        #expect(error?.position == SourcePosition(offset: malformedCase.offset, line: malformedCase.line, column: malformedCase.column))
        #expect(error?.message.contains("line \(malformedCase.line), column \(malformedCase.column)") == true)
    }

    @Test func unterminatedStringMessageSaysWhatAndWhere() {
        let error = SQLTokenizer().tokenizeLeniently("SELECT 'abc").error
        #expect(error?.message == "quoted string starting at line 1, column 8 is never closed")
        #expect(error?.description == "1:8: quoted string starting at line 1, column 8 is never closed")
        #expect(error?.code.description == "unterminated-quoted-string")
    }

    @Test func tokensCarryOffsetLineAndCharacterColumn() throws {
        let tokens = try SQLTokenizer().tokenize("-- é\nSELECT 'ü', x\r\n  FROM t")
        let select = try #require(tokens.first { $0.isWord("select") })
        #expect(select.start == SourcePosition(offset: 6, line: 2, column: 1))
        let string = try #require(tokens.first { $0.kind == .string(.standard) })
        #expect(string.start == SourcePosition(offset: 13, line: 2, column: 8))
        #expect(string.end == SourcePosition(offset: 17, line: 2, column: 11))
        let x = try #require(tokens.first { $0.isWord("x") })
        #expect(x.start.column == 13)  // 'ü' is one character (two bytes)
        let from = try #require(tokens.first { $0.isWord("from") })
        #expect(from.start.line == 3)
        #expect(from.start.column == 3)
    }

    @Test func tokensBeforeAnErrorAreKept() {
        let output = SQLTokenizer().tokenizeLeniently("SELECT 1; SELECT 'x")
        #expect(output.tokens.map(\.value) == ["select", "1", ";", "select"])
    }

    @Test func largeInputTokenizesWithoutCrashing() throws {
        let sql = String(repeating: "SELECT 'a;b', $x$;$x$, \"q\"\"\" /* c /* d */ */ -- e\n;", count: 2_000)
        let tokens = try SQLTokenizer().tokenize(sql)
        #expect(tokens.count == 2_000 * 9)
    }
}
