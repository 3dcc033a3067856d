/// Runs every rule over the statements of one text, in order, carrying what earlier statements
/// established (tables created, lock_timeout set, NOT NULL checks validated, transaction blocks).
struct StatementAnalyzer {
    let configuration: LintConfiguration
    var state = FileState()
    var findings: [RawFinding] = []

    // Per-statement context.
    var tokens = TokenList([])
    var statementIndex = 0
    var inTransaction = false
    /// Set by an analyzer when the statement takes a lock that lock_timeout should bound.
    var takesLock = false

    init(configuration: LintConfiguration) {
        self.configuration = configuration
        if configuration.lockTimeoutManagedByRunner { state.sessionLockTimeout = true }
    }

    mutating func report(_ rule: LintRule, at index: Int, _ message: String) {
        guard configuration.isEnabled(rule.id) else { return }
        let position = index < tokens.count ? tokens[index].start : (tokens.tokens.last?.start ?? .start)
        findings.append(RawFinding(rule: rule, statementIndex: statementIndex, position: position, message: message))
    }

    func isNew(_ table: String) -> Bool { state.createdTables.contains(table) }

    var lockTimeoutActive: Bool {
        state.sessionLockTimeout || (state.localLockTimeout && inTransaction)
    }

    /// Analyzes one statement.
    mutating func analyze(_ statement: SQLStatement) {
        tokens = TokenList(statement.tokens)
        statementIndex = statement.index
        inTransaction = statement.isInTransactionBlock || configuration.assumeTransactionBlock
        takesLock = false

        if let control = statement.transactionControl {
            analyzeTransactionControl(control)
            return
        }
        guard let first = tokens.word(0) else { return }
        switch first {
        case "create": analyzeCreate()
        case "alter": analyzeAlter()
        case "drop": analyzeDrop()
        case "reindex": analyzeReindex()
        case "vacuum": analyzeVacuum()
        case "cluster": analyzeCluster()
        case "lock": analyzeLock()
        case "truncate": analyzeTruncate()
        case "refresh": analyzeRefresh()
        case "set": analyzeSet()
        case "reset": analyzeReset()
        case "select": analyzeSelectSetConfig()
        case "update", "delete", "with": analyzeDataModification()
        default: break
        }
        if takesLock && !lockTimeoutActive && !state.lockTimeoutReported && configuration.isEnabled(LintRule.requireLockTimeout.id) {
            state.lockTimeoutReported = true
            report(.requireLockTimeout, at: 0, "\(statementHead) takes a lock with no lock_timeout set earlier in the file: if it waits behind a long query, every query on the table queues behind it")
        }
    }

    /// Reports what can only be decided at the end of the text.
    mutating func finish() {
        for (table, pending) in state.tablesWithoutPrimaryKey.sorted(by: { $0.value.position < $1.value.position })
        where configuration.isEnabled(LintRule.requirePrimaryKey.id) {
            findings.append(RawFinding(
                rule: .requirePrimaryKey, statementIndex: pending.statementIndex, position: pending.position,
                message: "table \"\(table)\" is created without a primary key"
            ))
        }
    }

    /// The statement's first keywords, upper-cased, for messages: `ALTER TABLE`, `CREATE INDEX`.
    var statementHead: String {
        var words: [String] = []
        var i = 0
        while let word = tokens.word(i), words.count < 3 {
            if ["if", "not", "exists", "only", "concurrently"].contains(word) || (i > 0 && !Self.headWords.contains(word)) { break }
            words.append(word.uppercased())
            i += 1
        }
        return words.joined(separator: " ")
    }

    private static let headWords: Set<String> = [
        "table", "index", "unique", "materialized", "view", "type", "trigger", "full", "sequence",
    ]

    // MARK: Transaction control

    mutating func analyzeTransactionControl(_ control: TransactionControl) {
        switch control {
        case .begin:
            if state.explicitBlockOpen {
                report(.noNestedTransaction, at: 0, "\(tokens[0].value.uppercased()) inside a transaction block that is already open: PostgreSQL ignores it, and the next COMMIT ends the outer block")
            }
            state.explicitBlockOpen = true
        case .commit, .rollback:
            if !state.explicitBlockOpen && !configuration.assumeTransactionBlock {
                report(.noNestedTransaction, at: 0, "\(tokens[0].value.uppercased()) without a matching BEGIN")
            } else if !state.explicitBlockOpen && configuration.assumeTransactionBlock {
                report(.noNestedTransaction, at: 0, "\(tokens[0].value.uppercased()) ends the transaction the runner wraps the file in: later statements run outside it")
            }
            state.explicitBlockOpen = false
            state.localLockTimeout = false
        }
    }

    // MARK: SET / RESET lock_timeout

    mutating func analyzeSet() {
        var i = 1
        var local = false
        if tokens.isWord(i, "local") { local = true; i += 1 } else if tokens.isWord(i, "session") { i += 1 }
        guard tokens.isWord(i, "lock_timeout") else { return }
        i += 1
        if tokens.isWord(i, "to") || (tokens.isKind(i, .operator) && tokens[i].value == "=") { i += 1 }
        let enabled = i < tokens.count && Self.isNonZeroTimeout(tokens[i])
        if local {
            if inTransaction { state.localLockTimeout = enabled }
        } else {
            state.sessionLockTimeout = enabled
            if !enabled { state.localLockTimeout = false }
        }
    }

    mutating func analyzeReset() {
        if tokens.isWord(1, "lock_timeout") || tokens.isWord(1, "all") {
            state.sessionLockTimeout = configuration.lockTimeoutManagedByRunner
        }
    }

    /// `SELECT set_config('lock_timeout', '5s', is_local)`.
    mutating func analyzeSelectSetConfig() {
        guard tokens.isWord(1, "set_config"), tokens.isKind(2, .leftParen), tokens.count > 5,
            tokens[3].kind == .string(.standard), tokens[3].value.lowercased() == "lock_timeout" else { return }
        let enabled = Self.isNonZeroTimeout(tokens[5])
        if tokens.isWord(7, "true") {
            if inTransaction { state.localLockTimeout = enabled }
        } else {
            state.sessionLockTimeout = enabled
        }
    }

    static func isNonZeroTimeout(_ token: SQLToken) -> Bool {
        switch token.kind {
        case .number:
            return token.value.contains { $0 != "0" && $0 != "." }
        case .string:
            let digits = token.value.prefix { $0.isNumber || $0 == "." || $0 == " " }
            return digits.contains { $0.isNumber && $0 != "0" }
        default:
            return false  // DEFAULT, identifiers
        }
    }
}
