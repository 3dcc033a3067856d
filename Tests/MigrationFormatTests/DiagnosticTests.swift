import Foundation
import Testing

@testable import MigrationFormat

/// A bad input and the diagnostics it must produce (position, key path and code of each, in order).
struct BadInput: Sendable, CustomStringConvertible {
    struct Expected: Sendable, Equatable, CustomStringConvertible {
        let line: Int
        let column: Int
        let keyPath: String
        let code: Diagnostic.Code

        var description: String { "\(line):\(column) \(keyPath) \(code)" }
    }

    let label: String
    let path: String
    let contents: String
    let expected: [Expected]

    var description: String { label }
}

private func at(_ line: Int, _ column: Int, _ keyPath: String, _ code: Diagnostic.Code) -> BadInput.Expected {
    BadInput.Expected(line: line, column: column, keyPath: keyPath, code: code)
}

let badInputs: [BadInput] = [
    BadInput(
        label: "malformed YAML", path: "m/0001_bad.yaml",
        contents: "operations:\n  - add_column: [1, 2\n    table: x\n",
        expected: [at(3, 10, "", .syntax)]),
    BadInput(
        label: "malformed YAML indentation", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_table:\n      name: a\n     table: b\n",
        expected: [at(4, 6, "", .syntax)]),
    BadInput(
        label: "malformed JSON: missing comma between elements", path: "m/0001_bad.json",
        contents: "{\"operations\": [\n  {\"drop_table\": {\"name\": \"x\"}}\n  {\"drop_table\": {\"name\": \"y\"}}\n]}\n",
        expected: [at(3, 3, "", .syntax)]),
    BadInput(
        label: "malformed JSON: unclosed object", path: "m/0001_bad.json",
        contents: "{\"operations\": [{\"drop_table\": {\"name\": \"x\"}}]\n",
        expected: [at(2, 1, "", .syntax)]),
    BadInput(
        label: "unknown key at top level", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_table: {name: t}\noperation_count: 1\n",
        expected: [at(3, 1, "operation_count", .unknownKey)]),
    BadInput(
        label: "unknown key inside an operation", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_column:\n      table: t\n      column: c\n      cascade: true\n",
        expected: [at(5, 7, "operations[0].drop_column.cascade", .unknownKey)]),
    BadInput(
        label: "unknown key inside a nested column", path: "m/0001_bad.yaml",
        contents: """
            operations:
              - create_table:
                  name: t
                  columns:
                    - name: id
                      type: int
                    - name: a
                      type: int
                      primary: true
            """,
        expected: [at(9, 11, "operations[0].create_table.columns[1].primary", .unknownKey)]),
    BadInput(
        label: "unknown key and invalid value inside references", path: "m/0001_bad.yaml",
        contents: """
            operations:
              - alter_column:
                  table: t
                  column: c
                  references:
                    name: fk
                    table: u
                    column: id
                    on_delete: CASCADES
                    on_dlete: CASCADE
            """,
        expected: [
            at(9, 20, "operations[0].alter_column.references.on_delete", .invalidValue),
            at(10, 9, "operations[0].alter_column.references.on_dlete", .unknownKey),
        ]),
    BadInput(
        label: "unknown key in JSON", path: "m/0001_bad.json",
        contents: "{\"operations\": [\n  {\"rename_table\": {\"from\": \"a\", \"to\": \"b\", \"schema\": \"s\"}}\n]}",
        expected: [at(2, 45, "operations[0].rename_table.schema", .unknownKey)]),
    BadInput(
        label: "unknown operation", path: "m/0001_bad.yaml",
        contents: "operations:\n  - add_colum:\n      table: t\n  - frobnicate: {}\n",
        expected: [
            at(2, 5, "operations[0].add_colum", .unknownOperation),
            at(4, 5, "operations[1].frobnicate", .unknownOperation),
        ]),
    BadInput(
        label: "two keys in one operation", path: "m/0001_bad.yaml",
        contents: """
            operations:
              - drop_index:
                  name: a
                drop_table:
                  name: b
            """,
        expected: [at(2, 5, "operations[0]", .operationShape)]),
    BadInput(
        label: "operation that is not a mapping", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_table\n",
        expected: [at(2, 5, "operations[0]", .operationShape)]),
    BadInput(
        label: "missing required fields", path: "m/0001_bad.yaml",
        contents: "operations:\n  - rename_column:\n      table: t\n      from: a\n",
        expected: [at(2, 5, "operations[0].rename_column.to", .missingField)]),
    BadInput(
        label: "missing required field in a nested object", path: "m/0001_bad.yaml",
        contents: """
            operations:
              - add_column:
                  table: t
                  column:
                    name: a
                    check:
                      name: a_positive
            """,
        expected: [
            at(4, 7, "operations[0].add_column.column.type", .missingField),
            at(6, 9, "operations[0].add_column.column.check.constraint", .missingField),
        ]),
    BadInput(
        label: "required field given as null", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_table:\n      name: ~\n",
        expected: [at(2, 5, "operations[0].drop_table.name", .missingField)]),
    BadInput(
        label: "wrong types", path: "m/0001_bad.yaml",
        contents: """
            operations:
              - create_index:
                  name: {a: b}
                  table: t
                  unique: "yes"
                  columns: c
              - add_column:
                  table: t
                  column: {name: a, type: int, nullable: 1}
                  backfill:
                    batch_size: lots
            """,
        expected: [
            at(3, 13, "operations[0].create_index.name", .wrongType),
            at(5, 15, "operations[0].create_index.unique", .wrongType),
            at(6, 16, "operations[0].create_index.columns", .wrongType),
            at(9, 46, "operations[1].add_column.column.nullable", .wrongType),
            at(11, 21, "operations[1].add_column.backfill.batch_size", .wrongType),
        ]),
    BadInput(
        label: "operations is not a list", path: "m/0001_bad.yaml",
        contents: "operations:\n  drop_table: {name: t}\n",
        expected: [at(2, 3, "operations", .wrongType)]),
    BadInput(
        label: "top-level name", path: "m/0001_bad.yaml",
        contents: "name: 0001_bad\noperations:\n  - drop_table: {name: t}\n",
        expected: [at(1, 1, "name", .topLevelName)]),
    BadInput(
        label: "onComplete with down", path: "m/0001_bad.yaml",
        contents: "operations:\n  - sql:\n      up: SELECT 1\n      down: SELECT 2\n      onComplete: true\n",
        expected: [at(4, 7, "operations[0].sql.down", .conflictingFields)]),
    BadInput(
        label: "raw SQL without onComplete not alone", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_table: {name: t}\n  - sql: {up: SELECT 1}\n",
        expected: [at(3, 5, "operations[1].sql", .rawSQLNotAlone)]),
    BadInput(
        label: "empty operations", path: "m/0001_bad.yaml",
        contents: "operations: []\n",
        expected: [at(1, 13, "operations", .emptyOperations)]),
    BadInput(
        label: "missing operations", path: "m/0001_bad.yaml",
        contents: "version_schema: v1\n",
        expected: [at(1, 1, "operations", .missingField)]),
    BadInput(
        label: "empty file", path: "m/0001_bad.yaml", contents: "# nothing here\n",
        expected: [at(1, 1, "", .emptyFile)]),
    BadInput(
        label: "duplicate keys in YAML (all reported, with key paths)", path: "m/0001_bad.yaml",
        contents: """
            operations:
              - drop_table:
                  name: a
                  name: b
              - rename_table:
                  from: x
                  to: y
                  from: z
            """,
        expected: [
            at(4, 7, "operations[0].drop_table.name", .duplicateKey),
            at(8, 7, "operations[1].rename_table.from", .duplicateKey),
        ]),
    BadInput(
        label: "duplicate key in JSON", path: "m/0001_bad.json",
        contents: "{\"operations\": [{\"drop_table\": {\"name\": \"a\",\n   \"name\": \"b\"}}]}",
        expected: [at(2, 4, "operations[0].drop_table.name", .duplicateKey)]),
    BadInput(
        label: "duplicate operations key at top level", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_table: {name: a}\noperations:\n  - drop_table: {name: b}\n",
        expected: [at(3, 1, "operations", .duplicateKey)]),
    BadInput(
        label: "alter_column that changes nothing", path: "m/0001_bad.yaml",
        contents: "operations:\n  - alter_column:\n      table: t\n      column: c\n      up: c\n",
        expected: [at(2, 5, "operations[0].alter_column", .missingField)]),
    BadInput(
        label: "invalid backfill values", path: "m/0001_bad.yaml",
        contents: """
            backfill:
              workers: 0
              min_batch_size: 500
              max_batch_size: 100
            operations:
              - drop_table: {name: t}
            """,
        expected: [
            at(2, 12, "backfill.workers", .invalidValue),
            at(3, 3, "backfill.min_batch_size", .invalidValue),
        ]),
    BadInput(
        label: "backfill on an operation that does not backfill", path: "m/0001_bad.yaml",
        contents: "operations:\n  - drop_table:\n      name: t\n      backfill: {batch_size: 10}\n",
        expected: [at(4, 7, "operations[0].drop_table.backfill", .unknownKey)]),
    BadInput(
        label: "many errors in one file are all reported", path: "m/0001_bad.yaml",
        contents: """
            name: x
            operations:
              - add_column:
                  table: t
                  column:
                    name: a
                    type: int
                    nullable: maybe
                    references:
                      name: fk
                      table: u
                      column: id
                      on_delete: EXPLODE
              - drop_colum: {table: t, column: b}
              - rename_column: {table: t, from: a}
              - create_index:
                  name: i
                  table: t
                  columns:
                    - column: a
                      sort: sideways
            """,
        expected: [
            at(1, 1, "name", .topLevelName),
            at(8, 19, "operations[0].add_column.column.nullable", .wrongType),
            at(13, 22, "operations[0].add_column.column.references.on_delete", .invalidValue),
            at(14, 5, "operations[1].drop_colum", .unknownOperation),
            at(15, 5, "operations[2].rename_column.to", .missingField),
            at(21, 17, "operations[3].create_index.columns[0].sort", .invalidValue),
        ]),
]

