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

        for file in files {
            for located in file.operations {
                let origin = "\(located.location.file):\(located.location.line) \(located.keyPath)"
                func fail(_ message: String, hint: String? = nil) -> MigrationError {
                    MigrationError(.invalidMigration, message, origin: origin, hint: hint)
                }
                func existing(_ table: String) throws -> TableModel {
                    guard let model = models[table] else {
                        throw fail(
                            "table \"\(table)\" does not exist in schema \"\(schema)\"",
                            hint: models.isEmpty ? nil : "existing tables: \(models.keys.sorted().prefix(10).joined(separator: ", "))")
                    }
                    return model
                }
                let qualifiedTable = { (table: String) in PostgresIdentifier.qualified(schema, table) }

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
                        var sql = "ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(name)) FOREIGN KEY (\(PostgresIdentifier.quote(physical))) REFERENCES \(qualifiedTable(references.table)) (\(PostgresIdentifier.quote(references.column)))"
                        if let onDelete = references.onDelete { sql += " ON DELETE \(onDelete.rawValue)" }
                        if let onUpdate = references.onUpdate { sql += " ON UPDATE \(onUpdate.rawValue)" }
                        sql += " NOT VALID"
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
                    if column.unique {
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
                    var sql = "CREATE \(op.unique ? "UNIQUE " : "")INDEX CONCURRENTLY \(PostgresIdentifier.quote(op.name)) ON \(qualifiedTable(op.table))"
                    if let method = op.method { sql += " USING \(method.rawValue)" }
                    sql += " (\(parts.joined(separator: ", ")))"
                    if let storage = op.storageParameters { sql += " WITH (\(storage))" }
                    if let predicate = op.predicate { sql += " WHERE \(ColumnRenamer.rewrite(predicate, renames: renames))" }
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

                default:
                    throw fail(
                        "operation `\(located.operation.kind.rawValue)` is not supported by this build yet",
                        hint: "supported now: create_table, add_column, drop_column, rename_column, create_index, sql")
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
            schema: schema, versionSchema: versionSchema, renames: renamedByTable, hidden: hiddenByTable, hiddenTables: [],
            added: addedByTable)
        start.append(MigrationStep(
            "create version schema \(versionSchema) with one view per table", .createVersionSchema(schemaSpec),
            undo: [MigrationStep(
                "drop version schema \(versionSchema)",
                .transaction(statements: ["DROP SCHEMA IF EXISTS \(PostgresIdentifier.quote(versionSchema)) CASCADE"], accessExclusive: false))]))
        for name in models.keys.sorted() {
            guard let model = models[name], model.needsBackfill, let info = tables[name] else { continue }
            let key = info.backfillKey
            guard !key.isEmpty else {
                throw MigrationError(
                    .invalidMigration,
                    "table \"\(name)\" has no primary key or UNIQUE NOT NULL key, which the backfill walks",
                    origin: model.backfillOrigin, hint: "add a primary key first")
            }
            let types = key.map { column in info.column(column)?.type ?? "text" }
            // The file's `backfill:` settings win over the run's.
            let settings = model.backfillSettings
            let size = settings?.batchSize ?? batchSize
            let target = settings?.targetBatchMs ?? targetBatchMs
            start.append(MigrationStep(
                "backfill \(name) in batches of \(size)\(target > 0 ? " (adapting toward \(target) ms)" : "")",
                .backfill(BackfillSpec(
                    schema: schema, table: name, key: key, keyTypes: types, batchSize: size,
                    pauseMs: settings?.pauseBetweenBatchesMs ?? pauseMs, targetBatchMs: target,
                    minBatchSize: settings?.minBatchSize ?? min(minBatchSize, size),
                    maxBatchSize: settings?.maxBatchSize ?? max(maxBatchSize, size))),
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
            complete.append(MigrationStep(
                "drop dual-write trigger on \(name)"
                    + (model.dropped.isEmpty ? "" : " and column\(model.dropped.count == 1 ? "" : "s") \(model.dropped.map(\.logical).joined(separator: ", "))"),
                .transaction(statements: Self.dropTriggerSQL(spec) + dropColumns, accessExclusive: true)))
        }
        complete += completeSQL
        for name in models.keys.sorted() {
            guard let model = models[name] else { continue }
            let table = PostgresIdentifier.qualified(schema, name)
            for column in model.columns where column.logical != column.physical {
                complete.append(MigrationStep(
                    "rename column \(column.physical) to \(column.logical) on \(name)",
                    .transaction(
                        statements: ["ALTER TABLE \(table) RENAME COLUMN \(PostgresIdentifier.quote(column.physical)) TO \(PostgresIdentifier.quote(column.logical))"],
                        accessExclusive: true)))
            }
            if model.needsBackfill {
                complete.append(MigrationStep(
                    "drop the backfill marker column of \(name)",
                    .transaction(
                        statements: ["ALTER TABLE \(table) DROP COLUMN IF EXISTS \(PostgresIdentifier.quote(Self.needsBackfillColumn))"],
                        accessExclusive: true)))
            }
        }
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
            if column.pk { definition += " PRIMARY KEY" }
            if column.unique { definition += " UNIQUE" }
            if let check = column.check {
                definition += " CONSTRAINT \(PostgresIdentifier.quote(check.name)) CHECK (\(check.constraint))\(check.noInherit ? " NO INHERIT" : "")"
            }
            if let references = column.references {
                definition += " CONSTRAINT \(PostgresIdentifier.quote(references.name)) REFERENCES \(PostgresIdentifier.qualified(schema, references.table)) (\(PostgresIdentifier.quote(references.column)))"
                if let onDelete = references.onDelete { definition += " ON DELETE \(onDelete.rawValue)" }
                if let onUpdate = references.onUpdate { definition += " ON UPDATE \(onUpdate.rawValue)" }
            }
            definitions.append(definition)
            if let comment = column.comment {
                comments.append("COMMENT ON COLUMN \(table).\(PostgresIdentifier.quote(column.name)) IS \(PostgresIdentifier.quoteLiteral(comment))")
            }
        }
        for constraint in op.constraints {
            let columns = constraint.columns.map(PostgresIdentifier.quote).joined(separator: ", ")
            var definition = "CONSTRAINT \(PostgresIdentifier.quote(constraint.name)) "
            switch constraint.type {
            case .unique:
                definition += "UNIQUE\(constraint.nullsNotDistinct ? " NULLS NOT DISTINCT" : "") (\(columns))"
            case .primaryKey:
                definition += "PRIMARY KEY (\(columns))"
            case .check:
                guard let check = constraint.check else { throw fail("check constraint \"\(constraint.name)\" needs `check`", nil) }
                definition += "CHECK (\(check))\(constraint.noInherit ? " NO INHERIT" : "")"
            case .foreignKey:
                guard let references = constraint.references else {
                    throw fail("foreign key \"\(constraint.name)\" needs `references`", nil)
                }
                definition += "FOREIGN KEY (\(columns)) REFERENCES \(PostgresIdentifier.qualified(schema, references.table)) (\(references.columns.map(PostgresIdentifier.quote).joined(separator: ", ")))"
                if let onDelete = references.onDelete { definition += " ON DELETE \(onDelete.rawValue)" }
                if let onUpdate = references.onUpdate { definition += " ON UPDATE \(onUpdate.rawValue)" }
            default:
                throw fail("table constraints of type `\(constraint.type.rawValue)` are not supported by this build yet", nil)
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
