import MigrationFormat
import PostgresClient

/// Turns the migration files of one version into a ``VersionPlan``: expand steps, dual-write triggers, the
/// version schema, backfills, validations, concurrent indexes, and the contract steps of complete.
///
/// Planning is pure: it reads a snapshot of the catalog (``TableInfo``) and never touches the database, so
/// every error about the migration itself surfaces before any DDL runs.
public struct VersionPlanner: Sendable {
    /// The physical prefix of columns added by a version until complete renames them.
    public static let newColumnPrefix = "_slipway_new_"
    /// The marker column that tells the backfill which rows no client has written yet.
    public static let needsBackfillColumn = "_slipway_needs_backfill"

    public var schema: String
    public var tables: [String: TableInfo]
    /// Names of existing relations (tables, indexes, views, sequences) in the schema, for clash checks.
    public var relations: Set<String>
    public var batchSize: Int
    public var pauseMs: Int

    /// Target duration of a backfill batch in milliseconds (0 = fixed batch size), and the adaptive bounds.
    public var targetBatchMs: Int
    public var minBatchSize: Int
    public var maxBatchSize: Int

    public init(
        schema: String, tables: [String: TableInfo], relations: Set<String>, batchSize: Int = 1000, pauseMs: Int = 0,
        targetBatchMs: Int = 0, minBatchSize: Int = 100, maxBatchSize: Int = 50_000
    ) {
        self.schema = schema
        self.tables = tables
        self.relations = relations
        self.batchSize = batchSize
        self.pauseMs = pauseMs
        self.targetBatchMs = targetBatchMs
        self.minBatchSize = minBatchSize
        self.maxBatchSize = maxBatchSize
    }

    /// The logical view of one table while planning.
    private struct TableModel {
        var name: String
        /// logical → physical, in column order.
        var columns: [(logical: String, physical: String)]
        var isNew: Bool
        var added: [ComputedColumn] = []
        var dropped: [ComputedColumn] = []
        var needsBackfill = false
        /// The operation that made the table need a backfill (for errors).
        var backfillOrigin: String?
        /// Backfill settings from the file (`backfill:` at the top or on the operation).
        var backfillSettings: BackfillSettings?

        func physical(_ logical: String) -> String? { columns.first { $0.logical == logical }?.physical }
    }

