import PostgresClient

/// SQL that depends on the catalog at the moment a step runs: version-schema views and dual-write triggers.
enum RuntimeSQL {
    /// `CREATE SCHEMA` + one view per table mapping logical to physical columns + grants.
    static func versionSchema(_ spec: VersionSchemaSpec, connection: PostgresConnection) async throws -> [String] {
        let tables = try await TableCatalog.tables(in: spec.schema, connection: connection)
        let serverVersion = connection.serverVersion
        let versionSchema = PostgresIdentifier.quote(spec.versionSchema)
        var statements = [
            "DROP SCHEMA IF EXISTS \(versionSchema) CASCADE",
            "CREATE SCHEMA \(versionSchema)",
            "COMMENT ON SCHEMA \(versionSchema) IS \(PostgresIdentifier.quoteLiteral("Slipway version schema of \(spec.schema): set search_path to \(spec.versionSchema) to use this version"))",
        ]
        statements += try await TableCatalog.schemaUsageGrants(schema: spec.schema, target: spec.versionSchema, connection: connection)
        for name in tables.keys.sorted() where !spec.hiddenTables.contains(name) {
            guard let table = tables[name] else { continue }
            if table.rowSecurity && serverVersion < 150000 {
                throw MigrationError(
                    .invalidMigration,
                    "table \"\(name)\" uses row-level security; on PostgreSQL < 15 version views run as their owner and would bypass it",
                    hint: "upgrade to PostgreSQL 15+ (views with security_invoker)")
            }
            let hidden = Set(spec.hidden[name] ?? [])
            let renames = spec.renames[name] ?? [:]
            let added = spec.added[name] ?? [:]
            // alter_column copies take the place of the column they replace, so the view keeps its column order.
            let replaced = spec.replaced?[name] ?? [:]
            let replacements = Set(replaced.values)
            var selectList: [String] = []
            for column in table.columns {
                var physical = column.name
                if let replacement = replaced[physical], table.column(replacement) != nil {
                    physical = replacement
                } else if replacements.contains(physical) {
                    continue
                }
                if hidden.contains(physical) { continue }
                let logical: String
                if let addedName = added[physical] {
                    logical = addedName
                } else if physical.hasPrefix("_slipway_") {
                    continue
                } else {
                    logical = renames[physical] ?? physical
                }
                selectList.append(
                    logical == physical
                        ? PostgresIdentifier.quote(physical)
                        : "\(PostgresIdentifier.quote(physical)) AS \(PostgresIdentifier.quote(logical))")
            }
            guard !selectList.isEmpty else { continue }
            let view = PostgresIdentifier.qualified(spec.versionSchema, spec.renamedTables?[name] ?? name)
            let options = serverVersion >= 150000 ? " WITH (security_invoker = true)" : ""
            statements.append(
                "CREATE VIEW \(view)\(options) AS SELECT \(selectList.joined(separator: ", ")) FROM \(PostgresIdentifier.qualified(spec.schema, name))")
            statements += try await TableCatalog.grantStatements(schema: spec.schema, table: name, target: view, connection: connection)
        }
        return statements
    }

