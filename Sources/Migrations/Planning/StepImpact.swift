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

    /// What the plan and the catalog tell about relations a statement's text does not name: the table a
    /// foreign key references (validating it takes ROW SHARE there, dropping it ACCESS EXCLUSIVE), the table
    /// an index belongs to, and the tables the version schema's views read.
    public struct Context: Sendable, Hashable {
        /// `schema.table.constraint` → `schema.referenced_table`.
        public var foreignKeys: [String: String] = [:]
        /// `schema.index` → `schema.table`.
        public var indexOwners: [String: String] = [:]
        /// Every table of the target schema, qualified (`public.orders`), including those the plan creates.
        public var tables: [String] = []
        /// `schema.table.column` → `schema.referenced_table` for the foreign keys the plan adds (dropping the
        /// column drops the key, which locks the referenced table).
        public var foreignKeyColumns: [String: String] = [:]

        public init(
            foreignKeys: [String: String] = [:], indexOwners: [String: String] = [:], tables: [String] = [],
            foreignKeyColumns: [String: String] = [:]
        ) {
            self.foreignKeys = foreignKeys
            self.indexOwners = indexOwners
            self.tables = tables
            self.foreignKeyColumns = foreignKeyColumns
        }

        /// The context of `plan` made against `catalog` (live or offline).
        public static func make(plan: VersionPlan, catalog: [String: TableInfo]) -> Context {
            let schema = plan.schema
            var context = Context()
            var tables = Set(catalog.keys.filter { !$0.hasPrefix("(") }.map { "\(schema).\($0)" })
            for (name, info) in catalog {
                for reference in info.referencedBy { context.foreignKeys["\(schema).\(reference)"] = "\(schema).\(name)" }
                for index in info.indexes { context.indexOwners["\(schema).\(index.name)"] = "\(schema).\(name)" }
                // Dropping a column an existing foreign key is on (alter_column copies drop the old column).
                for constraint in info.constraints where constraint.type == "f" {
                    guard let referenced = constraint.referencedTable, referenced != name else { continue }
                    for column in constraint.columns { context.foreignKeyColumns["\(schema).\(name).\(column)"] = "\(schema).\(referenced)" }
                }
            }
            for step in plan.start + plan.complete {
                let statements: [String]
                switch step.action {
                case .transaction(let sql, _): statements = sql
                case .concurrent(let sql, _): statements = [sql]
                default: continue
                }
                for statement in statements {
                    let upper = statement.uppercased()
                    if upper.hasPrefix("CREATE TABLE") {
                        let table = StepImpact.name(in: statement, after: "CREATE TABLE ")
                        tables.insert(table)
                        // `CONSTRAINT "n" REFERENCES t` (columns) and `CONSTRAINT "n" FOREIGN KEY (…) REFERENCES t`.
                        var searched = statement.startIndex
                        while let references = statement.range(of: " REFERENCES ", options: .caseInsensitive, range: searched..<statement.endIndex) {
                            if let constraint = statement.range(
                                of: " CONSTRAINT ", options: [.caseInsensitive, .backwards], range: statement.startIndex..<references.lowerBound)
                            {
                                let name = StepImpact.name(in: String(statement[constraint.lowerBound...]), after: " CONSTRAINT ")
                                context.foreignKeys["\(table).\(name)"] = StepImpact.name(in: String(statement[references.lowerBound...]), after: " REFERENCES ")
                            }
                            searched = references.upperBound
                        }
                    } else if upper.hasPrefix("ALTER TABLE"), upper.contains(" FOREIGN KEY ") {
                        let table = StepImpact.name(in: statement, after: "ALTER TABLE ")
                        let constraint = StepImpact.name(in: statement, after: " ADD CONSTRAINT ")
                        let referenced = StepImpact.name(in: statement, after: " REFERENCES ")
                        context.foreignKeys["\(table).\(constraint)"] = referenced
                        if let open = statement.range(of: "FOREIGN KEY ("), let close = statement[open.upperBound...].firstIndex(of: ")") {
                            for column in statement[open.upperBound..<close].split(separator: ",") {
                                let bare = column.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")
                                context.foreignKeyColumns["\(table).\(bare)"] = referenced
                            }
                        }
                    } else if upper.contains(" INDEX CONCURRENTLY "), upper.hasPrefix("CREATE") {
                        let index = StepImpact.name(in: statement, after: " CONCURRENTLY ")
                        context.indexOwners["\(schema).\(index)"] = StepImpact.name(in: statement, after: " ON ")
                    }
                }
            }
            context.tables = tables.sorted()
            return context
        }
    }

    /// The impact of a step of a plan for `schema`. With a `context`, the locks the SQL text does not name
    /// (a foreign key's other table, an index's table, the tables views read) are resolved too.
    public static func of(_ step: MigrationStep, schema: String, context: Context? = nil) -> StepImpact {
        var impact = StepImpact(locks: [], rewrites: false, scans: false, updatesRows: false, catalogOnly: false, notes: [])
        switch step.action {
        case .transaction(let statements, _):
            for statement in statements { impact.add(statement: statement, context: context) }
            // A table created in the same transaction is invisible to everyone else until it commits.
            let created = Set(statements.filter { $0.uppercased().hasPrefix("CREATE TABLE") }.map { name(in: $0, after: "CREATE TABLE ") })
            var seen = Set<Lock>()
            impact.locks = impact.locks.filter { !created.contains($0.relation) && seen.insert($0).inserted }
        case .concurrent(let statement, _):
            impact.add(statement: statement, context: context)
        case .userSQL:
            impact.notes.append("raw SQL: its locks depend on what it does (see the lint findings; --rehearse shows them)")
        case .createVersionSchema(let spec):
            let hidden = Set(spec.hiddenTables.map { "\(spec.schema).\($0)" })
            for table in context?.tables ?? [] where !hidden.contains(table) { impact.locks.append(mode("ACCESS SHARE", table)) }
            impact.catalogOnly = true
            impact.notes.append(
                "creates schema \(spec.versionSchema) with one view per table of \(spec.schema); CREATE VIEW takes ACCESS SHARE on the table it reads")
        case .installTrigger(let spec):
            impact.locks.append(mode("SHARE ROW EXCLUSIVE", "\(spec.schema).\(spec.table)"))
            impact.catalogOnly = true
            impact.notes.append(
                "CREATE TRIGGER blocks writes for the catalog change only (a resumed run that replaces the trigger takes ACCESS EXCLUSIVE for it)")
        case .backfill(let spec):
            impact.locks.append(mode("ROW EXCLUSIVE", "\(spec.schema).\(spec.table)"))
            impact.updatesRows = true
            let walk = spec.usesCtid ? "by ctid page ranges (no key)" : "by (\(spec.key.joined(separator: ", ")))"
            let workers = (spec.workers ?? 1) > 1 ? ", \(spec.workers ?? 1) workers" : ""
            impact.notes.append(
                "batches of \(spec.batchSize) rows \(walk)\(workers); each batch one short transaction with row locks only")
        }
        return impact
    }

    /// The impact of one statement Slipway generates.
    public static func of(statement: String, context: Context? = nil) -> StepImpact {
        var impact = StepImpact(locks: [], rewrites: false, scans: false, updatesRows: false, catalogOnly: false, notes: [])
        impact.add(statement: statement, context: context)
        return impact
    }

    /// The (unquoted) name following `keyword` in `text`: `"public"."orders"` → `public.orders`.
    static func name(in text: String, after keyword: String) -> String {
        guard let range = text.range(of: keyword, options: .caseInsensitive) else { return "?" }
        let rest = text[range.upperBound...].drop { $0 == " " }
        var name = ""
        var inQuotes = false
        for character in rest {
            if character == "\"" { inQuotes.toggle(); continue }
            if !inQuotes && (character == " " || character == "(" || character == "\n" || character == "," || character == ";") { break }
            name.append(character)
        }
        return name
    }

    private mutating func add(statement: String, context: Context?) {
        let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        let upper = text.uppercased()
        func relation(after keyword: String) -> String { Self.name(in: text, after: keyword) }
        if upper.hasPrefix("CREATE TABLE") {
            let table = relation(after: "CREATE TABLE ")
            // Each REFERENCES takes SHARE ROW EXCLUSIVE on the referenced table (its FK triggers are created).
            var referenced: [String] = []
            var rest = Substring(text)
            while let range = rest.range(of: " REFERENCES ", options: .caseInsensitive) {
                let name = Self.name(in: String(rest[range.lowerBound...]), after: " REFERENCES ")
                if name != table && !referenced.contains(name) { referenced.append(name) }
                rest = rest[range.upperBound...]
            }
            for name in referenced { locks.append(Self.mode("SHARE ROW EXCLUSIVE", name)) }
            notes.append(referenced.isEmpty ? "new table: no lock on existing tables" : "new table: its foreign keys lock the tables they reference")
            catalogOnly = !referenced.isEmpty
        } else if upper.hasPrefix("CREATE UNIQUE INDEX CONCURRENTLY") || upper.hasPrefix("CREATE INDEX CONCURRENTLY") {
            locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", relation(after: " ON ")))
            scans = true
            notes.append("builds without blocking reads or writes; waits for transactions older than it")
        } else if upper.hasPrefix("DROP INDEX CONCURRENTLY") {
            let index = relation(after: "IF EXISTS ")
            locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", context?.indexOwners[index] ?? "table of " + index))
            notes.append("marks the index invalid, waits for queries using it, then drops it; ACCESS EXCLUSIVE on the index only")
        } else if upper.hasPrefix("ALTER TABLE") {
            let table = relation(after: "ALTER TABLE ")
            let constraint = "\(table).\(relation(after: upper.contains(" CONSTRAINT IF EXISTS ") ? " CONSTRAINT IF EXISTS " : " CONSTRAINT "))"
            if upper.contains("VALIDATE CONSTRAINT") {
                locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", table))
                if let referenced = context?.foreignKeys[constraint], referenced != table {
                    locks.append(Self.mode("ROW SHARE", referenced))
                }
                scans = true
                notes.append("validation scans the table without blocking reads or writes")
            } else if upper.contains("FOREIGN KEY") {
                locks.append(Self.mode("SHARE ROW EXCLUSIVE", table))
                locks.append(Self.mode("SHARE ROW EXCLUSIVE", relation(after: " REFERENCES ")))
                catalogOnly = upper.contains("NOT VALID")
            } else {
                locks.append(Self.mode("ACCESS EXCLUSIVE", table))
                if upper.contains(" DROP CONSTRAINT "), let referenced = context?.foreignKeys[constraint], referenced != table {
                    // Dropping a foreign key drops its triggers on the referenced table too.
                    locks.append(Self.mode("ACCESS EXCLUSIVE", referenced))
                }
                if upper.contains(" DROP COLUMN ") {
                    // So does dropping a column a foreign key of this plan is on.
                    let column = relation(after: upper.contains(" DROP COLUMN IF EXISTS ") ? " DROP COLUMN IF EXISTS " : " DROP COLUMN ")
                    if let referenced = context?.foreignKeyColumns["\(table).\(column)"], referenced != table,
                        !locks.contains(where: { $0.relation == referenced })
                    {
                        locks.append(Self.mode("ACCESS EXCLUSIVE", referenced))
                    }
                }
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
        } else if upper.hasPrefix("DO "), let range = text.range(of: "-- Slipway: ALTER TABLE ") {
            // alter_column in place (binary-compatible type change): the views that read the column are dropped
            // and recreated around it in the same transaction.
            let table = Self.name(in: String(text[range.lowerBound...]), after: "-- Slipway: ALTER TABLE ")
            locks.append(Self.mode("ACCESS EXCLUSIVE", table))
            locks.append(Self.mode("ACCESS EXCLUSIVE", "views of \(table)"))
            if text.contains("(rewrites the table)") {
                rewrites = true
                notes.append("narrows the type back: PostgreSQL checks every row (a rewrite); the views reading the column are recreated with their grants")
            } else {
                catalogOnly = true
                notes.append("binary-compatible type change: catalog only, no rewrite; the views reading the column are recreated with their grants")
            }
        } else if upper.hasPrefix("ALTER INDEX") {
            notes.append("renames the index in the catalog only")
            catalogOnly = true
        } else if upper.hasPrefix("DROP TRIGGER") {
            locks.append(Self.mode("ACCESS EXCLUSIVE", relation(after: " ON ")))
            catalogOnly = true
        } else if upper.hasPrefix("DROP TABLE") {
            let table = relation(after: "IF EXISTS ")
            locks.append(Self.mode("ACCESS EXCLUSIVE", table))
            // Its foreign keys' triggers on the tables it references go with it.
            for (constraint, referenced) in (context?.foreignKeys ?? [:]).sorted(by: { $0.key < $1.key })
            where constraint.hasPrefix(table + ".") && referenced != table && !locks.contains(where: { $0.relation == referenced }) {
                locks.append(Self.mode("ACCESS EXCLUSIVE", referenced))
            }
            catalogOnly = true
        } else if upper.hasPrefix("DROP SCHEMA") {
            locks.append(Self.mode("ACCESS EXCLUSIVE", "views of " + relation(after: "IF EXISTS ")))
            catalogOnly = true
        } else if upper.hasPrefix("COMMENT ON COLUMN") || upper.hasPrefix("COMMENT ON TABLE") {
            var target = relation(after: upper.hasPrefix("COMMENT ON COLUMN") ? "COMMENT ON COLUMN " : "COMMENT ON TABLE ")
            if upper.hasPrefix("COMMENT ON COLUMN"), let dot = target.lastIndex(of: ".") { target = String(target[..<dot]) }
            locks.append(Self.mode("SHARE UPDATE EXCLUSIVE", target))
            catalogOnly = true
        } else if upper.hasPrefix("DROP FUNCTION") {
            notes.append("drops the trigger function")
        }
    }
}
