extension StatementAnalyzer {
    mutating func analyzeCreate() {
        var i = 1
        i = tokens.skipping(["or", "replace"], at: i)
        if tokens.isWord(i, "unique") { i += 1 }
        guard let word = tokens.word(i) else { return }
        switch word {
        case "index":
            analyzeCreateIndex(at: i)
        case "table":
            analyzeCreateTable(at: i, temporary: false)
        case "temp", "temporary", "global", "local", "unlogged":
            var j = i
            var temporary = false
            while let w = tokens.word(j), ["temp", "temporary", "global", "local", "unlogged"].contains(w) {
                if w == "temp" || w == "temporary" { temporary = true }
                j += 1
            }
            if tokens.isWord(j, "table") { analyzeCreateTable(at: j, temporary: temporary) }
        case "materialized":
            if tokens.isWord(i + 1, "view") {
                var j = tokens.skipping(["if", "not", "exists"], at: i + 2)
                if let (name, next) = tokens.name(at: j) { state.createdTables.insert(name); j = next }
            }
        case "trigger", "constraint":
            // CREATE [CONSTRAINT] TRIGGER … ON table: SHARE ROW EXCLUSIVE on the table.
            if let on = tokens.firstTopLevelWord("on", in: i..<tokens.count), let (table, _) = tokens.name(at: on + 1),
                !isNew(table) {
                takesLock = true
            }
        default:
            break
        }
    }

    /// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table …`
    mutating func analyzeCreateIndex(at indexKeyword: Int) {
        var i = indexKeyword + 1
        let concurrently = tokens.isWord(i, "concurrently")
        if concurrently { i += 1 }
        i = tokens.skipping(["if", "not", "exists"], at: i)
        if !tokens.isWord(i, "on"), let (name, next) = tokens.name(at: i) {
            state.createdIndexes.insert(name)
            i = next
        }
        guard tokens.isWord(i, "on") else { return }
        i += 1
        let only = tokens.isWord(i, "only")
        if only { i += 1 }
        guard let (table, _) = tokens.name(at: i) else { return }
        if concurrently {
            if inTransaction {
                report(.noConcurrentlyInTransaction, at: indexKeyword + 1, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block")
            }
            return
        }
        // ON ONLY a partitioned parent creates an invalid parent index instantly: the documented online path.
        guard !only, !isNew(table) else { return }
        takesLock = true
        report(.requireConcurrentIndex, at: indexKeyword, "CREATE INDEX on existing table \"\(table)\" without CONCURRENTLY blocks writes to it (SHARE lock) for the whole build")
    }

    /// `CREATE TABLE [IF NOT EXISTS] name ( … )`, `… PARTITION OF`, `… OF type`, `… AS query`.
    mutating func analyzeCreateTable(at tableKeyword: Int, temporary: Bool) {
        let start = tokens.skipping(["if", "not", "exists"], at: tableKeyword + 1)
        guard let (table, next) = tokens.name(at: start) else { return }
        state.createdTables.insert(table)
        guard !temporary, tokens.isKind(next, .leftParen) else { return }
        let close = tokens.matchingClose(next, end: tokens.count)
        var hasPrimaryKey = false
        var hasLike = false
        var columns: [String: ColumnDefinition] = [:]
        var columnTypes: [String: String] = [:]
        var tablePrimaryKey: [String] = []
        var tablePrimaryKeyIndex = 0
        for element in tokens.splitAtTopLevelCommas(next + 1, close) {
            var i = element.lowerBound
            if tokens.isWord(i, "like") { hasLike = true; continue }
            if tokens.isWord(i, "constraint") { i += 2 }
            if tokens.isWords(i, ["primary", "key"]) {
                hasPrimaryKey = true
                tablePrimaryKey = tokens.parenthesisedNames(at: i + 2, end: element.upperBound)
                tablePrimaryKeyIndex = i
                continue
            }
            if let w = tokens.word(i), ["check", "unique", "foreign", "exclude"].contains(w) { continue }
            guard let column = ColumnDefinition(tokens, element) else { continue }
            columns[column.name] = column
            columnTypes[column.name] = column.typeName
            checkColumnTypes(column, table: table)
            if let pk = column.primaryKeyIndex {
                hasPrimaryKey = true
                if column.isIntegerKeyType && column.typeIndex != nil {
                    report(.preferBigintPrimaryKey, at: column.typeIndex ?? pk, "primary key \"\(table).\(column.name)\" is \(column.typeName): it runs out at 2^31")
                }
            }
        }
        if tablePrimaryKey.count == 1, let column = columns[tablePrimaryKey[0]], column.isIntegerKeyType {
            report(.preferBigintPrimaryKey, at: column.typeIndex ?? tablePrimaryKeyIndex, "primary key \"\(table).\(column.name)\" is \(column.typeName): it runs out at 2^31")
        }
        state.columnTypes[table] = columnTypes
        // A foreign key to an existing table takes SHARE ROW EXCLUSIVE on that table.
        for i in (next + 1)..<close where tokens.isWord(i, "references") {
            if let (referenced, _) = tokens.name(at: i + 1), !isNew(referenced) { takesLock = true }
        }
        let partitionOf = tokens.isWords(next, ["partition", "of"])
        if !hasPrimaryKey && !hasLike && !partitionOf {
            state.tablesWithoutPrimaryKey[table] = (statementIndex, tokens[start].start)
        }
    }

    /// The column-type rules that apply to every new column, on new and existing tables alike.
    mutating func checkColumnTypes(_ column: ColumnDefinition, table: String) {
        guard let typeIndex = column.typeIndex else { return }
        if column.isJSON {
            report(.preferJsonb, at: typeIndex, "column \"\(table).\(column.name)\" uses json; use jsonb")
        } else if column.isBoundedVarchar {
            report(.preferTextOverVarchar, at: typeIndex, "column \"\(table).\(column.name)\" uses \(column.typeName)(n); use text with a CHECK on char_length")
        } else if column.isTimestampWithoutTimeZone {
            report(.preferTimestamptz, at: typeIndex, "column \"\(table).\(column.name)\" uses timestamp without time zone; use timestamptz")
        }
    }
}