@Suite("Bad input gives the right file:line:column and key path")
struct DiagnosticTests {
    @Test("Each kind of bad input", arguments: badInputs)
    func badInputIsReported(_ input: BadInput) {
        let result = MigrationDecoder.decode(contents: input.contents, path: input.path)
        #expect(result.file == nil)
        let actual = result.diagnostics.map {
            BadInput.Expected(line: $0.line ?? 0, column: $0.column ?? 0, keyPath: $0.keyPath, code: $0.code)
        }
        #expect(actual == input.expected, "\(result.diagnostics.map(\.detailedDescription).joined(separator: "\n"))")
        #expect(result.diagnostics.allSatisfy { $0.file == input.path && $0.severity == .error })
    }

    @Test func descriptionFormat() {
        let result = decode(
            """
            operations:
              - alter_column:
                  table: orders
                  column: customer_id
                  references:
                    name: fk
                    table: customers
                    column: id
                    on_delete: SET NUL
            """, path: "migrations/0003_fk.yaml")
        #expect(
            result.diagnostics.map(\.description) == [
                "migrations/0003_fk.yaml:9:20: error: invalid `on_delete` value `SET NUL` "
                    + "(at operations[0].alter_column.references.on_delete)"
            ])
        #expect(result.diagnostics.first?.hint == "did you mean `SET NULL`? valid values: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT")
        #expect(
            result.diagnostics.first?.detailedDescription
                == result.diagnostics[0].description + "\n    hint: " + (result.diagnostics[0].hint ?? ""))
    }

    @Test func messagesSayWhatIsWrong() {
        let messages = decode(
            """
            name: x
            operations:
              - add_colum: {table: t}
              - drop_table: {name: t, cascade: true}
              - drop_column: {table: t}
            """, path: "0009_x.yaml"
        ).diagnostics.map(\.message)
        #expect(
            messages == [
                "a top-level `name` key is not allowed: the migration's name is its file name (`0009_x`)",
                "unknown operation `add_colum`",
                "unknown key `cascade` in `drop_table`",
                "missing required field `column` in `drop_column`",
            ])
    }

    @Test func unknownOperationSuggestsTheClosestKind() {
        let diagnostic = decode("operations:\n  - create_tabel: {name: t}\n").diagnostics.first
        #expect(diagnostic?.hint?.hasPrefix("did you mean `create_table`? valid operations: create_table, add_column") == true)
        #expect(diagnostic?.code == .unknownOperation)
    }

    @Test func diagnosticsEncodeAsJSON() throws {
        let diagnostic = Diagnostic(
            code: .unknownKey, file: "m/1.yaml", line: 3, column: 7, keyPath: "operations[0].sql.upp",
            message: "unknown key `upp` in `sql`", hint: "did you mean `up`?")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(diagnostic), as: UTF8.self)
        #expect(
            json
                == #"{"code":"unknown_key","column":7,"file":"m\/1.yaml","hint":"did you mean `up`?","key_path":"operations[0].sql.upp","line":3,"message":"unknown key `upp` in `sql`","severity":"error"}"#
        )
        #expect(try JSONDecoder().decode(Diagnostic.self, from: Data(json.utf8)) == diagnostic)
        #expect(diagnostic.description == "m/1.yaml:3:7: error: unknown key `upp` in `sql` (at operations[0].sql.upp)")
    }

    @Test func throwingInitializerCarriesAllDiagnostics() {
        #expect(throws: MigrationFormatError.self) {
            try MigrationFile(contents: "operations: []\nname: x\n", path: "0001.yaml")
        }
        do {
            _ = try MigrationFile(contents: "operations: []\nname: x\n", path: "0001.yaml")
        } catch {
            #expect(error.diagnostics.map(\.code) == [.emptyOperations, .topLevelName])
        }
    }
}

