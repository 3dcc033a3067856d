extension StatementAnalyzer {
    mutating func analyzeAlter() {
        guard let object = tokens.word(1) else { return }
        switch object {
        case "table": analyzeAlterTable()
        case "type": analyzeAlterType()
        case "index":
            // ALTER INDEX … SET TABLESPACE / RENAME: brief locks; only count for lock_timeout on existing objects.
            takesLock = true
        default: break
        }
    }

    /// `ALTER TYPE name ADD VALUE …`
    mutating func analyzeAlterType() {
        guard let (typeName, next) = tokens.name(at: 2), tokens.isWords(next, ["add", "value"]) else { return }
        guard inTransaction else { return }
        if let version = configuration.postgresMajorVersion, version >= 12 { return }
        report(.noEnumAddValueInTransaction, at: next, "ALTER TYPE \(typeName) ADD VALUE inside a transaction block fails before PostgreSQL 12, and from 12 on the new value cannot be used until the transaction commits")
    }

    /// `ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, …]`
    mutating func analyzeAlterTable() {
        var i = tokens.skipping(["if", "exists"], at: 2)
        if tokens.isWord(i, "only") { i += 1 }
        guard let (table, next) = tokens.name(at: i) else { return }
        i = next
        if tokens.isKind(i, .operator) && tokens[i].value == "*" { i += 1 }
        let existing = !isNew(table)
        if existing { takesLock = true }
        for action in tokens.splitAtTopLevelCommas(i, tokens.count) {
            analyzeAlterTableAction(action, table: table, existing: existing)
        }
    }

    mutating func analyzeAlterTableAction(_ action: Range<Int>, table: String, existing: Bool) {
        let i = action.lowerBound
        guard let verb = tokens.word(i) else { return }
        switch verb {
        case "add":
            var j = i + 1
            if tokens.isWord(j, "column") {
                j = tokens.skipping(["if", "not", "exists"], at: j + 1)
                analyzeAddColumn(j..<action.upperBound, table: table, existing: existing)
                return
            }
            var constraintName: String?
            if tokens.isWord(j, "constraint"), let (name, next) = tokens.name(at: j + 1) {
                constraintName = name
                j = next
            }
            if let w = tokens.word(j), ["check", "unique", "primary", "foreign", "exclude", "not"].contains(w) {
                analyzeAddConstraint(j..<action.upperBound, name: constraintName, table: table, existing: existing)
            } else if constraintName == nil {
                analyzeAddColumn(tokens.skipping(["if", "not", "exists"], at: j)..<action.upperBound, table: table, existing: existing)
            }
        case "alter":
            var j = i + 1
            if tokens.isWord(j, "column") { j += 1 }
            guard let (column, next) = tokens.name(at: j) else { return }
            analyzeAlterColumn(next..<action.upperBound, column: column, table: table, existing: existing)
        case "drop":
            var j = i + 1
            if tokens.isWord(j, "constraint") { return }
            if tokens.isWord(j, "column") { j += 1 }
            j = tokens.skipping(["if", "exists"], at: j)
            guard let (column, _) = tokens.name(at: j) else { return }
            if existing && configuration.phase != .complete {
                report(.noDropColumn, at: i, "DROP COLUMN \"\(table).\(column)\" outside the contract phase breaks application versions that still use it")
            }
        case "rename":
            if tokens.isWord(i + 1, "to") {
                if existing {
                    let newName = tokens.name(at: i + 2)?.name ?? "?"
                    report(.noRenameTable, at: i, "renaming table \"\(table)\" to \"\(newName)\" breaks application versions that still use the old name")
                }
                return
            }
            if tokens.isWord(i + 1, "constraint") { return }
            let j = tokens.isWord(i + 1, "column") ? i + 2 : i + 1
            guard let (column, next) = tokens.name(at: j), tokens.isWord(next, "to") else { return }
            if existing {
                let newName = tokens.name(at: next + 1)?.name ?? "?"
                report(.noRenameColumn, at: i, "renaming column \"\(table).\(column)\" to \"\(newName)\" breaks application versions that still use the old name")
            }
        case "set":
            if let mode = tokens.word(i + 1), mode == "logged" || mode == "unlogged", existing {
                report(.noSetLoggedUnlogged, at: i, "SET \(mode.uppercased()) rewrites table \"\(table)\" under an ACCESS EXCLUSIVE lock")
            }
        case "validate":
            guard tokens.isWord(i + 1, "constraint"), let (name, _) = tokens.name(at: i + 2),
                let pending = state.pendingNotNullChecks.removeValue(forKey: name) else { return }
            state.validatedNotNull.insert(pending.table + "." + pending.column)
        case "detach":
            if inTransaction, tokens.containsTopLevelWords(["concurrently"], in: action) {
                report(.noConcurrentlyInTransaction, at: i, "DETACH PARTITION … CONCURRENTLY cannot run inside a transaction block")
            }
        default:
            break
        }
    }

    /// `ADD [COLUMN] [IF NOT EXISTS] name type [constraints]` (range starts at the column name).
    mutating func analyzeAddColumn(_ range: Range<Int>, table: String, existing: Bool) {
        guard let column = ColumnDefinition(tokens, range) else { return }
        checkColumnTypes(column, table: table)
        if let pk = column.primaryKeyIndex, column.isIntegerKeyType {
            report(.preferBigintPrimaryKey, at: column.typeIndex ?? pk, "primary key \"\(table).\(column.name)\" is \(column.typeName): it runs out at 2^31")
        }
        if column.primaryKeyIndex != nil { state.tablesWithoutPrimaryKey[table] = nil }
        state.columnTypes[table, default: [:]][column.name] = column.typeName
        guard existing else { return }
        let name = "\"\(table).\(column.name)\""
        if column.isSerial || column.identityIndex != nil {
            let kind = column.isSerial ? column.typeName : "identity"
            report(.noAddSerialColumn, at: column.identityIndex ?? column.typeIndex ?? column.nameIndex, "adding \(kind) column \(name) fills every existing row from a sequence: a full table rewrite under ACCESS EXCLUSIVE")
        } else if let stored = column.storedGeneratedIndex {
            report(.noStoredGeneratedColumn, at: stored, "adding stored generated column \(name) computes it for every row: a full table rewrite under ACCESS EXCLUSIVE")
        } else {
            if let defaultIndex = column.defaultIndex, let expression = column.defaultExpression {
                if let volatile = volatileFunction(in: expression) {
                    report(.noVolatileDefault, at: defaultIndex, "column \(name) gets a volatile default (\(volatile)()): every existing row is rewritten under ACCESS EXCLUSIVE")
                } else if let version = configuration.postgresMajorVersion, version < 11, column.hasNonNullDefault(tokens) {
                    report(.noVolatileDefault, at: defaultIndex, "before PostgreSQL 11 adding column \(name) with a default rewrites every row under ACCESS EXCLUSIVE")
                }
            }
            if let notNull = column.notNullIndex, !column.hasNonNullDefault(tokens) {
                report(.noAddNotNullWithoutDefault, at: notNull, "adding column \(name) NOT NULL without a default fails on a non-empty table")
            }
        }
        if let index = column.primaryKeyIndex ?? column.uniqueIndex {
            let kind = column.primaryKeyIndex != nil ? "PRIMARY KEY" : "UNIQUE"
            report(.requireUniqueUsingIndex, at: index, "adding column \(name) with \(kind) builds its index under an ACCESS EXCLUSIVE lock on \"\(table)\"")
        }
        // A new column without a default is all NULL, so PostgreSQL skips validating its foreign key.
        if let references = column.referencesIndex, column.hasNonNullDefault(tokens) {
            report(.requireNotValidForeignKey, at: references, "adding column \(name) with a default and REFERENCES validates the foreign key holding SHARE ROW EXCLUSIVE locks on both tables")
        }
        if let check = column.checkIndex {
            report(.requireNotValidCheck, at: check, "adding column \(name) with a CHECK scans \"\(table)\" under an ACCESS EXCLUSIVE lock")
        }
    }

    private static let volatileFunctions: Set<String> = [
        "random", "random_normal", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
        "uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp", "timeofday", "nextval", "setval",
        "gen_random_bytes",
    ]

    /// The first known-volatile function called in `range`.
    func volatileFunction(in range: Range<Int>) -> String? {
        for i in range where tokens[i].kind == .word && tokens.isKind(i + 1, .leftParen) {
            if Self.volatileFunctions.contains(tokens[i].value) { return tokens[i].value }
        }
        return nil
    }

    /// `[CONSTRAINT name] CHECK|UNIQUE|PRIMARY KEY|FOREIGN KEY|EXCLUDE|NOT NULL …` (range starts at the kind).
    mutating func analyzeAddConstraint(_ range: Range<Int>, name: String?, table: String, existing: Bool) {
        let i = range.lowerBound
        let notValid = tokens.containsTopLevelWords(["not", "valid"], in: range)
        guard let kind = tokens.word(i) else { return }
        switch kind {
        case "primary", "unique":
            if kind == "primary" { state.tablesWithoutPrimaryKey[table] = nil }
            if kind == "primary", tokens.isWords(i, ["primary", "key"]) {
                let columns = tokens.parenthesisedNames(at: i + 2, end: range.upperBound)
                if columns.count == 1, let type = state.columnTypes[table]?[columns[0]],
                    ColumnDefinition.integerKeyTypes.contains(type) {
                    report(.preferBigintPrimaryKey, at: i, "primary key \"\(table).\(columns[0])\" is \(type): it runs out at 2^31")
                }
            }
            guard existing, !tokens.containsTopLevelWords(["using", "index"], in: range) else { return }
            let label = kind == "primary" ? "PRIMARY KEY" : "UNIQUE"
            report(.requireUniqueUsingIndex, at: i, "ADD \(label) on \"\(table)\" builds its index under an ACCESS EXCLUSIVE lock")
        case "exclude":
            guard existing else { return }
            report(.requireUniqueUsingIndex, at: i, "ADD EXCLUDE on \"\(table)\" builds its index under an ACCESS EXCLUSIVE lock")
        case "foreign":
            guard existing, !notValid else { return }
            report(.requireNotValidForeignKey, at: i, "ADD FOREIGN KEY on \"\(table)\" without NOT VALID validates every row under SHARE ROW EXCLUSIVE locks on both tables")
        case "check":
            // CHECK ( col IS NOT NULL ) proves NOT NULL for a later SET NOT NULL once validated.
            if tokens.isKind(i + 1, .leftParen), i + 2 < tokens.count, tokens[i + 2].isIdentifier, tokens.isWords(i + 3, ["is", "not", "null"]),
                tokens.isKind(i + 6, .rightParen) {
                let column = tokens[i + 2].value
                if notValid, let name {
                    state.pendingNotNullChecks[name] = (table, column)
                } else if !notValid {
                    state.validatedNotNull.insert(table + "." + column)
                }
            }
            guard existing, !notValid else { return }
            report(.requireNotValidCheck, at: i, "ADD CHECK on \"\(table)\" without NOT VALID scans the whole table under an ACCESS EXCLUSIVE lock")
        case "not":
            // PostgreSQL 18: ADD CONSTRAINT name NOT NULL column [NOT VALID]
            guard tokens.isWord(i + 1, "null"), let (column, _) = tokens.name(at: i + 2) else { return }
            if notValid {
                if let name { state.pendingNotNullChecks[name] = (table, column) }
                return
            }
            guard existing, !state.validatedNotNull.contains(table + "." + column) else { return }
            report(.requireCheckForSetNotNull, at: i, "ADD NOT NULL on \"\(table).\(column)\" scans the whole table under an ACCESS EXCLUSIVE lock")
        default:
            break
        }
    }

    /// `ALTER [COLUMN] name …` (range starts after the column name).
    mutating func analyzeAlterColumn(_ range: Range<Int>, column: String, table: String, existing: Bool) {
        let i = range.lowerBound
        if tokens.isWord(i, "type") || tokens.isWords(i, ["set", "data", "type"]) {
            let typeStart = tokens.isWord(i, "type") ? i + 1 : i + 3
            // Reuse the column parser on a synthetic "name type …" view: the token before the type is the
            // TYPE keyword, which stands in for the name.
            if var definition = ColumnDefinition(tokens, (typeStart - 1)..<range.upperBound) {
                definition.name = column
                checkColumnTypes(definition, table: table)
                state.columnTypes[table, default: [:]][column] = definition.typeName
            }
            if existing {
                report(.noColumnTypeChange, at: i, "changing the type of \"\(table).\(column)\" takes an ACCESS EXCLUSIVE lock and rewrites the table unless the change is binary-coercible")
            }
        } else if tokens.isWords(i, ["set", "not", "null"]) {
            guard existing, !state.validatedNotNull.contains(table + "." + column) else { return }
            report(.requireCheckForSetNotNull, at: i, "SET NOT NULL on \"\(table).\(column)\" scans the whole table under an ACCESS EXCLUSIVE lock; no validated CHECK (\(column) IS NOT NULL) precedes it")
        }
    }
}
