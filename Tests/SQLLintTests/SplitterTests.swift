import Testing
@testable import SQLLint

struct SplitCase: Sendable, CustomTestStringConvertible {
    var sql: String
    /// Each statement's first token value and whether it runs inside a transaction block.
    var expected: [String]
    var testDescription: String { sql }
}

@Suite("Statement splitting and transaction tracking")
struct SplitterTests {
    static let cases: [SplitCase] = [
        SplitCase(sql: "SELECT 1; SELECT 2", expected: ["select", "select"]),
        SplitCase(sql: "SELECT ';'; SELECT $$;$$; SELECT \";\"", expected: ["select", "select", "select"]),
        SplitCase(sql: "SELECT 1 -- ; no\n; /* ; */ SELECT 2;", expected: ["select", "select"]),
        SplitCase(sql: ";;SELECT 1;;", expected: ["select"]),
        SplitCase(sql: "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));", expected: ["create"]),
        SplitCase(
            sql: "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC UPDATE t SET a = 1; SELECT CASE WHEN true THEN 1 END; END; SELECT 2;",
            expected: ["create", "select"]
        ),
        SplitCase(sql: "\\set ON_ERROR_STOP on\nSELECT 1;\n\\connect db\nSELECT 2;", expected: ["select", "select"]),
        SplitCase(sql: "DO $$ BEGIN PERFORM 1; COMMIT; END $$; SELECT 1;", expected: ["do", "select"]),
    ]

    @Test(arguments: cases)
    func splits(_ splitCase: SplitCase) throws {
        let statements = try SQLStatementSplitter().split(splitCase.sql)
        #expect(statements.map { $0.tokens.first?.value ?? "" } == splitCase.expected)
        #expect(statements.map(\.index) == Array(0..<splitCase.expected.count))
    }

    struct TransactionCase: Sendable, CustomTestStringConvertible {
        var sql: String
        var inBlock: [Bool]
        var testDescription: String { sql }
    }

    static let transactionCases: [TransactionCase] = [
        TransactionCase(sql: "SELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3;", inBlock: [false, false, true, true, false]),
        TransactionCase(sql: "START TRANSACTION ISOLATION LEVEL SERIALIZABLE; SELECT 1; END; SELECT 2;", inBlock: [false, true, true, false]),
        TransactionCase(sql: "BEGIN; SAVEPOINT s; ROLLBACK TO SAVEPOINT s; SELECT 1; ROLLBACK; SELECT 2;", inBlock: [false, true, true, true, true, false]),
        TransactionCase(sql: "BEGIN WORK; SELECT 1; ABORT; SELECT 2;", inBlock: [false, true, true, false]),
        TransactionCase(sql: "BEGIN; SELECT 1; PREPARE TRANSACTION 'x'; COMMIT PREPARED 'x'; SELECT 2;", inBlock: [false, true, true, false, false]),
        TransactionCase(sql: "DO $$ BEGIN NULL; END $$; SELECT 1;", inBlock: [false, false]),
        TransactionCase(
            sql: "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END; SELECT 1;",
            inBlock: [false, false]
        ),
    ]

    @Test(arguments: transactionCases)
    func tracksTransactionBlocks(_ transactionCase: TransactionCase) throws {
        let statements = try SQLStatementSplitter().split(transactionCase.sql)
        #expect(statements.map(\.isInTransactionBlock) == transactionCase.inBlock)
    }

    @Test func transactionControlIsClassified() throws {
        let statements = try SQLStatementSplitter().split("BEGIN; COMMIT; START TRANSACTION; ROLLBACK; SELECT 1; END; ABORT;")
        #expect(statements.map(\.transactionControl) == [.begin, .commit, .begin, .rollback, nil, .commit, .rollback])
    }

    @Test func statementPositionsAndText() throws {
        let sql = "SELECT 1;\n\n  CREATE INDEX i\n    ON t (c);\nSELECT 2"
        let statements = try SQLStatementSplitter().split(sql)
        #expect(statements.count == 3)
        #expect(statements[1].start == SourcePosition(offset: 13, line: 3, column: 3))
        #expect(statements[1].end == SourcePosition(offset: 41, line: 4, column: 14))
        #expect(statements[1].text(in: sql) == "CREATE INDEX i\n    ON t (c);")
        #expect(statements[1].isTerminated)
        #expect(!statements[2].isTerminated)
        #expect(statements[2].text(in: sql) == "SELECT 2")
    }

    @Test func commentsAreAttachedToStatements() throws {
        let statements = try SQLStatementSplitter().split("-- lead\nSELECT /* in */ 1; -- after\nSELECT 2;")
        #expect(statements[0].leadingComments.map(\.value) == [" lead"])
        #expect(statements[0].comments.map(\.value) == [" in "])
        #expect(statements[1].leadingComments.map(\.value) == [" after"])
        #expect(statements[0].tokens.allSatisfy { !$0.isComment })
    }

    @Test func malformedInputKeepsCompleteStatementsAndReportsTheError() {
        let output = SQLStatementSplitter().splitLeniently("SELECT 1;\nSELECT 2;\nSELECT 'oops")
        #expect(output.statements.count == 2)
        #expect(output.error?.code == .unterminatedQuotedString)
        #expect(output.error?.position == SourcePosition(offset: 27, line: 3, column: 8))
        #expect(throws: SQLLintError.self) { try SQLStatementSplitter().split("SELECT /* open") }
    }
}