    /// The dual-write trigger function and trigger of one table.
    static func trigger(_ spec: TriggerSpec, connection: PostgresConnection) async throws -> [String] {
        let tables = try await TableCatalog.tables(in: spec.schema, connection: connection)
        guard let table = tables[spec.table] else {
            throw MigrationError(.execution, "table \"\(spec.table)\" disappeared while the migration ran")
        }
        let qualified = PostgresIdentifier.qualified(spec.schema, spec.table)
        func declaration(_ variable: String, _ physical: String) -> String {
            "\(PostgresIdentifier.quote(variable)) \(qualified).\(PostgresIdentifier.quote(physical))%TYPE := NEW.\(PostgresIdentifier.quote(physical));"
        }
        let addedPhysical = Set(spec.added.map(\.physical))
        let droppedPhysical = Set(spec.dropped.map(\.physical))
        let hidden = Set(spec.hiddenFromNew).union(droppedPhysical)

        // Old clients see the physical columns as they were: everything but Slipway's own columns.
        let oldColumns = table.columns.map(\.name).filter { !$0.hasPrefix("_slipway_") }
        // `up` names columns by their logical names (the format), so a column renamed in this version is also
        // known under its new name, unless that name is another column's old one.
        let oldVariables = oldColumns.map { ($0, $0) }
            + spec.renames.sorted { $0.key < $1.key }.compactMap { physical, logical -> (String, String)? in
                oldColumns.contains(physical) && !oldColumns.contains(logical) ? (logical, physical) : nil
            }
        // New clients see renamed, added and remaining columns under their logical names.
        var newColumns: [(variable: String, physical: String)] = []
        for column in table.columns.map(\.name) {
            if hidden.contains(column) { continue }
            if addedPhysical.contains(column) {
                if let added = spec.added.first(where: { $0.physical == column }) { newColumns.append((added.logical, column)) }
                continue
            }
            if column.hasPrefix("_slipway_") { continue }
            newColumns.append((spec.renames[column] ?? column, column))
        }

        /// `NEW.target := (expression);`, guarded for alter_column copies: only on INSERT, for rows the backfill
        /// has not reached, or when a column the expression reads (`sources`, as physical names) changed.
        func assignment(_ computed: ComputedColumn, _ expression: String, sources: [(String, String)]) -> String {
            let target = "NEW.\(PostgresIdentifier.quote(computed.physical)) := (\(expression));"
            guard computed.onlyWhenSourcesChange == true else { return target }
            var conditions = ["TG_OP = 'INSERT'"]
            if spec.marksRows { conditions.append("OLD.\(PostgresIdentifier.quote(VersionPlanner.needsBackfillColumn))") }
            let read = sources.filter { ColumnRenamer.references(expression, column: $0.0) }.map { PostgresIdentifier.quote($0.1) }
            if !read.isEmpty {
                conditions.append(
                    "ROW(\(read.map { "NEW.\($0)" }.joined(separator: ", ")), NULL) IS DISTINCT FROM ROW(\(read.map { "OLD.\($0)" }.joined(separator: ", ")), NULL)")
            }
            return "IF \(conditions.joined(separator: " OR ")) THEN \(target) END IF;"
        }
        var newBranch: [String] = []
        for dropped in spec.dropped {
            guard let expression = dropped.expression else { continue }
            newBranch.append(assignment(dropped, expression, sources: newColumns))
        }
        var oldBranch: [String] = []
        for added in spec.added {
            guard let expression = added.expression else { continue }
            oldBranch.append(assignment(added, expression, sources: oldColumns.map { ($0, $0) }))
        }
        func block(_ columns: [(String, String)], _ body: [String]) -> String {
            guard !body.isEmpty else { return "      NULL;" }
            // Only the columns the expressions use become variables: each one costs a copy per row.
            let text = body.joined(separator: "\n")
            let used = columns.filter { ColumnRenamer.references(text, column: $0.0) }
            guard !used.isEmpty else { return "      " + body.joined(separator: "\n      ") }
            let declarations = used.map { "        " + declaration($0.0, $0.1) }.joined(separator: "\n")
            return "      DECLARE\n\(declarations)\n      BEGIN\n        \(body.joined(separator: "\n        "))\n      END;"
        }
        let marker = spec.marksRows ? "  NEW.\(PostgresIdentifier.quote(VersionPlanner.needsBackfillColumn)) := false;\n" : ""
        // A new-version UPDATE of a row the backfill has not reached that leaves an added column as it was
        // (the client did not write it) still gets the `up` value, which the backfill will no longer compute.
        var pending: [String] = []
        if spec.marksRows {
            for added in spec.added {
                guard let expression = added.expression else { continue }
                let column = PostgresIdentifier.quote(added.physical)
                pending.append("IF NEW.\(column) IS NOT DISTINCT FROM OLD.\(column) THEN NEW.\(column) := (\(expression)); END IF;")
            }
        }
        // Pending `up` values first: a `down` of the same row (an alter_column copy) reads them.
        var newBlock = ""
        if !pending.isEmpty {
            let computeOld = block(oldVariables, pending).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            newBlock += """
                  IF TG_OP = 'UPDATE' THEN
                    IF OLD.\(PostgresIdentifier.quote(VersionPlanner.needsBackfillColumn)) THEN
                \(computeOld)
                    END IF;
                  END IF;

                """
        }
        newBlock += block(newColumns, newBranch)
        let function = PostgresIdentifier.qualified(spec.schema, spec.functionName)
        let body = """
            CREATE OR REPLACE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $slipway$
            #variable_conflict use_column
            -- Slipway dual-write trigger of \(spec.table) for version \(spec.versionSchema).
            -- New-version writers are recognised once per row: slipway.version, else the first schema of search_path.
            DECLARE
              slipway_writer text := coalesce(nullif(current_setting('slipway.version', true), ''), current_schema(), '');
            BEGIN
              IF slipway_writer = \(PostgresIdentifier.quoteLiteral(spec.versionSchema)) THEN
            \(newBlock)
              ELSE
            \(block(oldVariables, oldBranch))
              END IF;
            \(marker)  RETURN NEW;
            END
            $slipway$
            """
        return [
            body,
            "DROP TRIGGER IF EXISTS \(PostgresIdentifier.quote(spec.triggerName)) ON \(qualified)",
            "CREATE TRIGGER \(PostgresIdentifier.quote(spec.triggerName)) BEFORE INSERT OR UPDATE ON \(qualified) FOR EACH ROW EXECUTE FUNCTION \(function)()",
        ]
    }
}
