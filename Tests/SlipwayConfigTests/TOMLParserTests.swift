import Testing
@testable import SlipwayConfig

/// Parses `text` and returns the value at a dotted path of bare keys.
private func value(_ text: String, _ path: String = "v") throws -> TOMLValue? {
    try TOMLParser.parse(text)[path: path.split(separator: ".").map(String.init)]
}

@Suite("TOML values")
struct TOMLValueTests {
    @Test(arguments: [
        ("v = \"hello\"", "hello"),
        ("v = \"tab\\there\"", "tab\there"),
        ("v = \"\\b\\t\\n\\f\\r\\\"\\\\\"", "\u{8}\t\n\u{C}\r\"\\"),
        ("v = \"\\u00E9\\u20AC\"", "é€"),
        ("v = \"\\U0001F600\"", "😀"),
        ("v = \"\"", ""),
        ("v = 'C:\\Users\\nodejs'", "C:\\Users\\nodejs"),
        ("v = '<\\i\\c*\\s*>'", "<\\i\\c*\\s*>"),
        ("v = ''", ""),
        ("v = \"\"\"\nRoses\nViolets\"\"\"", "Roses\nViolets"),
        ("v = \"\"\"Roses\r\nViolets\"\"\"", "Roses\nViolets"),
        ("v = \"\"\"\nThe quick \\\n\n   brown \\\n   fox.\"\"\"", "The quick brown fox."),
        ("v = \"\"\"\\\n  trimmed \\   \n  end\"\"\"", "trimmed end"),
        ("v = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"", "Here are two quotation marks: \"\". Simple enough."),
        ("v = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"", "\"This,\" she said, \"is just a pointless statement.\""),
        ("v = \"\"\"two at the end\"\"\"\"\"", "two at the end\"\""),
        ("v = \"\"\"escape \\u0041 inside\"\"\"", "escape A inside"),
        ("v = '''\nThe first newline is\ntrimmed in raw strings.\n'''", "The first newline is\ntrimmed in raw strings.\n"),
        ("v = '''I [dw]on't need \\d{2} apples'''", "I [dw]on't need \\d{2} apples"),
        ("v = ''''That,' she said, 'is still pointless.''''", "'That,' she said, 'is still pointless.'"),
        ("v = \"ünïcødé ✓\"", "ünïcødé ✓"),
    ])
    func strings(text: String, expected: String) throws {
        #expect(try value(text)?.stringValue == expected)
    }

    @Test(arguments: [
        ("v = +99", Int64(99)), ("v = 42", 42), ("v = 0", 0), ("v = -17", -17), ("v = +0", 0), ("v = -0", 0),
        ("v = 1_000", 1000), ("v = 5_349_221", 5_349_221), ("v = 53_49_221", 5_349_221), ("v = 1_2_3_4_5", 12345),
        ("v = 0xDEADBEEF", 0xDEADBEEF), ("v = 0xdeadbeef", 0xDEADBEEF), ("v = 0xdead_beef", 0xDEADBEEF),
        ("v = 0o01234567", 0o01234567), ("v = 0o755", 0o755), ("v = 0b11010110", 0b11010110),
        ("v = 9223372036854775807", Int64.max), ("v = -9223372036854775808", Int64.min),
    ])
    func integers(text: String, expected: Int64) throws {
        #expect(try value(text)?.integerValue == expected)
    }

    @Test(arguments: [
        ("v = +1.0", 1.0), ("v = 3.1415", 3.1415), ("v = -0.01", -0.01), ("v = 5e+22", 5e22), ("v = 1e06", 1e6),
        ("v = -2E-2", -2e-2), ("v = 6.626e-34", 6.626e-34), ("v = 224_617.445_991_228", 224_617.445_991_228),
        ("v = inf", Double.infinity), ("v = +inf", Double.infinity), ("v = -inf", -Double.infinity), ("v = 0.0", 0),
        ("v = -0.0", -0.0), ("v = 1e1_0", 1e10),
    ])
    func floats(text: String, expected: Double) throws {
        #expect(try value(text)?.floatValue == expected)
    }

    @Test(arguments: ["v = nan", "v = +nan", "v = -nan"])
    func notANumber(text: String) throws {
        #expect(try value(text)?.floatValue?.isNaN == true)
    }

    @Test func booleans() throws {
        let table = try TOMLParser.parse("a = true\nb = false\n")
        #expect(table["a"]?.booleanValue == true)
        #expect(table["b"]?.booleanValue == false)
    }

