import MigrationFormat
import PostgresClient

/// `create_constraint` of type `primary_key` on an existing table, without a long lock.
///
/// Plain `ALTER TABLE … ADD PRIMARY KEY` builds its index under a SHARE lock (writes wait for the whole build)
/// and, for nullable columns, scans the table for NULLs under ACCESS EXCLUSIVE. Instead:
/// - start: for every column not yet NOT NULL, `CHECK (column IS NOT NULL) NOT VALID` (after the dual-write
///   triggers) then `VALIDATE CONSTRAINT` (SHARE UPDATE EXCLUSIVE: reads and writes continue); the unique index
///   is built `CONCURRENTLY` under the constraint's name, so uniqueness holds for every writer from then on;
/// - complete, in one short transaction: `SET NOT NULL` (the validated check lets PostgreSQL skip the scan),
///   `ADD CONSTRAINT … PRIMARY KEY USING INDEX` (catalog only), then the helper checks are dropped;
/// - rollback: the index is dropped concurrently and the checks dropped.
///
/// On a partitioned table the index is built per leaf partition and the parent's constraint adopts the
/// leaves' primary keys at complete (see `VersionPlanner+Partitions.swift`).
extension VersionPlanner {
    func planPrimaryKey(
        _ op: CreateConstraintOperation, table: String, info: TableInfo, physical: (String) -> String?,
        relations: inout Set<String>, afterTriggers: inout [MigrationStep], validations: inout [MigrationStep],
        indexes: inout [MigrationStep], completeSQL: inout [MigrationStep], origin: String,
        fail: (String, String?) -> MigrationError
    ) throws {
        guard !op.columns.isEmpty else { throw fail("primary key \"\(op.name)\" needs `columns`", nil) }
        if let existing = info.constraints.first(where: { $0.type == "p" }) {
            throw fail(
                "table \"\(op.table)\" already has a primary key (\"\(existing.name)\")",
                "drop it first with drop_constraint in an earlier version, or make this a unique constraint")
        }
        guard !relations.contains(op.name) else {
            throw fail("a relation named \"\(op.name)\" already exists in schema \"\(schema)\" (the primary key's index takes its name)", nil)
        }
        relations.insert(op.name)
        let qualified = PostgresIdentifier.qualified(schema, table)
        let quotedName = PostgresIdentifier.quote(op.name)
        let columns = op.columns.compactMap(physical)
        let quotedColumns = columns.map(PostgresIdentifier.quote)
        var include = ""
        if let parameters = op.indexParameters, !parameters.includeColumns.isEmpty {
            let included = try parameters.includeColumns.map { column -> String in
                guard let name = physical(column) else { throw fail("column \"\(column)\" does not exist in table \"\(op.table)\"", nil) }
                return PostgresIdentifier.quote(name)
            }
            include = " INCLUDE (\(included.joined(separator: ", ")))"
        }

        // NOT NULL first, through validated checks, so SET NOT NULL at complete does not scan.
        var helperChecks: [String] = []
        var setNotNull: [String] = []
        for column in columns where !(info.column(column)?.notNull ?? false) {
            let check = Self.shortName("_slipway_nn_\(table)_\(column)")
            helperChecks.append(check)
            setNotNull.append("ALTER TABLE \(qualified) ALTER COLUMN \(PostgresIdentifier.quote(column)) SET NOT NULL")
            afterTriggers.append(MigrationStep(
                "add check \(column) IS NOT NULL on \(table) (NOT VALID; the primary key needs NOT NULL)",
                .transaction(
                    statements: ["ALTER TABLE \(qualified) ADD CONSTRAINT \(PostgresIdentifier.quote(check)) CHECK (\(PostgresIdentifier.quote(column)) IS NOT NULL) NOT VALID"],
                    accessExclusive: true), origin: origin,
                undo: [MigrationStep(
                    "drop check \(check) on \(table)",
                    .transaction(statements: ["ALTER TABLE \(qualified) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote(check))"], accessExclusive: true),
                    origin: origin)]))
            validations.append(MigrationStep(
                "validate constraint \(check) on \(table) (SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                .transaction(statements: ["ALTER TABLE \(qualified) VALIDATE CONSTRAINT \(PostgresIdentifier.quote(check))"], accessExclusive: false),
                origin: origin))
        }
        let dropChecks = helperChecks.map { "ALTER TABLE \(qualified) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote($0))" }

        if let partitioning = info.partitioning {
            if let problem = Self.partitionKeyProblem(partitioning, table: op.table, columns: columns) {
                throw fail(problem, "add the partition key columns to the primary key's `columns`")
            }
            guard op.indexParameters?.storageParameters == nil, op.indexParameters?.tablespace == nil else {
                throw fail("`index_parameters` storage parameters and tablespace are not supported on partitioned tables", nil)
            }
            let steps = Self.partitionedUniqueConstraintSteps(
                schema: schema, table: table, name: op.name, columns: quotedColumns,
                columnNames: op.columns + (op.indexParameters?.includeColumns ?? []), include: include,
                partitioning: partitioning, primaryKey: true, relations: &relations, origin: origin)
            indexes += steps.start
            if !setNotNull.isEmpty {
                completeSQL.append(MigrationStep(
                    "set the primary key columns of \(table) NOT NULL (validated checks make this catalog-only)",
                    .transaction(statements: setNotNull, accessExclusive: true), origin: origin))
            }
            completeSQL += steps.complete
            if !dropChecks.isEmpty {
                completeSQL.append(MigrationStep(
                    "drop the NOT NULL helper checks of \(table)", .transaction(statements: dropChecks, accessExclusive: true),
                    origin: origin))
            }
            return
        }

        var build = "CREATE UNIQUE INDEX CONCURRENTLY \(quotedName) ON \(qualified) (\(quotedColumns.joined(separator: ", ")))\(include)"
        if let storage = op.indexParameters?.storageParameters { build += " WITH (\(storage))" }
        if let tablespace = op.indexParameters?.tablespace { build += " TABLESPACE \(PostgresIdentifier.quote(tablespace))" }
        indexes.append(MigrationStep(
            "build unique index \(op.name) on \(table) concurrently (for the primary key)",
            .concurrent(statement: build, index: QualifiedName(schema, op.name)), origin: origin,
            undo: [Self.dropIndexStep(schema: schema, name: op.name, origin: origin)]))
        // Separate statements: SET NOT NULL must find the validated checks before they are dropped.
        completeSQL.append(MigrationStep(
            "add primary key \(op.name) to \(table) using its index (catalog only)",
            .transaction(
                statements: setNotNull
                    + ["ALTER TABLE \(qualified) ADD CONSTRAINT \(quotedName) PRIMARY KEY USING INDEX \(quotedName)"]
                    + dropChecks,
                accessExclusive: true), origin: origin))
    }
}
