extension StatementAnalyzer {
    /// `DROP TABLE …`, `DROP INDEX …`, `DROP TRIGGER …`.
    mutating func analyzeDrop() {
        guard let object = tokens.word(1) else { return }
        switch object {
        case "table":
            let start = tokens.skipping(["if", "exists"], at: 2)
            let names = relationNames(from: start)
            let existing = names.filter { !isNew($0.name) }
            guard let first = existing.first else { return }
            takesLock = true
            if configuration.phase != .complete {
                report(.noDropTable, at: first.index, "DROP TABLE \"\(first.name)\" outside the contract phase breaks application versions that still use it")
            }
        case "index":
            var i = 2
            let concurrently = tokens.isWord(i, "concurrently")
            if concurrently { i += 1 }
            i = tokens.skipping(["if", "exists"], at: i)
            if concurrently {
                if inTransaction {
                    report(.noConcurrentlyInTransaction, at: 2, "DROP INDEX CONCURRENTLY cannot run inside a transaction block")
                }
                return
            }
            let names = relationNames(from: i)
            guard let first = names.first(where: { !state.createdIndexes.contains($0.name) }) else { return }
            takesLock = true
            report(.requireConcurrentIndexDrop, at: 1, "DROP INDEX \"\(first.name)\" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table")
        case "trigger":
            if let on = tokens.firstTopLevelWord("on", in: 2..<tokens.count), let (table, _) = tokens.name(at: on + 1), !isNew(table) {
                takesLock = true
            }
        default:
            break
        }
    }

    /// Comma-separated relation names starting at `start` (stopping at CASCADE/RESTRICT), with token indexes.
    func relationNames(from start: Int) -> [(name: String, index: Int)] {
        var names: [(name: String, index: Int)] = []
        var i = start
        while i < tokens.count {
            if tokens.isWord(i, "only") { i += 1 }
            guard let (name, next) = tokens.name(at: i) else { break }
            if ["cascade", "restrict", "in", "nowait", "restart", "continue"].contains(name) && tokens[i].kind == .word { break }
            names.append((name, i))
            i = next
            if tokens.isKind(i, .operator) && tokens[i].value == "*" { i += 1 }
            guard tokens.isKind(i, .comma) else { break }
            i += 1
        }
        return names
    }

    /// `REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ] name`
    mutating func analyzeReindex() {
        var i = 1
        var concurrently = false
        if tokens.isKind(i, .leftParen) {
            let close = tokens.matchingClose(i, end: tokens.count)
            for option in tokens.splitAtTopLevelCommas(i + 1, close)
            where tokens.isWord(option.lowerBound, "concurrently") && !Self.isFalse(tokens, option.lowerBound + 1) {
                concurrently = true
            }
            i = close + 1
        }
        let kindIndex = i
        guard let kind = tokens.word(i) else { return }
        i += 1
        if tokens.isWord(i, "concurrently") { concurrently = true; i += 1 }
        if concurrently {
            if inTransaction {
                report(.noConcurrentlyInTransaction, at: 0, "REINDEX CONCURRENTLY cannot run inside a transaction block")
            }
            return
        }
        if kind == "table", let (table, _) = tokens.name(at: i), isNew(table) { return }
        if kind == "index", let (index, _) = tokens.name(at: i), state.createdIndexes.contains(index) { return }
        takesLock = true
        report(.requireConcurrentReindex, at: kindIndex, "REINDEX \(kind.uppercased()) without CONCURRENTLY blocks writes (and reads through the index) for the whole rebuild")
    }

    static func isFalse(_ tokens: TokenList, _ index: Int) -> Bool {
        if let word = tokens.word(index) { return word == "false" || word == "off" }
        return tokens.isKind(index, .number) && tokens[index].value == "0"
    }

    /// `VACUUM FULL …` or `VACUUM (FULL [true], …) …`
    mutating func analyzeVacuum() {
        var full: Int?
        if tokens.isWord(1, "full") {
            full = 1
        } else if tokens.isKind(1, .leftParen) {
            let close = tokens.matchingClose(1, end: tokens.count)
            for option in tokens.splitAtTopLevelCommas(2, close)
            where tokens.isWord(option.lowerBound, "full") && !Self.isFalse(tokens, option.lowerBound + 1) {
                full = option.lowerBound
            }
        }
        guard let full else { return }
        takesLock = true
        report(.noVacuumFull, at: full, "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock")
    }