/// Duplicate keys in every kind of place: each is reported at its second occurrence with its key path,
/// and the rest of the file is still checked.
let duplicateKeyInputs: [BadInput] = [
    BadInput(
        label: "in a flow mapping on one line", path: "0001.yaml",
        contents: "operations:\n  - drop_table:\n      name: a\n  - rename_table: {from: a, to: b, from: c}\n",
        expected: [at(4, 36, "operations[1].rename_table.from", .duplicateKey)]),
    BadInput(
        label: "quoted keys in block YAML", path: "0001.yaml",
        contents: "operations:\n  - \"drop_table\":\n      \"name\": a\n      \"name\": b\n",
        expected: [at(4, 7, "operations[0].drop_table.name", .duplicateKey)]),
    BadInput(
        label: "in a column-to-SQL map", path: "0001.yaml",
        contents: "operations:\n  - drop_multicolumn_constraint:\n      table: t\n      name: c\n      down:\n        a: x\n        b: y\n        a: z\n",
        expected: [at(8, 9, "operations[0].drop_multicolumn_constraint.down.a", .duplicateKey)]),
    BadInput(
        label: "operation kind twice in one element", path: "0001.yaml",
        contents: "operations:\n  - drop_table: {name: a}\n    drop_table: {name: b}\n",
        expected: [
            at(2, 5, "operations[0]", .operationShape),
            at(3, 5, "operations[0].drop_table", .duplicateKey),
        ]),
    BadInput(
        label: "not fooled by key-like text in a block scalar", path: "0001.yaml",
        contents: "operations:\n  - sql:\n      up: |\n        name: 1\n        name: 2\n      up: SELECT 1\n",
        expected: [at(6, 7, "operations[0].sql.up", .duplicateKey)]),
    BadInput(
        label: "in a list item at column 1", path: "0001.yaml",
        contents: "operations:\n- drop_table:\n    name: a\n- drop_table:\n    name: b\n    name: c\n  extra: 1\n",
        expected: [
            at(4, 3, "operations[1]", .operationShape),
            at(6, 5, "operations[1].drop_table.name", .duplicateKey),
            at(7, 3, "operations[1].extra", .unknownOperation),
        ]),
    BadInput(
        label: "in an inline column", path: "0001.yaml",
        contents: "operations:\n  - create_table:\n      name: t\n      columns:\n        - {name: a, type: int, type: text, pk: maybe}\n",
        expected: [
            at(5, 32, "operations[0].create_table.columns[0].type", .duplicateKey),
            at(5, 48, "operations[0].create_table.columns[0].pk", .wrongType),
        ]),
]

@Suite("Duplicate keys")
struct DuplicateKeyTests {
    @Test("Reported with position and key path", arguments: duplicateKeyInputs)
    func duplicateKey(_ input: BadInput) {
        let result = MigrationDecoder.decode(contents: input.contents, path: input.path)
        #expect(result.file == nil)
        let actual = result.diagnostics.map {
            BadInput.Expected(line: $0.line ?? 0, column: $0.column ?? 0, keyPath: $0.keyPath, code: $0.code)
        }
        #expect(actual == input.expected, "\(result.diagnostics.map(\.description).joined(separator: "\n"))")
    }

    @Test func messageNamesTheFirstOccurrence() {
        let result = decode("operations:\n  - drop_table: {name: a}\n    drop_table: {name: b}\n")
        #expect(
            result.diagnostics.map(\.message) == [
                "an operation must have exactly one key (the operation kind), found 2: `drop_table`, `drop_table`",
                "duplicate key `drop_table` in an operation (first given at line 2, column 5)",
            ])
    }
}