    @Test(arguments: [
        ("v = 1979-05-27T07:32:00Z", TOMLDateTime.Kind.offsetDateTime, "1979-05-27T07:32:00Z"),
        ("v = 1979-05-27T00:32:00-07:00", .offsetDateTime, "1979-05-27T00:32:00-07:00"),
        ("v = 1979-05-27T00:32:00.999999-07:00", .offsetDateTime, "1979-05-27T00:32:00.999999-07:00"),
        ("v = 1979-05-27 07:32:00Z", .offsetDateTime, "1979-05-27 07:32:00Z"),
        ("v = 1979-05-27t07:32:00z", .offsetDateTime, "1979-05-27t07:32:00z"),
        ("v = 1979-05-27T07:32:00", .localDateTime, "1979-05-27T07:32:00"),
        ("v = 1979-05-27T00:32:00.999999", .localDateTime, "1979-05-27T00:32:00.999999"),
        ("v = 1979-05-27", .localDate, "1979-05-27"),
        ("v = 2024-02-29", .localDate, "2024-02-29"),
        ("v = 07:32:00", .localTime, "07:32:00"),
        ("v = 00:32:00.999999", .localTime, "00:32:00.999999"),
        ("v = 1979-05-27 # a date, then a comment", .localDate, "1979-05-27"),
    ])
    func datesAndTimes(text: String, kind: TOMLDateTime.Kind, original: String) throws {
        #expect(try value(text)?.dateTimeValue == TOMLDateTime(kind: kind, text: original))
    }