    /// Plans a version.
    /// - Parameters:
    ///   - files: the migration files started together, in order (at least one).
    ///   - versionSchema: the version schema to create.
    ///   - previousVersionSchema: the schema of the last completed version, dropped at complete.
    /// - Throws: ``MigrationError`` of kind `.invalidMigration`, naming the file, line and key path.
    public func plan(files: [MigrationFile], versionSchema: String, previousVersionSchema: String?) throws -> VersionPlan {
        guard let last = files.last else { throw MigrationError(.nothingToDo, "no migration files to start") }
        guard versionSchema.utf8.count <= 63 else {
            throw MigrationError(
                .invalidMigration, "version schema name \"\(versionSchema)\" is longer than 63 bytes",
                origin: last.path, hint: "set a shorter `version_schema` in the file")
        }
        var models: [String: TableModel] = [:]
        for (name, info) in tables {
            models[name] = TableModel(
                name: name,
                columns: info.columns.filter { !$0.name.hasPrefix("_slipway_") }.map { ($0.name, $0.name) },
                isNew: false)
        }
        var relations = self.relations
        var expand: [MigrationStep] = []
        var validations: [MigrationStep] = []
        var afterTriggers: [MigrationStep] = []
        var indexes: [MigrationStep] = []
        var completeSQL: [MigrationStep] = []
        var completeUser: [MigrationStep] = []
        var warnings: [String] = []
        var renamedByTable: [String: [String: String]] = [:]
        var hiddenByTable: [String: [String]] = [:]
        var addedByTable: [String: [String: String]] = [:]
        /// rename_table: physical name → name in the new version.
        var renamedTables: [String: String] = [:]
        /// drop_table: tables hidden from the new version, dropped at complete.
        var hiddenTables: [String] = []
        /// Tables some earlier operation of this version touched (drop_table must be alone on its table).
        var touchedTables: Set<String> = []
        var droppedIndexes: Set<String> = []
        var renamedConstraints: Set<String> = []
        /// `table.constraint` (catalog names) of constraints this version drops at complete: a foreign key dropped
        /// earlier in the version no longer stops a drop_table of the table it references.
        var droppedConstraints: Set<String> = []
        var completeTableRenames: [MigrationStep] = []
        /// `table.column` of columns added by this version that an index of this version is built on: their
        /// index columns are renamed with them at complete.
        var indexedNewColumns: Set<String> = []
        var completeTableDrops: [MigrationStep] = []
        /// alter_column: `table.column` already altered in this version.
        var alteredColumns: Set<String> = []
        /// alter_column copies: per table, old physical → copy, and the statements complete runs after the old
        /// columns are dropped (in the same transaction as the trigger).
        var replacedByTable: [String: [String: String]] = [:]
        var swapByTable: [String: [String]] = [:]

        for file in files {
            for located in file.operations {
                let origin = "\(located.location.file):\(located.location.line) \(located.keyPath)"
                func fail(_ message: String, hint: String? = nil) -> MigrationError {
                    MigrationError(.invalidMigration, message, origin: origin, hint: hint)
                }
                func existing(_ table: String) throws -> TableModel {
                    if let renamed = renamedTables[table] {
                        throw fail(
                            "table \"\(table)\" is renamed to \"\(renamed)\" earlier in this version",
                            hint: "operations on a table renamed in the same version are not supported yet; put them in a later migration started separately")
                    }
                    if let from = renamedTables.first(where: { $0.value == table })?.key {
                        throw fail(
                            "table \"\(table)\" is the new name of \"\(from)\", renamed earlier in this version",
                            hint: "operations on a table renamed in the same version are not supported yet; put them in a later migration started separately")
                    }
                    if hiddenTables.contains(table) {
                        throw fail("table \"\(table)\" is dropped earlier in this version")
                    }
                    guard let model = models[table] else {
                        throw fail(
                            "table \"\(table)\" does not exist in schema \"\(schema)\"",
                            hint: models.isEmpty ? nil : "existing tables: \(models.keys.sorted().prefix(10).joined(separator: ", "))")
                    }
                    return model
                }
                let qualifiedTable = { (table: String) in PostgresIdentifier.qualified(schema, table) }
                /// drop_constraint / drop_multicolumn_constraint: the constraint holds for every writer until
                /// complete drops it, so old clients never see a value that violates it.
                func dropConstraintAtComplete(table tableName: String, name: String, hasMappings: Bool) throws {
                    let model = try existing(tableName)
                    guard let info = tables[model.name], let constraint = info.constraints.first(where: { $0.name == name }) else {
                        throw fail("constraint \"\(name)\" does not exist on table \"\(tableName)\"")
                    }
                    guard !renamedConstraints.contains("\(tableName).\(name)") else {
                        throw fail("constraint \"\(name)\" is renamed or dropped earlier in this version")
                    }
                    if constraint.type == "n" {
                        throw fail("\"\(name)\" is a NOT NULL constraint", hint: "use alter_column with `nullable: true`")
                    }
                    if constraint.referencedByForeignKey {
                        throw fail(
                            "constraint \"\(name)\" is referenced by a foreign key",
                            hint: "drop the foreign key earlier in the version")
                    }
                    if hasMappings {
                        warnings.append("\(origin): `up`/`down` are not used: constraint \"\(name)\" holds for every writer until complete drops it")
                    }
                    renamedConstraints.insert("\(tableName).\(name)")
                    droppedConstraints.insert("\(info.name).\(name)")
                    touchedTables.insert(tableName)
                    completeSQL.append(MigrationStep(
                        "drop constraint \(name) on \(tableName)",
                        .transaction(
                            statements: ["ALTER TABLE \(qualifiedTable(tableName)) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote(name))"],
                            accessExclusive: true), origin: origin))
                }

                switch located.operation {
                case .createTable(let op):
                    guard models[op.name] == nil, !relations.contains(op.name) else {
                        throw fail("a table or relation named \"\(op.name)\" already exists in schema \"\(schema)\"")
                    }
                    let sql = try createTableSQL(op, fail: fail)
                    expand.append(MigrationStep(
                        "create table \(op.name)", .transaction(statements: sql, accessExclusive: false), origin: origin,
                        undo: [MigrationStep(
                            "drop table \(op.name)",
                            .transaction(statements: ["DROP TABLE IF EXISTS \(qualifiedTable(op.name))"], accessExclusive: true),
                            origin: origin)]))
                    models[op.name] = TableModel(name: op.name, columns: op.columns.map { ($0.name, $0.name) }, isNew: true)
                    relations.insert(op.name)

                case .addColumn(let op):
                    var model = try existing(op.table)
                    let column = op.column
                    guard model.physical(column.name) == nil else {
                        throw fail("column \"\(column.name)\" already exists in table \"\(op.table)\"")
                    }
                    if column.pk { throw fail("add_column with `pk: true` is not supported; use create_constraint of type primary_key") }
                    if column.generated != nil {
                        throw fail("add_column with `generated` is not supported by this build yet")
                    }
                    let physical = Self.newColumnPrefix + column.name
                    guard physical.utf8.count <= 63 else {
                        throw fail("column name \"\(column.name)\" is too long (max \(63 - Self.newColumnPrefix.utf8.count) bytes while the migration is active)")
                    }
                    if !column.nullable && column.default == nil && op.up == nil && !model.isNew {
                        throw fail(
                            "column \"\(column.name)\" is NOT NULL without a default, so existing rows need a value",
                            hint: "add `up: <SQL expression>` to compute it, or a `default`, or make it `nullable: true`")
                    }
                    let table = qualifiedTable(op.table)
                    var clauses = ["ADD COLUMN \(PostgresIdentifier.quote(physical)) \(column.type)"]
                    if let defaultValue = column.default { clauses[0] += " DEFAULT \(defaultValue)" }
                    // CHECK and NOT NULL (NOT VALID) are added once the dual-write trigger exists: before it, an
                    // old client's insert would leave the new column NULL and fail them.
                    var constraintClauses: [String] = []
                    let renameToPhysical = [column.name: physical]
                    var constraintsToValidate: [String] = []
                    if let check = column.check {
                        constraintClauses.append(
                            "ADD CONSTRAINT \(PostgresIdentifier.quote(check.name)) CHECK (\(ColumnRenamer.rewrite(check.constraint, renames: renameToPhysical)))\(check.noInherit ? " NO INHERIT" : "") NOT VALID")
                        constraintsToValidate.append(check.name)
                    }
                    let notNullName = Self.shortName("_slipway_nn_\(op.table)_\(column.name)")
                    if !column.nullable {
                        constraintClauses.append(
                            "ADD CONSTRAINT \(PostgresIdentifier.quote(notNullName)) CHECK (\(PostgresIdentifier.quote(physical)) IS NOT NULL) NOT VALID")
                        constraintsToValidate.append(notNullName)
                    }
                    if op.up != nil && !model.isNew && !model.needsBackfill {
                        if tables[op.table]?.column(Self.needsBackfillColumn) == nil {
                            clauses.append(
                                "ADD COLUMN IF NOT EXISTS \(PostgresIdentifier.quote(Self.needsBackfillColumn)) boolean NOT NULL DEFAULT true")
                        }
                        model.needsBackfill = true
                        model.backfillOrigin = origin
                        model.backfillSettings = file.effectiveBackfill(for: located)
                    }
                    expand.append(MigrationStep(
                        "add column \(column.name) to \(op.table) (as \(physical) until complete)",
                        .transaction(statements: ["ALTER TABLE \(table) " + clauses.joined(separator: ", ")], accessExclusive: true),
                        origin: origin,
                        undo: [MigrationStep(
                            "drop column \(physical) from \(op.table)",
                            .transaction(
                                statements: ["ALTER TABLE \(table) DROP COLUMN IF EXISTS \(PostgresIdentifier.quote(physical))"],
                                accessExclusive: true), origin: origin)]))
                    if !constraintClauses.isEmpty {
                        // Rollback drops them before the trigger, for the same reason.
                        let dropConstraints = constraintsToValidate.map { "DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote($0))" }
                        afterTriggers.append(MigrationStep(
                            "add the checks of \(column.name) on \(op.table) (NOT VALID)",
                            .transaction(statements: ["ALTER TABLE \(table) " + constraintClauses.joined(separator: ", ")], accessExclusive: true),
                            origin: origin,
                            undo: [MigrationStep(
                                "drop the checks of \(column.name) on \(op.table)",
                                .transaction(statements: ["ALTER TABLE \(table) " + dropConstraints.joined(separator: ", ")], accessExclusive: true),
                                origin: origin)]))
                    }
                    if let references = column.references {
                        let name = references.name
                        let target = try Self.columnReferencesClause(references, schema: schema, fail: { fail($0) })
                        let sql = "ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(name)) FOREIGN KEY (\(PostgresIdentifier.quote(physical))) \(target) NOT VALID"
                        expand.append(MigrationStep(
                            "add foreign key \(name) (NOT VALID; locks \(op.table) and \(references.table) in SHARE ROW EXCLUSIVE)",
                            .transaction(statements: [sql], accessExclusive: false), origin: origin))
                        constraintsToValidate.append(name)
                    }
                    for name in constraintsToValidate {
                        validations.append(MigrationStep(
                            "validate constraint \(name) on \(op.table) (SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                            .transaction(
                                statements: ["ALTER TABLE \(table) VALIDATE CONSTRAINT \(PostgresIdentifier.quote(name))"],
                                accessExclusive: false), origin: origin))
                    }
                    if column.unique, let partitioning = tables[model.name]?.partitioning,
                        let problem = Self.partitionKeyProblem(partitioning, table: op.table, columns: [physical])
                    {
                        throw fail(problem, hint: "add the column without `unique`, then create_constraint of type unique with the partition key columns")
                    }
                    if column.unique {
                        indexedNewColumns.insert("\(op.table).\(physical)")
                        let indexName = Self.shortName("\(op.table)_\(column.name)_key")
                        guard !relations.contains(indexName) else { throw fail("an index named \"\(indexName)\" already exists") }
                        relations.insert(indexName)
                        indexes.append(MigrationStep(
                            "build unique index \(indexName) concurrently",
                            .concurrent(
                                statement: "CREATE UNIQUE INDEX CONCURRENTLY \(PostgresIdentifier.quote(indexName)) ON \(table) (\(PostgresIdentifier.quote(physical)))",
                                index: QualifiedName(schema, indexName)), origin: origin,
                            undo: [Self.dropIndexStep(schema: schema, name: indexName, origin: origin)]))
                        completeSQL.append(MigrationStep(
                            "attach unique constraint \(indexName) to its index",
                            .transaction(
                                statements: ["ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(indexName)) UNIQUE USING INDEX \(PostgresIdentifier.quote(indexName))"],
                                accessExclusive: true), origin: origin))
                    }
                    if !column.nullable {
                        completeSQL.append(MigrationStep(
                            "set \(column.name) NOT NULL (the validated check makes this a catalog-only change)",
                            .transaction(
                                // Two statements: in one ALTER TABLE the DROP CONSTRAINT pass runs before SET NOT NULL
                                // would look for the validated check, and PostgreSQL would scan the table.
                                statements: [
                                    "ALTER TABLE \(table) ALTER COLUMN \(PostgresIdentifier.quote(physical)) SET NOT NULL",
                                    "ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote(notNullName))",
                                ], accessExclusive: true), origin: origin))
                    }
                    if let comment = column.comment {
                        completeSQL.append(MigrationStep(
                            "comment on \(op.table).\(column.name)",
                            .transaction(
                                statements: ["COMMENT ON COLUMN \(table).\(PostgresIdentifier.quote(physical)) IS \(PostgresIdentifier.quoteLiteral(comment))"],
                                accessExclusive: false), origin: origin))
                    }
                    model.columns.append((column.name, physical))
                    model.added.append(ComputedColumn(physical: physical, logical: column.name, expression: op.up))
                    addedByTable[op.table, default: [:]][physical] = column.name
                    models[op.table] = model

                case .dropColumn(let op):
                    var model = try existing(op.table)
                    guard let physical = model.physical(op.column) else {
                        throw fail("column \"\(op.column)\" does not exist in table \"\(op.table)\"")
                    }
                    if physical.hasPrefix(Self.newColumnPrefix) {
                        throw fail("column \"\(op.column)\" was added by this same version; drop the add_column instead")
                    }
                    model.columns.removeAll { $0.logical == op.column }
                    model.dropped.append(ComputedColumn(physical: physical, logical: op.column, expression: op.down))
                    hiddenByTable[op.table, default: []].append(physical)
                    // Dropped at complete in the same transaction as the dual-write trigger that fills it for
                    // new clients (see below): apart, new clients' inserts would fail in between.
                    models[op.table] = model

                case .renameColumn(let op):
                    var model = try existing(op.table)
                    guard let index = model.columns.firstIndex(where: { $0.logical == op.from }) else {
                        throw fail("column \"\(op.from)\" does not exist in table \"\(op.table)\"")
                    }
                    guard model.physical(op.to) == nil else {
                        throw fail("column \"\(op.to)\" already exists in table \"\(op.table)\"")
                    }
                    let physical = model.columns[index].physical
                    model.columns[index].logical = op.to
                    if physical.hasPrefix(Self.newColumnPrefix) {
                        addedByTable[op.table, default: [:]][physical] = op.to
                        if let addedIndex = model.added.firstIndex(where: { $0.physical == physical }) {
                            model.added[addedIndex].logical = op.to
                        }
                    } else {
                        renamedByTable[op.table, default: [:]][physical] = op.to
                    }
                    models[op.table] = model

                case .createIndex(let op):
                    let model = try existing(op.table)
                    guard !relations.contains(op.name) else {
                        throw fail("a relation named \"\(op.name)\" already exists in schema \"\(schema)\"")
                    }
                    relations.insert(op.name)
                    var renames: [String: String] = [:]
                    for column in model.columns where column.logical != column.physical { renames[column.logical] = column.physical }
                    var parts: [String] = []
                    for column in op.columns {
                        guard let physical = model.physical(column.column) else {
                            throw fail("column \"\(column.column)\" does not exist in table \"\(op.table)\"")
                        }
                        if physical.hasPrefix(Self.newColumnPrefix) { indexedNewColumns.insert("\(op.table).\(physical)") }
                        var part = PostgresIdentifier.quote(physical)
                        if let collate = column.collate { part += " COLLATE \(PostgresIdentifier.quote(collate))" }
                        if let opclass = column.opclass {
                            if let name = opclass.name { part += " \(name)" }
                            if !opclass.params.isEmpty { part += " (\(opclass.params.joined(separator: ", ")))" }
                        }
                        if let sort = column.sort { part += " \(sort.rawValue)" }
                        if let nulls = column.nulls { part += " NULLS \(nulls.rawValue)" }
                        parts.append(part)
                    }
                    var tail = ""
                    if let method = op.method { tail += " USING \(method.rawValue)" }
                    tail += " (\(parts.joined(separator: ", ")))"
                    if let storage = op.storageParameters { tail += " WITH (\(storage))" }
                    if let predicate = op.predicate { tail += " WHERE \(ColumnRenamer.rewrite(predicate, renames: renames))" }
                    if let partitioning = tables[model.name]?.partitioning {
                        let physicalColumns = op.columns.compactMap { model.physical($0.column) }
                        if op.unique, let problem = Self.partitionKeyProblem(partitioning, table: op.table, columns: physicalColumns) {
                            throw fail(problem, hint: "add the partition key columns to the index, or make it non-unique")
                        }
                        indexes += Self.partitionedIndexSteps(
                            schema: schema, table: model.name, name: op.name, unique: op.unique, partitioning: partitioning,
                            columnNames: op.columns.map(\.column), tail: tail, relations: &relations, origin: origin)
                        break
                    }
                    let sql = "CREATE \(op.unique ? "UNIQUE " : "")INDEX CONCURRENTLY \(PostgresIdentifier.quote(op.name)) ON \(qualifiedTable(op.table))" + tail
                    indexes.append(MigrationStep(
                        "build index \(op.name) on \(op.table) concurrently", .concurrent(statement: sql, index: QualifiedName(schema, op.name)),
                        origin: origin, undo: [Self.dropIndexStep(schema: schema, name: op.name, origin: origin)]))

                case .sql(let op):
                    if op.onComplete {
                        completeUser.append(MigrationStep("run raw SQL at complete", .userSQL(op.up), origin: origin))
                    } else {
                        var undo: [MigrationStep] = []
                        if let down = op.down {
                            undo.append(MigrationStep("run raw SQL `down`", .userSQL(down), origin: origin, undoOnlyIfCompleted: true))
                        } else {
                            warnings.append("\(origin): raw SQL without `down`: rollback cannot undo it")
                        }
                        expand.append(MigrationStep("run raw SQL", .userSQL(op.up), origin: origin, undo: undo))
                    }

                case .createConstraint(let op):
                    let model = try existing(op.table)
                    guard !model.isNew, let info = tables[model.name] else {
                        throw fail("table \"\(op.table)\" is created by this same version; put the constraint in the create_table")
                    }
                    guard op.type == .check || op.type == .foreignKey || op.type == .unique || op.type == .primaryKey else {
                        throw fail(
                            "create_constraint of type `\(op.type.rawValue)` is not supported by this build yet",
                            hint: "supported now: create_constraint of type check, foreign_key, unique or primary_key")
                    }
                    guard !info.constraints.contains(where: { $0.name == op.name }) else {
                        throw fail("a constraint named \"\(op.name)\" already exists on table \"\(op.table)\"")
                    }
                    var renames: [String: String] = [:]
                    for column in op.columns {
                        guard let physical = model.physical(column) else {
                            throw fail("column \"\(column)\" does not exist in table \"\(op.table)\"")
                        }
                        if physical.hasPrefix(Self.newColumnPrefix) {
                            throw fail("column \"\(column)\" is added by this same version; put the check in the add_column")
                        }
                    }
                    for column in model.columns where column.logical != column.physical { renames[column.logical] = column.physical }
                    // Without a dual-write copy of the columns, `up` can only leave values as they are.
                    let fixes = op.up.filter { column, expression in
                        let trimmed = expression.trimmingCharacters(in: .whitespaces)
                        return trimmed.lowercased() != column.lowercased() && trimmed != PostgresIdentifier.quote(column)
                    }
                    if !fixes.isEmpty {
                        throw fail(
                            "create_constraint with an `up` that changes values (\(fixes.keys.sorted().joined(separator: ", "))) needs a dual-write copy of the columns, which this build does not support yet",
                            hint: "fix the values first (a raw `sql` migration), then give `up: {column: column}`")
                    }
                    if !op.down.isEmpty {
                        warnings.append("\(origin): `down` is not used: the constraint holds for every writer from start on")
                    }
                    let table = qualifiedTable(op.table)
                    let quotedName = PostgresIdentifier.quote(op.name)
                    touchedTables.insert(op.table)
                    if op.type == .primaryKey {
                        try planPrimaryKey(
                            op, table: model.name, info: info, physical: { model.physical($0) }, relations: &relations,
                            afterTriggers: &afterTriggers, validations: &validations, indexes: &indexes,
                            completeSQL: &completeSQL, origin: origin, fail: { fail($0, hint: $1) })
                        break
                    }
                    if op.type == .unique {
                        guard !op.columns.isEmpty else { throw fail("unique constraint \"\(op.name)\" needs `columns`") }
                        guard !relations.contains(op.name) else {
                            throw fail("a relation named \"\(op.name)\" already exists in schema \"\(schema)\" (the constraint's index takes its name)")
                        }
                        relations.insert(op.name)
                        let columns = op.columns.compactMap { model.physical($0) }.map(PostgresIdentifier.quote)
                        var sql = "CREATE UNIQUE INDEX CONCURRENTLY \(quotedName) ON \(table) (\(columns.joined(separator: ", ")))"
                        if let parameters = op.indexParameters {
                            if !parameters.includeColumns.isEmpty {
                                let include = try parameters.includeColumns.map { column -> String in
                                    guard let physical = model.physical(column) else {
                                        throw fail("column \"\(column)\" does not exist in table \"\(op.table)\"")
                                    }
                                    return PostgresIdentifier.quote(physical)
                                }
                                sql += " INCLUDE (\(include.joined(separator: ", ")))"
                            }
                            if let storage = parameters.storageParameters { sql += " WITH (\(storage))" }
                            if let tablespace = parameters.tablespace { sql += " TABLESPACE \(PostgresIdentifier.quote(tablespace))" }
                        }
                        if let partitioning = info.partitioning {
                            let physicalColumns = op.columns.compactMap { model.physical($0) }
                            if let problem = Self.partitionKeyProblem(partitioning, table: op.table, columns: physicalColumns) {
                                throw fail(problem, hint: "add the partition key columns to the constraint's `columns`")
                            }
                            guard op.indexParameters?.storageParameters == nil, op.indexParameters?.tablespace == nil else {
                                throw fail("`index_parameters` storage parameters and tablespace are not supported on partitioned tables")
                            }
                            let include = sql.range(of: " INCLUDE (").map { String(sql[$0.lowerBound...]) } ?? ""
                            let steps = Self.partitionedUniqueConstraintSteps(
                                schema: schema, table: model.name, name: op.name, columns: columns,
                                columnNames: op.columns + (op.indexParameters?.includeColumns ?? []), include: include,
                                partitioning: partitioning, relations: &relations, origin: origin)
                            indexes += steps.start
                            completeSQL += steps.complete
                            break
                        }
                        // Built at start (uniqueness holds for every writer from then on), attached at complete.
                        indexes.append(MigrationStep(
                            "build unique index \(op.name) on \(op.table) concurrently",
                            .concurrent(statement: sql, index: QualifiedName(schema, op.name)), origin: origin,
                            undo: [Self.dropIndexStep(schema: schema, name: op.name, origin: origin)]))
                        completeSQL.append(MigrationStep(
                            "attach unique constraint \(op.name) to its index",
                            .transaction(
                                statements: ["ALTER TABLE \(table) ADD CONSTRAINT \(quotedName) UNIQUE USING INDEX \(quotedName)"],
                                accessExclusive: true), origin: origin))
                        break
                    }
                    if op.type == .foreignKey {
                        guard let references = op.references, !op.columns.isEmpty, references.columns.count == op.columns.count else {
                            throw fail("foreign key \"\(op.name)\" needs `columns` and `references` with as many columns")
                        }
                        let target = try existing(references.table)
                        if references.matchType == .partial { throw fail("MATCH PARTIAL is not implemented by PostgreSQL") }
                        var targetColumns: [String] = []
                        for column in references.columns {
                            guard let physical = target.physical(column), !physical.hasPrefix(Self.newColumnPrefix) else {
                                throw fail("column \"\(column)\" does not exist in table \"\(references.table)\"")
                            }
                            targetColumns.append(PostgresIdentifier.quote(physical))
                        }
                        let columns = op.columns.compactMap { model.physical($0) }.map(PostgresIdentifier.quote)
                        var sql = "ALTER TABLE \(table) ADD CONSTRAINT \(quotedName) FOREIGN KEY (\(columns.joined(separator: ", "))) REFERENCES \(qualifiedTable(target.name)) (\(targetColumns.joined(separator: ", ")))"
                        if let match = references.matchType { sql += " MATCH \(match.rawValue)" }
                        if let onDelete = references.onDelete {
                            sql += " ON DELETE \(onDelete.rawValue)"
                            if !references.onDeleteSetColumns.isEmpty {
                                sql += " (\(references.onDeleteSetColumns.compactMap { model.physical($0) }.map(PostgresIdentifier.quote).joined(separator: ", ")))"
                            }
                        }
                        if let onUpdate = references.onUpdate { sql += " ON UPDATE \(onUpdate.rawValue)" }
                        sql += " NOT VALID"
                        expand.append(MigrationStep(
                            "add foreign key \(op.name) (NOT VALID; locks \(op.table) and \(references.table) in SHARE ROW EXCLUSIVE)",
                            .transaction(statements: [sql], accessExclusive: false), origin: origin,
                            undo: [MigrationStep(
                                "drop foreign key \(op.name) on \(op.table)",
                                .transaction(statements: ["ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(quotedName)"], accessExclusive: true),
                                origin: origin)]))
                        validations.append(MigrationStep(
                            "validate constraint \(op.name) on \(op.table) (SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                            .transaction(statements: ["ALTER TABLE \(table) VALIDATE CONSTRAINT \(quotedName)"], accessExclusive: false),
                            origin: origin))
                        break
                    }
                    guard let check = op.check else { throw fail("check constraint \"\(op.name)\" needs `check`") }
                    afterTriggers.append(MigrationStep(
                        "add check \(op.name) on \(op.table) (NOT VALID)",
                        .transaction(
                            statements: ["ALTER TABLE \(table) ADD CONSTRAINT \(quotedName) CHECK (\(ColumnRenamer.rewrite(check, renames: renames)))\(op.noInherit ? " NO INHERIT" : "") NOT VALID"],
                            accessExclusive: true), origin: origin,
                        undo: [MigrationStep(
                            "drop check \(op.name) on \(op.table)",
                            .transaction(statements: ["ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(quotedName)"], accessExclusive: true),
                            origin: origin)]))
                    validations.append(MigrationStep(
                        "validate constraint \(op.name) on \(op.table) (SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                        .transaction(statements: ["ALTER TABLE \(table) VALIDATE CONSTRAINT \(quotedName)"], accessExclusive: false),
                        origin: origin))

                case .dropConstraint(let op):
                    try dropConstraintAtComplete(table: op.table, name: op.name, hasMappings: true)

                case .dropMulticolumnConstraint(let op):
                    try dropConstraintAtComplete(table: op.table, name: op.name, hasMappings: !op.up.isEmpty || !op.down.isEmpty)

                case .dropIndex(let op):
                    guard !droppedIndexes.contains(op.name) else { throw fail("index \"\(op.name)\" is dropped twice in this version") }
                    guard let owner = tables.values.first(where: { table in table.indexes.contains { $0.name == op.name } }),
                        let index = owner.indexes.first(where: { $0.name == op.name })
                    else {
                        throw fail(
                            "index \"\(op.name)\" does not exist in schema \"\(schema)\"",
                            hint: relations.contains(op.name) && !self.relations.contains(op.name)
                                ? "it is created by this same version; remove the create_index instead" : nil)
                    }
                    if index.backsConstraint {
                        throw fail(
                            "index \"\(op.name)\" backs a constraint of table \"\(owner.name)\"",
                            hint: "drop the constraint instead (drop_constraint / drop_multicolumn_constraint)")
                    }
                    if index.attachedToParent {
                        throw fail(
                            "index \"\(op.name)\" is a partition of an index of a partitioned table",
                            hint: "drop the partitioned table's index instead: that drops its partitions too")
                    }
                    droppedIndexes.insert(op.name)
                    touchedTables.insert(owner.name)
                    if index.partitioned {
                        // DROP INDEX CONCURRENTLY refuses partitioned indexes and an attached partition cannot be
                        // dropped alone: one plain DROP INDEX, a catalog-only change under a bounded lock.
                        completeSQL.append(MigrationStep(
                            "drop partitioned index \(op.name) and its partitions (DROP INDEX CONCURRENTLY does not work on partitioned indexes: a brief ACCESS EXCLUSIVE lock on \(owner.name) and its partitions)",
                            .transaction(
                                statements: ["DROP INDEX IF EXISTS \(PostgresIdentifier.qualified(schema, op.name))"], accessExclusive: true),
                            origin: origin))
                        break
                    }
                    // Kept until complete so old clients' plans keep it; rollback has nothing to undo.
                    completeSQL.append(Self.dropIndexStep(schema: schema, name: op.name, origin: origin))

                case .renameTable(let op):
                    let model = try existing(op.from)
                    guard op.from != op.to else { throw fail("`from` and `to` are both \"\(op.to)\"") }
                    guard models[op.to] == nil, !relations.contains(op.to), !renamedTables.values.contains(op.to) else {
                        throw fail("a table or relation named \"\(op.to)\" already exists in schema \"\(schema)\"")
                    }
                    guard op.to.utf8.count <= 63 else { throw fail("table name \"\(op.to)\" is longer than 63 bytes") }
                    renamedTables[model.name] = op.to
                    relations.insert(op.to)
                    touchedTables.insert(model.name)
                    completeTableRenames.append(MigrationStep(
                        "rename table \(model.name) to \(op.to)",
                        .transaction(
                            statements: ["ALTER TABLE \(qualifiedTable(model.name)) RENAME TO \(PostgresIdentifier.quote(op.to))"],
                            accessExclusive: true), origin: origin))

                case .dropTable(let op):
                    let model = try existing(op.name)
                    guard !model.isNew, let info = tables[op.name] else {
                        throw fail("table \"\(op.name)\" is created by this same version; remove the create_table instead")
                    }
                    guard !touchedTables.contains(op.name) else {
                        throw fail(
                            "table \"\(op.name)\" is changed by an earlier operation of this version",
                            hint: "drop the table in a migration of its own (a later version)")
                    }
                    let referencing = info.referencedBy.filter { reference in
                        !hiddenTables.contains { reference.hasPrefix($0 + ".") } && !droppedConstraints.contains(reference)
                    }
                    if !referencing.isEmpty {
                        throw fail(
                            "table \"\(op.name)\" is referenced by foreign key\(referencing.count == 1 ? "" : "s") \(referencing.joined(separator: ", "))",
                            hint: "drop those constraints (or the referencing tables) earlier in the version")
                    }
                    hiddenTables.append(op.name)
                    touchedTables.insert(op.name)
                    models.removeValue(forKey: op.name)
                    completeTableDrops.append(MigrationStep(
                        "drop table \(op.name)",
                        .transaction(statements: ["DROP TABLE IF EXISTS \(qualifiedTable(op.name))"], accessExclusive: true),
                        origin: origin))

                case .renameConstraint(let op):
                    let model = try existing(op.table)
                    guard let info = tables[model.name], let constraint = info.constraints.first(where: { $0.name == op.from }) else {
                        throw fail("constraint \"\(op.from)\" does not exist on table \"\(op.table)\"")
                    }
                    guard op.from != op.to else { throw fail("`from` and `to` are both \"\(op.to)\"") }
                    guard !renamedConstraints.contains("\(op.table).\(op.from)") else {
                        throw fail("constraint \"\(op.from)\" is renamed twice in this version")
                    }
                    guard !info.constraints.contains(where: { $0.name == op.to }), !renamedConstraints.contains("\(op.table).\(op.to)") else {
                        throw fail("a constraint named \"\(op.to)\" already exists on table \"\(op.table)\"")
                    }
                    if ["p", "u", "x"].contains(constraint.type) {
                        // Its index is renamed with it.
                        guard !relations.contains(op.to) else {
                            throw fail("a relation named \"\(op.to)\" already exists in schema \"\(schema)\" (the constraint's index takes its name)")
                        }
                        relations.insert(op.to)
                    }
                    renamedConstraints.insert("\(op.table).\(op.from)")
                    renamedConstraints.insert("\(op.table).\(op.to)")
                    touchedTables.insert(op.table)
                    completeSQL.append(MigrationStep(
                        "rename constraint \(op.from) to \(op.to) on \(op.table)",
                        .transaction(
                            statements: ["ALTER TABLE \(qualifiedTable(op.table)) RENAME CONSTRAINT \(PostgresIdentifier.quote(op.from)) TO \(PostgresIdentifier.quote(op.to))"],
                            accessExclusive: true), origin: origin))

                case .setReplicaIdentity(let op):
                    let model = try existing(op.table)
                    guard let info = tables[model.name] else {
                        throw fail("table \"\(op.table)\" is created by this same version; set its replica identity in a later migration")
                    }
                    func clause(_ type: ReplicaIdentityType, _ index: String?) -> String {
                        switch type {
                        case .default: "REPLICA IDENTITY DEFAULT"
                        case .full: "REPLICA IDENTITY FULL"
                        case .nothing: "REPLICA IDENTITY NOTHING"
                        case .index: "REPLICA IDENTITY USING INDEX \(PostgresIdentifier.quote(index ?? ""))"
                        }
                    }
                    if op.identity.type == .index {
                        guard let name = op.identity.index, let index = info.indexes.first(where: { $0.name == name }) else {
                            throw fail("index \"\(op.identity.index ?? "")\" does not exist on table \"\(op.table)\"")
                        }
                        guard index.unique, !droppedIndexes.contains(name) else {
                            throw fail("index \"\(name)\" cannot be a replica identity: it must be a unique index that stays")
                        }
                    }
                    let previous: String = switch info.replicaIdentity {
                    case "f": clause(.full, nil)
                    case "n": clause(.nothing, nil)
                    case "i" where info.replicaIdentityIndex != nil: clause(.index, info.replicaIdentityIndex)
                    default: clause(.default, nil)
                    }
                    let table = qualifiedTable(op.table)
                    touchedTables.insert(op.table)
                    expand.append(MigrationStep(
                        "set replica identity of \(op.table) to \(op.identity.type.rawValue)\(op.identity.type == .index ? " \(op.identity.index ?? "")" : "")",
                        .transaction(statements: ["ALTER TABLE \(table) \(clause(op.identity.type, op.identity.index))"], accessExclusive: true),
                        origin: origin,
                        undo: [MigrationStep(
                            "restore the replica identity of \(op.table)",
                            .transaction(statements: ["ALTER TABLE \(table) \(previous)"], accessExclusive: true), origin: origin)]))

                case .alterColumn(let op):
                    let model = try existing(op.table)
                    guard let info = tables[model.name], !model.isNew else {
                        throw fail("table \"\(op.table)\" is created by this same version; put the column's settings in the create_table")
                    }
                    guard let physical = model.physical(op.column) else {
                        throw fail("column \"\(op.column)\" does not exist in table \"\(op.table)\"")
                    }
                    if physical.hasPrefix(Self.newColumnPrefix) {
                        if alteredColumns.contains("\(op.table).\(op.column)") {
                            throw fail(
                                "column \"\(op.column)\" is copied by an earlier alter_column of this version",
                                hint: "combine the changes into one alter_column")
                        }
                        throw fail("column \"\(op.column)\" is added by this same version; put its settings in the add_column")
                    }
                    guard let column = info.column(physical) else {
                        throw fail("column \"\(op.column)\" does not exist in table \"\(op.table)\"")
                    }
                    let table = qualifiedTable(op.table)
                    let quoted = PostgresIdentifier.quote(physical)
                    let needsCopy = Self.alterColumnNeedsCopy(op, current: column)
                    guard !needsCopy || !alteredColumns.contains("\(op.table).\(op.column)") else {
                        throw fail(
                            "column \"\(op.column)\" is altered earlier in this version; a change of type, unique, check or references copies the column",
                            hint: "combine the changes into one alter_column")
                    }
                    alteredColumns.insert("\(op.table).\(op.column)")
                    touchedTables.insert(op.table)
                    if needsCopy {
                        // Two copies on one table cannot share an index or constraint: each copy would rebuild it
                        // with the other's old column, which complete drops.
                        let copied = Set((replacedByTable[op.table] ?? [:]).keys)
                        let shared = info.indexes.filter { $0.columns.contains(physical) && !copied.isDisjoint(with: $0.columns) }.map(\.name)
                            + info.constraints.filter { $0.columns.contains(physical) && !copied.isDisjoint(with: $0.columns) }.map(\.name)
                        if let name = shared.first {
                            throw fail(
                                "\"\(name)\" covers \"\(op.column)\" and a column copied by an earlier alter_column of this version",
                                hint: "alter the columns in separate versions")
                        }
                        var model = model
                        let addMarker = !model.needsBackfill && info.column(Self.needsBackfillColumn) == nil
                        let copy = try planAlterColumnCopy(
                            op, info: info, column: column, physical: physical,
                            referencedColumn: { table, column in
                                guard let target = try? existing(table), let physical = target.physical(column),
                                    !physical.hasPrefix(Self.newColumnPrefix)
                                else { return nil }
                                return physical
                            },
                            relations: &relations, addMarker: addMarker, origin: origin, fail: { fail($0, hint: $1) })
                        expand += copy.expand
                        afterTriggers += copy.afterTriggers
                        validations += copy.validations
                        indexes += copy.indexes
                        warnings += copy.warnings
                        if !model.needsBackfill {
                            model.needsBackfill = true
                            model.backfillOrigin = origin
                            model.backfillSettings = file.effectiveBackfill(for: located)
                        }
                        if let index = model.columns.firstIndex(where: { $0.logical == op.column }) {
                            model.columns[index].physical = copy.newPhysical
                        }
                        model.added.append(copy.added)
                        model.dropped.append(copy.dropped)
                        hiddenByTable[op.table, default: []].append(physical)
                        addedByTable[op.table, default: [:]][copy.newPhysical] = op.column
                        replacedByTable[op.table, default: [:]][physical] = copy.newPhysical
                        swapByTable[op.table, default: []] += copy.swap
                        models[op.table] = model
                        break
                    }
                    if let type = op.type, !Self.sameType(column.type, type) {
                        // Binary-compatible widening (alterColumnNeedsCopy said so): in place, catalog only.
                        let change = Self.inPlaceTypeChangeSQL(schema: schema, table: op.table, column: physical, type: type)
                        let restore = Self.inPlaceTypeChangeSQL(
                            schema: schema, table: op.table, column: physical, type: column.type,
                            rewrites: !Self.isBinaryCompatibleWidening(from: type, to: column.type))
                        expand.append(MigrationStep(
                            "change the type of \(op.table).\(op.column) to \(type) in place (binary-compatible: no rewrite, no copy; the views that read it are recreated in the same transaction)",
                            .transaction(statements: [change], accessExclusive: true), origin: origin,
                            undo: [MigrationStep(
                                "change the type of \(op.table).\(op.column) back to \(column.type) (a narrowing: PostgreSQL checks or rewrites the table)",
                                .transaction(statements: [restore], accessExclusive: true), origin: origin)]))
                    }
                    if let change = op.default {
                        if column.identity != nil || column.generated {
                            throw fail("column \"\(op.column)\" is an identity or generated column; its default cannot be changed")
                        }
                        let alter = "ALTER TABLE \(table) ALTER COLUMN \(quoted) "
                        let restore = alter + (column.defaultExpression.map { "SET DEFAULT \($0)" } ?? "DROP DEFAULT")
                        // In place: a default only applies to future inserts, old and new clients alike.
                        expand.append(MigrationStep(
                            change.value == nil ? "drop the default of \(op.table).\(op.column)" : "set the default of \(op.table).\(op.column)",
                            .transaction(statements: [alter + (change.value.map { "SET DEFAULT \($0)" } ?? "DROP DEFAULT")], accessExclusive: true),
                            origin: origin,
                            undo: [MigrationStep(
                                "restore the default of \(op.table).\(op.column)", .transaction(statements: [restore], accessExclusive: true),
                                origin: origin)]))
                    }
                    if let change = op.comment {
                        let target = "COMMENT ON COLUMN \(table).\(quoted) IS "
                        expand.append(MigrationStep(
                            change.value == nil ? "remove the comment of \(op.table).\(op.column)" : "comment on \(op.table).\(op.column)",
                            .transaction(statements: [target + (change.value.map(PostgresIdentifier.quoteLiteral) ?? "NULL")], accessExclusive: false),
                            origin: origin,
                            undo: [MigrationStep(
                                "restore the comment of \(op.table).\(op.column)",
                                .transaction(statements: [target + (column.comment.map(PostgresIdentifier.quoteLiteral) ?? "NULL")], accessExclusive: false),
                                origin: origin)]))
                    }
                    if let nullable = op.nullable {
                        if nullable == !column.notNull {
                            warnings.append("\(origin): column \"\(op.column)\" is already \(nullable ? "nullable" : "NOT NULL"); nothing to do")
                        } else if nullable {
                            if info.primaryKey.contains(physical) {
                                throw fail("column \"\(op.column)\" is part of the primary key of \"\(op.table)\" and cannot be nullable")
                            }
                            if op.down != nil || op.up != nil {
                                warnings.append("\(origin): `up`/`down` are not used: NOT NULL is dropped at complete, so no NULL reaches old clients")
                            }
                            // At complete: while old clients run, no NULL may appear in a column they read as NOT NULL.
                            completeSQL.append(MigrationStep(
                                "drop NOT NULL of \(op.table).\(op.column) (catalog-only)",
                                .transaction(statements: ["ALTER TABLE \(table) ALTER COLUMN \(quoted) DROP NOT NULL"], accessExclusive: true),
                                origin: origin))
                        } else {
                            let notNullName = Self.shortName("_slipway_nn_\(op.table)_\(op.column)")
                            afterTriggers.append(MigrationStep(
                                "add CHECK (\(op.column) IS NOT NULL) on \(op.table) (NOT VALID)",
                                .transaction(
                                    statements: ["ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(notNullName)) CHECK (\(quoted) IS NOT NULL) NOT VALID"],
                                    accessExclusive: true), origin: origin,
                                undo: [MigrationStep(
                                    "drop the NOT NULL check of \(op.column) on \(op.table)",
                                    .transaction(
                                        statements: ["ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote(notNullName))"],
                                        accessExclusive: true), origin: origin)]))
                            validations.append(MigrationStep(
                                "validate constraint \(notNullName) on \(op.table) (SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                                .transaction(
                                    statements: ["ALTER TABLE \(table) VALIDATE CONSTRAINT \(PostgresIdentifier.quote(notNullName))"],
                                    accessExclusive: false), origin: origin))
                            completeSQL.append(MigrationStep(
                                "set \(op.column) NOT NULL on \(op.table) (the validated check makes this a catalog-only change)",
                                .transaction(
                                    statements: [
                                        "ALTER TABLE \(table) ALTER COLUMN \(quoted) SET NOT NULL",
                                        "ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote(notNullName))",
                                    ], accessExclusive: true), origin: origin))
                        }
                    }

                }
                switch located.operation {
                case .addColumn(let op): touchedTables.insert(op.table)
                case .dropColumn(let op): touchedTables.insert(op.table)
                case .renameColumn(let op): touchedTables.insert(op.table)
                case .createIndex(let op): touchedTables.insert(op.table)
                case .createTable(let op): touchedTables.insert(op.name)
                default: break
                }
            }
        }

        // Dual-write triggers, then the version schema, then backfills, validations and indexes.
        var start = expand
        for name in models.keys.sorted() {
            guard let model = models[name], !model.added.isEmpty || !model.dropped.isEmpty else { continue }
            let spec = TriggerSpec(
                schema: schema, table: name, versionSchema: versionSchema,
                functionName: Self.shortName("_slipway_dw_\(versionSchema)_\(name)"),
                triggerName: Self.shortName("_slipway_dw_\(versionSchema)"), added: model.added, dropped: model.dropped,
                renames: renamedByTable[name] ?? [:], hiddenFromNew: hiddenByTable[name] ?? [],
                marksRows: model.needsBackfill || tables[name]?.column(Self.needsBackfillColumn) != nil)
            start.append(MigrationStep(
                "install dual-write trigger on \(name)", .installTrigger(spec),
                undo: [MigrationStep(
                    "drop dual-write trigger on \(name)",
                    .transaction(statements: Self.dropTriggerSQL(spec), accessExclusive: false))]))
        }
        start += afterTriggers
        let schemaSpec = VersionSchemaSpec(
            schema: schema, versionSchema: versionSchema, renames: renamedByTable, hidden: hiddenByTable, hiddenTables: hiddenTables,
            added: addedByTable, renamedTables: renamedTables.isEmpty ? nil : renamedTables,
            replaced: replacedByTable.isEmpty ? nil : replacedByTable)
        start.append(MigrationStep(
            "create version schema \(versionSchema) with one view per table", .createVersionSchema(schemaSpec),
            undo: [MigrationStep(
                "drop version schema \(versionSchema)",
                .transaction(statements: ["DROP SCHEMA IF EXISTS \(PostgresIdentifier.quote(versionSchema)) CASCADE"], accessExclusive: false))]))
        for name in models.keys.sorted() {
            guard let model = models[name], model.needsBackfill, let info = tables[name] else { continue }
            // Without a primary key or UNIQUE NOT NULL key the backfill walks the heap by ctid page ranges.
            let key = info.backfillKey
            let types = key.map { column in info.column(column)?.type ?? "text" }
            // The file's `backfill:` settings win over the run's.
            let settings = model.backfillSettings
            let size = settings?.batchSize ?? batchSize
            let target = settings?.targetBatchMs ?? targetBatchMs
            start.append(MigrationStep(
                "backfill \(name)\(key.isEmpty ? " by ctid page ranges (no key)" : "") in batches of \(size)\(target > 0 ? " (adapting toward \(target) ms)" : "")",
                .backfill(BackfillSpec(
                    schema: schema, table: name, key: key, keyTypes: types, batchSize: size,
                    pauseMs: settings?.pauseBetweenBatchesMs ?? pauseMs, targetBatchMs: target,
                    minBatchSize: settings?.minBatchSize ?? min(minBatchSize, size),
                    maxBatchSize: settings?.maxBatchSize ?? max(maxBatchSize, size),
                    workers: settings?.workers, vacuumEveryBatches: settings?.vacuumEveryBatches,
                    maxReplicaLagMs: settings?.maxReplicaLagMs)),
                origin: model.backfillOrigin))
        }
        start += validations
        start += indexes

        // Complete: old version schema first (old clients are gone), then the contract.
        var complete: [MigrationStep] = []
        if let previousVersionSchema {
            complete.append(MigrationStep(
                "drop previous version schema \(previousVersionSchema)",
                .transaction(statements: ["DROP SCHEMA IF EXISTS \(PostgresIdentifier.quote(previousVersionSchema)) CASCADE"], accessExclusive: false)))
        }
        for name in models.keys.sorted() {
            guard let model = models[name], !model.added.isEmpty || !model.dropped.isEmpty else { continue }
            let spec = TriggerSpec(
                schema: schema, table: name, versionSchema: versionSchema,
                functionName: Self.shortName("_slipway_dw_\(versionSchema)_\(name)"),
                triggerName: Self.shortName("_slipway_dw_\(versionSchema)"), added: [], dropped: [], renames: [:],
                hiddenFromNew: [], marksRows: false)
            let dropColumns = model.dropped.map {
                "ALTER TABLE \(PostgresIdentifier.qualified(schema, name)) DROP COLUMN IF EXISTS \(PostgresIdentifier.quote($0.physical))"
            }
            let swap = swapByTable[name] ?? []
            complete.append(MigrationStep(
                "drop dual-write trigger on \(name)"
                    + (model.dropped.isEmpty ? "" : " and column\(model.dropped.count == 1 ? "" : "s") \(model.dropped.map(\.logical).joined(separator: ", "))")
                    + (swap.isEmpty ? "" : "; swap in the altered column\(replacedByTable[name]?.count == 1 ? "" : "s") with \(replacedByTable[name]?.count == 1 ? "its" : "their") indexes and constraints"),
                .transaction(statements: Self.dropTriggerSQL(spec) + dropColumns + swap, accessExclusive: true)))
        }
        complete += completeSQL
        for name in models.keys.sorted() {
            guard let model = models[name] else { continue }
            let table = PostgresIdentifier.qualified(schema, name)
            let swapped = Set((replacedByTable[name] ?? [:]).values)
            for column in model.columns where column.logical != column.physical && !swapped.contains(column.physical) {
                var statements = ["ALTER TABLE \(table) RENAME COLUMN \(PostgresIdentifier.quote(column.physical)) TO \(PostgresIdentifier.quote(column.logical))"]
                if indexedNewColumns.contains("\(name).\(column.physical)") {
                    statements.append(Self.renameIndexColumnsSQL(schema: schema, table: name, from: column.physical, to: column.logical))
                }
                complete.append(MigrationStep(
                    "rename column \(column.physical) to \(column.logical) on \(name)",
                    .transaction(statements: statements, accessExclusive: true)))
            }
            if model.needsBackfill {
                complete.append(MigrationStep(
                    "drop the backfill marker column of \(name)",
                    .transaction(
                        statements: ["ALTER TABLE \(table) DROP COLUMN IF EXISTS \(PostgresIdentifier.quote(Self.needsBackfillColumn))"],
                        accessExclusive: true)))
            }
        }
        // Table renames and drops last: the steps above name the tables as they are during start.
        complete += completeTableRenames
        complete += completeTableDrops
        complete += completeUser

        // Rollback also removes the backfill marker.
        for name in models.keys.sorted() where models[name]?.needsBackfill == true {
            if let first = start.firstIndex(where: { if case .transaction = $0.action { return $0.summary.contains(" to \(name) ") } else { return false } }) {
                start[first].undo.append(MigrationStep(
                    "drop the backfill marker column of \(name)",
                    .transaction(
                        statements: ["ALTER TABLE \(PostgresIdentifier.qualified(schema, name)) DROP COLUMN IF EXISTS \(PostgresIdentifier.quote(Self.needsBackfillColumn))"],
                        accessExclusive: true)))
            }
        }

        return VersionPlan(
            schema: schema, version: last.versionName, versionSchema: versionSchema,
            previousVersionSchema: previousVersionSchema, migrations: files.map(\.name), start: start, complete: complete,
            warnings: warnings)
    }

    /// `REFERENCES table (column) [MATCH …] [ON DELETE …] [ON UPDATE …] [DEFERRABLE] [INITIALLY DEFERRED]` of a
    /// column foreign key (create_table and add_column), with every option of the format.
    static func columnReferencesClause(
        _ references: ForeignKeyReference, schema: String, fail: (String) -> MigrationError
    ) throws -> String {
        var clause = "REFERENCES \(PostgresIdentifier.qualified(schema, references.table)) (\(PostgresIdentifier.quote(references.column)))"
        if let match = references.matchType {
            if match == .partial { throw fail("MATCH PARTIAL is not implemented by PostgreSQL") }
            clause += " MATCH \(match.rawValue)"
        }
        if let onDelete = references.onDelete { clause += " ON DELETE \(onDelete.rawValue)" }
        if let onUpdate = references.onUpdate { clause += " ON UPDATE \(onUpdate.rawValue)" }
        if references.deferrable == true { clause += " DEFERRABLE" }
        if references.initiallyDeferred == true { clause += " INITIALLY DEFERRED" }
        return clause
    }

    /// Renames the index columns named `from` of the table's indexes to `to`. PostgreSQL keeps an index
    /// column's name when the table column is renamed, so without this an index built on a column added by
    /// the version (unique, create_index, constraints) would keep the helper name `_slipway_new_…`, unlike
    /// the same index made by plain DDL. Catalog-only, on the indexes, in the rename's transaction.
    static func renameIndexColumnsSQL(schema: String, table: String, from: String, to: String) -> String {
        """
        DO $slipway$ DECLARE idx regclass; BEGIN
          FOR idx IN SELECT a.attrelid::regclass FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indexrelid
            WHERE i.indrelid = \(PostgresIdentifier.quoteLiteral(PostgresIdentifier.qualified(schema, table)))::regclass
              AND a.attname = \(PostgresIdentifier.quoteLiteral(from))
          LOOP
            EXECUTE format('ALTER TABLE %s RENAME COLUMN %I TO %I', idx, \(PostgresIdentifier.quoteLiteral(from)), \(PostgresIdentifier.quoteLiteral(to)));
          END LOOP;
        END $slipway$
        """
    }

    static func dropIndexStep(schema: String, name: String, origin: String?) -> MigrationStep {
        MigrationStep(
            "drop index \(name) concurrently",
            .concurrent(statement: "DROP INDEX CONCURRENTLY IF EXISTS \(PostgresIdentifier.qualified(schema, name))", index: nil),
            origin: origin)
    }

    static func dropTriggerSQL(_ spec: TriggerSpec) -> [String] {
        [
            "DROP TRIGGER IF EXISTS \(PostgresIdentifier.quote(spec.triggerName)) ON \(PostgresIdentifier.qualified(spec.schema, spec.table))",
            "DROP FUNCTION IF EXISTS \(PostgresIdentifier.qualified(spec.schema, spec.functionName))()",
        ]
    }

    /// Names longer than PostgreSQL's 63 bytes are shortened with a stable hash suffix.
    static func shortName(_ name: String) -> String {
        guard name.utf8.count > 63 else { return name }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let suffix = "_" + String(hash, radix: 16).prefix(10)
        var prefix = ""
        for character in name {
            if (prefix + String(character)).utf8.count + suffix.utf8.count > 63 { break }
            prefix.append(character)
        }
        return prefix + suffix
    }

    private func createTableSQL(_ op: CreateTableOperation, fail: (String, String?) -> MigrationError) throws -> [String] {
        let table = PostgresIdentifier.qualified(schema, op.name)
        var definitions: [String] = []
        var comments: [String] = []
        // Several `pk: true` columns make one composite primary key (a column-level PRIMARY KEY on each would be
        // "multiple primary keys").
        let primaryKey = op.columns.filter(\.pk).map(\.name)
        for column in op.columns {
            var definition = "\(PostgresIdentifier.quote(column.name)) \(column.type)"
            if let generated = column.generated {
                switch generated {
                case .expression(let expression): definition += " GENERATED ALWAYS AS (\(expression)) STORED"
                case .identity(let identity):
                    definition += " GENERATED \(identity.userSpecifiedValues?.rawValue ?? "BY DEFAULT") AS IDENTITY"
                    if let options = identity.sequenceOptions, !options.isEmpty { definition += " (\(options))" }
                }
            }
            if !column.nullable && !column.pk { definition += " NOT NULL" }
            if let defaultValue = column.default { definition += " DEFAULT \(defaultValue)" }
            if column.pk && primaryKey.count == 1 { definition += " PRIMARY KEY" }
            if column.unique { definition += " UNIQUE" }
            if let check = column.check {
                definition += " CONSTRAINT \(PostgresIdentifier.quote(check.name)) CHECK (\(check.constraint))\(check.noInherit ? " NO INHERIT" : "")"
            }
            if let references = column.references {
                let target = try Self.columnReferencesClause(references, schema: schema, fail: { fail($0, nil) })
                definition += " CONSTRAINT \(PostgresIdentifier.quote(references.name)) \(target)"
            }
            definitions.append(definition)
            if let comment = column.comment {
                comments.append("COMMENT ON COLUMN \(table).\(PostgresIdentifier.quote(column.name)) IS \(PostgresIdentifier.quoteLiteral(comment))")
            }
        }
        if primaryKey.count > 1 {
            definitions.append("PRIMARY KEY (\(primaryKey.map(PostgresIdentifier.quote).joined(separator: ", ")))")
        }
        for constraint in op.constraints {
            let columns = constraint.columns.map(PostgresIdentifier.quote).joined(separator: ", ")
            var definition = "CONSTRAINT \(PostgresIdentifier.quote(constraint.name)) "
            /// `INCLUDE (…) WITH (…) USING INDEX TABLESPACE …` of unique, primary key and exclusion constraints.
            func indexParameters() -> String {
                guard let parameters = constraint.indexParameters else { return "" }
                var text = ""
                if !parameters.includeColumns.isEmpty {
                    text += " INCLUDE (\(parameters.includeColumns.map(PostgresIdentifier.quote).joined(separator: ", ")))"
                }
                if let storage = parameters.storageParameters { text += " WITH (\(storage))" }
                if let tablespace = parameters.tablespace { text += " USING INDEX TABLESPACE \(PostgresIdentifier.quote(tablespace))" }
                return text
            }
            switch constraint.type {
            case .unique:
                definition += "UNIQUE\(constraint.nullsNotDistinct ? " NULLS NOT DISTINCT" : "") (\(columns))\(indexParameters())"
            case .primaryKey:
                definition += "PRIMARY KEY (\(columns))\(indexParameters())"
            case .check:
                guard let check = constraint.check else { throw fail("check constraint \"\(constraint.name)\" needs `check`", nil) }
                definition += "CHECK (\(check))\(constraint.noInherit ? " NO INHERIT" : "")"
            case .foreignKey:
                guard let references = constraint.references else {
                    throw fail("foreign key \"\(constraint.name)\" needs `references`", nil)
                }
                definition += "FOREIGN KEY (\(columns)) REFERENCES \(PostgresIdentifier.qualified(schema, references.table)) (\(references.columns.map(PostgresIdentifier.quote).joined(separator: ", ")))"
                if let match = references.matchType {
                    if match == .partial { throw fail("MATCH PARTIAL is not implemented by PostgreSQL", nil) }
                    definition += " MATCH \(match.rawValue)"
                }
                if let onDelete = references.onDelete {
                    definition += " ON DELETE \(onDelete.rawValue)"
                    if !references.onDeleteSetColumns.isEmpty {
                        definition += " (\(references.onDeleteSetColumns.map(PostgresIdentifier.quote).joined(separator: ", ")))"
                    }
                }
                if let onUpdate = references.onUpdate { definition += " ON UPDATE \(onUpdate.rawValue)" }
            case .exclude:
                guard let exclude = constraint.exclude, let elements = exclude.elements, !elements.isEmpty else {
                    throw fail("exclusion constraint \"\(constraint.name)\" needs `exclude.elements` (e.g. `room WITH =, during WITH &&`)", nil)
                }
                definition += "EXCLUDE"
                if let method = exclude.indexMethod { definition += " USING \(method)" }
                definition += " (\(elements))\(indexParameters())"
                if let predicate = exclude.predicate { definition += " WHERE (\(predicate))" }
            }
            if constraint.deferrable { definition += " DEFERRABLE" }
            if constraint.initiallyDeferred { definition += " INITIALLY DEFERRED" }
            definitions.append(definition)
        }
        var statements = ["CREATE TABLE \(table) (\n  " + definitions.joined(separator: ",\n  ") + "\n)"]
        if let comment = op.comment { statements.append("COMMENT ON TABLE \(table) IS \(PostgresIdentifier.quoteLiteral(comment))") }
        return statements + comments
    }
}
