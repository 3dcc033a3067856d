/// What one step does to the tables it touches: the lock it takes and on which relations, whether it
/// rewrites or scans a table. Derived from the step's action and the shape of the SQL Slipway generates.
public struct StepImpact: Sendable, Codable, Hashable {
    /// One lock on one relation.
    public struct Lock: Sendable, Codable, Hashable {
        /// The relation (`public.orders`), or a description (`views of public_0001_x`).
        public var relation: String
        /// The table lock mode as PostgreSQL names it (`ACCESS EXCLUSIVE`, `SHARE UPDATE EXCLUSIVE`, …).
        public var mode: String
        /// Whether it blocks reads (`SELECT`) and writes of the relation while held.
        public var blocksReads: Bool
        public var blocksWrites: Bool
    }

    public var locks: [Lock]
    /// The table is rewritten (every row copied to a new file).
    public var rewrites: Bool
    /// The table is read whole (without blocking writes unless the lock says so).
    public var scans: Bool
    /// Every row is updated (backfill): dead tuples, WAL, other row triggers fire.
    public var updatesRows: Bool
    /// The lock is held only for a catalog change (milliseconds once granted).
    public var catalogOnly: Bool
    /// Free-form notes for the DBA.
    public var notes: [String]

    static func mode(_ mode: String, _ relation: String) -> Lock {
        let blocksWrites = !["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE"].contains(mode)
        return Lock(relation: relation, mode: mode, blocksReads: mode == "ACCESS EXCLUSIVE", blocksWrites: blocksWrites)
    }

    /// The impact of a step of a plan for `schema`.
    public static func of(_ step: MigrationStep, schema: String) -> StepImpact {
        var impact = StepImpact(locks: [], rewrites: false, scans: false, updatesRows: false, catalogOnly: false, notes: [])
        switch step.action {
        case .transaction(let statements, _):
            for statement in statements { impact.add(statement: statement) }
            var seen = Set<Lock>()
            impact.locks = impact.locks.filter { seen.insert($0).inserted }
        case .concurrent(let statement, _):
            impact.add(statement: statement)
        case .userSQL:
            impact.notes.append("raw SQL: its locks depend on what it does (see the lint findings)")
        case .createVersionSchema(let spec):
            impact.notes.append("creates schema \(spec.versionSchema) with one view per table of \(spec.schema); no lock on the tables")
        case .installTrigger(let spec):
            impact.locks.append(mode("SHARE ROW EXCLUSIVE", "\(spec.schema).\(spec.table)"))
            impact.catalogOnly = true
            impact.notes.append("CREATE TRIGGER blocks writes for the catalog change only")
        case .backfill(let spec):
            impact.locks.append(mode("ROW EXCLUSIVE", "\(spec.schema).\(spec.table)"))
            impact.updatesRows = true
            impact.notes.append(
                "batches of \(spec.batchSize) rows by (\(spec.key.joined(separator: ", "))); each batch one short transaction with row locks only")
        }
        return impact
    }

    private mutating func add(statement: String) {
        let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        let upper = text.uppercased()
        func relation(after keyword: String) -> String {
            guard let range = upper.range(of: keyword) else { return "?" }
            let rest = text[range.upperBound...].drop { $0 == " " }
            var name = ""
            var inQuotes = false
            for character in rest {
                if character == "\"" { inQuotes.toggle(); continue }
                if !inQuotes && (character == " " || character == "(" || character == "\n") { break }
                name.append(character)
            }
            return name
        }
        if upper.hasPrefix("CREATE TABLE") {
            notes.append("new table: no lock on existing tables")
        } else if upper.hasPrefix("CREATE UNIQUE INDEX CONCURRENTLY") || upper.hasPrefix("CREATE INDEX CONCURRENTLY") {
            locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", relation(after: " ON ")))
            scans = true
            notes.append("builds without blocking reads or writes; waits for transactions older than it")
        } else if upper.hasPrefix("DROP INDEX CONCURRENTLY") {
            locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", "table of " + relation(after: "IF EXISTS ")))
        } else if upper.hasPrefix("ALTER TABLE") {
            let table = relation(after: "ALTER TABLE ")
            if upper.contains("VALIDATE CONSTRAINT") {
                locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", table))
                scans = true
                notes.append("validation scans the table without blocking reads or writes")
            } else if upper.contains("FOREIGN KEY") {
                locks.append(Self.mode("SHARE ROW EXCLUSIVE", table))
                locks.append(Self.mode("SHARE ROW EXCLUSIVE", relation(after: " REFERENCES ")))
                catalogOnly = upper.contains("NOT VALID")
            } else {
                locks.append(Self.mode("ACCESS EXCLUSIVE", table))
                if upper.contains(" TYPE ") && upper.contains("ALTER COLUMN") { rewrites = true } else { catalogOnly = true }
                if upper.contains("SET NOT NULL") {
                    notes.append("no scan: a validated CHECK (… IS NOT NULL) proves it (PostgreSQL 12+)")
                }
                if upper.contains("DROP NOT NULL") { notes.append("drops NOT NULL in the catalog only: no scan") }
                if upper.contains("SET DEFAULT") || upper.contains("DROP DEFAULT") {
                    notes.append("changes the default for future inserts only: no rewrite")
                }
                if upper.contains("REPLICA IDENTITY") { notes.append("changes what logical replication logs for updates and deletes") }
                if upper.contains(" RENAME ") { notes.append("renames in the catalog only; version views follow by reference") }
            }
        } else if upper.hasPrefix("DROP TRIGGER") {
            locks.append(Self.mode("ACCESS EXCLUSIVE", relation(after: " ON ")))
            catalogOnly = true
        } else if upper.hasPrefix("DROP TABLE") {
            locks.append(Self.mode("ACCESS EXCLUSIVE", relation(after: "IF EXISTS ")))
            catalogOnly = true
        } else if upper.hasPrefix("DROP SCHEMA") {
            locks.append(Self.mode("ACCESS EXCLUSIVE", "views of " + relation(after: "IF EXISTS ")))
            catalogOnly = true
        } else if upper.hasPrefix("COMMENT ON COLUMN") || upper.hasPrefix("COMMENT ON TABLE") {
            let target = relation(after: upper.hasPrefix("COMMENT ON COLUMN") ? "COMMENT ON COLUMN " : "COMMENT ON TABLE ")
            locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", target))
            catalogOnly = true
        } else if upper.hasPrefix("DROP FUNCTION") {
            notes.append("drops the trigger function")
        }
    }
}