    @Test func arrays() throws {
        let table = try TOMLParser.parse("""
            integers = [ 1, 2, 3 ]
            colors = [ "red", "yellow", "green" ]
            nested = [ [ 1, 2 ], [3, 4, 5] ]
            mixed = [ 0.1, "x", 1979-05-27, { a = 1 } ]
            empty = []
            multi = [
              1,   # one
              2,
              # a comment line
              3,   # trailing comma follows
            ]
            """)
        #expect(table["integers"]?.arrayValue?.compactMap(\.integerValue) == [1, 2, 3])
        #expect(table["colors"]?.arrayValue?.compactMap(\.stringValue) == ["red", "yellow", "green"])
        #expect(table["nested"]?.arrayValue?.map { $0.arrayValue?.count } == [2, 3])
        #expect(table["mixed"]?.arrayValue?.map(\.typeName) == ["float", "string", "date-time", "table"])
        #expect(table["empty"]?.arrayValue == [])
        #expect(table["multi"]?.arrayValue?.compactMap(\.integerValue) == [1, 2, 3])
        #expect(table["multi"]?.arrayValue?.map(\.position) == [
            SourcePosition(line: 7, column: 3), SourcePosition(line: 8, column: 3), SourcePosition(line: 10, column: 3),
        ])
    }

    @Test func inlineTables() throws {
        let table = try TOMLParser.parse("""
            name = { first = "Tom", last = "Preston-Werner" }
            point = { x = 1, y = 2 }
            animal = { type.name = "pug" }
            empty = {}
            """)
        #expect(table[path: ["name", "last"]]?.stringValue == "Preston-Werner")
        #expect(table[path: ["point", "y"]]?.integerValue == 2)
        #expect(table[path: ["animal", "type", "name"]]?.stringValue == "pug")
        #expect(table["empty"]?.tableValue == TOMLTable())
        #expect(table[path: ["point", "y"]]?.position == SourcePosition(line: 2, column: 22))
    }

    @Test func keysOfEveryForm() throws {
        let table = try TOMLParser.parse("""
            bare_key = 1
            bare-key = 2
            1234 = 3
            "127.0.0.1" = 4
            "character encoding" = 5
            "ʎǝʞ" = 6
            'key2' = 7
            'quoted "value"' = 8
            "" = 9
            physical.color = "orange"
            physical.shape = "round"
            site."google.com" = true
            fruit . flavor = "banana"
            3.14159 = "pi"
            """)
        #expect(table.keys == [
            "bare_key", "bare-key", "1234", "127.0.0.1", "character encoding", "ʎǝʞ", "key2", "quoted \"value\"", "",
            "physical", "site", "fruit", "3",
        ])
        #expect(table[path: ["physical", "shape"]]?.stringValue == "round")
        #expect(table[path: ["site", "google.com"]]?.booleanValue == true)
        #expect(table[path: ["fruit", "flavor"]]?.stringValue == "banana")
        #expect(table[path: ["3", "14159"]]?.stringValue == "pi")
    }

    @Test func tablesAndPositions() throws {
        let table = try TOMLParser.parse("""
            # top comment
            title = "x"

            [table-1]
            key1 = "some string"

            [dog."tater.man"]
            type.name = "pug"

            [ j . "ʞ" . 'l' ]  # spaces allowed
            k = 1

            [x.y.z.w]
            [x]
            a = 1
            """)
        #expect(table[path: ["table-1", "key1"]]?.stringValue == "some string")
        #expect(table[path: ["dog", "tater.man", "type", "name"]]?.stringValue == "pug")
        #expect(table[path: ["j", "ʞ", "l", "k"]]?.integerValue == 1)
        #expect(table[path: ["x", "a"]]?.integerValue == 1)
        #expect(table[path: ["x", "y", "z", "w"]]?.tableValue == TOMLTable())
        #expect(table.entry("title")?.keyPosition == SourcePosition(line: 2, column: 1))
        #expect(table["title"]?.position == SourcePosition(line: 2, column: 9))
        #expect(table.entry("table-1")?.keyPosition == SourcePosition(line: 4, column: 2))
        #expect(table["table-1"]?.tableValue?.entry("key1")?.keyPosition == SourcePosition(line: 5, column: 1))
        // Columns count characters, not bytes: 'ʞ' is two bytes.
        #expect(table[path: ["j", "ʞ"]]?.tableValue?.entry("l")?.keyPosition == SourcePosition(line: 10, column: 13))
    }

    @Test func arrayOfTables() throws {
        let table = try TOMLParser.parse("""
            [[products]]
            name = "Hammer"
            sku = 738594937

            [[products]]  # empty table within the array

            [[products]]
            name = "Nail"
            color = "gray"

            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            """)
        let products = try #require(table["products"]?.arrayValue)
        #expect(products.count == 3)
        #expect(products[0].tableValue?["name"]?.stringValue == "Hammer")
        #expect(products[1].tableValue == TOMLTable())
        #expect(products[2].tableValue?["color"]?.stringValue == "gray")
        #expect(products.map(\.position.line) == [1, 5, 7])
        let fruits = try #require(table["fruits"]?.arrayValue)
        #expect(fruits.count == 2)
        #expect(fruits[0].tableValue?[path: ["physical", "color"]]?.stringValue == "red")
        #expect(fruits[0].tableValue?["varieties"]?.arrayValue?.compactMap { $0.tableValue?["name"]?.stringValue } == ["red delicious", "granny smith"])
        #expect(fruits[1].tableValue?["name"]?.stringValue == "banana")
    }

    @Test func dottedKeysThenSubtableHeader() throws {
        let table = try TOMLParser.parse("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true

            [fruit.apple.texture]
            smooth = true
            """)
        #expect(table[path: ["fruit", "apple", "taste", "sweet"]]?.booleanValue == true)
        #expect(table[path: ["fruit", "apple", "texture", "smooth"]]?.booleanValue == true)
    }

    @Test func lineEndingsAndByteOrderMark() throws {
        let table = try TOMLParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a = 1\r\nb = 2\r\n# c\r\n".utf8))
        #expect(table["b"]?.integerValue == 2)
        #expect(table["b"]?.position == SourcePosition(line: 2, column: 5))
    }

    @Test func emptyDocuments() throws {
        #expect(try TOMLParser.parse("") == TOMLTable())
        #expect(try TOMLParser.parse("\n\n   # only a comment\n\t\n") == TOMLTable())
    }
}

@Suite("TOML edge cases")
struct TOMLEdgeCaseTests {
    @Test(arguments: [
        "a = \"\"\"\n\"\"\"",
        "[[a]]\n[a.b]\nc = 1\n[[a]]\n[a.b]\nc = 2",
        "a = { b = [ { c = 1 }, { c = 2 } ] }",
        "a = 1#comment right after",
        "a = true#comment",
        "a = 1979-05-27T07:32:00Z#c",
        "[\"\"]\nx = 1",
        "a = [\n  [\n    1,\n  ],\n]",
        "a = [ # comment after bracket\n]",
        "\t[ a ]\t\n\tb\t=\t1\t",
        "a = 0e0\nb = -0.0e-0\nc = 1_000.000_1",
        "a = \"\\\\\\\"\"",
        "[a]\n[a.b.c]\n[a.b]\nd = 1",
        "a.b.c = 1\n[a.b.d]\ne = 1",
        "a = 00:00:00\nb = 23:59:60.5",
        "a = '''\n'''\nb = \"\"\"a\\\n\"\"\"",
    ])
    func validDocument(text: String) {
        #expect(throws: Never.self) { _ = try TOMLParser.parse(text) }
    }

    @Test func arrayOfTablesElementsAreSeparate() throws {
        let table = try TOMLParser.parse("[[a]]\n[a.b]\nc = 1\n[[a]]\n[a.b]\nc = 2")
        #expect(table["a"]?.arrayValue?.compactMap { $0.tableValue?[path: ["b", "c"]]?.integerValue } == [1, 2])
    }

    @Test func multilineStringTrailingBackslashAtEnd() throws {
        #expect(try TOMLParser.parse("b = \"\"\"a\\\n\"\"\"")["b"]?.stringValue == "a")
    }
}