    /// `CLUSTER [ ( options ) ] [ table [ USING index ] ]` or the old `CLUSTER index ON table`.
    mutating func analyzeCluster() {
        var i = 1
        if tokens.isKind(i, .leftParen) { i = min(tokens.matchingClose(i, end: tokens.count) + 1, tokens.count) }
        if tokens.isWord(i, "verbose") { i += 1 }
        if let (name, next) = tokens.name(at: i) {
            var table = name
            if tokens.isWord(next, "on"), let (onTable, _) = tokens.name(at: next + 1) { table = onTable }
            if isNew(table) { return }
        }
        takesLock = true
        report(.noCluster, at: 0, "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock")
    }

    /// `LOCK [TABLE] [ONLY] name [, …] [IN mode MODE] [NOWAIT]`
    mutating func analyzeLock() {
        let start = tokens.isWord(1, "table") ? 2 : 1
        let names = relationNames(from: start)
        guard names.contains(where: { !isNew($0.name) }) else { return }
        var mode = "access exclusive"
        if let inIndex = tokens.firstTopLevelWord("in", in: start..<tokens.count) {
            var words: [String] = []
            var j = inIndex + 1
            while let w = tokens.word(j), w != "mode" { words.append(w); j += 1 }
            mode = words.joined(separator: " ")
        }
        guard ["share", "share row exclusive", "exclusive", "access exclusive"].contains(mode) else { return }
        takesLock = true
        report(.noLockTable, at: 0, "LOCK TABLE in \(mode.uppercased()) mode blocks application \(mode.hasPrefix("access") ? "reads and writes" : "writes") until the transaction ends")
    }

    /// `TRUNCATE [TABLE] [ONLY] name [, …]`
    mutating func analyzeTruncate() {
        let start = tokens.isWord(1, "table") ? 2 : 1
        guard let first = relationNames(from: start).first(where: { !isNew($0.name) }) else { return }
        takesLock = true
        report(.noTruncate, at: 0, "TRUNCATE \"\(first.name)\" removes every row under an ACCESS EXCLUSIVE lock")
    }

    /// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`
    mutating func analyzeRefresh() {
        guard tokens.isWords(1, ["materialized", "view"]) else { return }
        if tokens.isWord(3, "concurrently") {
            return  // allowed inside a transaction block, unlike the other CONCURRENTLY forms
        }
        guard let (view, next) = tokens.name(at: 3), !isNew(view) else { return }
        if tokens.isWords(next, ["with", "no", "data"]) { return }
        takesLock = true
        report(.requireConcurrentRefresh, at: 0, "REFRESH MATERIALIZED VIEW \"\(view)\" without CONCURRENTLY blocks every reader of the view until it finishes")
    }

    /// `[WITH …] UPDATE … / DELETE …` without a top-level WHERE.
    mutating func analyzeDataModification() {
        var i = 0
        if tokens.isWord(0, "with") {
            // Skip the CTE list: name [(cols)] AS [NOT] [MATERIALIZED] ( query ), …
            var depth = 0
            var j = 1
            while j < tokens.count {
                switch tokens[j].kind {
                case .leftParen: depth += 1
                case .rightParen: depth -= 1
                case .word where depth == 0 && (tokens[j].value == "update" || tokens[j].value == "delete"):
                    i = j
                    j = tokens.count
                    continue
                case .word where depth == 0 && (tokens[j].value == "select" || tokens[j].value == "insert"):
                    return
                default: break
                }
                j += 1
            }
            if i == 0 { return }
        }
        let verb = tokens[i].value
        var j = i + 1
        if verb == "delete" {
            guard tokens.isWord(j, "from") else { return }
            j += 1
        }
        if tokens.isWord(j, "only") { j += 1 }
        guard let (table, _) = tokens.name(at: j), !isNew(table) else { return }
        if tokens.firstTopLevelWord("where", in: j..<tokens.count) != nil { return }
        report(.requireWhereClause, at: i, "\(verb.uppercased()) of every row of \"\(table)\" in one statement: batch it")
    }
}
